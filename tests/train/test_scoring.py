"""Scoring one submission: text, regex, set (F1), path (F1 + order), number, choice."""

from __future__ import annotations

import pytest

from darkrange.errors import InputError
from darkrange.train import Answer, credit, lcs, parse_submission, set_f1


def a(**kw: object) -> Answer:
    return Answer.model_validate({"value": "x", **kw})


def test_text_is_case_insensitive_and_trims_spaces() -> None:
    ans = a(type="text")
    assert credit(ans, "KingChemist420", "  kingchemist420 ") == 1.0
    assert credit(ans, "KingChemist420", "KingChemist42") == 0.0


def test_text_case_sensitive_when_asked() -> None:
    assert credit(a(type="text", case_sensitive=True), "AbC", "abc") == 0.0


def test_text_accepts_any_item_of_a_truth_list() -> None:
    assert credit(a(type="text"), ["AAA", "BBB"], "bbb") == 1.0


def test_regex_must_match_the_whole_answer() -> None:
    ans = a(type="regex", value=r"socks5h://127\.0\.0\.1:9050/?")
    assert credit(ans, ans.value, "SOCKS5H://127.0.0.1:9050") == 1.0
    assert credit(ans, ans.value, "socks5://127.0.0.1:9050") == 0.0
    assert credit(ans, ans.value, "use socks5h://127.0.0.1:9050 always") == 0.0


def test_set_partial_credit_is_f1() -> None:
    ans = a(type="set")
    truth = ["a", "b", "c", "d"]
    assert credit(ans, truth, "a, b, c, d") == 1.0
    assert credit(ans, truth, "d c b a") == 1.0
    # two right of four, one wrong: precision 2/3, recall 1/2 -> F1 4/7
    assert credit(ans, truth, "a;b;x") == pytest.approx(4 / 7)
    assert credit(ans, truth, "x y") == 0.0
    assert set_f1([], []) == 1.0


def test_path_rewards_hops_and_order() -> None:
    ans = a(type="path", order_bonus=0.2)
    truth = ["t1", "t2", "t3"]
    assert credit(ans, truth, "t1,t2,t3") == pytest.approx(1.0)
    # all hops, wrong order: F1 1, LCS 1 of 3
    assert credit(ans, truth, "t3,t2,t1") == pytest.approx(0.8 + 0.2 / 3)
    # two hops in order: F1 0.8, LCS 2 of 3
    assert credit(ans, truth, "t1 t3") == pytest.approx(0.8 * 0.8 + 0.2 * 2 / 3)
    assert credit(ans, truth, "zz") == 0.0
    assert lcs(["a", "b", "c"], ["a", "c"]) == 2


def test_number_tolerance() -> None:
    assert credit(a(type="number"), 56, "56") == 1.0
    assert credit(a(type="number"), 56, "57") == 0.0
    assert credit(a(type="number", tolerance=1), 56, "57") == 1.0
    assert credit(a(type="number", relative_tolerance=0.01), 236360, "236,000") == 1.0
    assert credit(a(type="number", relative_tolerance=0.001), 236360, "236000") == 0.0
    with pytest.raises(InputError, match="not a number"):
        credit(a(type="number"), 56, "fifty-six")


def test_choice_is_exact_option() -> None:
    assert credit(a(type="choice"), "TLP:AMBER+STRICT", "tlp:amber+strict") == 1.0
    assert credit(a(type="choice"), "TLP:AMBER+STRICT", "TLP:AMBER") == 0.0


def test_submission_items() -> None:
    assert parse_submission("set", "a, b;c\nd  e") == ["a", "b", "c", "d", "e"]
    assert parse_submission("text", "  two words ") == ["two words"]
