"""Numeric: type a number; right when |x − e| ≤ atol + rtol·|e|, or equal when both are
rounded to `sigfigs` significant digits. The answer may come from the engine, for a fixed
card or for each draw of its `random` parameters."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studyapp.deck import engine_links, fields
from studyapp.deck.cards.base import CardType, Reader, Verdict, read_feedback, require
from studyapp.deck.fields import Where, is_number, short
from studyapp.deck.model import ENGINE_PLACEHOLDER, Card, EngineLink, RandomParam, format_number
from studyapp.deck.numbers import Precision, evaluate

MAX_SIGFIGS = 15


@dataclass(frozen=True, kw_only=True)
class NumericCard(Card):
    """Graded |x - e| <= atol + rtol*|e|, or equal when both are rounded to `sigfigs`."""

    type: str = "numeric"
    answer: float | None = None
    rtol: float = 1e-3
    atol: float = 0.0
    sigfigs: int | None = None
    unit: str = ""
    random: tuple[RandomParam, ...] = ()

    def answer_text(self) -> str:
        if self.answer is None or self.random:
            return ENGINE_PLACEHOLDER
        return format_number(self.answer, self.unit)

    def answer_for(self, expected: float | None) -> str:
        return self.answer_text() if expected is None else format_number(expected, self.unit)

    def random_params(self) -> tuple[RandomParam, ...]:
        return self.random

    def given_answer(self) -> float | None:
        return self.answer

    def answer_from_engine(self) -> bool:
        return bool(self.random) or self.answer is None


def within_tolerance(value: float, expected: float, rtol: float, atol: float) -> bool:
    """|value - expected| <= atol + rtol*|expected|."""
    return abs(value - expected) <= atol + rtol * abs(expected)


def numbers_match(card: NumericCard, value: float, expected: float) -> bool:
    """The card's rule: within half a unit of `expected`'s last demanded significant
    digit when the card gives `sigfigs`, else within rtol/atol of `expected`."""
    return Precision(card.sigfigs, card.rtol, card.atol).matches(value, expected)


def read(r: Reader, table: Mapping[str, Any], where: Where, common: dict[str, Any]) -> Card | None:
    answer = fields.number(r, table, "answer", where)
    rtol = fields.number(r, table, "rtol", where, minimum=0)
    atol = fields.number(r, table, "atol", where, minimum=0)
    sigfigs = fields.integer(r, table, "sigfigs", where, low=1, high=MAX_SIGFIGS)
    unit = fields.text(r, table, "unit", where, required=False, allow_empty=True) or ""
    link: EngineLink | None = common["engine"]
    engine_answer = link.answer if link is not None else None
    if sigfigs is not None and ("rtol" in table or "atol" in table):
        r.error(
            (*where, "sigfigs"),
            "give either sigfigs or rtol/atol, not both: remove one of them",
        )
    if "answer" not in table and engine_answer is None and "engine" not in table:
        r.error(
            where,
            'a numeric card needs answer = <number> or engine.answer = "<Report scalar>"',
        )
    elif "answer" not in table and engine_answer is None:
        r.error(
            (*where, "engine"),
            'a numeric card needs answer = <number> or engine.answer = "<Report scalar>"',
        )
    random = engine_links.random_params(r, table, where, link)
    if random and "answer" in table:
        r.error(
            (*where, "answer"),
            "a randomised card's answer comes from the engine for each draw: "
            "remove answer and set engine.answer",
        )
    if random and engine_answer is None and link is not None:
        r.error(
            (*where, "random"),
            'a randomised card needs engine.answer = "<Report scalar>" to recompute its answer',
        )
    prompt = common["prompt"] or ""
    for param in random:
        if "{" + param.name + "}" not in prompt:
            r.warn(
                (*where, "random", param.name),
                f"the prompt never shows {{{param.name}}}: the learner cannot know the drawn value",
            )
    rtol_value = 1e-3 if rtol is None else rtol
    atol_value = 0.0 if atol is None else atol
    if sigfigs is None:
        tolerance_warnings(r, where, answer, rtol_value, atol_value)
    if answer is not None and link is not None and engine_answer is None:
        r.warn(
            (*where, "answer"),
            "the engine cannot verify this answer: add engine.answer with the Report "
            "scalar that holds it",
        )

    def check(value: Any, at: Where) -> bool:
        if not is_number(value) or not math.isfinite(value):
            r.error(at, f"feedback answer must be a number (no quotes), not {short(value)}")
            return False
        return True

    feedback = read_feedback(r, table, where, check)
    return NumericCard(
        answer=answer,
        rtol=rtol_value,
        atol=atol_value,
        sigfigs=sigfigs,
        unit=unit,
        random=random,
        feedback=feedback,
        **common,
    )


def tolerance_warnings(
    r: Reader, where: Where, answer: float | None, rtol: float, atol: float
) -> None:
    """Warnings for a tolerance that accepts 0, or only the exact float."""
    if rtol >= 1:
        r.warn(
            (*where, "rtol"),
            f"rtol = {rtol:g} accepts 0 as correct, so the card cannot fail; use e.g. rtol = 0.01",
        )
    elif answer is not None and answer != 0 and atol >= abs(answer):
        r.warn(
            (*where, "atol"),
            f"atol = {atol:g} is at least the answer {answer:g}, so 0 is accepted; "
            "use a smaller atol or rtol",
        )
    elif rtol == 0 and atol == 0:
        r.warn(
            where,
            "rtol = 0 and atol = 0 accept only the exact float; give a tolerance "
            "(e.g. rtol = 1e-3) or sigfigs",
        )


def grade(card: NumericCard, response: Any, expected: float | None) -> Verdict:
    """`response` is the typed number (read by the safe evaluator); `expected` overrides
    `card.answer` (the engine's value for this draw)."""
    require(response, str, "the typed number")
    target = card.answer if expected is None else expected
    if target is None:
        raise ValueError(
            f"card {card.id!r} takes its answer from the engine: pass its draw (see prepare())"
        )
    if not math.isfinite(target):
        raise ValueError(f"expected answer {target} is not finite")
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
    return Verdict(correct, feedback, format_number(target, card.unit), detail)


def check_engine_value(card: NumericCard, value: float, drawn: str, report: Any) -> None:
    """`studyapp check`: the written answer agrees with the engine's `value`, and the
    tolerance does not accept 0. `report(severity, where, message)` records an issue."""
    link = card.engine
    if card.answer is not None and link is not None and not numbers_match(card, card.answer, value):
        report(
            "error",
            ("answer",),
            f"answer = {card.answer:.6g} disagrees with the engine: {link.experiment} "
            f"gives {link.answer} = {value:.6g}; write answer = {value:.6g} "
            "or fix the card",
        )
    if card.sigfigs is None and value != 0 and card.atol >= abs(value):
        report(
            "warning",
            ("atol",),
            f"atol = {card.atol:g} is at least the answer {value:.3g}{drawn}, so 0 is "
            "accepted; use a smaller atol or rtol",
        )


NUMERIC = CardType(
    name="numeric",
    model=NumericCard,
    keys=("answer", "rtol", "atol", "sigfigs", "unit", "random"),
    read=read,
    grade=grade,
    response_kind="text",
    placeholder="a number, e.g. 0.25, 1/1024, 0.5^10, 3e-4",
    engine_answer=True,
    check_engine_value=check_engine_value,
)
