"""MISP: templates, references, tags, distribution, uuids, round trip, provenance."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from darkrange.errors import FormatError, InputError
from darkrange.share import from_misp, pseudonymise, to_misp
from tests.share._compare import assert_same_case
from tests.share._sample import VICTIM_EMAIL, VICTIM_HANDLE, VICTIM_NAME, sample_snapshot

NOW = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def event() -> dict:
    return to_misp(sample_snapshot(), now=NOW)["Event"]


def test_objects_use_misp_templates(event: dict) -> None:
    names = {o["name"] for o in event["Object"]}
    assert {
        "btc-wallet",
        "btc-transaction",
        "tor-hiddenservice",
        "pgp-meta",
        "person",
        "user-account",
        "url",
        "forensic-case",
        "forensic-evidence",
    } <= names
    assert all(o.get("template_uuid") for o in event["Object"])


def test_references_tags_and_distribution(event: dict) -> None:
    relations = {
        r["relationship_type"] for o in event["Object"] for r in o.get("ObjectReference", [])
    }
    assert {"seller-of", "owns", "paid", "member-of", "hosts"} <= relations
    tags = {t["name"] for t in event["Tag"]}
    assert {
        "tlp:amber",
        "PAP:AMBER",
        'dark-web:topic="weapons"',
        'dark-web:motivation="marketplace-for-sale"',
    } <= tags
    assert int(event["distribution"]) == 1


def test_uuids_are_deterministic() -> None:
    a = to_misp(sample_snapshot(), now=NOW)
    b = to_misp(sample_snapshot(), now=datetime(2026, 1, 1, tzinfo=UTC))
    uuids = lambda e: [o["uuid"] for o in e["Event"]["Object"]]  # noqa: E731
    assert uuids(a) == uuids(b)
    assert a["Event"]["uuid"] == b["Event"]["uuid"]


def test_victims_pseudonymised_by_default(event: dict) -> None:
    text = json.dumps(event)
    for secret in (VICTIM_NAME, VICTIM_HANDLE, VICTIM_EMAIL):
        assert secret not in text
    assert VICTIM_NAME in json.dumps(to_misp(sample_snapshot(), pseudonymise=False))


def test_suggested_identity_refused_as_fact() -> None:
    with pytest.raises(InputError, match="only suggested"):
        to_misp(sample_snapshot(), suggested_as_fact=True)


def test_round_trip_loses_nothing() -> None:
    snap = sample_snapshot()
    back = from_misp(json.loads(json.dumps(to_misp(snap, pseudonymise=False, now=NOW))))
    assert_same_case(snap, back)
    back = from_misp(to_misp(snap, now=NOW))
    assert_same_case(pseudonymise(snap), back)


def test_import_keeps_provenance_with_the_misp_uuid(event: dict) -> None:
    back = from_misp({"Event": event}, partner="Partner Police")
    prov = back.persons[0].provenance
    assert prov is not None and prov.partner == "Partner Police" and prov.format == "misp"
    uuids = {o["uuid"] for o in event["Object"]}
    assert prov.original_id in uuids


def test_import_of_a_foreign_event() -> None:
    foreign = {
        "Event": {
            "info": "Partner event",
            "Object": [
                {
                    "name": "person",
                    "meta-category": "misc",
                    "uuid": "5e0d1f5c-6a0b-4c5e-9f1a-2b3c4d5e6f70",
                    "Attribute": [
                        {"object_relation": "full-name", "type": "full-name", "value": "Dealer X"},
                        {"object_relation": "role", "type": "text", "value": "Suspect"},
                    ],
                },
                {
                    "name": "btc-wallet",
                    "meta-category": "financial",
                    "uuid": "6e0d1f5c-6a0b-4c5e-9f1a-2b3c4d5e6f71",
                    "Attribute": [
                        {
                            "object_relation": "wallet-address",
                            "type": "btc",
                            "value": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
                        }
                    ],
                },
            ],
        }
    }
    snap = from_misp(foreign, partner="Partner Police")
    assert [(p.display_name, p.category) for p in snap.persons] == [("Dealer X", "suspect")]
    assert [s.kind for s in snap.selectors] == ["btc"]


def test_not_an_event_is_a_format_error() -> None:
    with pytest.raises(FormatError):
        from_misp({"type": "bundle"})
