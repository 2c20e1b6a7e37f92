"""Random and hostile input: never a crash, never an invalid selector reported as valid, and
inputs that would hang a backtracking regex finish (no timing is asserted)."""

from __future__ import annotations

import base64
import hashlib
import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from darkrange.errors import FormatError
from darkrange.extract import KINDS, Selector, find_selectors
from darkrange.formats import (
    b58check_decode,
    eip55_checksum,
    monero_decode,
    segwit_decode,
)
from tests.extract.conftest import onion_for

_ONION = onion_for("fuzz")
_FRAGMENTS = [
    _ONION,
    _ONION.removesuffix(".onion"),
    ".onion",
    "[.]onion",
    " dot onion",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "47ewoP19TN7JEEnFKUJHAYhGxkeTRH82sf36giEp9AcNfDBfkAtRLX7A6rZz18bbNHPNV7ex6WYbMN3aKisFRJZ8Ebsmgef",
    "05" + "ab" * 32,
    "@",
    "[at]",
    "jabber: ",
    "Telegram: @",
    "t.me/",
    "Threema ID: ",
    "wickr: ",
    "Signal: +",
    "Phone: +",
    "session ",
    "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n",
    "-----END PGP PUBLIC KEY BLOCK-----",
    "=",
    "<br>",
    "\n",
    " ",
]


def _mutate(fragment: str, rnd: random.Random) -> str:
    if not fragment or rnd.random() < 0.5:
        return fragment
    i = rnd.randrange(len(fragment))
    return fragment[:i] + rnd.choice("abcxyz0123456789ABCXYZ.@ ") + fragment[i + 1 :]


_texts = st.lists(
    st.one_of(
        st.text(max_size=20),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz234567.@:[]() -+0", max_size=60),
        st.tuples(st.sampled_from(_FRAGMENTS), st.randoms(use_true_random=False)).map(
            lambda pair: _mutate(pair[0], pair[1])
        ),
    ),
    max_size=30,
).map("".join)


def _onion_ok(normalized: str) -> bool:
    label = normalized.removesuffix(".onion")
    raw = base64.b32decode(label.upper())
    check = hashlib.sha3_256(b".onion checksum" + raw[:32] + b"\x03").digest()[:2]
    return raw[32:34] == check and raw[34] == 3


def _independently_valid(s: Selector) -> bool:
    """Re-check a selector reported as valid, without the extraction code."""
    n = s.normalized
    try:
        if s.kind == "onion_v3":
            return len(n) == 62 and _onion_ok(n)
        if s.kind == "onion_v2":
            return re.fullmatch(r"[a-z2-7]{16}\.onion", n) is not None
        if s.kind in ("btc", "ltc"):
            hrp = n[: n.find("1")].lower()
            if hrp in ("bc", "tb", "bcrt", "ltc", "tltc", "rltc") and n[: len(hrp)].lower() == hrp:
                return segwit_decode(hrp, n) is not None
            return len(b58check_decode(n)) == 21
        if s.kind == "btc_wif":
            return len(b58check_decode(n)) in (33, 34)
        if s.kind == "xmr":
            return monero_decode(n) is not None
        if s.kind == "eth":
            return eip55_checksum(n) == n
    except FormatError:
        return False
    patterns = {
        "session": r"05[0-9a-f]{64}",
        "telegram": r"[a-z][a-z0-9_]{3,30}[a-z0-9]|t\.me/\+[A-Za-z0-9_\-]+",
        "threema": r"[A-Z0-9*][A-Z0-9]{7}",
        "wickr": r"[a-z0-9][a-z0-9._\-]{1,31}",
        "signal": r"\+?[0-9]{7,15}|[a-z_][a-z0-9_]{2,31}\.[0-9]{2,9}",
        "phone": r"\+?[0-9]{7,15}",
        "email": r"[^@\s]{1,64}@[a-z0-9.\-]+\.[a-z]{2,24}",
        "xmpp": r"[^@\s]{1,64}@[a-z0-9.\-]+\.[a-z]{2,24}",
        "pgp_key": r"[0-9A-F]{32}|[0-9A-F]{40}|[0-9A-F]{64}",
    }
    return re.fullmatch(patterns[s.kind], n) is not None


@settings(max_examples=400, deadline=None)
@given(_texts)
def test_random_text_never_yields_an_invalid_selector_as_valid(text: str) -> None:
    for selector in find_selectors(text, "fuzz"):
        assert selector.kind in KINDS
        assert 0 <= selector.offset <= len(text)
        assert selector.valid == (selector.valid and _independently_valid(selector)), selector
        if selector.kind != "pgp_key":
            assert text[selector.offset :].startswith(selector.value)


def test_huge_and_hostile_inputs_complete() -> None:
    rnd = random.Random(5)
    hostile = [
        "a" * 3_000_000,
        "a@" * 300_000,
        "@" * 1_000_000,
        "x.onion" * 200_000,
        "abcd " * 400_000 + ".onion",
        "onion " * 300_000,
        "-----BEGIN PGP PUBLIC KEY BLOCK-----" * 20_000,
        "telegram: " * 100_000,
        "phone: +1 " * 100_000,
        "<div>" * 200_000 + "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4" + "</div>" * 200_000,
        "(" * 500_000 + "[at]" + ")" * 500_000,
        "1" * 35 + " " + "0x" + "f" * 2_000_000,
        "".join(rnd.choice("a.-@[]()") for _ in range(1_000_000)),
        rnd.randbytes(2_000_000).decode("latin-1"),
        rnd.randbytes(2_000_000).decode("utf-8", "replace"),
    ]
    for text in hostile:
        found = find_selectors(text)
        assert all(s.valid is False or _independently_valid(s) for s in found)
    deep = "<div>" * 100_000 + "Threema ID: ABCD1234" + "</div>" * 100_000
    assert [s.normalized for s in find_selectors(deep)] == ["ABCD1234"]
