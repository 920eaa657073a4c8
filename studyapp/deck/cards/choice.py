"""Choice: pick the one right `answer` among `choices` (shown shuffled when asked)."""

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
    require,
)
from studyapp.deck.errors import AnswerError
from studyapp.deck.fields import Where
from studyapp.deck.model import Card


@dataclass(frozen=True, kw_only=True)
class ChoiceCard(Card):
    type: str = "choice"
    choices: tuple[str, ...]
    answer: str

    def answer_text(self) -> str:
        return self.answer


def read(r: Reader, table: Mapping[str, Any], where: Where, common: dict[str, Any]) -> Card | None:
    choices = fields.string_list(
        r, table, "choices", where, required=True, min_items=2, distinct=True
    )
    answer = fields.text(r, table, "answer", where, required=True, example="the right choice")
    if answer is not None and not choice_in(r, choices, answer, (*where, "answer")):
        answer = None

    def check(value: Any, at: Where) -> bool:
        if not choice_in(r, choices, value, at):
            return False
        if value == answer:
            r.warn(at, "feedback for the right answer is never shown")
        return True

    feedback = read_feedback(r, table, where, check)
    if choices is None or answer is None:
        return None
    return ChoiceCard(choices=choices, answer=answer, feedback=feedback, **common)


def grade(card: ChoiceCard, response: Any, expected: float | None) -> Verdict:
    """`response` is the chosen choice's text."""
    require(response, str, "the text of the chosen choice")
    if response not in card.choices:
        raise AnswerError(f"{response!r} is not one of the choices")
    right = response == card.answer
    feedback = None if right else feedback_for(card, response)
    detail = f"you chose {response!r}" + ("" if right else f"; the answer is {card.answer!r}")
    return Verdict(right, feedback, card.answer, detail)


def declared_responses(card: ChoiceCard, expected: float | None) -> list[Any]:
    """The response the card declares right: its answer's text."""
    return [card.answer]


CHOICE = CardType(
    name="choice",
    model=ChoiceCard,
    keys=("choices", "answer"),
    read=read,
    grade=grade,
    response_kind="choice",
    shuffled="choices",
    declared_responses=declared_responses,
)
