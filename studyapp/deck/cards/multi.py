"""Multi: tick every right answer in `answers` among `choices`, and nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studyapp.deck import fields
from studyapp.deck.cards.base import (
    CardType,
    Reader,
    Verdict,
    choice_in,
    feedback_for,
    read_feedback,
    text_list,
)
from studyapp.deck.errors import AnswerError
from studyapp.deck.fields import Where
from studyapp.deck.model import Card


@dataclass(frozen=True, kw_only=True)
class MultiCard(Card):
    type: str = "multi"
    choices: tuple[str, ...]
    answers: tuple[str, ...]

    def answer_text(self) -> str:
        return "\n".join(f"- {answer}" for answer in self.answers)


def read(r: Reader, table: Mapping[str, Any], where: Where, common: dict[str, Any]) -> Card | None:
    choices = fields.string_list(
        r, table, "choices", where, required=True, min_items=2, distinct=True
    )
    answers = fields.string_list(
        r, table, "answers", where, required=True, distinct=True, example='["a right choice"]'
    )
    if answers is not None and not answers:
        r.error(
            (*where, "answers"),
            "a multi card needs at least one right answer in answers; "
            'for a single right answer use type = "choice"',
        )
        answers = None
    if answers is not None and not all(
        choice_in(r, choices, a, (*where, "answers")) for a in answers
    ):
        answers = None

    def check(value: Any, at: Where) -> bool:
        if not choice_in(r, choices, value, at):
            return False
        if answers is not None and value in answers:
            r.warn(at, "feedback for a right answer is never shown")
        return True

    feedback = read_feedback(r, table, where, check)
    if choices is None or answers is None:
        return None
    return MultiCard(choices=choices, answers=answers, feedback=feedback, **common)


def grade(card: MultiCard, response: Any, expected: float | None) -> Verdict:
    """`response` is the list of ticked choice texts (empty: nothing ticked)."""
    chosen = set(text_list(response, "the list of ticked choice texts"))
    if unknown := sorted(chosen - set(card.choices)):
        raise AnswerError(f"{unknown[0]!r} is not one of the choices")
    right = set(card.answers)
    wrong_picks = [c for c in card.choices if c in chosen - right]
    missed = [c for c in card.choices if c in right - chosen]
    correct = not wrong_picks and not missed
    notes = [text for c in wrong_picks if (text := feedback_for(card, c)) is not None]
    parts = []
    if wrong_picks:
        parts.append(f"{len(wrong_picks)} wrong pick(s)")
    if missed:
        parts.append(f"{len(missed)} right answer(s) missed")
    detail = "all right answers, nothing else" if correct else "; ".join(parts)
    return Verdict(correct, "\n\n".join(notes) or None, card.answer_text(), detail)


def declared_responses(card: MultiCard, expected: float | None) -> list[Any]:
    """The response the card declares right: all its answers ticked."""
    return [list(card.answers)]


MULTI = CardType(
    name="multi",
    model=MultiCard,
    keys=("choices", "answers"),
    read=read,
    grade=grade,
    response_kind="multi",
    shuffled="choices",
    declared_responses=declared_responses,
)
