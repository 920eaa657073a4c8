"""`studyapp check` grades every card with its own grader: declared answers right (a
randomised card's on every draw), targeted-feedback answers wrong and shown their text."""

from __future__ import annotations

from dataclasses import replace

import pytest

from studyapp.deck import cards as card_types
from studyapp.deck.checker import check_paths
from tests.deck.decks import EVERY_TYPE

FEEDBACK_RIGHT = """
[[card]]
id = "jac"
type = "formula"
prompt = "J = {{gap}}"
answer = "diag(f'(a_t)) W"
symbols = { W = "H×H", "a_{t}" = "H", "f'" = "elementwise" }
explanation = "E"
tags = ["t"]
[card.engine]
experiment = "test.fixture_power"

[[card.feedback]]
answer = "W"
text = "Only for a linear RNN."

[[card.feedback]]
answer = "diag(f′(a_t))·W"
text = "Written by someone who thought this was wrong."

[[card.feedback]]
answer = "2W - W"
text = "Never shown: the W entry above catches it first."

[[card]]
id = "gap"
type = "cloze"
prompt = "BPTT stores every {{gap}} state."
answers = ["hidden"]
explanation = "E"
tags = ["t"]
[card.engine]
experiment = "test.fixture_power"

[[card.feedback]]
answer = "  HIDDEN "
text = "Right after all."

[[card]]
id = "num"
type = "numeric"
prompt = "How much?"
answer = 0.25
sigfigs = 2
explanation = "E"
tags = ["t"]
[card.engine]
experiment = "test.fixture_power"

[[card.feedback]]
answer = 0.2504
text = "Within the card's own precision."

[[card.feedback]]
answer = 0.5
text = "Twice too much."
"""


def line_of(path, fragment: str) -> int:
    return next(n for n, row in enumerate(path.read_text().split("\n"), 1) if fragment in row)


def test_feedback_answers_that_grade_right_are_errors_at_their_line(
    fixture_experiments, write_deck
):
    path = write_deck(FEEDBACK_RIGHT)
    result = check_paths([path])
    errors = {
        (i.line, i.message.split(" grades")[0]) for i in result.issues if i.severity == "error"
    }
    assert errors == {
        (line_of(path, 'answer = "diag(f′(a_t))·W"'), "feedback answer 'diag(f′(a_t))·W'"),
        (line_of(path, 'answer = "  HIDDEN "'), "feedback answer '  HIDDEN '"),
        (line_of(path, "answer = 0.2504"), "feedback answer 0.2504"),
    }
    assert all(
        "so its feedback is never shown" in i.message
        for i in result.issues
        if i.severity == "error"
    )
    shadowed = [i for i in result.issues if "earlier feedback entry" in i.message]
    assert [(i.line, i.severity) for i in shadowed] == [
        (line_of(path, 'answer = "2W - W"'), "warning")
    ]
    # the loader alone accepts the deck: this is what the check adds
    assert check_paths([path], run_engine=False).errors == 3


def test_a_good_deck_of_every_type_grades_itself_right(fixture_experiments, write_deck):
    result = check_paths([write_deck(EVERY_TYPE)], draws=5)
    assert result.errors == 0 and result.warnings == 0, [str(i) for i in result.issues]


def test_a_declared_answer_its_grader_refuses_is_an_error_on_every_draw(
    fixture_experiments, write_deck, monkeypatch
):
    """A numeric card whose declared response were not what the engine computes: the
    check grades it at each draw of the random card."""
    numeric = card_types.CARD_TYPES["numeric"]
    monkeypatch.setitem(
        card_types.CARD_TYPES,
        "numeric",
        replace(numeric, declared_responses=lambda card, expected: [repr(expected * 1.5)]),
    )
    path = write_deck(EVERY_TYPE)
    result = check_paths([path], draws=4)
    wrong = [i for i in result.issues if "grades wrong" in i.message]
    assert wrong, [str(i) for i in result.issues]
    assert any("(draw 0:" in i.message for i in wrong)
    # the fixed numeric card (no engine answer) is checked without running the engine
    fixed = check_paths([path], run_engine=False)
    assert any("grades wrong" in i.message for i in fixed.issues)


@pytest.mark.parametrize("response", ["W @", 7])
def test_a_declared_answer_the_grader_cannot_read_is_an_error(
    fixture_experiments, write_deck, monkeypatch, response
):
    formula = card_types.CARD_TYPES["formula"]
    monkeypatch.setitem(
        card_types.CARD_TYPES,
        "formula",
        replace(formula, declared_responses=lambda card, expected: [response]),
    )
    path = write_deck(FEEDBACK_RIGHT)
    result = check_paths([path], run_engine=False)
    unreadable = [i for i in result.issues if "cannot read its own answer" in i.message]
    assert [i.line for i in unreadable] == [line_of(path, 'answer = "diag(f\'(a_t)) W"')]


def test_the_bundled_decks_grade_themselves_right():
    from tests.deck.answer_corpus import CONTENT

    result = check_paths([CONTENT], run_engine=False)
    assert result.errors == 0 and result.warnings == 0, [str(i) for i in result.issues]


def test_every_graded_type_declares_the_responses_it_holds_right():
    for name, kind in card_types.CARD_TYPES.items():
        assert (kind.declared_responses is None) == (kind.response_kind == "self"), name
