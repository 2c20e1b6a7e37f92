"""STIX 2.1: validation, TLP 2.0 markings, pseudonymisation, R7, round trip, provenance."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
import stix2

from darkrange.errors import FormatError, InputError
from darkrange.share import check_stix, from_stix, pseudonymise, to_stix, validate_stix
from tests.share._compare import assert_same_case
from tests.share._sample import (
    VICTIM_ADDRESS,
    VICTIM_EMAIL,
    VICTIM_HANDLE,
    VICTIM_NAME,
    sample_snapshot,
)

NOW = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
OASIS_TLP = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"


@pytest.fixture(scope="module")
def bundle() -> dict:
    return to_stix(sample_snapshot(), now=NOW)


def by_type(bundle: dict, kind: str) -> list[dict]:
    return [o for o in bundle["objects"] if o["type"] == kind]


def test_bundle_passes_stix2_validator_and_our_checks(bundle: dict) -> None:
    assert validate_stix(bundle) == []
    check_stix(bundle)
    # A STIX library reads it back too (custom observables declared by extensions).
    parsed = stix2.parse(json.dumps(bundle), allow_custom=True)
    assert len(parsed.objects) == len(bundle["objects"])


def test_bundle_has_every_object_kind_the_checklist_names(bundle: dict) -> None:
    kinds = {o["type"] for o in bundle["objects"]}
    wanted = {
        "identity",
        "threat-actor",
        "infrastructure",
        "observed-data",
        "indicator",
        "relationship",
        "sighting",
        "note",
        "opinion",
        "grouping",
        "url",
        "domain-name",
        "user-account",
        "email-addr",
        "cryptocurrency-wallet",
        "cryptocurrency-transaction",
        "extension-definition",
        "marking-definition",
    }
    assert wanted <= kinds
    roles = {t for o in by_type(bundle, "threat-actor") for t in o["threat_actor_types"]}
    assert roles == {"criminal", "crime-syndicate"}
    assert all(
        o["infrastructure_types"] == ["anonymization"] for o in by_type(bundle, "infrastructure")
    )


def test_tlp_markings_use_the_oasis_ids_and_objects(bundle: dict) -> None:
    markings = {o["id"]: o for o in by_type(bundle, "marking-definition")}
    amber = markings[OASIS_TLP["amber"]]
    assert amber == {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": OASIS_TLP["amber"],
        "created": "2022-10-01T00:00:00.000Z",
        "name": "TLP:AMBER",
        "extensions": {TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": "amber"}},
    }
    ext = next(o for o in bundle["objects"] if o["id"] == TLP_EXTENSION)
    assert ext["type"] == "extension-definition"
    assert ext["created"] == "2022-10-01T00:00:00.000Z"
    for obj in bundle["objects"]:
        if obj["type"] != "marking-definition" and obj["id"] != TLP_EXTENSION:
            tlp = [r for r in obj["object_marking_refs"] if r in OASIS_TLP.values()]
            assert len(tlp) == 1, obj["id"]


@pytest.mark.parametrize("level", ["clear", "green", "amber+strict", "red"])
def test_each_tlp_level_is_marked_with_its_fixed_id(level: str) -> None:
    snap = sample_snapshot()
    from dataclasses import replace

    b = to_stix(replace(snap, case=replace(snap.case, tlp=level)), now=NOW)
    assert validate_stix(b) == []
    grouping = next(o for o in b["objects"] if "x_darkrange_case" in o)
    assert OASIS_TLP[level] in grouping["object_marking_refs"]


def test_an_unmarked_object_fails_the_check(bundle: dict) -> None:
    broken = copy.deepcopy(bundle)
    victim = next(o for o in broken["objects"] if o["type"] == "indicator")
    del victim["object_marking_refs"]
    problems = validate_stix(broken)
    assert any(victim["id"] in p and "TLP" in p for p in problems)
    with pytest.raises(FormatError):
        check_stix(broken)


def test_a_generated_tlp_id_fails_the_check(bundle: dict) -> None:
    broken = copy.deepcopy(bundle)
    for obj in broken["objects"]:
        refs = obj.get("object_marking_refs", [])
        obj["object_marking_refs"] = [
            "marking-definition--00000000-0000-4000-8000-000000000000"
            if r == OASIS_TLP["amber"]
            else r
            for r in refs
        ]
    assert any("TLP 2.0 markings" in p for p in validate_stix(broken))


def test_evidence_is_referenced_by_package_hash(bundle: dict) -> None:
    snap = sample_snapshot()
    grouping = next(o for o in bundle["objects"] if "x_darkrange_case" in o)
    hashes = {r["hashes"]["SHA-256"] for r in grouping["external_references"]}
    assert hashes == {e.sha256 for e in snap.evidence}


def test_victims_are_pseudonymised_by_default(bundle: dict) -> None:
    text = json.dumps(bundle)
    for secret in (VICTIM_NAME, VICTIM_HANDLE, VICTIM_EMAIL, VICTIM_ADDRESS, "Walter Witness"):
        assert secret not in text
    victims = [o for o in by_type(bundle, "identity") if "victim" in o.get("labels", [])]
    assert victims and victims[0]["name"].startswith("victim-")
    # Stable: the same pseudonym in every export of the case.
    again = to_stix(sample_snapshot(), now=datetime(2026, 1, 1, tzinfo=UTC))
    assert victims[0]["name"] in json.dumps(again)


def test_victims_present_when_explicitly_allowed() -> None:
    text = json.dumps(to_stix(sample_snapshot(), pseudonymise=False, now=NOW))
    for secret in (VICTIM_NAME, VICTIM_HANDLE, VICTIM_EMAIL, VICTIM_ADDRESS):
        assert secret in text


def test_suggested_identity_is_only_an_opinion_with_low_confidence(bundle: dict) -> None:
    opinions = by_type(bundle, "opinion")
    assert len(opinions) == 1 and "suggested" in opinions[0]["labels"]
    suggested = [o for o in by_type(bundle, "relationship") if "suggested" in o.get("labels", [])]
    assert suggested and all(o["confidence"] <= 29 for o in suggested)
    confirmed = [o for o in by_type(bundle, "relationship") if "confirmed" in o.get("labels", [])]
    assert confirmed and all(o["confidence"] == 93 for o in confirmed)


def test_suggested_identity_refused_as_fact() -> None:
    with pytest.raises(InputError, match="only suggested"):
        to_stix(sample_snapshot(), suggested_as_fact=True)


def test_a_suggested_link_raised_to_high_confidence_fails_the_check(bundle: dict) -> None:
    broken = copy.deepcopy(bundle)
    rel = next(o for o in broken["objects"] if "suggested" in o.get("labels", []))
    rel["confidence"] = 90
    assert any("suggested link" in p for p in validate_stix(broken))


def test_ids_are_deterministic() -> None:
    a = to_stix(sample_snapshot(), now=NOW)
    b = to_stix(sample_snapshot(), now=NOW)
    assert a == b
    later = to_stix(sample_snapshot(), now=datetime(2025, 5, 1, tzinfo=UTC))
    assert [o["id"] for o in later["objects"]] == [o["id"] for o in a["objects"]]


def test_every_item_carries_its_evaluation(bundle: dict) -> None:
    indicator = next(
        o for o in by_type(bundle, "indicator") if o["x_darkrange_selector"]["id"] == "x1"
    )
    assert indicator["x_darkrange_evaluation"] == {
        "source": "B",
        "information": 2,
        "handling": "H1",
    }
    handling = {
        o["id"]: o
        for o in by_type(bundle, "marking-definition")
        if o.get("definition_type") == "statement"
    }
    statements = [
        handling[r]["definition"]["statement"]
        for r in indicator["object_marking_refs"]
        if r in handling
    ]
    assert statements and statements[0].startswith("H1:")
    notes = [o for o in by_type(bundle, "note") if "x_darkrange_note" in o]
    assert {n["labels"][0] for n in notes} == {"fact", "assessment"}


def test_round_trip_without_pseudonymisation_loses_nothing() -> None:
    snap = sample_snapshot()
    back = from_stix(json.loads(json.dumps(to_stix(snap, pseudonymise=False, now=NOW))))
    assert_same_case(snap, back)


def test_round_trip_with_pseudonymisation_keeps_all_but_protected_fields() -> None:
    snap = sample_snapshot()
    back = from_stix(to_stix(snap, now=NOW))
    assert_same_case(pseudonymise(snap), back)


def test_import_keeps_provenance(bundle: dict) -> None:
    when = datetime(2025, 4, 2, tzinfo=UTC)
    back = from_stix(bundle, imported_at=when)
    person = back.persons[0]
    assert person.provenance is not None
    assert person.provenance.partner == "National Cybercrime Unit"
    assert person.provenance.format == "stix"
    assert person.provenance.original_id.startswith("threat-actor--")
    assert person.provenance.imported_at == when
    # Imported again and re-exported, the first source stays.
    again = from_stix(to_stix(back, pseudonymise=False, now=NOW), partner="Someone else")
    assert again.persons[0].provenance == person.provenance


def test_import_of_a_foreign_bundle() -> None:
    marking = OASIS_TLP["green"]
    foreign = {
        "type": "bundle",
        "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
        "objects": [
            {
                "type": "identity",
                "spec_version": "2.1",
                "id": "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                "name": "Partner Police",
                "identity_class": "organization",
                "created": "2025-01-01T00:00:00.000Z",
                "modified": "2025-01-01T00:00:00.000Z",
            },
            {
                "type": "threat-actor",
                "spec_version": "2.1",
                "id": "threat-actor--1f9b6f3e-6f0e-4d6c-9f8e-0f0d8c3b2a10",
                "name": "Dealer X",
                "threat_actor_types": ["criminal"],
                "created_by_ref": "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                "created": "2025-01-01T00:00:00.000Z",
                "modified": "2025-01-01T00:00:00.000Z",
                "object_marking_refs": [marking],
            },
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": "indicator--7a3c0e5e-8c55-4c5e-b3d4-1e2f3a4b5c6d",
                "pattern": "[email-addr:value = 'dealer@example.com']",
                "pattern_type": "stix",
                "valid_from": "2025-01-02T00:00:00.000Z",
                "created": "2025-01-01T00:00:00.000Z",
                "modified": "2025-01-01T00:00:00.000Z",
            },
        ],
    }
    snap = from_stix(foreign)
    assert [p.display_name for p in snap.persons] == ["Dealer X"]
    assert snap.persons[0].category == "suspect"
    assert snap.persons[0].provenance is not None
    assert snap.persons[0].provenance.partner == "Partner Police"
    assert [(s.kind, s.value) for s in snap.selectors] == [("email", "dealer@example.com")]


@pytest.mark.parametrize("bad", [[], {"type": "report"}, {"type": "bundle", "objects": 3}])
def test_not_a_bundle_is_a_format_error(bad: object) -> None:
    with pytest.raises(FormatError):
        from_stix(bad)  # type: ignore[arg-type]
