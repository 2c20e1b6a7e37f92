"""Armored OpenPGP public keys: v4 and v6, every algorithm family, damaged blocks."""

from __future__ import annotations

import pytest

from darkrange.extract import find_selectors
from darkrange.formats import crc24
from tests.extract.conftest import only

pysequoia = pytest.importorskip("pysequoia")


def _armored(
    profile: object, suite: object, uid: str = "Vendor <vendor@example.org>"
) -> tuple[str, str]:
    cert = pysequoia.Tsk.generate(uid, profile=profile, cipher_suite=suite).extract_certificate()
    return str(cert), cert.fingerprint.upper()


@pytest.mark.parametrize(
    ("profile", "suite", "version", "algorithm", "curve"),
    [
        ("RFC4880", "Cv25519", 4, "EdDSA (legacy)", "ed25519"),
        ("RFC4880", "P256", 4, "ECDSA", "nistp256"),
        ("RFC4880", "P384", 4, "ECDSA", "nistp384"),
        ("RFC9580", "Cv25519", 6, "Ed25519", "ed25519"),
        ("RFC9580", "Cv448", 6, "Ed448", "ed448"),
    ],
)
def test_generated_keys_match_sequoia(
    profile: str, suite: str, version: int, algorithm: str, curve: str
) -> None:
    armored, fingerprint = _armored(
        getattr(pysequoia.Profile, profile), getattr(pysequoia.CipherSuite, suite)
    )
    (key,) = only(f"<pre>{armored}</pre>", "pgp_key")
    assert key.valid and key.normalized == fingerprint and key.value == fingerprint
    assert key.extra["version"] == version and key.extra["algorithm"] == algorithm
    assert key.extra["curve"] == curve and key.extra["user_ids"] == ["Vendor <vendor@example.org>"]
    assert len(key.extra["subkeys"]) == 2  # type: ignore[arg-type]
    assert str(key.extra["created"]).endswith("Z")
    assert key.extra["key_id"] == (fingerprint[-16:] if version == 4 else fingerprint[:16])
    # the user id holds an e-mail address: it is reported too, inside the block
    assert not [s for s in find_selectors(armored) if s.kind == "pgp_key" and not s.valid]


def test_html_wrapped_armor() -> None:
    armored, fingerprint = _armored(pysequoia.Profile.RFC4880, pysequoia.CipherSuite.Cv25519)
    html = armored.replace("\n", "<br />\n").replace("+", "&#43;")
    (key,) = only(f"<div class='pgp'>{html}</div>", "pgp_key")
    assert key.valid and key.normalized == fingerprint
    joined = armored.replace("\n\n", "\n\n", 1)
    head, _, rest = joined.partition("\n\n")
    one_line = head + "\n\n" + "".join(rest.splitlines()[:-1]) + "\n" + rest.splitlines()[-1]
    (flat,) = only(one_line, "pgp_key")
    assert flat.valid and flat.normalized == fingerprint


def test_damaged_blocks_are_invalid_with_reason() -> None:
    armored, _ = _armored(pysequoia.Profile.RFC4880, pysequoia.CipherSuite.Cv25519)
    lines = armored.splitlines()
    crc_line = next(i for i, line in enumerate(lines) if line.startswith("="))
    altered = list(lines)
    data_line = crc_line - 2
    altered[data_line] = altered[data_line][:-4] + (
        "AAAA" if altered[data_line][-4:] != "AAAA" else "BBBB"
    )
    (key,) = only("\n".join(altered), "pgp_key")
    assert not key.valid and "CRC-24" in key.reason
    truncated = "\n".join(lines[: len(lines) // 2])
    (cut,) = only(truncated, "pgp_key")
    assert not cut.valid and "END" in cut.reason
    garbage = (
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot*base64\n-----END PGP PUBLIC KEY BLOCK-----"
    )
    (junk,) = only(garbage, "pgp_key")
    assert not junk.valid and "base64" in junk.reason
    (non_ascii,) = only(garbage.replace("not*base64", "\x80é"), "pgp_key")
    assert not non_ascii.valid and "base64" in non_ascii.reason


def test_crc24_reference_value() -> None:
    # RFC 4880's CRC-24 of no data is its initial value; of "123456789" the catalogued 0x21CF02
    assert crc24(b"") == 0xB704CE
    assert crc24(b"123456789") == 0x21CF02
