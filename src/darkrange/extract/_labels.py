"""Selectors known only by their label: "wickr: name", "Threema ID: ABCD1234", "Signal: +44 ...",
"Session: 05...", "Telegram: @name", "Phone: +49 ...".

Each label is searched for as a word in the lower-cased text (C speed); only what follows a
label is parsed: a few filler words, a separator, HTML tags, then the value.
"""

from __future__ import annotations

import re

from darkrange.extract._contacts import telegram_handle_reason
from darkrange.extract._model import Emit
from darkrange.extract._phones import phone_check

__all__ = ["scan_labels"]

_LABELS = {
    b"telegram": "telegram",
    b"tlgrm": "telegram",
    b"tg": "telegram",
    b"wickr": "wickr",
    b"signal": "signal",
    b"threema": "threema",
    b"session": "session",
    b"phone": "phone",
    b"telephone": "phone",
    b"tel": "phone",
    b"mobile": "phone",
    b"cell": "phone",
    b"call": "phone",
    b"sms": "phone",
    b"whatsapp": "phone",
    b"viber": "phone",
}
# Between a label and its value: spaces, separators, filler words, entities and HTML tags.
_FILLER = re.compile(
    r"(?:[\s:=>#\-–—|]|&gt;|&nbsp;|&#58;|</?[a-zA-Z][^<>]{0,80}>"
    r"|(?i:messenger|me|id|username|user|handle|number|no|nr|nick|only|private|app)\b){0,12}"
)
_APPS = frozenset({b"whatsapp", b"viber", b"sms"})
_SEPARATORS = frozenset(":=>#-–—|")
_WORD = re.compile(r"@?[A-Za-z0-9][A-Za-z0-9._\-]{0,63}")
_HEXISH = re.compile(r"[0-9A-Fa-f]{40,80}(?![0-9A-Za-z])")
_PHONE = re.compile(r"\+?\(?\d[\d \t().\-]{4,24}\d(?![\d])")
_SIGNAL_USERNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,31}\.\d{2,9}$")
_THREEMA = re.compile(r"[A-Z0-9*][A-Z0-9]{7}$")
_WICKR = re.compile(r"[a-z0-9][a-z0-9._\-]{1,31}$")
# Words that follow a label in prose ("Signal: available on request"), never a handle.
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "available",
        "by",
        "call",
        "channel",
        "chat",
        "contact",
        "do",
        "for",
        "from",
        "group",
        "here",
        "if",
        "in",
        "is",
        "it",
        "me",
        "message",
        "my",
        "no",
        "not",
        "now",
        "of",
        "on",
        "only",
        "or",
        "our",
        "please",
        "private",
        "request",
        "send",
        "the",
        "this",
        "to",
        "us",
        "via",
        "we",
        "with",
        "you",
        "your",
        "yes",
        "https",
        "http",
        "www",
    ]
)


def scan_labels(text: str, low: bytes, emit: Emit) -> None:
    """Find every label as a word and read the selector that follows it."""
    for label, kind in _LABELS.items():
        pos = low.find(label)
        while pos >= 0:
            end = pos + len(label)
            if (pos == 0 or not low[pos - 1 : pos].isalnum()) and not low[end : end + 1].isalnum():
                _after_label(text, label, kind, end, emit)
            pos = low.find(label, end)


def _after_label(text: str, label: bytes, kind: str, pos: int, emit: Emit) -> None:
    filler = _FILLER.match(text, pos)
    assert filler is not None  # the pattern can match the empty string
    between = filler.group()
    separated = any(c in _SEPARATORS for c in between) or "id" in between.lower()
    start = filler.end()
    if kind == "phone":
        _phone(text, start, emit, "phone", label)
    elif kind == "session":
        _session(text, start, emit)
    elif kind == "signal":
        if not _phone(text, start, emit, "signal", label):
            _signal_username(text, start, separated, emit)
    else:
        word = _WORD.match(text, start)
        if word is None or word.group().lstrip("@").lower() in _STOPWORDS:
            return
        follows = text[word.end() : word.end() + 1]
        if follows in ("@", ":", "/") or (
            follows == "." and text[word.end() + 1 : word.end() + 2].isalnum()
        ):
            return  # an e-mail, XMPP id or link: read by its own scanner
        value = word.group()
        if kind == "telegram":
            _telegram(value, start, separated, emit)
        elif kind == "threema" and separated:
            _threema(value, start, emit)
        elif kind == "wickr" and separated:
            _wickr(value, start, emit)


def _phone(text: str, start: int, emit: Emit, kind: str, label: bytes) -> bool:
    match = _PHONE.match(text, start)
    if match is None:
        return False
    normalized, reason = phone_check(match.group())
    extra: dict[str, object] = {"form": "phone"} if kind == "signal" else {}
    if label in _APPS:
        extra["app"] = label.decode("ascii")
    emit(kind, start, match.end(), normalized, not reason, reason, None, extra)
    return True


def _session(text: str, start: int, emit: Emit) -> None:
    match = _HEXISH.match(text, start)
    if match is None:
        return
    value = match.group().lower()
    if len(value) == 66 and value.startswith("05"):
        emit("session", start, match.end(), value, True)
    else:
        reason = f"{len(value)} hex digits; a Session id has 66, starting 05"
        emit("session", start, match.end(), value, False, reason)


def _signal_username(text: str, start: int, separated: bool, emit: Emit) -> None:
    word = _WORD.match(text, start)
    if word is None or not separated:
        return
    value = word.group().rstrip(".")
    if _SIGNAL_USERNAME.match(value):
        emit(
            "signal", start, start + len(value), value.lower(), True, "", None, {"form": "username"}
        )


def _telegram(value: str, start: int, separated: bool, emit: Emit) -> None:
    if not (value.startswith("@") or separated):
        return
    handle = value.lstrip("@").rstrip(".-")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", handle):
        return
    reason = telegram_handle_reason(handle)
    emit("telegram", start, start + len(value), handle.lower(), not reason, reason)


def _threema(value: str, start: int, emit: Emit) -> None:
    upper = value.upper()
    # An id is upper-case letters and digits; a lower-case word after the label is prose.
    if value != upper and not any(c.isdigit() for c in value):
        return
    if _THREEMA.match(upper):
        emit("threema", start, start + len(value), upper, True)
    elif 4 <= len(value) <= 12 and upper.isalnum():
        reason = f"{len(value)} characters, a Threema id has 8"
        emit("threema", start, start + len(value), upper, False, reason)


def _wickr(value: str, start: int, emit: Emit) -> None:
    value = value.lstrip("@").rstrip(".-_")
    lower = value.lower()
    if _WICKR.match(lower):
        emit("wickr", start, start + len(value), lower, True)
    elif len(value) > 32:
        reason = f"{len(value)} characters, a Wickr username has at most 32"
        emit("wickr", start, start + len(value), lower, False, reason)
