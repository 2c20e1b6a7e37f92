"""Onion addresses: v3 checksum, legacy v2, defanged and split forms."""

from __future__ import annotations

import pytest

from darkrange.extract import find_selectors
from tests.extract.conftest import onion_for, only


def test_v3_in_a_url_is_found_at_its_offset() -> None:
    onion = onion_for("market")
    text = f'<a href="http://{onion}/listing/7">shop</a>'
    (found,) = only(text, "onion_v3")
    assert found.valid and found.normalized == onion and found.value == onion
    assert text[found.offset : found.offset + len(onion)] == onion


@pytest.mark.parametrize(
    "written",
    [
        "{label}[.]onion",
        "{label}(.)onion",
        "{label} [dot] onion",
        "{label} (dot) onion",
        "{label} dot onion",
        "{upper}.ONION",
        "hxxp://{label}[.]onion/",
    ],
)
def test_defanged_forms_are_normalised(written: str) -> None:
    onion = onion_for("defang")
    label = onion.removesuffix(".onion")
    text = "mirror: " + written.format(label=label, upper=label.upper()) + " ok"
    (found,) = only(text, "onion_v3")
    assert found.valid and found.normalized == onion


def test_spaces_inside_an_address_are_joined_only_when_the_checksum_holds() -> None:
    onion = onion_for("split")
    label = onion.removesuffix(".onion")
    chunks = " ".join(label[i : i + 8] for i in range(0, 56, 8))
    (found,) = only(f"new link: {chunks}.onion thanks", "onion_v3")
    assert found.valid and found.normalized == onion and found.extra["defanged"] is True
    assert found.value == f"{chunks}.onion"
    # a word before the address is not glued to it; a chunk missing leaves nothing valid
    (after_word,) = only(f"link here {chunks}.onion", "onion_v3")
    assert after_word.valid and after_word.value == f"{chunks}.onion"
    assert not [s for s in find_selectors(f"link here {chunks[:-9]}.onion") if s.valid]


def test_invalid_v3_look_alikes() -> None:
    onion = onion_for("typo")
    label = onion.removesuffix(".onion")
    typo = ("b" if label[0] != "b" else "c") + label[1:]
    long = label + "abcd"
    bad_chars = "1" + label[1:]
    for text, reason in ((typo, "checksum"), (long, "60 characters"), (bad_chars, "base32")):
        (found,) = only(f"go {text}.onion", "onion_v3")
        assert not found.valid and reason in found.reason


def test_v2_is_flagged_legacy_and_subdomains_are_kept() -> None:
    (v2,) = only("old: expyuzz4wqqyqhjn.onion", "onion_v2")
    assert v2.valid and "legacy" in v2.reason
    onion = onion_for("sub")
    (found,) = only(f"http://www.{onion}/", "onion_v3")
    assert found.extra["subdomain"] == "www" and found.normalized == onion


def test_words_ending_in_onion_are_not_addresses() -> None:
    assert not find_selectors("an onion, a red.onion and onionshare.onions, my.onion")


def test_bare_label_is_claimed_only_with_a_valid_checksum() -> None:
    label = onion_for("bare").removesuffix(".onion")
    (found,) = only(f"address {label} (add the suffix)", "onion_v3")
    assert found.valid and found.extra["suffix"] is False
    assert not find_selectors("address " + "a" * 56)
