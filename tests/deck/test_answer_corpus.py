"""The typed-answer corpus: its shape, and the verdicts of the parsers it exercises."""

from __future__ import annotations

import pytest

from tests.deck.answer_corpus import (
    bundled_cards,
    formula_verdict,
    grader_verdict,
    load_cases,
)

CASES = load_cases()
CARDS = bundled_cards()
# Cards whose declared precision is finer than the 6 digits the engine panel shows; the
# number shown is refused until the deck declares sigfigs <= 6 (deck content, not parsing).
PRECISION_TOO_FINE = {
    ("global-norm-after", "2"),  # sigfigs = 9; expected 1.99999985
    ("global-norm-after", "2.0"),
    ("global-norm-after", "1.9999998"),
    ("worked-example-loss", "1.23666"),  # rtol = 1e-6; expected 1.2366616
}


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


@pytest.mark.parametrize("case", [c for c in CASES if c.formula], ids=_id)
def test_formula_verdicts_by_equivalence(case):
    assert (formula_verdict(case) is True) == case.right


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            marks=pytest.mark.xfail(
                (c.card_id, c.response) in PRECISION_TOO_FINE,
                reason="the card demands more digits than the panel shows",
                strict=True,
            ),
        )
        for c in CASES
        if type(CARDS[(c.deck, c.card_id)]).__name__ == "NumericCard"
    ],
    ids=_id,
)
def test_numeric_verdicts(case):
    assert (grader_verdict(CARDS[(case.deck, case.card_id)], case) is True) == case.right
