"""Selector extraction side by side with iocsearcher, ioc-finder and iocextract.

1. BIP-350 mainnet vectors: of the 5 valid addresses, how many each tool finds; of the 10
   invalid look-alikes, how many it accepts as Bitcoin addresses.
2. Throughput in MB/s of HTML on a synthetic corpus of market-like pages (selectors embedded in
   lots of markup), every tool on the same text in the same run.

Run: .venv/bin/python bench/extract.py (needs the `bench` extra; a missing peer is reported).
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
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
    save(
        "extract",
        {"vectors": scores, "throughput": speed, "ratio_to_fastest_peer": ratio},
        table,
    )


if __name__ == "__main__":
    main()
