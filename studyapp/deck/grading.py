"""Grading a learner's response to a card: the same call for the quiz, `studyapp check`
and tests.

    verdict = grade_response(card, response, draw=None)
    verdict.right, verdict.feedback, verdict.correct_answer, verdict.detail

`response` is what the learner gives, independent of any shuffling on screen: `str` for
typed answers (numeric, cloze, big-O); the chosen choice's text for choice; a list of
choice texts for multi (empty = nothing ticked); the step texts in the learner's order for
order; `bool` for true/false and for a self-graded flashcard. A response that cannot be read
raises AnswerError, which is not a wrong answer: the learner may retype it.
"""

from __future__ import annotations

from typing import Any

from studyapp.deck.cards import Verdict, card_type
from studyapp.deck.cards.numeric import numbers_match, within_tolerance
from studyapp.deck.errors import AnswerError
from studyapp.deck.model import Card
from studyapp.deck.showing import engine_answer

__all__ = ["AnswerError", "Verdict", "grade_response", "numbers_match", "within_tolerance"]


def grade_response(
    card: Card,
    response: Any,
    draw: dict[str, Any] | None = None,
    *,
    expected: float | None = None,
) -> Verdict:
    """The verdict on `response` to `card`. `draw` pins a randomised card's drawn
    parameters (None: its first draw); `expected` is a numeric answer already computed
    for this draw (the quiz passes its showing's), so the engine is not run again."""
    if expected is None:
        expected = engine_answer(card, draw)
    return card_type(card).grade(card, response, expected)
