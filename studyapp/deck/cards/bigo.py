"""Big-O: type the asymptotic cost; graded by asymptotic equivalence in `variables`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studyapp.deck import bigo, fields
from studyapp.deck.cards.base import CardType, Reader, Verdict, read_feedback, require
from studyapp.deck.errors import AnswerError
from studyapp.deck.fields import Where, short, type_name
from studyapp.deck.model import Card

VARIABLE_PATTERN = re.compile(r"[^\W\d]\w{0,15}")


@dataclass(frozen=True, kw_only=True)
class BigOCard(Card):
    type: str = "bigo"
    answer: str
    variables: tuple[str, ...]

    def answer_text(self) -> str:
        return self.answer


def bigo_text(r: Reader, text: str, variables: tuple[str, ...], where: Where) -> str | None:
    """`text` if it reads as big-O in `variables` (else an error and None)."""
    try:
        bigo.parse(text, variables)
    except AnswerError as exc:
        r.error(where, f'cannot read {short(text)} as big-O: {exc}; write e.g. "O(T*H^2)"')
        return None
    return text


def read(r: Reader, table: Mapping[str, Any], where: Where, common: dict[str, Any]) -> Card | None:
    variables = fields.string_list(r,
        table, "variables", where, required=True, min_items=1, distinct=True,
        example='["T", "H"]',
    )  # fmt: skip
    if variables is not None:
        for name in variables:
            if not VARIABLE_PATTERN.fullmatch(name) or name in bigo.FUNCTIONS:
                r.error(
                    (*where, "variables"),
                    f'variable {short(name)} must be a short name of letters (e.g. "T"), '
                    "and not a function name such as log",
                )
                variables = None
                break
    answer = fields.text(r, table, "answer", where, required=True, example="O(T*H^2)")
    if answer is not None and variables is not None:
        answer = bigo_text(r, answer, variables, (*where, "answer"))

    def check(value: Any, at: Where) -> bool:
        if not isinstance(value, str):
            r.error(at, f"feedback answer must be a big-O text, not {type_name(value)}")
            return False
        return variables is None or bigo_text(r, value, variables, at) is not None

    feedback = read_feedback(r, table, where, check)
    if answer is None or variables is None:
        return None
    return BigOCard(answer=answer, variables=variables, feedback=feedback, **common)


def grade(card: BigOCard, response: Any, expected: float | None) -> Verdict:
    """`response` is the typed big-O text; right when asymptotically equal to the answer."""
    require(response, str, "the typed big-O answer")
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
    return Verdict(correct, feedback, card.answer, detail)


def declared_responses(card: BigOCard, expected: float | None) -> list[Any]:
    """The response the card declares right: its answer."""
    return [card.answer]


BIGO = CardType(
    name="bigo",
    model=BigOCard,
    keys=("answer", "variables"),
    read=read,
    grade=grade,
    response_kind="text",
    placeholder="e.g. O(T*H^2)",
    declared_responses=declared_responses,
)
