"""Identity resolution: each kind of evidence alone, evidence in conflict, outputs."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from darkrange.analyze.link import core, handle_similarity, link_records, read_key, skeleton
from tests.analyze.test_linkfix import (
    ONION_A,
    ONION_B,
    ONION_C,
    btc,
    key,
    listing,
    vendor,
    write_records,
)

# Two writing styles and product lines, as two different vendors would have them.
STYLE_1 = (
    "WELCOME TO MY SHOP!!! 🔥 Top quality, stealth is top notch, vacuum sealed x3. "
    "All orders ship in 24h, reship or refund your choice!!! peace"
)
STYLE_2 = (
    "hello. we are a small team from the north, orders go out on weekdays only. "
    "please encrypt your address with our key. no refunds without photos. regards - team Orca"
)


def _identities(out: Path) -> dict[tuple[str, str], str]:
    with (out / "identities.csv").open(encoding="utf-8", newline="") as f:
        return {(r["site"], r["handle"]): r["identity_id"] for r in csv.DictReader(f)}


def _links(out: Path) -> list[dict[str, Any]]:
    doc = json.loads((out / "identities.json").read_text(encoding="utf-8"))
    return [link for ident in doc["identities"] for link in ident["links"]]


def _together(out: Path, a: tuple[str, str], b: tuple[str, str]) -> bool:
    ids = _identities(out)
    return ids[a] == ids[b]


def test_handles_read_alike_across_disguises() -> None:
    assert skeleton("донгарден") == skeleton("DonGarden")
    assert core("7h3C4ndy") == core("TheCandy_official") == core("TheCandy")
    assert core("xXFalconXx") == core("falcon")
    assert handle_similarity("Du7ch3xpr355", "DutchExpress") == 1.0
    assert handle_similarity("silentgrower", "BlackFarmer96") < 0.5


def test_key_rotation_certification_is_read_from_the_armor() -> None:
    old = key(10)
    new = key(11, certified_by=old)
    facts = read_key(new.armored)
    assert facts is not None
    assert facts.fingerprints == (new.fingerprint,)
    assert facts.certifiers == (old.fingerprint,)
    assert read_key(old.armored).certifiers == ()  # type: ignore[union-attr]
    assert (
        read_key("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!\n-----END PGP PUBLIC KEY BLOCK-----")
        is None
    )


def test_same_pgp_key_links_and_explains(tmp_path: Path) -> None:
    k = key(1)
    records = write_records(
        tmp_path / "r",
        vendors=[
            vendor(1, ONION_A, "DonTiger", k, terms=STYLE_1),
            vendor(2, ONION_B, "DonTiger", k, terms=STYLE_1),
            vendor(3, ONION_C, "quiet_owl", key(2), terms=STYLE_2),
        ],
    )
    link_records(records, tmp_path / "out")
    assert _together(tmp_path / "out", (ONION_A, "DonTiger"), (ONION_B, "DonTiger"))
    assert not _together(tmp_path / "out", (ONION_A, "DonTiger"), (ONION_C, "quiet_owl"))
    (link,) = _links(tmp_path / "out")
    assert f"same PGP key {k.fingerprint}" in link["explanation"]
    assert link["status"] == "suggested" and link["score"] >= 0.5
    assert any(e["kind"] == "same_key" and e["hard"] for e in link["evidence"])


def test_key_rotation_alone_links_new_key_to_old(tmp_path: Path) -> None:
    old = key(20, "nightowl")
    new = key(21, "nightowl", certified_by=old)
    records = write_records(
        tmp_path / "r",
        vendors=[
            vendor(1, ONION_A, "NightOwl", old, terms=STYLE_1, day=1),
            vendor(2, ONION_B, "NightOwl", new, terms=STYLE_1, day=20),
        ],
    )
    link_records(records, tmp_path / "out")
    assert _together(tmp_path / "out", (ONION_A, "NightOwl"), (ONION_B, "NightOwl"))
    (link,) = _links(tmp_path / "out")
    assert f"key {new.fingerprint} is certified by key {old.fingerprint}" in link["explanation"]


def test_shared_contact_links_different_handles(tmp_path: Path) -> None:
    xmpp = {"xmpp": "gd@jabber.example.org"}
    records = write_records(
        tmp_path / "r",
        vendors=[
            vendor(1, ONION_A, "GreenDragon", contacts=xmpp, terms=STYLE_1 + " Jabber only."),
            vendor(2, ONION_B, "LuckyPanda", contacts=xmpp, terms=STYLE_1 + " Jabber only!"),
            vendor(3, ONION_A, "SleepyOrca", contacts={"xmpp": "so@jabber.example.org"}),
            vendor(4, ONION_C, "IronBaron", contacts={"xmpp": "so@jabber.example.org"}),
        ],
    )
    out = tmp_path / "out"
    link_records(records, out)
    assert _together(out, (ONION_A, "GreenDragon"), (ONION_B, "LuckyPanda"))
    (link,) = _links(out)
    assert "same XMPP contact gd@jabber.example.org" in link["explanation"]
    # The contact and nothing else: not merged on its own, but put before a person to review.
    assert not _together(out, (ONION_A, "SleepyOrca"), (ONION_C, "IronBaron"))
    doc = json.loads((out / "identities.json").read_text(encoding="utf-8"))
    (review,) = doc["held_back"]
    assert {review["a"]["handle"], review["b"]["handle"]} == {"SleepyOrca", "IronBaron"}
    assert review["held_back"].startswith("score below the threshold")
    assert "same XMPP contact so@jabber.example.org" in review["explanation"]


def test_same_bitcoin_address_and_chain_cluster(tmp_path: Path) -> None:
    shared, a2, b2 = btc(1), btc(2), btc(3)
    records = write_records(
        tmp_path / "r",
        vendors=[
            vendor(1, ONION_A, "RedPirate", terms=f"{STYLE_1} Pay to {shared}"),
            vendor(2, ONION_B, "BlueKraken", terms=f"{STYLE_1} Donations: {shared}"),
            vendor(3, ONION_A, "SilverFox", terms=f"{STYLE_2} Pay to {a2}"),
            vendor(4, ONION_C, "CopperWolf", terms=f"{STYLE_2} Pay to {b2}"),
        ],
    )
    clusters = tmp_path / "clusters.csv"
    clusters.write_text(f"address,cluster_id\n{a2},{a2}\n{b2},{a2}\n", encoding="utf-8")
    link_records(records, tmp_path / "out", chain=clusters)
    out = tmp_path / "out"
    assert _together(out, (ONION_A, "RedPirate"), (ONION_B, "BlueKraken"))
    assert _together(out, (ONION_A, "SilverFox"), (ONION_C, "CopperWolf"))
    assert not _together(out, (ONION_A, "RedPirate"), (ONION_A, "SilverFox"))
    text = " ".join(link["explanation"] for link in _links(out))
    assert f"same Bitcoin address {shared}" in text
    assert f"one chain cluster {a2}" in text
    # without the chain clusters the second pair has nothing in common
    link_records(records, tmp_path / "out2")
    assert not _together(tmp_path / "out2", (ONION_A, "SilverFox"), (ONION_C, "CopperWolf"))


def test_look_alike_handles_of_different_people_stay_apart(tmp_path: Path) -> None:
    records = write_records(
        tmp_path / "r",
        vendors=[
            vendor(
                1, ONION_A, "RoyalVault", key(30), {"xmpp": "royal@jabber.example.org"}, STYLE_1
            ),
            vendor(
                2, ONION_B, "RoyalVault_shop", key(31), {"xmpp": "rv@xmpp.example.net"}, STYLE_2
            ),
        ],
        listings=[
            listing(1, ONION_A, "RoyalVault", "Cocaine 1g 90% pure", "Fishscale. " + STYLE_1, 80),
            listing(
                2,
                ONION_B,
                "RoyalVault_shop",
                "Glock 19 Gen4",
                "Clean. " + STYLE_2,
                900,
                ships_from="Netherlands",
                category="Weapons",
            ),
        ],
    )
    link_records(records, tmp_path / "out")
    assert not _together(tmp_path / "out", (ONION_A, "RoyalVault"), (ONION_B, "RoyalVault_shop"))


def test_crew_sharing_a_key_is_flagged_not_merged(tmp_path: Path) -> None:
    crew = key(40)
    records = write_records(
        tmp_path / "r",
        vendors=[
            vendor(
                1, ONION_A, "SilentGrower", crew, {"xmpp": "silent@jabber.example.org"}, STYLE_1
            ),
            vendor(
                2, ONION_B, "SilentGrower", crew, {"xmpp": "silent@jabber.example.org"}, STYLE_1
            ),
            vendor(3, ONION_C, "BalticFox", crew, {"xmpp": "bfox@xmpp.example.net"}, STYLE_2),
        ],
    )
    link_records(records, tmp_path / "out")
    out = tmp_path / "out"
    assert _together(out, (ONION_A, "SilentGrower"), (ONION_B, "SilentGrower"))
    assert not _together(out, (ONION_A, "SilentGrower"), (ONION_C, "BalticFox"))
    doc = json.loads((out / "identities.json").read_text(encoding="utf-8"))
    (shared,) = doc["shared_keys"]
    assert shared["fingerprint"] == crew.fingerprint
    assert shared["note"] == "shared key: possibly a crew"
    assert len(shared["identities"]) == 2
    flagged = [i for i in doc["identities"] if i["flags"]]
    assert len(flagged) == 2 and "possibly a crew" in flagged[0]["flags"][0]


def test_output_is_deterministic(tmp_path: Path) -> None:
    k = key(50)
    records = write_records(
        tmp_path / "r",
        vendors=[
            vendor(1, ONION_A, "Atlas", k, terms=STYLE_1),
            vendor(2, ONION_B, "Atlas", k, terms=STYLE_1),
        ],
    )
    link_records(records, tmp_path / "o1")
    link_records(records, tmp_path / "o2")
    for name in ("identities.csv", "identities.json"):
        assert (tmp_path / "o1" / name).read_bytes() == (tmp_path / "o2" / name).read_bytes()


def test_missing_records_is_a_clear_error(tmp_path: Path) -> None:
    from darkrange.errors import InputError

    with pytest.raises(InputError, match="does not exist"):
        link_records(tmp_path / "nope", tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="holds no records"):
        link_records(tmp_path / "empty", tmp_path / "out")
    assert not (tmp_path / "out").exists()
