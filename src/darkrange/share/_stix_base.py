"""Shared pieces of the STIX 2.1 writer and reader: ids, timestamps, custom observables."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

# darkrange's own namespace for deterministic ids (uuid5), fixed forever.
DARKRANGE_NS = uuid.UUID("6f1c4f0e-5a8e-4b59-9d55-3f2f6a3d1c11")
# STIX 2.1's namespace for SCO ids (spec section 2.9).
SCO_NS = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
FIXED_CREATED = "2024-01-01T00:00:00.000Z"  # for darkrange's own constant objects


def _fixed_id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(DARKRANGE_NS, f'{kind}/{key}')}"


DARKRANGE_IDENTITY_ID = _fixed_id("identity", "darkrange")
WALLET_EXT_ID = _fixed_id("extension-definition", "cryptocurrency-wallet")
TX_EXT_ID = _fixed_id("extension-definition", "cryptocurrency-transaction")
SELECTOR_EXT_ID = _fixed_id("extension-definition", "darkrange-selector")
PROPERTIES_EXT_ID = _fixed_id("extension-definition", "darkrange-properties")
# The top-level properties darkrange adds to STIX objects (declared by PROPERTIES_EXT_ID).
DARKRANGE_PROPERTIES = (
    "x_darkrange_account",
    "x_darkrange_case",
    "x_darkrange_custody",
    "x_darkrange_evaluation",
    "x_darkrange_evidence",
    "x_darkrange_identity",
    "x_darkrange_listing",
    "x_darkrange_methods",
    "x_darkrange_note",
    "x_darkrange_person",
    "x_darkrange_relation",
    "x_darkrange_selector",
    "x_darkrange_site",
    "x_darkrange_trace",
    "x_darkrange_wallet",
)
CUSTOM_SCOS = {
    "cryptocurrency-wallet": WALLET_EXT_ID,
    "cryptocurrency-transaction": TX_EXT_ID,
    "darkrange-selector": SELECTOR_EXT_ID,
}
_CUSTOM_DESCRIPTIONS = {
    "cryptocurrency-wallet": (
        "A cryptocurrency address as an observable; property `value` holds the address "
        "(the form OpenCTI reads)."
    ),
    "cryptocurrency-transaction": (
        "A cryptocurrency transaction as an observable; property `value` holds its id (txid)."
    ),
    "darkrange-selector": (
        "A selector with no STIX observable of its own (a PGP fingerprint, a phone number, "
        "a messenger handle); properties `kind` and `value`."
    ),
}
# Properties that make an SCO's id (STIX 2.1 section 2.9 and the custom ones above).
SCO_ID_PROPERTIES = {
    "domain-name": ("value",),
    "url": ("value",),
    "email-addr": ("value",),
    "user-account": ("account_type", "user_id", "account_login"),
    "cryptocurrency-wallet": ("value",),
    "cryptocurrency-transaction": ("value",),
    "darkrange-selector": ("kind", "value"),
}
# Selector kinds -> the observable that carries them.
SELECTOR_SCO = {
    "onion": "domain-name",
    "domain": "domain-name",
    "url": "url",
    "email": "email-addr",
}
CRYPTO_KINDS = ("btc", "bitcoin", "eth", "ethereum", "xmr", "monero", "ltc", "litecoin")
HANDLING_MARKING_IDS = {
    code: _fixed_id("marking-definition", f"handling/{code}") for code in ("H0", "H1", "H2", "H3")
}


def sco_type(kind: str) -> str:
    if kind.lower() in CRYPTO_KINDS:
        return "cryptocurrency-wallet"
    return SELECTOR_SCO.get(kind.lower(), "darkrange-selector")


def sco_id(kind: str, props: dict[str, Any]) -> str:
    """A SCO id as STIX 2.1 asks: uuid5 over the canonical JSON of its id properties."""
    keys = SCO_ID_PROPERTIES[kind]
    picked = {k: props[k] for k in keys if k in props}
    canonical = json.dumps(picked, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{kind}--{uuid.uuid5(SCO_NS, canonical)}"


def timestamp(value: datetime) -> str:
    """STIX timestamp: UTC, millisecond precision, `Z`."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_timestamp(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.utcoffset() is not None else parsed.replace(tzinfo=UTC)


def pattern_literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def custom_sco_definitions(clear_marking: str) -> list[dict[str, Any]]:
    """darkrange's identity and the extension-definitions of its custom observables (S2)."""
    objects: list[dict[str, Any]] = [
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": DARKRANGE_IDENTITY_ID,
            "created": FIXED_CREATED,
            "modified": FIXED_CREATED,
            "name": "darkrange",
            "description": "The darkrange project, author of darkrange's STIX extensions.",
            "identity_class": "system",
            "object_marking_refs": [clear_marking],
        }
    ]
    for name, ext_id in CUSTOM_SCOS.items():
        objects.append(
            {
                "type": "extension-definition",
                "spec_version": "2.1",
                "id": ext_id,
                "created": FIXED_CREATED,
                "modified": FIXED_CREATED,
                "created_by_ref": DARKRANGE_IDENTITY_ID,
                "name": name,
                "description": _CUSTOM_DESCRIPTIONS[name],
                "schema": f"darkrange docs/formats/exports.md, section {name}",
                "version": "1.0.0",
                "extension_types": ["new-sco"],
                "object_marking_refs": [clear_marking],
            }
        )
    objects.append(
        {
            "type": "extension-definition",
            "spec_version": "2.1",
            "id": PROPERTIES_EXT_ID,
            "created": FIXED_CREATED,
            "modified": FIXED_CREATED,
            "created_by_ref": DARKRANGE_IDENTITY_ID,
            "name": "darkrange case properties",
            "description": (
                "Case data darkrange carries on STIX objects so that a case survives the round "
                "trip: Europol evaluation on every item, data-subject categories, "
                "pseudonymisation, identity evidence, custody and evidence packages."
            ),
            "schema": "darkrange docs/formats/exports.md, section darkrange-properties",
            "version": "1.0.0",
            "extension_types": ["property-extension", "toplevel-property-extension"],
            "extension_properties": list(DARKRANGE_PROPERTIES),
            "object_marking_refs": [clear_marking],
        }
    )
    return objects


def with_properties_extension(obj: dict[str, Any]) -> None:
    """Declare darkrange's properties on an object that carries any.

    Domain objects carry them at top level (toplevel-property-extension); observables, for
    which STIX wants a property-extension, carry them inside the extension.
    """
    names = [k for k in obj if k.startswith("x_darkrange_")]
    if not names:
        return
    extensions = obj.setdefault("extensions", {})
    if obj["type"] in SCO_ID_PROPERTIES:
        inner = {k: obj.pop(k) for k in names}
        extensions[PROPERTIES_EXT_ID] = {"extension_type": "property-extension", **inner}
    else:
        extensions[PROPERTIES_EXT_ID] = {"extension_type": "toplevel-property-extension"}


def darkrange_property(obj: dict[str, Any], name: str) -> Any:
    """One of darkrange's properties, wherever `with_properties_extension` put it."""
    if name in obj:
        return obj[name]
    ext = obj.get("extensions", {}).get(PROPERTIES_EXT_ID, {})
    return ext.get(name) if isinstance(ext, dict) else None


def handling_marking(code: str, meaning: str) -> dict[str, Any]:
    """A statement marking carrying a Europol handling code (S6)."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": HANDLING_MARKING_IDS[code],
        "created": FIXED_CREATED,
        "name": f"Handling code {code}",
        "definition_type": "statement",
        "definition": {"statement": f"{code}: {meaning}"},
    }
