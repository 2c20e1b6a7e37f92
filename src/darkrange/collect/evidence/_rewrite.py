"""Make a captured HTML page safe to show: no scripts, no live links, only replay URLs.

Scripts, event handler attributes, javascript: URLs, <base>, meta refresh, plugins and
preloads are dropped; every link and resource URL points back into the replay, so a page can
never make the analyst's browser reach the live site. The CSP header is the second line of
defence.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urljoin

URL_ATTRS = {
    "href", "src", "action", "formaction", "poster", "background", "data", "cite",
    "longdesc", "usemap", "icon", "manifest", "lowsrc", "dynsrc",
}  # fmt: skip
DROPPED_TAGS = {"script", "object", "embed", "applet", "base"}
SKIP_CONTENT = {"script"}


class _Rewriter(HTMLParser):
    def __init__(self, base: str, to_replay: Callable[[str], str], banner: str) -> None:
        super().__init__(convert_charrefs=False)
        self.base = base
        self.to_replay = to_replay
        self.banner = banner
        self.out: list[str] = []
        self.skipping = 0
        self.banner_done = False

    def _url(self, value: str) -> str:
        text = value.strip()
        lowered = text.lower()
        if lowered.startswith(("javascript:", "vbscript:")):
            return "#"
        if lowered.startswith(("data:", "#", "mailto:", "about:")):
            return text
        absolute = urljoin(self.base, text)
        if absolute.startswith(("http://", "https://")):
            return self.to_replay(absolute)
        return "#"

    def _srcset(self, value: str) -> str:
        parts = []
        for item in value.split(","):
            bits = item.strip().split(None, 1)
            if bits:
                bits[0] = self._url(bits[0])
                parts.append(" ".join(bits))
        return ", ".join(parts)

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> str | None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            return None
        if tag == "link" and values.get("rel", "").lower() in (
            "preload",
            "modulepreload",
            "prefetch",
            "dns-prefetch",
            "preconnect",
        ):
            return None
        kept = []
        for name, value in attrs:
            key = name.lower()
            if key.startswith("on") or key in ("srcdoc", "ping", "integrity"):
                continue
            text = value or ""
            if key in URL_ATTRS:
                text = self._url(text)
            elif key in ("srcset", "imagesrcset"):
                text = self._srcset(text)
            kept.append(
                f' {name}="{html.escape(text, quote=True)}"' if value is not None else f" {name}"
            )
        return "".join(kept)

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: str) -> None:
        if self.skipping:
            return
        if tag in DROPPED_TAGS:
            if tag in SKIP_CONTENT:
                self.skipping += 1 if close == ">" else 0
            if tag == "base":
                href = dict(attrs).get("href")
                if href:
                    self.base = urljoin(self.base, href)
            return
        rendered = self._attrs(tag, attrs)
        if rendered is None:
            return
        self.out.append(f"<{tag}{rendered}{close}")
        if tag == "body" and not self.banner_done:
            self.out.append(self.banner)
            self.banner_done = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, ">")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, " />")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_CONTENT:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping or tag in DROPPED_TAGS:
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        if not self.skipping:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self.skipping:
            self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        pass  # comments can hide conditional markup; they add nothing for an analyst

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")


def rewrite_html(text: str, base: str, to_replay: Callable[[str], str], banner: str = "") -> str:
    """The page without scripts, its URLs pointing into the replay, `banner` after <body>."""
    rewriter = _Rewriter(base, to_replay, banner)
    rewriter.feed(text)
    rewriter.close()
    body = "".join(rewriter.out)
    return body if rewriter.banner_done else banner + body
