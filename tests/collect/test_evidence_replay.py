"""Replay on 127.0.0.1: captured pages only, strict CSP, no scripts, links kept inside."""

from __future__ import annotations

import html
from pathlib import Path

import httpx
import pytest

from darkrange.collect.evidence import ReplayServer, build_package, generate_key, load_private_key
from darkrange.collect.evidence._rewrite import rewrite_html
from tests.collect.evidence_site import crawl


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("replay")
    crawl(root / "crawl")
    key, _ = generate_key(root / "k")
    build_package(root / "crawl", root / "p.wacz", load_private_key(key))
    return root / "crawl", root / "p.wacz"


@pytest.mark.parametrize("which", [0, 1])
def test_replayed_page_has_csp_and_no_scripts(sources: tuple[Path, Path], which: int) -> None:
    with ReplayServer(sources[which]) as server, httpx.Client(base_url=server.url) as client:
        index = client.get("/")
        assert index.status_code == 200 and "sha256:" in index.text
        page = next(c for c in server.pages() if c.info.target.endswith("/page/3"))
        assert str(page.info.payload_digest) in index.text
        assert html.escape(page.info.record_id) in index.text
        link = next(h for h in index.text.split('"') if h.startswith("/replay/") and "/page/3" in h)
        answer = client.get(link)
        assert answer.status_code == 200
        assert "script-src 'none'" in answer.headers["content-security-policy"]
        assert "default-src 'self'" in answer.headers["content-security-policy"]
        body = answer.text
        assert "<h1>Listing 3</h1>" in body and "darkrange replay" in body
        lowered = body.lower()
        assert "<script" not in lowered and "onload" not in lowered and "javascript:" not in lowered
        assert 'src="/replay/' in body and 'href="/replay/' in body
        base = page.info.target.rsplit("/page/", 1)[0]
        assert f'href="{base}' not in body  # no link leads to the live site
        image = client.get(body.split('<img src="', 1)[1].split('"', 1)[0])
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        script = client.get(f"/replay/20990101000000/{base}/app.js")
        assert script.status_code == 403
        gz = client.get(f"/replay/20990101000000/{base}/gz")
        assert "Listing 99" in gz.text  # content coding undone for display
        moved = client.get(f"/replay/20990101000000/{base}/moved")
        assert "location" not in moved.headers and "/replay/" in moved.text
        assert client.get("/replay/20990101000000/http://never.onion/").status_code == 404


def test_rewriter_keeps_text_and_drops_active_content() -> None:
    page = (
        '<html><head><base href="http://a.onion/x/">'
        '<meta http-equiv="refresh" content="0;url=http://b">'
        '</head><body><p title="a &amp; b">Tom &amp; Jerry &#169;</p><script>x()</script>'
        '<a href="y" onclick="z()">y</a><img srcset="i.png 1x, /j.png 2x">'
        '<object data="f.swf"></object>'
        "</body></html>"
    )
    out = rewrite_html(page, "http://a.onion/", lambda u: "/r/" + u)
    assert "Tom &amp; Jerry &#169;" in out and 'title="a &amp; b"' in out
    assert '<a href="/r/http://a.onion/x/y">' in out
    assert "/r/http://a.onion/x/i.png 1x, /r/http://a.onion/j.png 2x" in out
    for gone in ("script", "onclick", "refresh", "<base", "<object"):
        assert gone not in out
