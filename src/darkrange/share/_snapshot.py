"""The case snapshot: a plain, typed, in-memory picture of one case that every export reads.

`darkrange.case` builds a `CaseSnapshot` from its database and hands it to the exporters
(`to_stix`, `to_misp`, `to_graphml`, `to_csv`, `court_report`); the importers (`from_stix`,
`from_misp`) build one from a partner's file. Nothing here touches a database, a file or the
world: a snapshot is only data, checked when it is made.

Conventions:

- ids are strings chosen by the case (database keys as text); they are unique per kind and the
  references between items (`person_id`, `account_ids`, ...) must resolve, or the snapshot
  raises `InputError`. `Note.about` names items as "kind:id" (such as "account:7"), kinds
  being person, site, account, listing, selector, wallet, trace, identity, note, evidence.
- times are timezone-aware `datetime`s; exports write them in UTC with millisecond precision,
  so give them at most millisecond precision if a round trip must compare equal.
- amounts are integers in the chain's smallest unit (satoshi for bitcoin).
- scores and confidences are floats in [0, 1].
- every item carries a Europol-style `Evaluation` (source A/B/C/X, information 1-4, handling
  H0-H3, checklist S6); the default is the most cautious one: source X (cannot be judged),
  information 4 (not known to be true), handling H2 (no onward dissemination without the
  provider's permission).
- items a partner sent us carry `provenance` (checklist S8); our own items leave it `None`.
- persons carry their data-subject category (LED Art. 6, R3); victims and other parties are
  pseudonymised in every export unless the caller explicitly allows otherwise (R6).
- identities are `confirmed` only when a named person (`confirmed_by`) confirmed them; a
  `suggested` identity is an automated attribution and is never exported as a fact (R7).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from darkrange.errors import InputError

Category = Literal["suspect", "convicted", "victim", "other_party"]
ActorType = Literal["criminal", "crime-syndicate", "terrorist"]
Tlp = Literal["clear", "green", "amber", "amber+strict", "red"]
Pap = Literal["clear", "green", "amber", "red"]
SourceCode = Literal["A", "B", "C", "X"]
HandlingCode = Literal["H0", "H1", "H2", "H3"]
NoteKind = Literal["fact", "assessment"]
IdentityStatus = Literal["confirmed", "suggested"]

CATEGORIES: tuple[Category, ...] = ("suspect", "convicted", "victim", "other_party")
ACTOR_TYPES: tuple[ActorType, ...] = ("criminal", "crime-syndicate", "terrorist")
TLP_LEVELS: tuple[Tlp, ...] = ("clear", "green", "amber", "amber+strict", "red")
PAP_LEVELS: tuple[Pap, ...] = ("clear", "green", "amber", "red")
SOURCE_CODES: tuple[SourceCode, ...] = ("A", "B", "C", "X")
INFORMATION_CODES: tuple[int, ...] = (1, 2, 3, 4)
HANDLING_CODES: tuple[HandlingCode, ...] = ("H0", "H1", "H2", "H3")
NOTE_KINDS: tuple[NoteKind, ...] = ("fact", "assessment")
IDENTITY_STATUSES: tuple[IdentityStatus, ...] = ("confirmed", "suggested")
# Categories whose members are pseudonymised by default in every export (R6).
PROTECTED_CATEGORIES: tuple[Category, ...] = ("victim", "other_party")


def _one_of(what: str, value: object, allowed: Iterable[object]) -> None:
    options = tuple(allowed)
    if value not in options:
        shown = ", ".join(str(o) for o in options)
        raise InputError(f"{what} must be one of {shown}, not {value!r}")


def _aware(what: str, value: datetime | None) -> None:
    if value is not None and value.utcoffset() is None:
        raise InputError(f"{what} must be a timezone-aware time, not {value.isoformat()}")


def _unit(what: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and 0.0 <= value <= 1.0):
        raise InputError(f"{what} must be between 0 and 1, not {value!r}")


def _text(what: str, value: str) -> None:
    if not value.strip():
        raise InputError(f"{what} must not be empty")


@dataclass(frozen=True, kw_only=True, slots=True)
class Evaluation:
    """Europol-style evaluation of an item (S6): source A/B/C/X, information 1-4, handling."""

    source: SourceCode = "X"
    information: int = 4
    handling: HandlingCode = "H2"

    def __post_init__(self) -> None:
        _one_of("source evaluation", self.source, SOURCE_CODES)
        _one_of("information evaluation", self.information, INFORMATION_CODES)
        _one_of("handling code", self.handling, HANDLING_CODES)

    @property
    def code(self) -> str:
        """The short form analysts write, such as `B2 H1`."""
        return f"{self.source}{self.information} {self.handling}"


@dataclass(frozen=True, kw_only=True, slots=True)
class Provenance:
    """Where an imported item came from (S8): the partner, the format and its own id there."""

    partner: str
    format: str  # stix | misp
    original_id: str
    imported_at: datetime | None = None

    def __post_init__(self) -> None:
        _text("provenance partner", self.partner)
        _one_of("provenance format", self.format, ("stix", "misp"))
        _text("provenance original id", self.original_id)
        _aware("provenance imported_at", self.imported_at)


@dataclass(frozen=True, kw_only=True, slots=True)
class CaseInfo:
    """The case itself: why it exists, on what legal basis, and how it may be shared."""

    id: str
    title: str
    purpose: str
    legal_basis: str
    tlp: Tlp = "amber"
    pap: Pap = "amber"
    handling: HandlingCode = "H2"
    owner_agency: str
    created: datetime | None = None
    description: str = ""

    def __post_init__(self) -> None:
        for what, value in (("case id", self.id), ("case title", self.title)):
            _text(what, value)
        # R2: no personal data is collected or shared for a case without purpose and basis.
        _text("case purpose", self.purpose)
        _text("case legal basis", self.legal_basis)
        _text("case owner agency", self.owner_agency)
        _one_of("TLP level", self.tlp, TLP_LEVELS)
        _one_of("PAP level", self.pap, PAP_LEVELS)
        _one_of("case handling code", self.handling, HANDLING_CODES)
        _aware("case created", self.created)


@dataclass(frozen=True, kw_only=True, slots=True)
class Person:
    """A data subject with its LED category (R3); groups (syndicates) are persons too."""

    id: str
    category: Category
    display_name: str  # a real name, or a pseudonym when `pseudonymised`
    pseudonymised: bool = False
    actor_type: ActorType = "criminal"  # for suspects and convicted only
    member_of: str | None = None  # id of a group person (a crime syndicate, a cell)
    description: str = ""
    evaluation: Evaluation = field(default_factory=Evaluation)
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        _text("person id", self.id)
        _one_of("person category", self.category, CATEGORIES)
        _text("person display name", self.display_name)
        _one_of("person actor type", self.actor_type, ACTOR_TYPES)


@dataclass(frozen=True, kw_only=True, slots=True)
class Site:
    """An onion service seen in the case (a market, a forum, a vendor shop)."""

    id: str
    onion: str  # host name, such as `abc...xyz.onion`
    name: str = ""
    kind: str = "market"  # market | forum | shop | other
    evaluation: Evaluation = field(default_factory=Evaluation)
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        _text("site id", self.id)
        if not self.onion.endswith(".onion"):
            raise InputError(f"site host must end in .onion, not {self.onion!r}")


@dataclass(frozen=True, kw_only=True, slots=True)
class Account:
    """A handle on a site, attributed to a person when the case knows whose it is."""

    id: str
    site: str  # onion host of the site
    handle: str
    person_id: str | None = None
    url: str = ""  # profile page
    evaluation: Evaluation = field(default_factory=Evaluation)
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        _text("account id", self.id)
        _text("account handle", self.handle)
        if not self.site.endswith(".onion"):
            raise InputError(f"account site must be an .onion host, not {self.site!r}")


@dataclass(frozen=True, kw_only=True, slots=True)
class Listing:
    """A catalogue entry an account offers (catalogue level only: title, category, price)."""

    id: str
    account_id: str
    url: str
    title: str
    category: str = ""
    price: str = ""  # as shown, such as `0.012 BTC` or `450 USD`
    seen: datetime | None = None
    evaluation: Evaluation = field(default_factory=Evaluation)
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        _text("listing id", self.id)
        _text("listing title", self.title)
        _aware("listing seen", self.seen)


@dataclass(frozen=True, kw_only=True, slots=True)
class Selector:
    """A selector pulled from a page: onion, btc, xmr, eth, pgp, email, phone, telegram, ..."""

    id: str
    kind: str
    value: str
    source_url: str = ""
    first_seen: datetime | None = None
    account_id: str | None = None  # the account whose page it was on, when known
    evaluation: Evaluation = field(default_factory=Evaluation)
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        _text("selector id", self.id)
        _text("selector kind", self.kind)
        _text("selector value", self.value)
        _aware("selector first_seen", self.first_seen)


@dataclass(frozen=True, kw_only=True, slots=True)
class Wallet:
    """A wallet: one cluster of addresses thought to share an owner, with its tags."""

    id: str
    cluster_id: str
    addresses: tuple[str, ...]
    chain: str = "bitcoin"
    tags: tuple[str, ...] = ()
    person_id: str | None = None  # owner, when attributed
    evaluation: Evaluation = field(default_factory=Evaluation)
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        _text("wallet id", self.id)
        if not self.addresses:
            raise InputError(f"wallet {self.id} has no address")


@dataclass(frozen=True, kw_only=True, slots=True)
class Hop:
    """One payment in a trace: a transaction moving `amount` from one address to another."""

    txid: str
    time: datetime
    amount: int  # smallest unit (satoshi)
    from_address: str | None
    to_address: str | None
    heuristic: str  # start | outspend | prevout | wallet | change | ...
    confidence: float  # 1.0 when the link is on the chain itself

    def __post_init__(self) -> None:
        _text("hop txid", self.txid)
        _aware("hop time", self.time)
        _unit("hop confidence", self.confidence)
        if self.amount < 0:
            raise InputError(f"hop {self.txid} has a negative amount")


@dataclass(frozen=True, kw_only=True, slots=True)
class Trace:
    """A followed payment path, with the picture the chain tools drew of it."""

    id: str
    title: str
    hops: tuple[Hop, ...]
    chain: str = "bitcoin"
    picture: str | None = None  # path of a PNG, for the court report
    evaluation: Evaluation = field(default_factory=Evaluation)
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        _text("trace id", self.id)
        _text("trace title", self.title)


@dataclass(frozen=True, kw_only=True, slots=True)
class IdentityEvidence:
    """One reason two accounts are thought to be the same actor, with its score."""

    kind: str  # pgp-key | wallet | stylometry | handle | contact | ...
    score: float
    explanation: str

    def __post_init__(self) -> None:
        _text("identity evidence kind", self.kind)
        _unit("identity evidence score", self.score)


@dataclass(frozen=True, kw_only=True, slots=True)
class Identity:
    """Accounts linked as one actor: `confirmed` by a named person, or only `suggested` (R7)."""

    id: str
    account_ids: tuple[str, ...]
    status: IdentityStatus
    score: float
    evidence: tuple[IdentityEvidence, ...] = ()
    person_id: str | None = None
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    evaluation: Evaluation = field(default_factory=Evaluation)
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        _text("identity id", self.id)
        _one_of("identity status", self.status, IDENTITY_STATUSES)
        _unit("identity score", self.score)
        _aware("identity confirmed_at", self.confirmed_at)
        if len(self.account_ids) < 2 and self.person_id is None:
            raise InputError(f"identity {self.id} must link two accounts or an account to a person")
        if self.status == "confirmed" and not (self.confirmed_by or "").strip():
            raise InputError(f"identity {self.id} is confirmed but names no one who confirmed it")


@dataclass(frozen=True, kw_only=True, slots=True)
class Note:
    """A statement marked fact or assessment (R4), about items of the case."""

    id: str
    text: str
    kind: NoteKind
    author: str = ""
    created: datetime | None = None
    about: tuple[str, ...] = ()  # "kind:id" refs, such as "person:12"; empty: the whole case
    evaluation: Evaluation = field(default_factory=Evaluation)
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        _text("note id", self.id)
        _text("note text", self.text)
        _one_of("note kind", self.kind, NOTE_KINDS)
        _aware("note created", self.created)


@dataclass(frozen=True, kw_only=True, slots=True)
class EvidenceItem:
    """A signed evidence package, referenced by its hash (S4), never shipped in an export."""

    id: str
    file_name: str
    sha256: str
    size: int
    signer_fingerprint: str = ""
    captured_at: datetime | None = None
    source_url: str = ""
    description: str = ""
    evaluation: Evaluation = field(default_factory=Evaluation)
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        _text("evidence id", self.id)
        _text("evidence file name", self.file_name)
        digest = self.sha256.lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise InputError(f"evidence {self.id} sha256 must be 64 hex digits")
        if digest != self.sha256:
            raise InputError(f"evidence {self.id} sha256 must be lowercase")
        if self.size < 0:
            raise InputError(f"evidence {self.id} has a negative size")
        _aware("evidence captured_at", self.captured_at)


@dataclass(frozen=True, kw_only=True, slots=True)
class CustodyEntry:
    """One link of an evidence item's chain of custody, as the case's custody log holds it."""

    evidence_id: str
    time: datetime
    actor: str
    action: str  # collected | sealed | moved | analysed | copied | disclosed | ...
    reason: str = ""
    entry_hash: str = ""  # the hash-chained log's hash for this entry

    def __post_init__(self) -> None:
        _aware("custody time", self.time)
        _text("custody actor", self.actor)
        _text("custody action", self.action)


@dataclass(frozen=True, kw_only=True, slots=True)
class Method:
    """A method or tool used in the case, for the report's methods section."""

    name: str
    description: str
    version: str = ""

    def __post_init__(self) -> None:
        _text("method name", self.name)


@dataclass(frozen=True, kw_only=True, slots=True)
class CaseSnapshot:
    """Everything one export needs about one case, checked for consistency when made."""

    case: CaseInfo
    persons: tuple[Person, ...] = ()
    sites: tuple[Site, ...] = ()
    accounts: tuple[Account, ...] = ()
    listings: tuple[Listing, ...] = ()
    selectors: tuple[Selector, ...] = ()
    wallets: tuple[Wallet, ...] = ()
    traces: tuple[Trace, ...] = ()
    identities: tuple[Identity, ...] = ()
    notes: tuple[Note, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
    custody: tuple[CustodyEntry, ...] = ()
    methods: tuple[Method, ...] = ()

    def __post_init__(self) -> None:
        for kind in _KIND_FIELDS:
            ids = list(self.ids_of(kind))
            if len(ids) != len(set(ids)):
                dup = sorted(i for i in ids if ids.count(i) > 1)[0]
                raise InputError(f"two {kind} items share the id {dup!r}")
        self._check_references()

    def _check_references(self) -> None:
        persons = {p.id for p in self.persons}
        accounts = {a.id for a in self.accounts}
        evidence = {e.id for e in self.evidence}
        every = {f"{k}:{i}" for k in _KIND_FIELDS for i in self.ids_of(k)}
        refs: list[tuple[str, str | None, set[str]]] = []
        refs += [(f"person {p.id} member_of", p.member_of, persons) for p in self.persons]
        refs += [(f"account {a.id} person_id", a.person_id, persons) for a in self.accounts]
        refs += [(f"listing {x.id} account_id", x.account_id, accounts) for x in self.listings]
        refs += [(f"selector {s.id} account_id", s.account_id, accounts) for s in self.selectors]
        refs += [(f"wallet {w.id} person_id", w.person_id, persons) for w in self.wallets]
        for i in self.identities:
            refs.append((f"identity {i.id} person_id", i.person_id, persons))
            refs += [(f"identity {i.id} account", a, accounts) for a in i.account_ids]
        for n in self.notes:
            refs += [(f"note {n.id} about", a, every) for a in n.about]
        refs += [(f"custody of {c.evidence_id}", c.evidence_id, evidence) for c in self.custody]
        for what, ref, known in refs:
            if ref is not None and ref not in known:
                raise InputError(f"{what} refers to {ref!r}, which is not in the case")

    def ids_of(self, kind: str) -> tuple[str, ...]:
        """Ids of one kind of item: person, site, account, listing, selector, wallet, trace,
        identity, note or evidence."""
        items: tuple[_HasId, ...] = getattr(self, _KIND_FIELDS[kind])
        return tuple(i.id for i in items)


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


# Item kind (as written in `Note.about`, "kind:id") -> the snapshot field holding them.
_KIND_FIELDS = {
    "person": "persons",
    "site": "sites",
    "account": "accounts",
    "listing": "listings",
    "selector": "selectors",
    "wallet": "wallets",
    "trace": "traces",
    "identity": "identities",
    "note": "notes",
    "evidence": "evidence",
}
