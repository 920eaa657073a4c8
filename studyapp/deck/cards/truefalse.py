"""True/false: a statement whose `answer` is true or false."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studyapp.deck import fields
from studyapp.deck.cards.base import (
    CardType,
    Reader,
    Verdict,
    feedback_for,
    read_feedback,
    require,
)
from studyapp.deck.fields import Where
from studyapp.deck.model import Card


@dataclass(frozen=True, kw_only=True)
class TrueFalseCard(Card):
    type: str = "truefalse"
    answer: bool

    def answer_text(self) -> str:
        return "True" if self.answer else "False"


def read(r: Reader, table: Mapping[str, Any], where: Where, common: dict[str, Any]) -> Card | None:
    answer = fields.boolean(r, table, "answer", where, required=True)

    def check(value: Any, at: Where) -> bool:
        if not isinstance(value, bool):
            r.error(at, "feedback answer must be true or false (no quotes)")
            return False
        if value == answer:
            r.warn(at, "feedback for the right answer is never shown")
        return True

    feedback = read_feedback(r, table, where, check)
    if answer is None:
        return None
    return TrueFalseCard(answer=answer, feedback=feedback, **common)


def grade(card: TrueFalseCard, response: Any, expected: float | None) -> Verdict:
    """`response` is True or False."""
    require(response, bool, "True or False")
    right = response == card.answer
    feedback = None if right else feedback_for(card, response)
    detail = f"the statement is {'true' if card.answer else 'false'}"
    return Verdict(right, feedback, card.answer_text(), detail)


def declared_responses(card: TrueFalseCard, expected: float | None) -> list[Any]:
    """The response the card declares right."""
    return [card.answer]


TRUEFALSE = CardType(
    name="truefalse",
    model=TrueFalseCard,
    keys=("answer",),
    read=read,
    grade=grade,
    response_kind="choice",
    fixed_choices=(("true", True), ("false", False)),
    declared_responses=declared_responses,
)
