"""Selector extraction side by side with iocsearcher, ioc-finder and iocextract.

1. BIP-350 mainnet vectors: of the 5 valid addresses, how many each tool finds; of the 10
   invalid look-alikes, how many it accepts as Bitcoin addresses.
2. Throughput in MB/s of HTML on a synthetic corpus of market-like pages (selectors embedded in
   lots of markup), every tool on the same text in the same run.
3. A generated world's pages (the small world, seed 7, at days 20 and 55): every page that shows
   selectors fetched from the sites' apps, the expected selectors derived from what the world
   says each page shows (tests/extract/test_world_pages.py), precision and recall per kind;
   the peers on the kinds they have (onion, Bitcoin, e-mail), each on at most ~60 s of pages.

Run: .venv/bin/python bench/extract.py (needs the `bench` extra; a missing peer is reported).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the world-pages harness
from _common import save
from darkrange.extract import find_selectors
from darkrange.formats import b58check_encode, onion_from_pubkey, segwit_encode

VECTORS = Path(__file__).resolve().parents[2] / "shared" / "data" / "vectors"
PAGES = 120  # about 40 KB each: ~5 MB of HTML


def _peers() -> dict[str, Callable[[str], list[tuple[str, str]]]]:
    """Each available peer as text -> [(type, value)]."""
    warnings.filterwarnings("ignore")
    peers: dict[str, Callable[[str], list[tuple[str, str]]]] = {}
    try:
        from iocsearcher.searcher import Searcher

        searcher = Searcher()
        peers["iocsearcher"] = lambda t: [(i.name, i.value) for i in searcher.search_data(t)]
    except ImportError:
        pass
    try:
        import ioc_finder

        def finder(text: str) -> list[tuple[str, str]]:
            found = ioc_finder.find_iocs(text)
            return [(k, str(v)) for k, values in found.items() for v in values]

        peers["ioc-finder"] = finder
    except ImportError:
        pass
    try:
        import iocextract

        peers["iocextract"] = lambda t: [("ioc", v) for v in iocextract.extract_iocs(t)]
    except ImportError:
        pass
    return peers


def _ours(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.value) for s in find_selectors(text) if s.valid]


_BTC_TYPES = {"btc", "bitcoin", "bitcoin_addresses"}


def vector_scores(tools: dict[str, Callable[[str], list[tuple[str, str]]]]) -> dict[str, Any]:
    path = VECTORS / "bech32" / "bip173_bip350_vectors.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    valid = [a for a, _ in data["VALID_ADDRESS"] if a.lower().startswith("bc1")]
    invalid = [a for a in data["INVALID_ADDRESS"] if a.lower().startswith("bc1")]
    scores = {}
    for name, tool in tools.items():

        def hit(address: str, tool: Callable[[str], list[tuple[str, str]]] = tool) -> bool:
            # in a sentence and alone: a tool gets the point if either way finds it
            found = tool(f"Send the payment to {address} today.\n") + tool(address)
            return any(k in _BTC_TYPES and v.lower() == address.lower() for k, v in found)

        scores[name] = {
            "found": sum(map(hit, valid)),
            "valid": len(valid),
            "accepted": sum(map(hit, invalid)),
            "invalid": len(invalid),
        }
    return scores


def corpus(seed: int = 11) -> str:
    """Market-like pages: navigation, listing cards, scripts, a vendor box with selectors."""
    rnd = random.Random(seed)
    words = [
        *[
            "escrow",
            "stealth",
            "shipping",
            "worldwide",
            "vendor",
            "feedback",
            "rating",
            "listing",
            "price",
        ],
        *[
            "quantity",
            "express",
            "tracking",
            "refund",
            "policy",
            "finalize",
            "early",
            "reship",
            "dispute",
        ],
    ]

    def sentence(n: int) -> str:
        return " ".join(rnd.choice(words) for _ in range(n))

    def onion() -> str:
        return onion_from_pubkey(hashlib.sha256(rnd.randbytes(32)).digest())

    pages = []
    for page in range(PAGES):
        h = hashlib.sha256(f"{seed}/{page}".encode()).digest()
        btc = segwit_encode("bc", 0, h[:20])
        legacy = b58check_encode(b"\x00" + h[12:32])
        cards = "".join(
            f'<div class="col-md-4 listing-card" data-id="{page * 100 + i}">'
            f'<a class="listing-title" href="/listing/{page * 100 + i}">{sentence(6)}</a>'
            f'<span class="price" title="USD">{rnd.uniform(5, 900):.2f}</span>'
            f'<p class="text-muted small">{sentence(40)}</p>'
            f'<img src="/static/img/item{i}@2x.png" alt="{sentence(2)}"></div>\n'
            for i in range(60)
        )
        vendor = (
            f'<div class="vendor-box"><h3>Vendor</h3><p>Mirror: http://{onion()}/ and '
            f"{onion().replace('.onion', '[.]onion')}</p><p>BTC: {btc} or {legacy}</p>"
            f"<p>Jabber: vendor{page}@jabber.calyxinstitute.org | Telegram: @shop_{page:04d}</p>"
            f"<p>Threema ID: {h[:4].hex().upper()}</p></div>"
        )
        pages.append(
            "<!DOCTYPE html><html><head><title>Market</title>"
            '<link rel="stylesheet" href="/static/css/bootstrap.min.css">'
            "<style>@media (max-width: 600px) { .listing-card { width: 100%; } }</style>"
            "</head><body><nav class='navbar navbar-dark'>"
            + "".join(f"<a class='nav-link' href='/c/{w}'>{w}</a>" for w in words)
            + f"</nav><main class='container'>{cards}{vendor}</main>"
            "<script>var csrf='" + h.hex() + "'; function go(u){window.location=u;}</script>"
            "</body></html>\n"
        )
    return "".join(pages)


def throughput(
    tools: dict[str, Callable[[str], list[tuple[str, str]]]], html: str
) -> dict[str, dict[str, float]]:
    size_mb = len(html.encode()) / 1e6
    pages = html.split("<!DOCTYPE html>")[1:]
    out = {}
    for name, tool in tools.items():
        # peers are slow: give each at most ~60 s by measuring a prefix of the corpus
        start = time.perf_counter()
        done = 0
        mb = 0.0
        for page in pages:
            tool("<!DOCTYPE html>" + page)
            done += 1
            mb += len(page.encode()) / 1e6
            if time.perf_counter() - start > 60:
                break
        seconds = time.perf_counter() - start
        out[name] = {
            "mb": round(mb, 3),
            "seconds": round(seconds, 3),
            "pages": done,
            "mb_per_s": round(mb / seconds, 3),
            "corpus_mb": round(size_mb, 3),
        }
    return out


WORLD = (7, "small")
WORLD_DAYS = (20, 55)
PEER_KINDS = ("onion_v3", "btc", "email")
_ONION = re.compile(r"([a-z2-7]{56})\.onion", re.I)


def _as_ours(kind: str, value: str) -> tuple[str, str] | None:
    """A peer's (type, value) as our (kind, normalized), for the kinds peers have."""
    onion = _ONION.search(value)
    if kind == "onionAddress" or onion:
        label = onion.group(1) if onion else value
        return ("onion_v3", label.lower() + ".onion") if len(label) == 56 else None
    if kind in _BTC_TYPES or kind == "bitcoin_addresses":
        return "btc", value.lower() if value[:3].lower() == "bc1" else value
    if kind in ("email", "email_addresses") or (
        kind == "ioc" and "@" in value and ":" not in value
    ):
        return "email", value.lower()
    return None


def world_pages(tools: dict[str, Callable[[str], list[tuple[str, str]]]]) -> dict[str, Any]:
    from tests.extract.test_world_pages import expected_on, fetch, score, universe

    from darkrange.world.generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp) / "world"
        generate(WORLD[0], WORLD[1], world)
        crawls = [fetch(world, day) for day in WORLD_DAYS]
        shows = universe(world, crawls)
    pages = [page for crawl in crawls for page in crawl.pages]
    start = time.perf_counter()
    ours = score(pages, shows)
    result: dict[str, Any] = {
        "world": {"seed": WORLD[0], "size": WORLD[1], "days": list(WORLD_DAYS)},
        "pages": len(pages),
        "mb": round(sum(len(p.text.encode()) for p in pages) / 1e6, 3),
        "darkrange": {
            k: {
                "expected": s.expected,
                "found": s.found,
                "hits": s.hits,
                "precision": s.precision,
                "recall": s.recall,
                "misses": s.misses[:20],
                "false": s.false[:20],
            }
            for k, s in sorted(ours.items())
        },
        "darkrange_seconds": round(time.perf_counter() - start, 3),
    }
    for name, tool in tools.items():
        if name == "darkrange":
            continue
        counts = {k: Counter[str]() for k in PEER_KINDS}
        begin, done = time.perf_counter(), 0
        for page in pages:
            want = {(k, n) for _, k, n in expected_on(page, shows) if k in PEER_KINDS}
            got = {m for t, v in tool(page.text) if (m := _as_ours(t, v)) is not None}
            for kind in PEER_KINDS:
                w, g = {x for x in want if x[0] == kind}, {x for x in got if x[0] == kind}
                counts[kind].update(expected=len(w), found=len(g), hits=len(w & g))
            done += 1
            if time.perf_counter() - begin > 60:
                break
        result[name] = {"pages": done, **{k: _ratios(c) for k, c in counts.items()}}
    return result


def _ratios(c: Counter[str]) -> dict[str, float | int]:
    return {
        **c,
        "precision": c["hits"] / c["found"] if c["found"] else 1.0,
        "recall": c["hits"] / c["expected"] if c["expected"] else 1.0,
    }


def world_table(result: dict[str, Any]) -> list[list[str]]:
    peers = [t for t in _PEER_NAMES if t in result]
    pages = result["pages"]
    heads = [f"{t} P / R ({result[t]['pages']} pages)" for t in peers]
    table = [["kind", "expected", f"darkrange P / R ({pages} pages)", *heads]]
    for kind, s in result["darkrange"].items():
        row = [kind, str(s["expected"]), f"{s['precision']:.3f} / {s['recall']:.3f}"]
        for peer in peers:
            p = result[peer].get(kind)
            row.append(f"{p['precision']:.3f} / {p['recall']:.3f}" if p else "-")
        table.append(row)
    return table


_PEER_NAMES = ("iocsearcher", "ioc-finder", "iocextract")


def main() -> None:
    tools = {"darkrange": _ours, **_peers()}
    scores = vector_scores(tools)
    html = corpus()
    _ours(html[:100_000])  # warm the caches of the regex engine
    speed = throughput(tools, html)
    fastest_peer = max((v["mb_per_s"] for k, v in speed.items() if k != "darkrange"), default=0)
    ratio = speed["darkrange"]["mb_per_s"] / fastest_peer if fastest_peer else None
    table = [["tool", "BIP-350 valid found", "BIP-350 invalid accepted", "MB/s HTML", "ratio"]]
    for name in tools:
        score = scores.get(name, {})
        found = f"{score['found']}/{score['valid']}" if score else "n/a"
        accepted = f"{score['accepted']}/{score['invalid']}" if score else "n/a"
        mbs = speed[name]["mb_per_s"]
        rel = mbs / fastest_peer if fastest_peer else 0
        table.append([name, found, accepted, f"{mbs:.2f}", f"{rel:.1f}x"])
    pages = world_pages(tools)
    save(
        "extract",
        {
            "vectors": scores,
            "throughput": speed,
            "ratio_to_fastest_peer": ratio,
            "world_pages": pages,
        },
        table,
    )
    print(f"World pages: {pages['pages']} pages, {pages['mb']} MB (peers: pages covered in 60 s)\n")
    save("extract_world", {"world_pages": pages}, world_table(pages))


if __name__ == "__main__":
    main()
