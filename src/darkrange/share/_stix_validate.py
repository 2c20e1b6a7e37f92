"""Checks a STIX bundle before it leaves or after it arrives: stix2-validator plus our rules.

stix2-validator runs in strict mode with its bundled schemas (it fetches nothing for these
objects), less one check: `uuid-check` wants random (v4) ids on domain objects, and darkrange
gives them deterministic uuid5 ids on purpose so a re-export updates rather than duplicates.

darkrange's own rules (S3, R7): every object but the marking definitions and OASIS's TLP
extension definition carries exactly one TLP 2.0 marking with its fixed OASIS id; every
marking it references is in the bundle; the TLP objects are OASIS's exactly; a relationship
labelled "suggested" never claims more than low confidence.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from darkrange.errors import FormatError, InputError
from darkrange.share._codes import TLP_EXTENSION_ID, TLP_MARKING_IDS, tlp_marking
from darkrange.share._stix_export import SUGGESTED_MAX_CONFIDENCE

_TLP_IDS = {v: k for k, v in TLP_MARKING_IDS.items()}


def validate_stix(bundle: dict[str, Any]) -> list[str]:
    """Every problem with the bundle, one line each; an empty list means it may be shared."""
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        return ["not a STIX bundle (no top-level object of type 'bundle')"]
    objects = bundle.get("objects")
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        return ["the bundle has no list of objects"]
    return _validator_problems(bundle) + _marking_problems(objects) + _suggestion_problems(objects)


def check_stix(bundle: dict[str, Any]) -> None:
    """Raise FormatError naming the first problems when the bundle is not valid."""
    problems = validate_stix(bundle)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise FormatError("invalid STIX bundle: " + "; ".join(problems[:3]) + more)


def load_json(path: Path) -> dict[str, Any]:
    """A JSON object from a file, or a clear InputError/FormatError."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FormatError(f"{path} is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{path} is not JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, dict):
        raise FormatError(f"{path} holds JSON but not an object")
    return data


def _validator_problems(bundle: dict[str, Any]) -> list[str]:
    from stix2validator import (  # type: ignore[import-untyped]
        ValidationOptions,
        validate_instance,
    )
    from stix2validator.errors import ValidationError  # type: ignore[import-untyped]

    options = ValidationOptions(version="2.1", strict=True, disabled="uuid-check", silent=True)
    try:
        result = validate_instance(bundle, options)
    except ValidationError as exc:
        return [f"stix2-validator: {exc}"]
    return [f"stix2-validator: {e}" for e in result.errors]


def _marking_problems(objects: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    present = {o.get("id") for o in objects}
    for obj in objects:
        oid = obj.get("id", "?")
        if oid in _TLP_IDS and obj != tlp_marking(_TLP_IDS[oid]):
            problems.append(f"{oid} is not OASIS's TLP 2.0 marking definition")
        if obj.get("type") == "marking-definition" or oid == TLP_EXTENSION_ID:
            continue
        refs = obj.get("object_marking_refs") or []
        tlp = [r for r in refs if r in _TLP_IDS]
        if len(tlp) != 1:
            problems.append(f"{oid} carries {len(tlp)} TLP 2.0 markings, not exactly one")
        problems += [
            f"{oid} references marking {r}, absent from the bundle"
            for r in refs
            if r not in present
        ]
    return problems


def _suggestion_problems(objects: list[dict[str, Any]]) -> list[str]:
    return [
        f"{o.get('id')} is a suggested link shared with confidence {o.get('confidence')}"
        for o in objects
        if "suggested" in (o.get("labels") or [])
        and int(o.get("confidence") or 0) > SUGGESTED_MAX_CONFIDENCE
    ]
