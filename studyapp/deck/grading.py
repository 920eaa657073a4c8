"""Grading a learner's response to a card.

Responses by card type: flashcard `bool` (the learner knew it), choice `int` (index
into `choices`), multi `frozenset[int]`, truefalse `bool`, numeric `str` (typed, read
by the safe evaluator), order `Sequence[int]` (original step indices in the learner's
order), cloze `str`, bigo `str`. A response that cannot be read raises AnswerError,
which is not a wrong answer: the learner may retype it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from studyapp.deck import bigo
from studyapp.deck.errors import AnswerError
from studyapp.deck.model import (
    BigOCard,
    Card,
    ChoiceCard,
    ClozeCard,
    FlashcardCard,
    MultiCard,
    NumericCard,
    OrderCard,
    TrueFalseCard,
    format_number,
)
from studyapp.deck.numbers import Precision, evaluate

__all__ = ["AnswerError", "Grade", "grade", "numbers_match", "within_tolerance"]


@dataclass(frozen=True)
class Grade:
    """The verdict: `expected` is the right answer as text, `feedback` the deck's
    targeted feedback for this wrong answer (if any), `detail` one explaining line."""

    correct: bool
    expected: str
    feedback: str | None
    detail: str


def within_tolerance(value: float, expected: float, rtol: float, atol: float) -> bool:
    """|value - expected| <= atol + rtol*|expected|."""
    return abs(value - expected) <= atol + rtol * abs(expected)


def numbers_match(card: NumericCard, value: float, expected: float) -> bool:
    """The card's rule: within half a unit of `expected`'s last demanded significant
    digit when the card gives `sigfigs`, else within rtol/atol of `expected`."""
    return Precision(card.sigfigs, card.rtol, card.atol).matches(value, expected)


def normalise_text(text: str, case_sensitive: bool) -> str:
    """NFKC, runs of whitespace collapsed to one space, trimmed, case folded unless asked."""
    folded = " ".join(unicodedata.normalize("NFKC", text).split())
    return folded if case_sensitive else folded.casefold()


def _require(response: Any, kind: type, what: str) -> None:
    """AnswerError unless `response` is a `kind` (a bool is never taken as an int)."""
    if not isinstance(response, kind) or (kind is not bool and isinstance(response, bool)):
        raise AnswerError(f"expected {what}, got {type(response).__name__}")


def _feedback_for(card: Card, answer: Any) -> str | None:
    for item in card.feedback:
        if type(item.answer) is type(answer) and item.answer == answer:
            return item.text
    return None


def _grade_flashcard(card: FlashcardCard, response: Any) -> Grade:
    _require(response, bool, "True (knew it) or False")
    detail = "self-graded: you knew it" if response else "self-graded: not yet"
    return Grade(response, card.back, None, detail)


def _choice_index(card: ChoiceCard | MultiCard, index: Any) -> int:
    _require(index, int, "the index of a choice")
    if not 0 <= index < len(card.choices):
        raise AnswerError(f"choice {index} does not exist (0..{len(card.choices) - 1})")
    return index


def _grade_choice(card: ChoiceCard, response: Any) -> Grade:
    chosen = card.choices[_choice_index(card, response)]
    correct = chosen == card.answer
    feedback = None if correct else _feedback_for(card, chosen)
    detail = f"you chose {chosen!r}" + ("" if correct else f"; the answer is {card.answer!r}")
    return Grade(correct, card.answer, feedback, detail)


def _grade_multi(card: MultiCard, response: Any) -> Grade:
    if not isinstance(response, (set, frozenset)):
        raise AnswerError(f"expected a set of choice indices, got {type(response).__name__}")
    chosen = {card.choices[_choice_index(card, index)] for index in response}
    right = set(card.answers)
    wrong_picks = [c for c in card.choices if c in chosen - right]
    missed = [c for c in card.choices if c in right - chosen]
    correct = not wrong_picks and not missed
    notes = [text for c in wrong_picks if (text := _feedback_for(card, c)) is not None]
    parts = []
    if wrong_picks:
        parts.append(f"{len(wrong_picks)} wrong pick(s)")
    if missed:
        parts.append(f"{len(missed)} right answer(s) missed")
    detail = "all right answers, nothing else" if correct else "; ".join(parts)
    return Grade(correct, card.answer_text(), "\n\n".join(notes) or None, detail)


def _grade_truefalse(card: TrueFalseCard, response: Any) -> Grade:
    _require(response, bool, "True or False")
    correct = response == card.answer
    feedback = None if correct else _feedback_for(card, response)
    return Grade(correct, card.answer_text(), feedback, "right" if correct else "wrong")


def _grade_numeric(card: NumericCard, response: Any, expected: float | None) -> Grade:
    _require(response, str, "the typed number")
    target = card.answer if expected is None else expected
    if target is None:
        raise ValueError(
            f"card {card.id!r} takes its answer from the engine: pass expected= (see prepare())"
        )
    value = evaluate(response, unit=card.unit)
    correct = numbers_match(card, value, target)
    feedback = None
    if not correct:
        feedback = next(
            (
                item.text
                for item in card.feedback
                if isinstance(item.answer, (int, float))
                and not isinstance(item.answer, bool)
                and numbers_match(card, value, float(item.answer))
            ),
            None,
        )
    if card.sigfigs is not None:
        rule = f"to {card.sigfigs} significant digits"
    else:
        rule = f"within ±{card.atol + card.rtol * abs(target):.3g}"
    detail = f"you gave {value:.6g}; expected {target:.6g} {rule}"
    return Grade(correct, format_number(target, card.unit), feedback, detail)


def _grade_order(card: OrderCard, response: Any) -> Grade:
    if isinstance(response, (str, bytes)) or not isinstance(response, Sequence):
        raise AnswerError("expected the step indices in your order")
    order = list(response)
    if any(isinstance(i, bool) or not isinstance(i, int) for i in order) or sorted(order) != list(
        range(len(card.steps))
    ):
        raise AnswerError(f"expected each step index 0..{len(card.steps) - 1} exactly once")
    placed = sum(position == step for position, step in enumerate(order))
    correct = placed == len(card.steps)
    detail = f"{placed} of {len(card.steps)} steps in the right place"
    return Grade(correct, card.answer_text(), None, detail)


def _grade_cloze(card: ClozeCard, response: Any) -> Grade:
    _require(response, str, "the typed gap")
    typed = normalise_text(response, card.case_sensitive)
    if not typed:
        raise AnswerError("type the missing word(s)")
    accepted = {normalise_text(a, card.case_sensitive) for a in card.answers}
    correct = typed in accepted
    feedback = None
    if not correct:
        feedback = next(
            (
                item.text
                for item in card.feedback
                if isinstance(item.answer, str)
                and normalise_text(item.answer, card.case_sensitive) == typed
            ),
            None,
        )
    detail = "accepted" if correct else f"accepted answers: {', '.join(card.answers)}"
    return Grade(correct, card.answers[0], feedback, detail)


def _grade_bigo(card: BigOCard, response: Any) -> Grade:
    _require(response, str, "the typed big-O answer")
    typed = bigo.parse(response, card.variables)
    correct = bigo.equivalent(typed, bigo.parse(card.answer, card.variables), card.variables)
    feedback = None
    if not correct:
        feedback = next(
            (
                item.text
                for item in card.feedback
                if isinstance(item.answer, str)
                and bigo.equivalent(typed, bigo.parse(item.answer, card.variables), card.variables)
            ),
            None,
        )
    detail = (
        "the same asymptotic class" if correct else f"not asymptotically equal to {card.answer}"
    )
    return Grade(correct, card.answer, feedback, detail)


def grade(card: Card, response: Any, *, expected: float | None = None) -> Grade:
    """Grade `response` to `card`; numeric `expected` overrides card.answer."""
    if isinstance(card, NumericCard):
        if expected is not None and not math.isfinite(expected):
            raise ValueError(f"expected answer {expected} is not finite")
        return _grade_numeric(card, response, expected)
    graders = {
        FlashcardCard: _grade_flashcard,
        ChoiceCard: _grade_choice,
        MultiCard: _grade_multi,
        TrueFalseCard: _grade_truefalse,
        OrderCard: _grade_order,
        ClozeCard: _grade_cloze,
        BigOCard: _grade_bigo,
    }
    grader = graders.get(type(card))
    if grader is None:
        raise TypeError(f"cannot grade a {type(card).__name__}")
    return grader(card, response)
