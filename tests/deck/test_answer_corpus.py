"""The typed-answer corpus: its shape, and the verdicts of the parsers it exercises."""

from __future__ import annotations

import pytest

from tests.deck.answer_corpus import bundled_cards, grader_verdict, load_cases

CASES = load_cases()
CARDS = bundled_cards()


def _id(case) -> str:
    return f"{case.card_id}:{case.response!r}"


def test_the_corpus_is_large_and_names_real_cards():
    assert len(CASES) >= 300
    assert all((case.deck, case.card_id) in CARDS for case in CASES)
    assert all(case.why for case in CASES)
    kinds = {type(CARDS[(c.deck, c.card_id)]).__name__ for c in CASES}
    assert kinds >= {"BigOCard", "ClozeCard", "NumericCard", "ChoiceCard", "MultiCard"}
    assert kinds >= {"OrderCard", "TrueFalseCard"}


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if type(CARDS[(c.deck, c.card_id)]).__name__ == "BigOCard"],
    ids=_id,
)
def test_bigo_verdicts(case):
    assert (grader_verdict(CARDS[(case.deck, case.card_id)], case) is True) == case.right


def test_formula_cases_are_answers_to_formula_cards():
    formula = {(c.deck, c.card_id) for c in CASES if c.formula}
    assert len(formula) >= 10
    assert {type(CARDS[key]).__name__ for key in formula} == {"FormulaCard"}
    others = {(c.deck, c.card_id) for c in CASES if not c.formula}
    assert all(CARDS[key].type != "formula" for key in others)


@pytest.mark.parametrize("case", [c for c in CASES if c.formula], ids=_id)
def test_formula_verdicts_through_grade_response(case):
    assert (grader_verdict(CARDS[(case.deck, case.card_id)], case) is True) == case.right


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if type(CARDS[(c.deck, c.card_id)]).__name__
        in ("ClozeCard", "ChoiceCard", "MultiCard", "OrderCard", "TrueFalseCard")
    ],
    ids=_id,
)
def test_word_and_choice_verdicts(case):
    assert (grader_verdict(CARDS[(case.deck, case.card_id)], case) is True) == case.right


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if type(CARDS[(c.deck, c.card_id)]).__name__ == "NumericCard"],
    ids=_id,
)
def test_numeric_verdicts(case):
    assert (grader_verdict(CARDS[(case.deck, case.card_id)], case) is True) == case.right
