"""What the crawler reads in a page: links, text, meta refresh and forms, within bounds.

selectolax (lexbor) parses in linear time except for deeply nested unclosed elements, where it
turns quadratic (100,000 nested <div>s take minutes); such a page, recognised by counting its
unclosed tags, is read with plain regular expressions instead. Only the first
`max_parse_bytes` of a page are parsed.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

from darkrange.collect.crawl._scope import canonical

MAX_UNCLOSED = 3000
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.I)
_HREF = re.compile(rb"""<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_REFRESH = re.compile(
    rb"""<meta[^>]+http-equiv=["']?refresh["']?[^>]+content=["']?([^"'>]+)""", re.I
)
_TAGS = re.compile(rb"<[^>]*>")


@dataclass(frozen=True)
class FormInfo:
    action: str
    method: str
    fields: dict[str, str]  # every named input with its value (hidden ones included)
    text_fields: tuple[str, ...]
    password_fields: tuple[str, ...]
    captcha_image: str | None

    @property
    def is_login(self) -> bool:
        return bool(self.password_fields)

    @property
    def is_gate(self) -> bool:
        return not self.password_fields and self.captcha_image is not None


@dataclass
class PageView:
    text: str = ""
    title: str = ""
    links: list[str] = field(default_factory=list)  # canonical, in page order, no repeats
    link_texts: dict[str, str] = field(default_factory=dict)
    refresh: tuple[float, str] | None = None
    forms: list[FormInfo] = field(default_factory=list)
    is_html: bool = False


def charset_of(content_type: str, body: bytes) -> str:
    found = re.search(r"charset=([A-Za-z0-9_-]+)", content_type, re.I)
    if found:
        return found.group(1)
    meta = _CHARSET.search(body[:4096])
    return meta.group(1).decode("ascii") if meta else "utf-8"


def is_html(content_type: str, body: bytes) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return True
    return not kind and body[:512].lstrip()[:1] == b"<"


def _refresh(content: str, base: str) -> tuple[float, str] | None:
    delay, _, rest = content.partition(";")
    try:
        seconds = float(delay.strip() or 0)
    except ValueError:
        return None
    target = rest.strip()
    if target.lower().startswith("url="):
        target = target[4:].strip().strip("'\"")
    return seconds, canonical(target or base, base) or base


def analyse(
    body: bytes, content_type: str, url: str, max_bytes: int, max_links: int, drop: tuple[str, ...]
) -> PageView:
    """Read a page; a non-HTML body gives an empty view."""
    if not is_html(content_type, body):
        return PageView()
    part = body[:max_bytes]
    unclosed = part.count(b"<") - 2 * part.count(b"</")
    if unclosed > MAX_UNCLOSED:
        return _analyse_plain(part, url, max_links, drop)
    encoding = charset_of(content_type, part)
    try:
        text = part.decode(encoding, "replace")
    except LookupError:
        text = part.decode("utf-8", "replace")
    tree = LexborHTMLParser(text)
    view = PageView(is_html=True)
    title = tree.css_first("title")
    view.title = title.text(strip=True)[:300] if title else ""
    root = tree.body or tree.root
    view.text = root.text(separator=" ", strip=True) if root else ""
    for a in tree.css("a[href]"):
        if len(view.links) >= max_links:
            break
        link = canonical(a.attributes.get("href") or "", url, drop)
        if link and link not in view.link_texts:
            view.links.append(link)
            view.link_texts[link] = a.text(strip=True)[:200]
    for meta in tree.css("meta[http-equiv]"):
        if (meta.attributes.get("http-equiv") or "").lower() == "refresh":
            view.refresh = _refresh(meta.attributes.get("content") or "", url)
    view.forms = [_form(node, url) for node in tree.css("form")]
    return view


def _form(node: object, url: str) -> FormInfo:
    from selectolax.lexbor import LexborNode

    assert isinstance(node, LexborNode)
    fields: dict[str, str] = {}
    texts, passwords = [], []
    for inp in node.css("input"):
        name = inp.attributes.get("name")
        if not name:
            continue
        kind = (inp.attributes.get("type") or "text").lower()
        fields[name] = inp.attributes.get("value") or ""
        if kind == "password":
            passwords.append(name)
        elif kind in ("text", "email", ""):
            texts.append(name)
    captcha = None
    for img in node.css("img[src]"):
        src = img.attributes.get("src") or ""
        alt = (img.attributes.get("alt") or "").lower()
        if "captcha" in src.lower() or "captcha" in alt:
            captcha = canonical(src, url)
            break
    action = canonical(node.attributes.get("action") or url, url) or url
    method = (node.attributes.get("method") or "get").upper()
    return FormInfo(action, method, fields, tuple(texts), tuple(passwords), captcha)


def _analyse_plain(part: bytes, url: str, max_links: int, drop: tuple[str, ...]) -> PageView:
    """Links and text by regular expressions: linear time whatever the nesting."""
    view = PageView(is_html=True)
    for match in _HREF.finditer(part):
        if len(view.links) >= max_links:
            break
        raw = next(g for g in match.groups() if g is not None)
        link = canonical(htmllib.unescape(raw.decode("utf-8", "replace")), url, drop)
        if link and link not in view.link_texts:
            view.links.append(link)
            view.link_texts[link] = ""
    found = _REFRESH.search(part)
    if found:
        view.refresh = _refresh(found.group(1).decode("latin-1"), url)
    view.text = _TAGS.sub(b" ", part[: 1 << 20]).decode("utf-8", "replace")
    return view
