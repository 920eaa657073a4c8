"""A numeric card states the precision it wants, shows its answer with the digits that
precision needs (so the number shown is accepted), and may not demand more digits than
float64 arithmetic reproduces."""

from __future__ import annotations

import pytest

from engine import registry
from engine.report import Report, Scalar
from studyapp.deck import grade_response, load_deck
from studyapp.deck.loader import DeckError
from studyapp.deck.showing import prepare
from studyapp.ui.widgets.report_view import text_parts

FINE = """
[[card]]
id = "fine"
type = "numeric"
prompt = "What is rho^steps?"
sigfigs = 9
explanation = "E"
tags = ["t"]
[card.engine]
experiment = "test.fixture_power"
params = {{ rho = {rho}, steps = 1 }}
answer = "value"

[[card]]
id = "three"
type = "numeric"
prompt = "How much?"
answer = 0.123456
sigfigs = 3
explanation = "E"
tags = ["t"]

[[card]]
id = "relative"
type = "numeric"
prompt = "And this?"
answer = 1.2366616
rtol = 1e-6
explanation = "E"
tags = ["t"]

[[card]]
id = "default"
type = "numeric"
prompt = "Default?"
answer = 2.5
explanation = "E"
tags = ["t"]
"""


@pytest.fixture
def deck(fixture_experiments, write_deck):
    return load_deck(write_deck(FINE.format(rho=0.99999999)))


def test_the_question_states_the_precision(deck):
    assert prepare(deck.card("three")).question == (
        "How much?\n\n*Give the answer to 3 significant figures.*"
    )
    assert prepare(deck.card("relative")).question.endswith(
        "*Give the answer within 0.0001% (relative).*"
    )
    assert prepare(deck.card("default")).question.endswith("within 0.1% (relative).*")


def test_the_answer_is_shown_with_the_digits_it_needs_and_that_number_is_accepted(deck):
    fine = prepare(deck.card("fine"))
    assert fine.expected == pytest.approx(0.99999999)
    shown = fine.answer_text()
    assert shown == "0.99999999"  # 6 digits would print 1, which 9 figures refuse
    assert not grade_response(fine.card, "1", expected=fine.expected).right
    verdict = grade_response(fine.card, shown, expected=fine.expected)
    assert verdict.right and verdict.correct_answer == shown
    wrong = grade_response(fine.card, "0.9999", expected=fine.expected)
    assert wrong.correct_answer == shown and "to 9 significant figures" in wrong.detail
    relative = deck.card("relative")
    assert relative.answer_text() == "1.236662"  # 1.23666 is 1.3e-6 off: outside rtol 1e-6
    assert grade_response(relative, relative.answer_text()).right
    assert deck.card("three").answer_text() == "0.123456"  # never fewer than 6 digits


def test_the_engine_panel_shows_the_answer_scalar_with_those_digits(deck):
    fine = prepare(deck.card("fine"))
    assert fine.answer_digits() == {"value": 8}
    assert prepare(deck.card("three")).answer_digits() == {}
    report = registry.run("test.fixture_power", fine.params)
    top, _ = text_parts(report, fine.answer_digits())
    scalars = next(part for kind, part in top if kind == "table")
    values = {row[0]: row[1] for row in scalars.rows}
    assert values == {"value": "0.99999999", "steps": "1"}
    assert grade_response(fine.card, values["value"], expected=fine.expected).right
    plain = Report("r", scalars=[Scalar("value", 0.99999999)])
    assert text_parts(plain)[0][1][1].rows[0][1] == "1"  # other scalars: 6 digits


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("answer = 0.5\nsigfigs = 13", "sigfigs must be a whole number from 1 to 12"),
        (
            "answer = 0.6666666666666666\nrtol = 1e-13",
            "needs more than 12 significant digits of 0.666667",
        ),
        (
            'rtol = 1e-13\n[card.engine]\nexperiment = "test.fixture_power"\nanswer = "value"',
            "rtol = 1e-13 needs more than 12 significant digits",
        ),
    ],
)
def test_a_card_demanding_more_digits_than_float64_reproduces_is_refused(
    fixture_experiments, write_deck, keys, message
):
    body = '[[card]]\nid = "n"\ntype = "numeric"\nprompt = "P"\nexplanation = "E"\n'
    with pytest.raises(DeckError) as caught:
        load_deck(write_deck(body + f'tags = ["t"]\n{keys}\n'))
    assert any(message in issue.message for issue in caught.value.issues), [
        str(i) for i in caught.value.issues
    ]


def test_an_exact_answer_needs_no_more_digits_than_it_has(write_deck):
    body = '[[card]]\nid = "n"\ntype = "numeric"\nprompt = "P"\nexplanation = "E"\n'
    card = load_deck(write_deck(body + 'tags = ["t"]\nanswer = 0.5\nrtol = 1e-13\n')).card("n")
    assert card.answer_text() == "0.5" and grade_response(card, "1/2").right
