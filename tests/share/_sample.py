"""A small, complete case snapshot the sharing tests export and import."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from darkrange.share import (
    Account,
    CaseInfo,
    CaseSnapshot,
    CustodyEntry,
    Evaluation,
    EvidenceItem,
    Hop,
    Identity,
    IdentityEvidence,
    Listing,
    Method,
    Note,
    Person,
    Selector,
    Site,
    Trace,
    Wallet,
)

MARKET = "7fa6xlti5joarlmkuhjaifa47ukgcwz6tfndgax45ocyn4rixm632jid.onion"
FORUM = "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion"
VICTIM_NAME = "Anna Beispiel"
VICTIM_HANDLE = "anna_b"
VICTIM_EMAIL = "anna.beispiel@example.org"
VICTIM_ADDRESS = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"


def t(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 3, day, hour, 30, 15, 123000, tzinfo=UTC)


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def sample_snapshot(picture: str | None = None) -> CaseSnapshot:
    good = Evaluation(source="B", information=2, handling="H1")
    return CaseSnapshot(
        case=CaseInfo(
            id="2025-017",
            title="Operation Lantern: weapons vendor on two markets",
            purpose="Identify the vendor 'ironhand' selling firearms on Lantern Market",
            legal_basis="Code of Criminal Procedure s. 100a; order 2025/113 of the court of X",
            tlp="amber",
            pap="amber",
            handling="H2",
            owner_agency="National Cybercrime Unit",
            created=t(1),
            description="Catalogue-level case for the course.",
        ),
        persons=(
            Person(id="p1", category="suspect", display_name="Victor Vendor", evaluation=good),
            Person(id="p2", category="convicted", display_name="Carl Courier", member_of="g1"),
            Person(
                id="g1",
                category="suspect",
                display_name="Iron Syndicate",
                actor_type="crime-syndicate",
            ),
            Person(id="p3", category="victim", display_name=VICTIM_NAME),
            Person(id="p4", category="other_party", display_name="Walter Witness"),
        ),
        sites=(
            Site(id="s1", onion=MARKET, name="Lantern Market", kind="market"),
            Site(id="s2", onion=FORUM, name="Ember Forum", kind="forum"),
        ),
        accounts=(
            Account(
                id="a1",
                site=MARKET,
                handle="ironhand",
                person_id="p1",
                url=f"http://{MARKET}/vendor/ironhand",
                evaluation=good,
            ),
            Account(id="a2", site=FORUM, handle="iron_hand", url=f"http://{FORUM}/u/iron_hand"),
            Account(
                id="a3",
                site=MARKET,
                handle=VICTIM_HANDLE,
                person_id="p3",
                url=f"http://{MARKET}/user/{VICTIM_HANDLE}",
            ),
            Account(id="a4", site=FORUM, handle="courier_c", person_id="p2"),
        ),
        listings=(
            Listing(
                id="l1",
                account_id="a1",
                url=f"http://{MARKET}/listing/881",
                title="Pistol, 9mm, boxed",
                category="weapons",
                price="0.031 BTC",
                seen=t(3),
            ),
        ),
        selectors=(
            Selector(
                id="x1",
                kind="btc",
                value="1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
                source_url=f"http://{MARKET}/vendor/ironhand",
                first_seen=t(3),
                account_id="a1",
                evaluation=good,
            ),
            Selector(
                id="x2",
                kind="pgp",
                value="3f1c8a0b9e2d4c6f8a1b3c5d7e9f0a2b4c6d8e0f",
                source_url=f"http://{MARKET}/vendor/ironhand",
                first_seen=t(3),
                account_id="a1",
            ),
            Selector(
                id="x3",
                kind="email",
                value="ironhand@example.net",
                first_seen=t(4),
                account_id="a2",
            ),
            Selector(id="x4", kind="onion", value=FORUM, first_seen=t(2)),
            Selector(id="x5", kind="email", value=VICTIM_EMAIL, account_id="a3"),
            Selector(id="x6", kind="url", value=f"http://{MARKET}/listing/881", first_seen=t(3)),
        ),
        wallets=(
            Wallet(
                id="w1",
                cluster_id="c-42",
                addresses=(
                    "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
                    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                ),
                tags=("vendor",),
                person_id="p1",
                evaluation=good,
            ),
            Wallet(id="w2", cluster_id="c-77", addresses=(VICTIM_ADDRESS,), person_id="p3"),
        ),
        traces=(
            Trace(
                id="t1",
                title="Payment for listing 881",
                picture=picture,
                hops=(
                    Hop(
                        txid="a" * 64,
                        time=t(5),
                        amount=3_100_000,
                        from_address=VICTIM_ADDRESS,
                        to_address="1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
                        heuristic="start",
                        confidence=1.0,
                    ),
                    Hop(
                        txid="b" * 64,
                        time=t(6),
                        amount=3_050_000,
                        from_address="1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
                        to_address="bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
                        heuristic="outspend",
                        confidence=0.85,
                    ),
                ),
            ),
        ),
        identities=(
            Identity(
                id="i1",
                account_ids=("a1", "a2"),
                status="confirmed",
                score=0.93,
                person_id="p1",
                confirmed_by="Insp. Meyer",
                confirmed_at=t(8),
                evidence=(
                    IdentityEvidence(
                        kind="pgp-key", score=0.97, explanation="same PGP fingerprint on both"
                    ),
                    IdentityEvidence(
                        kind="stylometry", score=0.71, explanation="similar writing style"
                    ),
                ),
                evaluation=good,
            ),
            Identity(
                id="i2",
                account_ids=("a2", "a4"),
                status="suggested",
                score=0.64,
                evidence=(
                    IdentityEvidence(
                        kind="wallet", score=0.64, explanation="shared change address"
                    ),
                ),
            ),
        ),
        notes=(
            Note(
                id="n1",
                kind="fact",
                text="ironhand lists a 9mm pistol for 0.031 BTC.",
                author="Insp. Meyer",
                created=t(3),
                about=("account:a1", "listing:l1"),
                evaluation=good,
            ),
            Note(
                id="n2",
                kind="assessment",
                text=f"{VICTIM_NAME} ({VICTIM_HANDLE}) probably bought from ironhand.",
                author="Analyst Roth",
                created=t(7),
                about=("person:p3", "selector:x5"),
            ),
            Note(id="n3", kind="assessment", text="Case-wide: the syndicate runs couriers."),
        ),
        evidence=(
            EvidenceItem(
                id="e1",
                file_name="lantern-vendor.wacz",
                sha256=sha("e1"),
                size=482113,
                signer_fingerprint="ed25519:4f2a9c",
                captured_at=t(3),
                source_url=f"http://{MARKET}/vendor/ironhand",
                description="Vendor page and listing 881",
                evaluation=good,
            ),
            EvidenceItem(id="e2", file_name="ember-profile.wacz", sha256=sha("e2"), size=120331),
        ),
        custody=(
            CustodyEntry(
                evidence_id="e1",
                time=t(3),
                actor="Insp. Meyer",
                action="collected",
                reason="crawl of vendor page",
                entry_hash=sha("c1"),
            ),
            CustodyEntry(
                evidence_id="e1",
                time=t(4),
                actor="Analyst Roth",
                action="analysed",
                reason="selector extraction",
                entry_hash=sha("c2"),
            ),
        ),
        methods=(
            Method(name="crawl", description="Tor crawl with WARC capture", version="0.1.0"),
            Method(name="clustering", description="multi-input heuristic", version="0.1.0"),
        ),
    )
