"""Formula: type a formula; right when it equals the card's `answer` at random values of
the declared `symbols` (same shape, same value at several draws), whatever notation it
is typed in. Targeted feedback is matched by the same equivalence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from studyapp.deck import fields
from studyapp.deck.cards.base import CardType, Reader, Verdict, read_feedback, require
from studyapp.deck.errors import AnswerError
from studyapp.deck.fields import Where, short, type_name
from studyapp.deck.model import GAP, Card, with_blank
from studyapp.deck.notation import Symbols, declare, grade_formula, read
from studyapp.deck.notation.symbols import describe

BLANK = "`_____`"  # the gap as shown in the question (a Markdown code span)
MAX_SYMBOLS = 40
SYMBOLS_EXAMPLE = '{ W = "H×H", "h_{t-1}" = "H", "f\'" = "elementwise" }'

Declarations = tuple[tuple[str, str], ...]


@dataclass(frozen=True, kw_only=True)
class FormulaCard(Card):
    """`answer` is the reference formula; `symbols` the (name, shape) declarations."""

    type: str = "formula"
    answer: str
    symbols: Declarations

    def answer_text(self) -> str:
        return self.answer


@lru_cache(maxsize=256)
def declared(symbols: Declarations) -> Symbols:
    """The `Symbols` of a card's declarations (AnswerError when one is unreadable)."""
    return declare(dict(symbols))


def read_symbols(r: Reader, table: Mapping[str, Any], where: Where) -> Declarations | None:
    """The `symbols` table: each name a symbol or function, each shape readable, and the
    symbols of one base name (h_{t}, h_{t-1}) all of one shape."""
    at = (*where, "symbols")
    value = table.get("symbols", {})
    if not isinstance(value, dict):
        r.error(
            at,
            f"symbols must be a table, not {type_name(value)}; write: symbols = {SYMBOLS_EXAMPLE}",
        )
        return None
    if len(value) > MAX_SYMBOLS:
        r.error(at, f"symbols declares {len(value)} names; the limit is {MAX_SYMBOLS}")
        return None
    entries: list[tuple[str, str]] = []
    canonical: dict[str, str] = {}
    ok = True
    for name, shape in value.items():
        if not isinstance(shape, str):
            r.error(
                (*at, name),
                f'the shape of {short(name)} must be text, e.g. "H×H", '
                f'"H", "scalar", "positive" or "elementwise", not {type_name(shape)}',
            )
            ok = False
            continue
        try:
            one = declare({name: shape})
        except AnswerError as exc:
            r.error((*at, name), f"cannot declare {short(name)} = {short(shape)}: {exc}")
            ok = False
            continue
        key = next(iter(one.shapes), None) or next(iter(one.functions))
        if key in canonical:
            r.error((*at, name), f"{short(name)} names the same symbol as {short(canonical[key])}")
            ok = False
            continue
        canonical[key] = name
        entries.append((name, shape))
    declarations = tuple(entries)
    bases_agree = consistent_bases(r, declared(declarations), at)
    return declarations if ok and bases_agree else None


def consistent_bases(r: Reader, symbols: Symbols, where: Where) -> bool:
    """An error when two subscripts of one base name (h_{t}, h_{t-1}) differ in shape."""
    first: dict[str, tuple[str, tuple[str, ...]]] = {}
    for name, shape in symbols.shapes.items():
        base = name.split("_{", 1)[0]
        if "_{" not in name:
            continue
        if base in first and first[base][1] != shape:
            other, other_shape = first[base]
            r.error(
                where,
                f"{name} is {describe(shape)} but {other} is "
                f"{describe(other_shape)}: one symbol has one shape at every step",
            )
            return False
        first.setdefault(base, (name, shape))
    return True


def formula_text(r: Reader, text: str, symbols: Symbols, where: Where, what: str) -> str | None:
    """`text` if it reads as a formula in `symbols` with consistent shapes (else an error)."""
    try:
        read(text, symbols)
    except AnswerError as exc:
        r.error(where, f"cannot read the {what} {short(text)} with the declared symbols: {exc}")
        return None
    return text


def read_card(
    r: Reader, table: Mapping[str, Any], where: Where, common: dict[str, Any]
) -> Card | None:
    prompt = common["prompt"]
    if prompt is not None and prompt.count(GAP) > 1:
        r.error(
            (*where, "prompt"),
            f"a formula prompt holds the gap {GAP} at most once (found {prompt.count(GAP)})",
        )
    declarations = read_symbols(r, table, where)
    symbols = None if declarations is None else declared(declarations)
    answer = fields.text(r, table, "answer", where, required=True, example="diag(f'(a_t)) W")
    if answer is not None and symbols is not None:
        answer = formula_text(r, answer, symbols, (*where, "answer"), "answer")

    def check(value: Any, at: Where) -> bool:
        if not isinstance(value, str):
            r.error(at, f"feedback answer must be a formula in quotes, not {type_name(value)}")
            return False
        if fields.checked_string(r, value, at, "feedback answer") is None:
            return False
        return symbols is None or formula_text(r, value, symbols, at, "feedback answer") is not None

    feedback = read_feedback(r, table, where, check)
    if answer is None or declarations is None:
        return None
    return FormulaCard(answer=answer, symbols=declarations, feedback=feedback, **common)


def grade(card: FormulaCard, response: Any, expected: float | None) -> Verdict:
    """`response` is the typed formula: right when equivalent to `card.answer` (equal
    shapes, equal values at random draws of the symbols); AnswerError when unreadable."""
    require(response, str, "the typed formula")
    symbols = declared(card.symbols)
    verdict = grade_formula(response, card.answer, symbols)
    feedback = None
    if not verdict.right:
        feedback = next(
            (
                item.text
                for item in card.feedback
                if isinstance(item.answer, str)
                and grade_formula(response, item.answer, symbols).right
            ),
            None,
        )
    return Verdict(verdict.right, feedback, card.answer, verdict.detail)


def question(prompt: str, card: Card | None = None) -> str:
    """The prompt with its gap, if any, drawn as a blank."""
    return with_blank(prompt, BLANK)


def declared_responses(card: FormulaCard, expected: float | None) -> list[Any]:
    """The responses the card declares right: its reference formula."""
    return [card.answer]


FORMULA = CardType(
    name="formula",
    model=FormulaCard,
    keys=("answer", "symbols"),
    read=read_card,
    grade=grade,
    response_kind="text",
    show_question=question,
    placeholder="a formula, e.g. diag(f'(a_t)) W or W^T h_(t-1)",
    declared_responses=declared_responses,
)
