"""Reading values out of page text: prices in any currency, dates, counts, ratings.

Prices are found by one pattern for the shapes markets print: a symbol or code before the
amount ("$12.50", "USD 12.50", "BTC 0.0012") or after it ("0.0012 BTC", "1 446 ₽",
"12,50 EUR"), with thousands separated by spaces, commas or dots.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from darkrange.extract.records._model import Price

__all__ = ["FIAT", "clean", "find_prices", "parse_amount", "parse_int", "parse_time", "primary"]

# Symbols and words to ISO codes / tickers. Crypto last: a fiat price is the one a vendor set.
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "₽": "RUB", "₿": "BTC", "руб": "RUB",
            "руб.": "RUB", "р.": "RUB", "usd": "USD", "eur": "EUR", "gbp": "GBP", "rub": "RUB",
            "btc": "BTC", "xmr": "XMR", "ltc": "LTC", "eth": "ETH", "uah": "UAH", "cad": "CAD",
            "aud": "AUD", "chf": "CHF"}  # fmt: skip
FIAT = frozenset({"USD", "EUR", "GBP", "RUB", "UAH", "CAD", "AUD", "CHF"})

_AMOUNT = r"\d{1,3}(?:[ \u00a0\u202f,.]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?"
_CODE = r"USD|EUR|GBP|RUB|BTC|XMR|LTC|ETH|UAH|CAD|AUD|CHF"
_BEFORE = rf"(?P<c1>[$€£₿]|\b(?:{_CODE})\b)\s?(?P<a1>{_AMOUNT})"
_AFTER = rf"(?P<a2>{_AMOUNT})\s?(?P<c2>[$€£₽₿]|(?:{_CODE})\b|руб\.?|р\.)"
_PRICE = re.compile(rf"(?<![\w.,]){_BEFORE}|(?<![\w.,]){_AFTER}", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_INT = re.compile(r"\d[\d \u00a0\u202f,]*")
_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")


def clean(text: str | None) -> str:
    """Whitespace runs to one space, stripped."""
    return _SPACES.sub(" ", text or "").strip()


def parse_amount(text: str) -> float | None:
    """ "1 446" -> 1446, "1,234.50" -> 1234.5, "12,50" -> 12.5, "0.00012" -> 0.00012."""
    digits = re.sub(r"[ \u00a0\u202f]", "", text.strip())
    if not digits:
        return None
    comma, dot = digits.rfind(","), digits.rfind(".")
    if comma >= 0 and dot >= 0:  # the later one is the decimal mark
        decimal = "," if comma > dot else "."
        thousands = "." if decimal == "," else ","
        digits = digits.replace(thousands, "").replace(decimal, ".")
    elif comma >= 0:
        # "12,500" reads as thousands, "12,50" as a decimal comma
        groups = digits.split(",")
        if all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3:
            digits = digits.replace(",", "")
        else:
            digits = digits.replace(",", ".")
    elif digits.count(".") > 1:
        digits = digits.replace(".", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def find_prices(text: str, limit: int = 50) -> list[Price]:
    """Every price in `text` in order of appearance (at most `limit`)."""
    found: list[Price] = []
    for match in _PRICE.finditer(text):
        symbol = match.group("c1") or match.group("c2") or ""
        amount = parse_amount(match.group("a1") or match.group("a2") or "")
        currency = _SYMBOLS.get(symbol.lower(), _SYMBOLS.get(symbol, symbol.upper()))
        if amount is not None:
            found.append(Price(amount, currency))
            if len(found) >= limit:
                break
    return found


def primary(prices: list[Price]) -> Price | None:
    """The price a vendor set: the first fiat one, else the first one."""
    for price in prices:
        if price.currency in FIAT:
            return price
    return prices[0] if prices else None


def parse_int(text: str | None) -> int | None:
    found = _INT.search(text or "")
    if not found:
        return None
    digits = re.sub(r"\D", "", found.group())
    return int(digits) if digits and len(digits) < 18 else None


def parse_time(text: str | None) -> datetime | None:
    """The first "YYYY-MM-DD[ HH:MM[:SS]]" in `text`, read as UTC."""
    found = _TIME.search(text or "")
    if not found:
        return None
    y, mo, d, h, mi, s = (int(x) if x else 0 for x in found.groups())
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=UTC)
    except ValueError:
        return None
