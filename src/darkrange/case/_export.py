"""The audit log exported for a supervisory authority (R1): JSON, signed with ed25519.

The document holds every entry with its hash and the chain head; the signature covers the
canonical JSON of everything but itself. An optional RFC 3161 token from a time-stamping
authority covers the signed document (everything but the token), so the export provably existed
at that time. `verify_export` checks the token when present, the signature against a trusted key
and re-walks the chain; a partial export (one case) re-hashes each entry alone.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from darkrange.case._access import Actor, require
from darkrange.case._audit import audit_fields, entries, record, verify_audit
from darkrange.case._chain import ChainVerdict, Link, canonical, link_hash, stamp, verify_links
from darkrange.case._schema_log import ChainHead
from darkrange.errors import FormatError, InputError, StateError

FORMAT = "darkrange-audit-export/1"


def _key_b64(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _imprint(doc: dict[str, Any]) -> bytes:
    return hashlib.sha256(canonical(doc)).digest()


def _timestamp(doc: dict[str, Any], stamper: Callable[[bytes], bytes]) -> dict[str, str]:
    from darkrange.collect.evidence import verify_token

    token = stamper(_imprint(doc))
    stamp = verify_token(token, _imprint(doc))
    return {
        "rfc3161": base64.b64encode(token).decode("ascii"),
        "time": stamp.time.isoformat(),
        "authority": stamp.authority,
    }


def export_audit(
    actor: Actor,
    key: Ed25519PrivateKey,
    out: Path,
    case_id: int | None = None,
    stamper: Callable[[bytes], bytes] | None = None,
) -> dict[str, Any]:
    """Write the signed export; refuses to export a chain that does not verify.

    `stamper` (such as `lambda h: request_timestamp(url, h)`) returns an RFC 3161 token for a
    SHA-256 imprint; it is asked after signing, so the token covers the signature too.
    """
    from darkrange.collect.evidence import fingerprint

    require(actor, "audit.export")
    out = Path(out)
    if out.exists():
        raise StateError(f"{out} exists; not overwriting")
    verdict = verify_audit(actor.session)
    if not verdict.ok:
        raise StateError(f"audit log does not verify ({verdict}); export refused")
    head = actor.session.get(ChainHead, "audit")
    assert head is not None
    rows = entries(actor.session, case_id)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": stamp(actor.now()),
        "exported_by": actor.name,
        "scope": "all" if case_id is None else f"case:{case_id}",
        "head": {"seq": head.seq, "hash": head.hash},
        "entries": [dict(audit_fields(r), hash=r.hash) for r in rows],
    }
    public = key.public_key()
    doc["signature"] = {
        "algorithm": "ed25519",
        "publicKey": _key_b64(public),
        "fingerprint": fingerprint(public),
        "value": base64.b64encode(key.sign(canonical(doc))).decode("ascii"),
    }
    if stamper is not None:
        doc["timestamp"] = _timestamp(doc, stamper)
    out.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    record(
        actor,
        "disclosure",
        case_id,
        "audit-log",
        f"signed export to {out.name}",
        ["supervisory authority"],
    )
    return doc


def _check_timestamp(path: Path, doc: dict[str, Any], timestamp: Any) -> None:
    from darkrange.collect.evidence import verify_token

    try:
        token = base64.b64decode(timestamp["rfc3161"], validate=True)
        verify_token(token, _imprint(doc))
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(f"{path}: the RFC 3161 timestamp does not match ({exc})") from None


def verify_export(path: Path, trusted: Ed25519PublicKey) -> ChainVerdict:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        timestamp = doc.pop("timestamp", None)
        if timestamp is not None:
            _check_timestamp(path, doc, timestamp)
        signature = doc.pop("signature")
        value = base64.b64decode(signature["value"], validate=True)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (ValueError, KeyError, TypeError):
        raise FormatError(f"{path}: not a signed darkrange audit export") from None
    if doc.get("format") != FORMAT:
        raise FormatError(f"{path}: format {doc.get('format')!r}, expected {FORMAT}")
    try:
        trusted.verify(value, canonical(doc))
    except InvalidSignature:
        raise FormatError(f"{path}: signature does not verify with the trusted key") from None
    links = [
        Link(e["seq"], {k: v for k, v in e.items() if k != "hash"}, e["hash"])
        for e in doc["entries"]
    ]
    if doc["scope"] == "all":
        return verify_links(links, doc["head"]["seq"], doc["head"]["hash"])
    for link in links:
        if link_hash(link.fields) != link.hash:
            return ChainVerdict(len(links), link.seq, "entry was edited: its hash does not match")
    return ChainVerdict(len(links))
