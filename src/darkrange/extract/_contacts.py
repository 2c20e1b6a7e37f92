"""Addresses with an "@": e-mail, XMPP (Jabber) ids and Telegram handles; t.me links.

An XMPP id looks exactly like an e-mail address, so the nearest label before it ("jabber:",
"xmpp", "jid") or a known XMPP server decides; a bare "@handle" is a Telegram handle only when a
Telegram label is near. Defanged forms ("name[at]host[.]org", "name (at) host (dot) org") and
HTML character references ("name&#64;host&#46;org") are read too.
"""

from __future__ import annotations

import re

from darkrange.extract._model import Emit

__all__ = ["nearest_label", "scan_at_signs", "scan_telegram_links", "telegram_handle_reason"]

_AT_DEFANGED = re.compile(rb"[\[({] ?at ?[\])}]")
# "@" and "." written as HTML character references, as pages do to hide addresses from
# harvesters: "name&#64;host&#46;org" (a browser shows "name@host.org").
_AT_ENTITY = re.compile(rb"&(?:#0*64|#x0*40|commat);")
_DOT_DEFANGED = rb"[ \t]?[\[({](?:\.|dot)[\])}][ \t]?|&(?:#0*46|#x0*2e|period);"
_LOCAL_REVERSED = re.compile(rb"[a-z0-9._%+\-]{1,65}")
_LOCAL_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789._%+-")
_DOT = rb"(?:\.|" + _DOT_DEFANGED + rb")"
_DOMAIN = re.compile(
    rb"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?" + _DOT + rb"){1,8}+[a-z]{2,24}(?![a-z0-9])"
)
_HANDLE = re.compile(rb"@([a-z][a-z0-9_]{0,40})")
_TME = re.compile(rb"(?:t|telegram)(?:\.|\[\.\]|\(\.\)|\[dot\])(?:me|dog)/(?:s/)?(\+|joinchat/)?")
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_TME_ANCHORS = (b"t.me/", b"telegram.me/", b"telegram.dog/", b"t[.]me/", b"t(.)me/", b"t[dot]me/")
_TME_PATH = re.compile(r"[A-Za-z0-9_\-]{1,64}")

# Names that end an e-mail look-alike in page assets ("logo@2x.png"), not a mail domain.
_FILE_SUFFIXES = frozenset(
    [
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "ico",
        "bmp",
        "css",
        "js",
        "json",
        "mp4",
        "webm",
        "woff",
        "woff2",
        "ttf",
        "eot",
        "map",
    ]
)
# Public XMPP servers common on dark-web contact pages (a "jabber." or "xmpp." host counts too).
XMPP_SERVERS = frozenset(
    [
        "jabber.ccc.de",
        "jabber.calyxinstitute.org",
        "jabber.de",
        "jabber.org",
        "jabber.ru",
        "jabber.sk",
        "jabber.fr",
        "jabber.cz",
        "jabber.at",
        "jabber.systemli.org",
        "jabb.im",
        "xmpp.jp",
        "xmpp.is",
        "exploit.im",
        "thesecure.biz",
        "creep.im",
        "404.city",
        "yax.im",
        "conversations.im",
        "blah.im",
        "draugr.de",
        "xabber.org",
        "xabber.de",
        "trashserver.net",
        "otr.im",
        "securejabber.me",
        "sure.im",
        "jabbim.com",
        "jabbim.cz",
        "jabber.otr.im",
        "jabber.hot-chilli.net",
        "jabber.cd",
        "jabber.zone",
        "xmpp.zone",
        "chatterboxtown.us",
        "anonym.im",
        "hot-chilli.eu",
        "dukgo.com",
        "darkness.su",
        "jabber.i2p",
        "paranoid.scarab.name",
    ]
)
_XMPP_LABELS = (b"jabber", b"xmpp", b"jid", b"omemo", b"otr")
_EMAIL_LABELS = (b"mail", b"e-mail", b"email", b"contact")
_TELEGRAM_LABELS = (b"telegram", b"tg", b"tlgrm")
_LABEL_WINDOW = 40
_TME_RESERVED = frozenset({"share", "addstickers", "proxy", "socks", "iv", "c", "setlanguage"})


def nearest_label(low: bytes, before: int, labels: tuple[bytes, ...], floor: int = 0) -> int:
    """Position of the closest of `labels` ending within _LABEL_WINDOW bytes before `before`
    and not before `floor` (the end of the previous address: a label before it is that
    address's), or -1; a label must stand as a word (not inside "hotel" or "sessionid")."""
    lo = max(floor, before - _LABEL_WINDOW)
    best = -1
    for label in labels:
        at = low.rfind(label, lo, before)
        while at >= 0:
            after = at + len(label)
            if (at == 0 or not low[at - 1 : at].isalnum()) and not low[after : after + 1].isalpha():
                best = max(best, at)
                break
            at = low.rfind(label, lo, at)
    return best


def telegram_handle_reason(handle: str) -> str:
    """Why `handle` cannot be a Telegram username, or "" when it can (5-32 characters)."""
    if not 5 <= len(handle) <= 32:
        return f"{len(handle)} characters, a Telegram username has 5 to 32"
    if not _USERNAME.fullmatch(handle):
        return "a Telegram username is a letter, then letters, digits and underscores"
    if handle.endswith("_") or "__" in handle:
        return "a Telegram username does not end in or double an underscore"
    return ""


def scan_at_signs(low: bytes, emit: Emit) -> None:
    """E-mail and XMPP addresses and labelled Telegram handles, anchored on "@" and "[at]"."""
    floor = 0
    for at, after in _at_signs(low):
        if after - at > 1 and low[at] != ord("&"):  # "[at]" may stand between spaces
            at -= low[at - 1 : at] == b" "
            after += low[after : after + 1] == b" "
        local = None
        if at > 0 and low[at - 1] in _LOCAL_BYTES:
            local = _LOCAL_REVERSED.match(low[max(0, at - 65) : at][::-1])
        if local is None or local.end() > 64:
            if local is None and low[at : at + 1] == b"@":
                floor = _telegram_at(low, at, floor, emit)
            continue
        start = at - local.end()
        if low[start] == ord("."):
            continue  # "x.@y" or a path like "../@scope": not an address
        domain = _DOMAIN.match(low, after)
        if domain is None:
            continue
        _address(low, start, at, after, domain.end(), floor, emit)
        floor = domain.end()


def _at_signs(low: bytes) -> list[tuple[int, int]]:
    """Spans of every "@" (bytes.find, at memory speed) and, only when the page has any,
    of the defanged "[at]" forms (a regex, slower)."""
    spans = []
    pos = low.find(b"@")
    while pos >= 0:
        spans.append((pos, pos + 1))
        pos = low.find(b"@", pos + 1)
    defanged = len(spans)
    if b"at]" in low or b"at)" in low or b"at}" in low or b"at ]" in low or b"at )" in low:
        spans.extend(m.span() for m in _AT_DEFANGED.finditer(low))
    if b"&#" in low or b"&commat;" in low:
        spans.extend(m.span() for m in _AT_ENTITY.finditer(low))
    if len(spans) > defanged:
        spans.sort()
    return spans


def _address(low: bytes, start: int, at: int, after: int, end: int, floor: int, emit: Emit) -> None:
    local = low[start:at].decode("ascii")
    host = re.sub(_DOT_DEFANGED, b".", low[after:end]).decode("ascii")
    if host.rsplit(".", 1)[-1] in _FILE_SUFFIXES:
        return
    normalized = f"{local}@{host}"
    extra: dict[str, object] = (
        {"defanged": True} if after - at > 1 or len(host) < end - after else {}
    )
    xmpp_at = nearest_label(low, start, _XMPP_LABELS, floor)
    mail_at = nearest_label(low, start, _EMAIL_LABELS, floor)
    is_xmpp = xmpp_at > mail_at or (
        mail_at < 0 and (host in XMPP_SERVERS or host.startswith(("jabber.", "xmpp.")))
    )
    kind = "xmpp" if is_xmpp else "email"
    reason = ""
    if ".." in local or local.endswith("."):
        reason = "dots misplaced in the local part"
    emit(kind, start, end, normalized, not reason, reason, None, extra)


def _telegram_at(low: bytes, at: int, floor: int, emit: Emit) -> int:
    """A "@handle" near a Telegram label; returns the new floor for labels."""
    if at > 0 and low[at - 1 : at].isalnum():
        return floor
    match = _HANDLE.match(low, at)  # cheap test first: most "@" start no handle
    if match is None or nearest_label(low, at, _TELEGRAM_LABELS, floor) < 0:
        return floor
    end = match.end()
    if low[end : end + 1] in (b".", b"@", b"-") and low[end + 1 : end + 2].isalnum():
        return floor  # part of a longer name
    handle = match.group(1).decode("ascii")
    reason = telegram_handle_reason(handle)
    emit("telegram", at, end, handle, not reason, reason)
    return end


def scan_telegram_links(text: str, low: bytes, emit: Emit) -> None:
    """t.me/handle, telegram.me/handle, t.me/+invite and t.me/joinchat/invite links."""
    for anchor in _TME_ANCHORS:
        pos = low.find(anchor)
        while pos >= 0:
            _telegram_link(text, low, pos, emit)
            pos = low.find(anchor, pos + len(anchor))


def _telegram_link(text: str, low: bytes, pos: int, emit: Emit) -> None:
    if pos < 0 or (pos > 0 and low[pos - 1 : pos].isalnum()):
        return
    link = _TME.match(low, pos)
    if link is None:
        return
    path = _TME_PATH.match(text, link.end())
    if path is None:
        return
    end = path.end()
    if link.group(1):  # an invitation to a private group or channel: the hash is case-sensitive
        emit("telegram", pos, end, "t.me/+" + path.group(), True, "", None, {"form": "invite"})
        return
    handle = path.group().lower()
    if handle in _TME_RESERVED:
        return
    reason = telegram_handle_reason(handle)
    emit("telegram", pos, end, handle, not reason, reason, None, {"form": "link"})
