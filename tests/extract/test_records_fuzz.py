"""Parsers survive whatever a page holds: malformed HTML, deep nesting, huge pages, binary junk,
each family's landmarks with garbage inside; and a crawl folder that is not one fails cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from darkrange.errors import InputError
from darkrange.extract.records import FAMILIES, flatten, load_html, parse_page, recognise
from darkrange.extract.records._html import MAX_CHARS, MAX_DEPTH

URL = "http://" + "a" * 56 + ".onion/listing/1"

# Each family's landmarks, so that random content lands inside every parser.
SHELLS = {
    "dream": '<div id="header"><a class="logo">M</a></div><div id="main">{}</div>',
    "alpha": '<table class="layout"><tr><td><b class="brand">A</b></td><td class="content">{}'
    "</td></tr></table>",
    "bazaar": '<header><span class="brand">B</span><nav></nav></header><main>{}</main>',
    "hydra": '<div class="top"><a class="logo">H</a></div><div class="main">{}</div>'
    '<div class="bottom"></div>',
    "shop": "<header><h1><a>S</a></h1><nav></nav></header><main>{}</main><footer>x</footer>",
    "forum": '<header><a class="logo">F</a></header><main>{}</main><footer class="meta">',
    "paste": '<pre class="paste">{}</pre>',
    "directory": '<ul><li class="link"><code>{}</code></li></ul>',
    "generic": "<h1>{}</h1>",
}
TAGS = ["div", "p", "a", "h1", "h2", "h3", "dl", "dt", "dd", "table", "tr", "td", "th", "pre",
        "span", "b", "ul", "li", "code", "section", "article", "blockquote", "footer", "textarea",
        "select", "option", "script", "br"]  # fmt: skip
CLASSES = ["product-title", "product-info", "description", "vendor-profile", "level", "terms",
           "pgp", "fingerprint", "contacts", "listing-row", "title", "vendor", "price", "ships",
           "feedback", "buyer", "item-detail", "profile", "items", "item", "desc", "facts",
           "product-page", "seller", "badges", "product", "offer", "rating", "review", "post",
           "author", "time", "body", "box", "thread", "meta", "role", "mirrors", "products",
           "link", "paste"]  # fmt: skip
HREFS = ["/listing/7", "/vendor/x", "/p/9/", "/u/y/", "?page=item&id=3", "/product/5",
         "/shop/z", "/item/1", "/post/t1#p", "#", ""]  # fmt: skip
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["USD 12.50", "$1,234.56", "0.0012 BTC", "1 446 ₽", "Vendor: bob", "4/5", "2026-01-12",
     "-----BEGIN PGP PUBLIC KEY BLOCK-----", "Price:", "Category:", "@", "«x»", "·", "→"]
)  # fmt: skip


@st.composite
def fragments(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            cls = draw(st.sampled_from(CLASSES))
            href = draw(st.sampled_from(HREFS))
            inner = draw(fragments(depth + 1))
            close = draw(st.sampled_from([f"</{tag}>", "", "</div>"]))
            parts.append(f'<{tag} class="{cls}" href="{href}" id="p{depth}">{inner}{close}')
        else:
            parts.append(draw(TEXT))
    return "".join(parts)


@settings(max_examples=150, deadline=None)
@given(family=st.sampled_from(sorted(SHELLS)), body=fragments())
def test_random_pages_inside_every_family_never_crash(family: str, body: str) -> None:
    html = SHELLS[family].format(body)
    records = parse_page(html, URL)
    assert records.family in FAMILIES
    for listing in records.listings:
        assert isinstance(listing.title, str) and listing.listing_id


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=3000))
def test_binary_junk_never_crashes(data: bytes) -> None:
    records = parse_page(data.decode("utf-8", "replace"), URL)
    assert records.count() >= 0


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=400), url=st.text(max_size=80))
def test_any_text_at_any_url(text: str, url: str) -> None:
    parse_page(text, url)


@pytest.mark.parametrize(
    "page",
    [
        "<div>" * 200_000 + "x",
        "<span><a>" * 100_000,
        "<select>" + "<option>" * 200_000,
        "<select>" + "<optgroup><option>x" * 100_000,
        "<ul><li>" * 100_000,
        "<dl><dt><dd>" * 60_000,
        "<table><tr><td>" * 60_000,
        "<" * 500_000,
        "<!--" * 200_000,
    ],
    ids=["div", "span-a", "option", "optgroup", "ul-li", "dl", "table", "lt", "comment"],
)
def test_deep_nesting_is_flattened_before_parsing(page: str) -> None:
    flat = flatten(page)
    tree = LexborHTMLParser(flat)
    depth, node = 0, tree.body
    while node is not None and node.child is not None and depth < 10 * MAX_DEPTH:
        node, depth = node.child, depth + 1
    assert depth < 4 * MAX_DEPTH
    parse_page(page, URL)


def test_flatten_leaves_ordinary_pages_alone() -> None:
    rows = "".join(f"<tr><td>{i}<td>x" for i in range(2000))
    paragraphs = "".join(f"<p>para {i}" for i in range(2000))
    page = f"<html><body><table>{rows}</table>{paragraphs}<ul>{'<li>a' * 600}</ul></body></html>"
    assert flatten(page) == page


def test_a_huge_page_is_cut_not_refused() -> None:
    row = '<div class="listing-row"><a class="title" href="/listing/{0}">t{0}</a></div>'
    body = "".join(row.format(i) for i in range(MAX_CHARS // len(row) + 5000))
    html = SHELLS["dream"].format(body)
    records = parse_page(html, URL)
    assert 0 < len(records.listings) < MAX_CHARS // len(row) + 5000
    assert load_html(html).body is not None


def test_nul_bytes_and_lone_surrogate_escapes() -> None:
    html = SHELLS["dream"].format('<h1 class="product-title">a\x00b</h1>\udcff')
    assert parse_page(html, URL).listings[0].title == "ab"


def test_recognise_names_each_family_by_its_landmarks() -> None:
    for family, shell in SHELLS.items():
        assert recognise(load_html(shell.format("x"))) == family


def test_a_folder_without_warc_files_is_refused(tmp_path: Path) -> None:
    from darkrange.extract.records import write_records

    with pytest.raises(InputError, match="no WARC files"):
        write_records(tmp_path, tmp_path / "out")
    with pytest.raises(InputError, match="no such folder"):
        write_records(tmp_path / "missing", tmp_path / "out")
    (tmp_path / "a.warc").write_bytes(b"")
    with pytest.raises(InputError, match="not a folder"):
        write_records(tmp_path / "a.warc", tmp_path / "out")
