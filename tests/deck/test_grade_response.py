"""The headless grading entry point: `load_deck`, `deck.card`, `grade_response`."""

from __future__ import annotations

import pytest

from studyapp.deck import AnswerError, grade_response, load_deck
from studyapp.deck.showing import draw, prepare
from tests.deck.decks import EVERY_TYPE


@pytest.fixture
def deck(fixture_experiments, write_deck):
    return load_deck(write_deck(EVERY_TYPE))


def test_unknown_card_id_is_a_key_error(deck):
    with pytest.raises(KeyError, match="no-such-card"):
        deck.card("no-such-card")


# one wrong response per card of EVERY_TYPE, in the response forms of the contract
WRONG = {
    "flash": False,
    "pick": "O(H^2)",
    "many": ["h_t"],
    "tf": True,
    "num": "0.3",
    "rand": "12345",
    "steps": ["loss", "forward", "backward", "update"],
    "gap": "input",
    "order-of": "O(H^2)",
}
CORRECT_ANSWER = {
    "flash": "Backpropagation through time.",
    "pick": "O(T*H^2)",
    "many": "- h_t\n- a_t",
    "tf": "False",
    "num": "0.000976562",
    "steps": "1. forward\n2. loss\n3. backward\n4. update",
    "gap": "hidden",
}


def test_every_wrong_verdict_carries_the_correct_answer(deck):
    assert {card.id for card in deck.cards} == set(WRONG)
    for card in deck.cards:
        verdict = grade_response(card, WRONG[card.id])
        assert verdict.right is False, card.id
        assert verdict.correct_answer, card.id
        assert verdict.detail, card.id
        if card.id in CORRECT_ANSWER:
            assert verdict.correct_answer == CORRECT_ANSWER[card.id], card.id


def test_randomised_card_first_draw_and_pinned_draw(deck):
    card = deck.card("rand")
    first = draw(card, 0)
    rho, steps = first["rho"], first["steps"]
    assert grade_response(card, f"{rho}^{steps}").right  # draw=None: the first draw
    assert prepare(card, 0).expected == pytest.approx(rho**steps, rel=1e-12)
    pinned = {"rho": 1.5, "steps": 4}  # 1.5^4 = 5.0625
    verdict = grade_response(card, "5.0625", draw=pinned)
    assert verdict.right and verdict.correct_answer == "5.0625"
    wrong = grade_response(card, "5.0625", draw={"rho": 0.5, "steps": 2})  # 0.25
    assert not wrong.right and wrong.correct_answer == "0.25"


@pytest.mark.parametrize(
    ("card_id", "response"),
    [("pick", 0), ("pick", "O(T)"), ("many", {"h_t"}), ("many", ["c_t"]), ("tf", "true"),
     ("steps", ["forward"]), ("num", "1/0"), ("gap", ""), ("order-of", "O(T"),
     ("flash", "yes")],
)  # fmt: skip
def test_unreadable_response_raises_answer_error(deck, card_id, response):
    with pytest.raises(AnswerError):
        grade_response(deck.card(card_id), response)
