"""Cloze: a prompt with one gap `{{gap}}`, filled by typing one of `answers`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studyapp.deck import fields
from studyapp.deck.cards.base import (
    CardType,
    Reader,
    Verdict,
    normalise_text,
    read_feedback,
    require,
)
from studyapp.deck.errors import AnswerError
from studyapp.deck.fields import Where, type_name
from studyapp.deck.model import GAP, Card, with_blank

BLANK = "`_____`"  # the gap as shown in the question (a Markdown code span)


@dataclass(frozen=True, kw_only=True)
class ClozeCard(Card):
    type: str = "cloze"
    answers: tuple[str, ...]
    case_sensitive: bool = False

    def answer_text(self) -> str:
        return self.answers[0]


def read(r: Reader, table: Mapping[str, Any], where: Where, common: dict[str, Any]) -> Card | None:
    prompt = common["prompt"]
    if prompt is not None and prompt.count(GAP) != 1:
        found = prompt.count(GAP)
        r.error(
            (*where, "prompt"),
            f"a cloze prompt must contain the gap {GAP} exactly once (found {found}); "
            f'write e.g. prompt = "BPTT stores every {GAP} state."',
        )
    answers = fields.string_list(r,
        table, "answers", where, required=True, min_items=1, distinct=True,
        example='["hidden", "h_t"]',
    )  # fmt: skip
    case_sensitive = fields.boolean(r, table, "case_sensitive", where, required=False)

    def check(value: Any, at: Where) -> bool:
        if not isinstance(value, str):
            r.error(at, f"feedback answer must be text, not {type_name(value)}")
            return False
        return fields.checked_string(r, value, at, "feedback answer") is not None

    feedback = read_feedback(r, table, where, check)
    if answers is None:
        return None
    return ClozeCard(
        answers=answers, case_sensitive=bool(case_sensitive), feedback=feedback, **common
    )


def grade(card: ClozeCard, response: Any, expected: float | None) -> Verdict:
    """`response` is the typed gap, compared after `normalise_text`."""
    require(response, str, "the typed gap")
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
    return Verdict(correct, feedback, card.answers[0], detail)


def question(prompt: str, card: Card | None = None) -> str:
    """The prompt with its gap drawn as a blank."""
    return with_blank(prompt, BLANK)


def declared_responses(card: ClozeCard, expected: float | None) -> list[Any]:
    """The responses the card declares right: every accepted answer."""
    return list(card.answers)


CLOZE = CardType(
    name="cloze",
    model=ClozeCard,
    keys=("answers", "case_sensitive"),
    read=read,
    grade=grade,
    response_kind="text",
    show_question=question,
    placeholder="the missing word(s)",
    declared_responses=declared_responses,
)
