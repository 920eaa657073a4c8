"""Grading every card type, with tolerance edges and targeted feedback."""

from __future__ import annotations

from dataclasses import replace

import pytest

from studyapp.deck.cards import NumericCard
from studyapp.deck.errors import AnswerError
from studyapp.deck.grading import Verdict, grade_response, within_tolerance
from studyapp.deck.loader import load_deck
from studyapp.deck.model import Feedback
from tests.deck.decks import EVERY_TYPE


@pytest.fixture
def deck(fixture_experiments, write_deck):
    return load_deck(write_deck(EVERY_TYPE))


def numeric(**fields) -> NumericCard:
    base = {"id": "n", "prompt": "p", "explanation": "e", "answer": 0.0009765625}
    return NumericCard(**{**base, **fields})


def test_flashcard_is_self_graded(deck):
    card = deck.card("flash")
    assert grade_response(card, True) == Verdict(
        True, None, "Backpropagation through time.", "self-graded: you knew it"
    )
    assert not grade_response(card, False).correct
    with pytest.raises(AnswerError):
        grade_response(card, 1)


def test_choice_with_targeted_feedback(deck):
    card = deck.card("pick")
    right = grade_response(card, card.choices[0])
    assert right.correct and right.expected == "O(T*H^2)" and right.feedback is None
    assert right.detail == "you chose 'O(T*H^2)'"
    wrong = grade_response(card, card.choices[1])
    assert not wrong.right and wrong.feedback == "That is the per-step cost."
    assert wrong.correct_answer == "O(T*H^2)"
    assert wrong.detail.endswith("; the answer is 'O(T*H^2)'")
    assert grade_response(card, card.choices[2]).feedback is None  # none written for it
    for bad in (0, True, "not a choice", ["O(T*H^2)"], None):
        with pytest.raises(AnswerError):
            grade_response(card, bad)


def test_multi_needs_exactly_the_right_set(deck):
    card = deck.card("many")  # choices: h_t, a_t, optimiser state; answers h_t, a_t
    h_t, a_t, optimiser = card.choices
    assert grade_response(card, [h_t, a_t]).correct
    assert grade_response(card, [a_t, h_t]).correct  # the order ticked does not matter
    missed = grade_response(card, [h_t])
    assert not missed.correct and missed.detail == "1 right answer(s) missed"
    assert missed.correct_answer == "- h_t\n- a_t"
    extra = grade_response(card, [h_t, a_t, optimiser])
    assert not extra.correct and extra.feedback == "Not part of BPTT."
    assert not grade_response(card, []).correct
    for bad in (["c_t"], [0, 1], "h_t", frozenset({h_t}), [h_t, None]):
        with pytest.raises(AnswerError):
            grade_response(card, bad)


def test_multi_feedback_for_several_wrong_picks_is_one_paragraph_each(deck):
    card = replace(
        deck.card("many"),
        choices=("h_t", "a_t", "the optimiser state", "the learning rate"),
        feedback=(
            Feedback(answer="the optimiser state", text="Not part of BPTT."),
            Feedback(answer="the learning rate", text="A hyper-parameter."),
        ),
    )
    assert grade_response(card, list(card.choices)).feedback == (
        "Not part of BPTT.\n\nA hyper-parameter."  # Markdown paragraphs
    )


def test_truefalse(deck):
    card = deck.card("tf")  # answer false
    assert grade_response(card, False).correct
    wrong = grade_response(card, True)
    assert (
        not wrong.correct
        and wrong.feedback == "Only value clipping does."
        and wrong.expected == "False"
    )
    with pytest.raises(AnswerError):
        grade_response(card, 0)


@pytest.mark.parametrize(
    ("typed", "correct"),
    [
        ("1/1024", True),
        ("2^-10", True),
        ("0.5**10", True),
        ("9.77e-4", True),  # 0.04 % off, inside rtol 1e-2
        ("0.00098", True),
        ("9.67e-4", True),  # 0.98 % off
        ("9.66e-4", False),  # 1.08 % off
        ("0.001", False),  # 2.4 % off
        ("-1/1024", False),
    ],
)
def test_numeric_relative_tolerance(deck, typed, correct):
    assert grade_response(deck.card("num"), typed).correct is correct


def test_numeric_tolerance_edges():
    card = numeric(answer=100.0, rtol=0.01, atol=0.5)  # |x - 100| <= 0.5 + 1 = 1.5
    assert grade_response(card, "101.5").correct and grade_response(card, "98.5").correct
    assert (
        not grade_response(card, "101.5000001").correct
        and not grade_response(card, "98.4999999").correct
    )
    assert within_tolerance(0.25, 0.0, 0.0, 0.25) and not within_tolerance(
        0.2500001, 0.0, 0.0, 0.25
    )
    exact = numeric(answer=0.1 + 0.2, rtol=0.0, atol=0.0)
    assert grade_response(exact, "0.1+0.2").correct and not grade_response(exact, "0.3").correct


@pytest.mark.parametrize(
    ("typed", "correct"),
    [("9.77e-4", True), ("0.000977", True), ("1/1024", True), ("9.7656e-4", True),
     ("9.76e-4", False), ("9.8e-4", False), ("0.001", False)],
)  # fmt: skip
def test_numeric_significant_digits(typed, correct):
    card = numeric(sigfigs=3)  # 9.765625e-4 -> 9.77e-4
    assert grade_response(card, typed).correct is correct


def test_numeric_expected_override_and_unit():
    card = numeric(answer=None, unit="s", random=())
    with pytest.raises(ValueError, match="takes its answer from the engine"):
        grade_response(card, "1")
    result = grade_response(card, "2.5 s", expected=2.5)
    assert result.correct and result.expected == "2.5 s"
    assert not grade_response(numeric(answer=1.0), "1", expected=2.0).correct
    with pytest.raises(ValueError):
        grade_response(card, "1", expected=float("nan"))


def test_numeric_feedback_for_known_wrong_value(deck):
    wrong = grade_response(deck.card("num"), "1/4")
    assert not wrong.correct and wrong.feedback == "That is 0.5^2."
    assert grade_response(deck.card("num"), "0.3").feedback is None


@pytest.mark.parametrize("typed", ["", "x", "1/0", "9**9**9", "__import__('os')", "abs(1)"])
def test_numeric_unreadable_is_answer_error(deck, typed):
    with pytest.raises(AnswerError):
        grade_response(deck.card("num"), typed)


def test_order(deck):
    card = deck.card("steps")
    first, second, third, fourth = card.steps
    assert grade_response(card, [first, second, third, fourth]).correct
    swapped = grade_response(card, (second, first, third, fourth))
    assert not swapped.correct and swapped.detail == "2 of 4 steps in the right place"
    assert swapped.correct_answer == card.answer_text()
    for bad in (
        [first, second, third],
        [first, first, second, third],
        [first, second, third, "another step"],
        first,
        [0, 1, 2, 3],
        [first, second, third, True],
    ):
        with pytest.raises(AnswerError):
            grade_response(card, bad)


@pytest.mark.parametrize(
    ("typed", "correct"),
    [("hidden", True), ("  HIDDEN ", True), ("h_t", True), ("H_T", True), ("hid den", False),
     ("input", False), ("ｈｉｄｄｅｎ", True)],
)  # fmt: skip
def test_cloze_case_and_whitespace(deck, typed, correct):
    assert grade_response(deck.card("gap"), typed).correct is correct


def test_cloze_case_sensitive_and_feedback(deck):
    import dataclasses

    card = deck.card("gap")
    assert grade_response(card, "Input").feedback == "Inputs are given, not computed."
    strict = dataclasses.replace(card, case_sensitive=True)
    assert grade_response(strict, "hidden").correct and not grade_response(strict, "Hidden").correct
    assert grade_response(
        dataclasses.replace(card, answers=("hidden  state",)), " hidden state"
    ).correct
    with pytest.raises(AnswerError):
        grade_response(card, "   ")


@pytest.mark.parametrize(
    ("typed", "correct"),
    [("O(T*(H^2 + H*D))", True), ("O(T H² + T H D)", True), ("T*H*(H+D)", True),
     ("O(5*T*H^2 + T*H*D + 7)", True), ("O(T*H^2)", False), ("O(H^2)", False),
     ("O(T^2*H^2)", False)],
)  # fmt: skip
def test_bigo(deck, typed, correct):
    assert grade_response(deck.card("order-of"), typed).correct is correct


def test_bigo_feedback_matches_equivalent_forms(deck):
    card = deck.card("order-of")
    assert grade_response(card, "O(3*H*H + 1)").feedback == "Per step only."
    with pytest.raises(AnswerError):
        grade_response(card, "O(T*X)")
