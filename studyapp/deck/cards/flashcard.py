"""Flashcard: a front (`prompt`) and a `back`; in a quiz the learner grades themself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studyapp.deck import fields
from studyapp.deck.cards.base import CardType, Reader, Verdict, no_feedback, require
from studyapp.deck.fields import Where
from studyapp.deck.model import Card


@dataclass(frozen=True, kw_only=True)
class FlashcardCard(Card):
    type: str = "flashcard"
    back: str

    def answer_text(self) -> str:
        return self.back


def read(r: Reader, table: Mapping[str, Any], where: Where, common: dict[str, Any]) -> Card | None:
    back = fields.text(r, table, "back", where, required=True, example="The answer.")
    no_feedback(r, table, where, "flashcard")
    if back is None:
        return None
    return FlashcardCard(back=back, **common)


def grade(card: FlashcardCard, response: Any, expected: float | None) -> Verdict:
    """Self-graded: `response` is True when the learner knew the back."""
    require(response, bool, "True (knew it) or False")
    detail = "self-graded: you knew it" if response else "self-graded: not yet"
    return Verdict(response, None, card.back, detail)


FLASHCARD = CardType(
    name="flashcard",
    model=FlashcardCard,
    keys=("back",),
    read=read,
    grade=grade,
    response_kind="self",
    after_answer=("back",),
)
