"""Order: put `steps` (written in the right order) back in order; always shown shuffled."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studyapp.deck import fields
from studyapp.deck.cards.base import CardType, Reader, Verdict, no_feedback, text_list
from studyapp.deck.errors import AnswerError
from studyapp.deck.fields import Where
from studyapp.deck.model import Card


@dataclass(frozen=True, kw_only=True)
class OrderCard(Card):
    type: str = "order"
    steps: tuple[str, ...]

    def answer_text(self) -> str:
        return "\n".join(f"{i}. {step}" for i, step in enumerate(self.steps, 1))


def read(r: Reader, table: Mapping[str, Any], where: Where, common: dict[str, Any]) -> Card | None:
    steps = fields.string_list(r,
        table, "steps", where, required=True, min_items=2, distinct=True,
        example='["first step", "second step"]',
    )  # fmt: skip
    no_feedback(r, table, where, "order")
    if steps is None:
        return None
    return OrderCard(steps=steps, **common)


def grade(card: OrderCard, response: Any, expected: float | None) -> Verdict:
    """`response` is the step texts in the learner's order; right when every step is in
    its place."""
    order = text_list(response, "the step texts in your order")
    if sorted(order) != sorted(card.steps):
        raise AnswerError(f"expected each of the {len(card.steps)} steps exactly once")
    placed = sum(given == step for given, step in zip(order, card.steps, strict=True))
    correct = placed == len(card.steps)
    detail = f"{placed} of {len(card.steps)} steps in the right place"
    return Verdict(correct, None, card.answer_text(), detail)


def declared_responses(card: OrderCard, expected: float | None) -> list[Any]:
    """The response the card declares right: the steps in their order."""
    return [list(card.steps)]


ORDER = CardType(
    name="order",
    model=OrderCard,
    keys=("steps",),
    read=read,
    grade=grade,
    response_kind="order",
    shuffled="steps",
    always_shuffled=True,
    declared_responses=declared_responses,
)
