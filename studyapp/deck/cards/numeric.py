"""Numeric: type a number; right when |x − e| ≤ atol + rtol·|e|, or equal when both are
rounded to `sigfigs` significant digits. The answer may come from the engine, for a fixed
card or for each draw of its `random` parameters.

The question states the precision wanted ("to 3 significant figures"), and the answer is
shown (after answering, and in the engine panel) with at least as many digits as that
precision needs, so the number shown is always accepted. A card may demand at most
MAX_DIGITS significant digits: the engine computes in float64, and beyond about 12
digits a value depends on summation order (numpy version, BLAS), not on the maths."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from studyapp.deck import engine_links, fields
from studyapp.deck.cards.base import CardType, Reader, Verdict, read_feedback, require
from studyapp.deck.fields import Where, is_number, short
from studyapp.deck.model import ENGINE_PLACEHOLDER, Card, EngineLink, RandomParam
from studyapp.deck.numbers import Precision, evaluate

MAX_DIGITS = 12
MAX_SIGFIGS = MAX_DIGITS
SHOWN_DIGITS = 6  # significant digits a number is shown with when the card needs no more


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
        return shown_number(self.answer, self.unit, self.answer_digits(self.answer))

    def answer_for(self, expected: float | None) -> str:
        if expected is None:
            return self.answer_text()
        return shown_number(expected, self.unit, self.answer_digits(expected))

    def precision(self) -> Precision:
        """What the card demands of an answer."""
        return Precision(self.sigfigs, self.rtol, self.atol)

    def answer_digits(self, expected: float) -> int:
        """The significant digits `expected` is shown with: enough to be accepted."""
        return self.precision().digits_shown(expected, at_least=SHOWN_DIGITS)

    def random_params(self) -> tuple[RandomParam, ...]:
        return self.random

    def given_answer(self) -> float | None:
        return self.answer

    def answer_from_engine(self) -> bool:
        return bool(self.random) or self.answer is None


def shown_number(value: float, unit: str, digits: int) -> str:
    """`value` with `digits` significant digits (%g), and its unit if any."""
    text = f"{value:.{digits}g}"
    return f"{text} {unit}" if unit else text


def within_tolerance(value: float, expected: float, rtol: float, atol: float) -> bool:
    """|value - expected| <= atol + rtol*|expected|."""
    return abs(value - expected) <= atol + rtol * abs(expected)


def numbers_match(card: NumericCard, value: float, expected: float) -> bool:
    """The card's rule: within half a unit of `expected`'s last demanded significant
    digit when the card gives `sigfigs`, else within rtol/atol of `expected`."""
    return card.precision().matches(value, expected)


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
        too_fine(r, where, Precision(None, rtol_value, atol_value), answer)
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


def too_fine(r: Reader, where: Where, precision: Precision, answer: float | None) -> None:
    """An error for a tolerance finer than MAX_DIGITS significant digits can meet: for
    `answer` when the card gives it, else for any value (rtol alone)."""
    if answer is not None and answer != 0:
        needed = precision.digits_shown(answer, at_least=1)
        if needed > MAX_DIGITS or not precision.matches(float(f"{answer:.{needed}g}"), answer):
            r.error(
                (*where, "rtol" if precision.rtol else "atol"),
                f"this tolerance needs more than {MAX_DIGITS} significant digits of "
                f"{answer:.6g}, beyond what float64 arithmetic reproduces; use e.g. "
                "sigfigs = 4",
            )
    elif precision.atol == 0 and 0 < precision.rtol < 0.5 * 10.0 ** (1 - MAX_DIGITS):
        r.error(
            (*where, "rtol"),
            f"rtol = {precision.rtol:g} needs more than {MAX_DIGITS} significant digits, "
            "beyond what float64 arithmetic reproduces; use e.g. rtol = 1e-4 or sigfigs = 4",
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
    precision = card.precision()
    correct = precision.matches(value, target)
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
    digits = card.answer_digits(target)
    rule = precision.describe(target)
    detail = f"you gave {value:.{digits}g}; expected {target:.{digits}g} {rule}"
    return Verdict(correct, feedback, shown_number(target, card.unit, digits), detail)


def question(prompt: str, card: Card | None = None) -> str:
    """The prompt, then the precision the card wants ("to 3 significant figures")."""
    if not isinstance(card, NumericCard):
        return prompt
    wanted = card.precision().describe(None if card.random else card.answer)
    return f"{prompt.rstrip()}\n\n*Give the answer {wanted}.*"


def declared_responses(card: NumericCard, expected: float | None) -> list[Any]:
    """The response the card declares right: its answer as shown after answering."""
    return [] if expected is None else [card.answer_for(expected)]


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
    if card.answer_digits(value) > MAX_DIGITS:
        report(
            "error",
            ("sigfigs" if card.sigfigs else "atol" if card.atol else "rtol",),
            f"the tolerance needs more than {MAX_DIGITS} significant digits of "
            f"{value:.6g}{drawn}, beyond what float64 arithmetic reproduces; use e.g. "
            "sigfigs = 4",
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
    show_question=question,
    engine_answer=True,
    check_engine_value=check_engine_value,
    declared_responses=declared_responses,
)
