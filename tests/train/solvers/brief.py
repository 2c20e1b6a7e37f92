"""Solvers that need only the brief and the selector extractor (darkrange.extract)."""

from __future__ import annotations

from darkrange.extract import find_selectors


def opsec_setup(brief: str) -> dict[str, str]:
    """Knowledge questions answered as a trainee would; the addresses checked by checksum."""
    valid = sorted(
        {s.normalized for s in find_selectors(brief) if s.kind == "onion_v3" and s.valid}
    )
    return {
        "proxy-url": "socks5h://127.0.0.1:9050",
        "onion-length": "56",
        "persona": "a separate research persona in an isolated browser profile",
        "valid-onions": ",".join(valid),
    }


def quiz(eid: str) -> dict[str, str]:
    """The static quiz answers of the other exercises (course knowledge, not world truth)."""
    return {
        "legal-request": {"basis-first": "the recorded legal basis and a case reference"},
        "evidence": {
            "tampered": "treat the package as altered, keep it, and recapture from the source",
            "digest": "SHA-256",
        },
        "sharing": {"tlp": "TLP:AMBER+STRICT"},
        "interagency": {
            "evidence-rule": "a WARC capture with hashes, a verified package and its custody log"
        },
    }.get(eid, {})
