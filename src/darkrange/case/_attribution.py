"""Attributions (R7, LED Art. 11): identities (accounts as one actor, or an account to a person)
and clusters (a wallet to a person). Whatever a tool suggests stays `suggested` until a named
person confirms it; exports carry the status and refuse a suggestion as fact."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from darkrange.case._access import Actor, case_for, justified, require
from darkrange.case._audit import record
from darkrange.case._items import collecting, in_case
from darkrange.case._schema_items import Cluster, Identity
from darkrange.errors import InputError, StateError


def _score(value: float, what: str = "score") -> float:
    if not 0.0 <= value <= 1.0:
        raise InputError(f"{what} must be between 0 and 1")
    return float(value)


def _evidence(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        kind, explanation = str(item.get("kind", "")).strip(), str(item.get("explanation", ""))
        if not kind:
            raise InputError("each piece of identity evidence needs a kind")
        out.append(
            {
                "kind": kind,
                "score": _score(float(item.get("score", 0.0))),
                "explanation": explanation,
            }
        )
    return out


def suggest_identity(
    actor: Actor,
    case_id: int,
    account_ids: Sequence[int],
    score: float,
    method: str,
    evidence: Sequence[dict[str, Any]] = (),
    person_id: int | None = None,
) -> Identity:
    """Record a suggested link; it is combination of data, so it is logged as such."""
    case = collecting(actor, case_id)
    accounts = sorted(set(account_ids))
    if len(accounts) < 2 and person_id is None:
        raise InputError("an identity links two accounts, or accounts to a person")
    for account in accounts:
        in_case(actor, case_id, "account", account)
    in_case(actor, case_id, "person", person_id)
    if not method.strip():
        raise InputError("say which method or tool suggested the link (--method)")
    identity = Identity(
        case_id=case.id,
        account_ids=accounts,
        person_id=person_id,
        score=_score(score),
        method=method.strip(),
        evidence=_evidence(evidence),
        status="suggested",
    )
    actor.session.add(identity)
    actor.session.flush()
    record(actor, "combination", case.id, f"identity:{identity.id}", f"suggested by {method}")
    return identity


def add_cluster(
    actor: Actor,
    case_id: int,
    cluster_ref: str,
    addresses: Sequence[str],
    *,
    tags: Sequence[str] = (),
    person_id: int | None = None,
    method: str = "",
    score: float = 0.0,
    chain: str = "bitcoin",
) -> Cluster:
    """A wallet from the chain tools; an owner given here is a suggestion until confirmed."""
    case = collecting(actor, case_id)
    if not addresses:
        raise InputError("a cluster needs at least one address")
    in_case(actor, case_id, "person", person_id)
    if person_id is not None and not method.strip():
        raise InputError("say which method or tool attributed the wallet (--method)")
    cluster = Cluster(
        case_id=case.id,
        cluster_ref=cluster_ref,
        addresses=sorted(set(addresses)),
        tags=sorted(set(tags)),
        person_id=person_id,
        method=method.strip(),
        score=_score(score),
        chain=chain,
        status="suggested",
    )
    actor.session.add(cluster)
    actor.session.flush()
    action = "combination" if person_id is not None else "collection"
    record(actor, action, case.id, f"cluster:{cluster.id}", method or "from the chain tools")
    return cluster


def confirm(actor: Actor, ref: str, justification: str) -> Identity | Cluster:
    """A named person confirms an attribution (R7), with the reason; logged as combination."""
    reason = justified(justification, "a confirmation")
    require(actor, "attribution.confirm")
    kind, _, raw = ref.partition(":")
    if kind not in ("identity", "cluster") or not raw.isdigit():
        raise InputError(f"confirm identity:ID or cluster:ID, not {ref!r}")
    item: Identity | Cluster | None
    if kind == "identity":
        item = actor.session.get(Identity, int(raw))
    else:
        item = actor.session.get(Cluster, int(raw))
    if item is None:
        raise InputError(f"no {kind} {raw}")
    case_for(actor, item.case_id, "attribution.confirm")
    if item.status == "confirmed":
        raise StateError(f"{ref} was confirmed by {item.confirmed_by} already")
    if isinstance(item, Cluster) and item.person_id is None:
        raise StateError(f"{ref} attributes the wallet to no one: nothing to confirm")
    item.status, item.confirmed_by, item.confirmed_at = "confirmed", actor.name, actor.now()
    record(actor, "combination", item.case_id, ref, f"confirmed: {reason}")
    return item
