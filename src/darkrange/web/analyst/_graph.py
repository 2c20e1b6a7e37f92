"""The link graph as Cytoscape.js elements: identities, accounts, sites, keys, addresses and
contacts, with the evidence on every edge (a click on an edge shows it)."""

from __future__ import annotations

from typing import Any

from darkrange.web.analyst._links import LinkOutput

ADDRESS_KINDS = frozenset({"btc", "xmr", "eth"})
KEY_KINDS = frozenset({"pgp_key"})
MAX_IDENTITIES = 400  # the whole graph shows the identities with several accounts, at most this

Selectors = dict[tuple[str, str], list[tuple[str, str, str | None]]]


def _account_id(site: str, handle: str) -> str:
    return f"acc:{site}:{handle}"


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[str, dict[str, Any]] = {}

    def node(self, ident: str, kind: str, label: str, **data: Any) -> None:
        self.nodes.setdefault(ident, {"id": ident, "kind": kind, "label": label, **data})

    def edge(self, a: str, b: str, kind: str, evidence: list[str], **data: Any) -> None:
        ident = f"{kind}:{a}|{b}"
        found = self.edges.get(ident)
        if found is not None:
            found["evidence"] += [e for e in evidence if e not in found["evidence"]]
            return
        self.edges[ident] = {
            "id": ident, "source": a, "target": b, "kind": kind, "evidence": list(evidence),
            **data,
        }  # fmt: skip

    def elements(self) -> dict[str, Any]:
        return {
            "nodes": [{"data": n} for _, n in sorted(self.nodes.items())],
            "edges": [{"data": e} for _, e in sorted(self.edges.items())],
        }


def _account(b: _Builder, ident: dict[str, Any], acc: dict[str, Any], names: dict[str, str]) -> str:
    site, handle = str(acc["site"]), str(acc["handle"])
    node = _account_id(site, handle)
    b.node(node, "account", handle, site=site, handle=handle)
    site_name = names.get(site) or site[:16] + "…"
    b.node(f"site:{site}", "site", site_name, site=site)
    where = (acc.get("pointer") or {}).get("target_uri") or site
    b.edge(node, f"site:{site}", "on_site", [f"profile {where} captured on {site_name}"])
    b.edge(
        f"id:{ident['identity_id']}", node, "member",
        [f"grouped into {ident['identity_id']} by the linker, account score {acc.get('score')}"],
        score=acc.get("score"),
    )  # fmt: skip
    return node


def _links(b: _Builder, ident: dict[str, Any]) -> None:
    for link in ident.get("links", []):
        a = _account_id(str(link["a"]["site"]), str(link["a"]["handle"]))
        z = _account_id(str(link["b"]["site"]), str(link["b"]["handle"]))
        texts = [str(e.get("text", "")) for e in link.get("evidence", [])]
        b.edge(
            a, z, "link", texts or [str(link.get("explanation", ""))],
            score=link.get("score"), status=link.get("status", "suggested"),
            explanation=link.get("explanation", ""),
        )  # fmt: skip


def _selectors(b: _Builder, node: str, found: list[tuple[str, str, str | None]]) -> None:
    for kind, value, url in found:
        if kind in KEY_KINDS:
            target, label, what = f"key:{value}", value[-16:].upper(), "PGP key"
            b.node(target, "key", label, value=value)
        elif kind in ADDRESS_KINDS:
            target, label, what = f"addr:{value}", value[:14] + "…", f"{kind.upper()} address"
            b.node(target, "address", label, value=value, chain=kind)
        else:
            target, label, what = f"contact:{kind}:{value}", value, f"{kind} contact"
            b.node(target, "contact", label, value=value, contact_kind=kind)
        b.edge(node, target, "shows", [f"{what} {value} shown on the profile {url or ''}".strip()])


def link_graph(
    links: LinkOutput, selectors: Selectors | None = None, identity: str | None = None
) -> dict[str, Any]:
    """Elements of one identity's neighbourhood, or of every identity with several accounts."""
    if identity is not None:
        chosen = [links.by_id[identity]] if identity in links.by_id else []
    else:
        chosen = [i for i in links.identities if len(i.get("accounts", [])) > 1]
        chosen = chosen[:MAX_IDENTITIES]
    b = _Builder()
    for ident in chosen:
        iid = str(ident["identity_id"])
        b.node(f"id:{iid}", "identity", iid, flags=ident.get("flags", []))
        for acc in ident.get("accounts", []):
            node = _account(b, ident, acc, links.site_names)
            if selectors is not None:
                _selectors(b, node, selectors.get((str(acc["site"]), str(acc["handle"])), []))
        _links(b, ident)
    return b.elements()
