"""Showings: seeded random draws, prompt substitution and engine-resolved answers."""

from __future__ import annotations

import pytest

from studyapp.deck.grading import grade_response
from studyapp.deck.loader import load_deck
from studyapp.deck.showing import ShowingError, prepare
from tests.deck.decks import EVERY_TYPE


@pytest.fixture
def deck(fixture_experiments, write_deck):
    return load_deck(write_deck(EVERY_TYPE))


def test_random_draws_are_seeded_in_range_and_recomputed(deck):
    card = deck.card("rand")  # rho in [0.5, 1.5], steps in (2, 3, 4); answer = rho**steps
    showings = [prepare(card, seed) for seed in range(40)]
    assert [s.params for s in showings] == [prepare(card, seed).params for seed in range(40)]
    assert len({(s.params["rho"], s.params["steps"]) for s in showings}) > 20
    for s in showings:
        rho, steps = s.params["rho"], s.params["steps"]
        assert 0.5 <= rho <= 1.5 and steps in (2, 3, 4)
        assert float(f"{rho:.3g}") == rho  # shown exactly as used
        assert s.expected == pytest.approx(rho**steps, rel=1e-12)
        assert s.prompt == f"What is {rho:g} to the power {steps}?"
        assert s.report is not None and s.report.scalar("value") == s.expected
        assert grade_response(card, f"{rho}^{steps}", expected=s.expected).correct
        assert s.answer_text() == f"{s.expected:.6g}"


def test_stated_answer_needs_no_engine_run(deck):
    showing = prepare(deck.card("num"))
    assert showing.expected == 0.0009765625 and showing.report is None
    assert showing.params == {"rho": 0.5, "steps": 10}


def test_non_numeric_cards_never_run_the_engine(deck):
    for card_id in ("flash", "pick", "many", "tf", "steps", "gap", "order-of"):
        showing = prepare(deck.card(card_id), seed=3)
        assert showing.report is None and showing.expected is None
        assert showing.prompt == deck.card(card_id).prompt


def test_engine_failure_is_a_showing_error(fixture_experiments, write_deck):
    body = EVERY_TYPE.replace(
        'experiment = "test.fixture_power"\nanswer = "value"\n[card.random]',
        'experiment = "test.fixture_crash"\nanswer = "value"\n[card.random]',
    ).replace("steps = { choices = [2, 3, 4] }\n", "")
    body = body.replace("to the power {steps}?", "to the power 3?")  # steps is no longer drawn
    card = load_deck(write_deck(body)).card("rand")
    with pytest.raises(ShowingError, match="failed: ZeroDivisionError: boom"):
        prepare(card)
