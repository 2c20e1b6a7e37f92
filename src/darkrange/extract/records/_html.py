"""Pages as parsed HTML, with bounds: a page is cut at MAX_CHARS and nesting is flattened past
MAX_DEPTH before lexbor sees it, because lexbor"s tree builder slows down with the square of
the nesting depth (20,000 nested <div>s take seconds; a browser stops nesting at 512 too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from darkrange.extract.records._model import WarcPointer
from darkrange.extract.records._text import clean

__all__ = [
    "MAX_CHARS",
    "MAX_DEPTH",
    "Page",
    "flatten",
    "link_target",
    "load_html",
    "node_text",
    "pairs",
]

MAX_CHARS = 4_000_000
MAX_DEPTH = 256
MAX_OPTIONS = 1_000

_SPLIT = re.compile(r"(<[A-Za-z/][^<>]*>)")
_OPTION = re.compile(r"<opt(?:ion|group)\b", re.IGNORECASE)
_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,40})")
_VOID = frozenset({"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr",
                   "img", "input", "keygen", "link", "meta", "param", "source", "track",
                   "wbr"})  # fmt: skip
# What a start tag closes when it is the open element on top (the HTML spec's implied end
# tags, simplified): without this, a long list of unclosed <p> or <td> would look deep.
_CLOSES = {"p": ("p",), "li": ("li", "p"), "dt": ("dt", "dd", "p"), "dd": ("dt", "dd", "p"),
           "td": ("td", "th"), "th": ("td", "th"), "tr": ("td", "th", "tr"),
           "tbody": ("td", "th", "tr", "tbody", "thead"), "thead": ("td", "th", "tr", "tbody"),
           "tfoot": ("td", "th", "tr", "tbody", "thead"), "option": ("option",),
           "optgroup": ("option", "optgroup"), "rb": ("rb", "rt", "rp"), "rt": ("rb", "rt", "rp"),
           "rp": ("rb", "rt", "rp")}  # fmt: skip
_RAW = frozenset({"iframe", "noembed", "noscript", "plaintext", "script", "style", "textarea",
                  "title", "xmp"})  # fmt: skip
_HIDDEN = frozenset({"script", "style", "template", "noscript"})
_BREAKS = frozenset({"article", "blockquote", "br", "dd", "div", "dl", "dt", "footer", "h1", "h2",
                     "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section",
                     "table", "tr", "ul"})  # fmt: skip
_CELLS = frozenset({"td", "th"})  # a cell boundary is a tab when lines are kept
_BLOCKS = _BREAKS - {"br", "hr"}
_BLANKS = re.compile(r"\n{3,}")
_END_SEARCH = 32  # an end tag closes a match among the top open elements, else is left alone


def flatten(text: str, max_depth: int = MAX_DEPTH) -> str:
    """`text` without the start tags that would open more than `max_depth` nested elements
    (end tags are left as written), and without <option> tags past MAX_OPTIONS (lexbor
    re-walks a select's options for every new one); text content is kept. Open elements are
    simulated from the tags as written, with the usual implied end tags."""
    many_options = len(_OPTION.findall(text)) > MAX_OPTIONS
    if not many_options and (text.count("<") <= max_depth or not _too_deep(text, max_depth)):
        return text
    parts = _SPLIT.split(text)  # text, tag, text, tag, ... text
    stack: list[str] = []
    raw = ""
    options = 0
    for i in range(1, len(parts), 2):
        tag = parts[i]
        closing = tag[1] == "/"
        name = _tag_name(tag, closing)
        if raw:
            raw = "" if closing and name == raw else raw
        elif name in ("option", "optgroup") and options >= MAX_OPTIONS:
            parts[i] = ""
        elif closing:
            _close(stack, name)
        elif name in _RAW:
            raw = name
        elif name not in _VOID and not tag.endswith("/>") and not _open(stack, name, max_depth):
            parts[i] = ""
        options += name in ("option", "optgroup") and not closing
    return "".join(parts)


def _tag_name(tag: str, closing: bool) -> str:
    """ "<div class=x>" -> "div" (the split pattern guarantees "<", a letter or "/", ">")."""
    words = tag[2 if closing else 1 : -1].split(None, 1)
    return words[0].rstrip("/").lower() if words else ""


def _too_deep(text: str, max_depth: int) -> bool:
    """A quick pass over the tag names only (raw text elements not skipped, so it may say
    yes for a page that is not: the careful pass then changes nothing)."""
    stack: list[str] = []
    for found in _NAME.finditer(text):
        closing, name = found.groups()
        name = name.lower()
        if name in _VOID:
            continue
        if closing:
            _close(stack, name)
        elif not _open(stack, name, max_depth):
            return True
    return False


def _open(stack: list[str], name: str, max_depth: int) -> bool:
    while stack and stack[-1] in _CLOSES.get(name, ()):
        stack.pop()
    if len(stack) >= max_depth:
        return False
    stack.append(name)
    return True


def _close(stack: list[str], name: str) -> None:
    for i in range(len(stack) - 1, max(-1, len(stack) - 1 - _END_SEARCH), -1):
        if stack[i] == name:
            del stack[i:]
            return


def load_html(text: str) -> LexborHTMLParser:
    """Parse a page, bounded in size and nesting. NUL characters are dropped (lexbor would
    replace them anyway, and they are never part of a value)."""
    return LexborHTMLParser(flatten(text[:MAX_CHARS].replace("\x00", "")))


def node_text(node: LexborNode | None, keep_lines: bool = False) -> str:
    """A node"s text, scripts and styles left out: whitespace collapsed (text nodes joined
    with a space, so "$12.50<br>0.001 BTC" stays two values), or with line ends kept where the
    page breaks lines (descriptions, posts, keys)."""
    if node is None:
        return ""
    pieces: list[str] = []
    for child in node.traverse(include_text=True):
        tag = child.tag
        if tag == "-text":
            parent = child.parent
            if parent is None or parent.tag not in _HIDDEN:
                before = child.prev
                if keep_lines and before is not None and before.tag in _BLOCKS:
                    pieces.append("\n")  # text after a block element starts a new line
                pieces.append(child.text_content or "")
        elif tag in _BREAKS:
            pieces.append("\n")
        elif tag in _CELLS:
            pieces.append("\t")
        elif not keep_lines:
            pieces.append(" ")
    text = "".join(pieces) if keep_lines else " ".join(pieces)
    if not keep_lines:
        return clean(text)
    lines = [line.strip(" \t\r") for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def pairs(lists: Iterable[LexborNode]) -> dict[str, LexborNode]:
    """A definition list"s label -> first value (dt/dd), labels lower-cased without their
    colon; a label"s further dd elements are left out."""
    found: dict[str, LexborNode] = {}
    for dl in lists:
        label = None
        child = dl.child
        while child is not None:
            if child.tag == "dt":
                label = node_text(child).rstrip(":").strip().casefold()
            elif child.tag == "dd" and label is not None:
                found.setdefault(label, child)
                label = None
            child = child.next
    return found


@dataclass
class Page:
    """One captured HTML page: its URL split up, its parsed tree and its WARC pointer."""

    url: str
    tree: LexborHTMLParser
    pointer: WarcPointer | None = None
    host: str = field(init=False)
    path: str = field(init=False)
    query: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        self.host = (parts.hostname or "").lower()
        self.path = unquote(parts.path or "/")
        self.query = dict(parse_qsl(parts.query, keep_blank_values=True))

    @property
    def pointers(self) -> list[WarcPointer]:
        return [self.pointer] if self.pointer else []

    def segments(self) -> list[str]:
        return [s for s in self.path.split("/") if s]

    def first(self, *selectors: str) -> LexborNode | None:
        for selector in selectors:
            node = self.tree.css_first(selector)
            if node is not None:
                return node
        return None

    def text(self, *selectors: str, keep_lines: bool = False) -> str:
        return node_text(self.first(*selectors), keep_lines)

    def page_number(self) -> int:
        """1 unless the pager shows a previous page."""
        return 2 if self.tree.css_first('a[rel="prev"]') is not None else 1


def link_target(href: str | None) -> tuple[list[str], dict[str, str]]:
    """A link"s path segments (unquoted) and query."""
    parts = urlsplit(href or "")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    return segments, dict(parse_qsl(parts.query, keep_blank_values=True))
