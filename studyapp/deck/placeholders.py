"""`{{= scalar}}` placeholders: numbers in after-answer texts, filled from the Report; and
`{name}` slots: a randomised card's drawn values, filled in every text it shows.

A placeholder `{{= name}}` or `{{= name:spec}}` in an explanation, a flashcard back or
a feedback text is replaced by the value of the scalar `name` of the card's own engine
Report. Only a scalar name and a format spec from a fixed whitelist are read (a regex
parse); nothing is evaluated. Specs: `.Ng` (N significant digits, 1-15), `.Nf` (N
decimals), `.Ne` (scientific, N decimals), `e`, `%` and `.N%` (percent, N decimals),
and `,.Nf` (thousands grouped, e.g. 282,624); the default is `.4g`. Exponents are
written short: 1.797e-3, 1.2e6.

A `{name}` slot names a drawn parameter of the card (`[card.random]`) and is replaced by
its value in one pass (a value is never read again as a slot). Braces written for maths
right after `^` or `_` are grouping, not slots: `Σ_{t=1}^{T}` keeps its braces, and with a
drawn T shows `Σ_{t=1}^{10}`. A slot naming no drawn parameter cannot be rendered, so the
loader refuses it (`unknown_slots`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.report import Report

__all__ = [
    "DEFAULT_SPEC",
    "PENDING",
    "SPECS_HELP",
    "Placeholder",
    "format_value",
    "has_placeholders",
    "missing_scalars",
    "placeholders",
    "render_text",
    "substitute_values",
    "unknown_slots",
    "value_text",
]

DEFAULT_SPEC = ".4g"
PENDING = "…"  # shown for a placeholder until the Report is known
SPECS_HELP = ".Ng (N = 1-15 significant digits), .Nf, ,.Nf, .Ne, .N% (N = 0-15 decimals), e, %"
EXAMPLE = "{{= scalar_name}} or {{= scalar_name:.3g}}"

_OPEN = "{{="
_PLACEHOLDER = re.compile(r"\{\{=([^{}]*)\}\}")
_BODY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*([^\s]*))?\s*")
_SPEC = re.compile(r"\.(\d{1,2})([gfe%])|,\.(\d{1,2})(f)|e|%")
_EXPONENT = re.compile(r"e([+-])0*(\d)")
_SLOT = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")
_MATH_GROUPING = ("^", "_")  # `x^{T}`, `h_{t-1}`: braces of maths, kept
_LITERAL_BEFORE = "$"  # `${HOME}`: shell or script text quoted in a card, shown as written


@dataclass(frozen=True)
class Placeholder:
    """One `{{= ...}}` found in a text: `source` spans [start, end); `problem` says what
    is wrong with it (None when `name` and `spec` are usable)."""

    source: str
    start: int
    end: int
    name: str = ""
    spec: str = DEFAULT_SPEC
    problem: str | None = None


def _spec_problem(spec: str) -> str | None:
    match = _SPEC.fullmatch(spec)
    if match is None:
        return f"unknown format spec {spec!r}; use one of {SPECS_HELP}"
    digits, kind = match.group(1) or match.group(3), match.group(2) or match.group(4)
    if kind == "g" and not 1 <= int(digits) <= 15:
        return f"{spec!r} asks for {int(digits)} significant digits; use 1 to 15"
    if kind in ("f", "e", "%") and int(digits) > 15:
        return f"{spec!r} asks for {int(digits)} decimals; use 0 to 15"
    return None


def _parse(match: re.Match[str]) -> Placeholder:
    source, start, end = match.group(0), match.start(), match.end()
    body = _BODY.fullmatch(match.group(1))
    if body is None:
        problem = (
            f"cannot read placeholder {source!r}: it holds one scalar name (letters, digits, _) "
            f"and an optional format, nothing else; write {EXAMPLE}"
        )
        return Placeholder(source, start, end, problem=problem)
    name, spec = body.group(1), body.group(2)
    if spec is None:
        return Placeholder(source, start, end, name)
    return Placeholder(source, start, end, name, spec, _spec_problem(spec))


def placeholders(text: str) -> list[Placeholder]:
    """Every placeholder in `text`, in order, including malformed and unclosed ones."""
    found = [_parse(match) for match in _PLACEHOLDER.finditer(text)]
    covered = [(p.start, p.end) for p in found]
    position = text.find(_OPEN)
    while position >= 0:
        if not any(start <= position < end for start, end in covered):
            problem = f"placeholder {_OPEN!r} is never closed with '}}}}'; write {EXAMPLE}"
            found.append(Placeholder(_OPEN, position, position + len(_OPEN), problem=problem))
        position = text.find(_OPEN, position + 1)
    return sorted(found, key=lambda p: p.start)


def has_placeholders(text: str | None) -> bool:
    """Whether `text` contains `{{=` at all (cheap test before parsing)."""
    return bool(text) and _OPEN in text


def format_value(value: float | int, spec: str = DEFAULT_SPEC) -> str:
    """`value` formatted with a whitelisted `spec` (ValueError for any other spec),
    with short exponents (e-03 -> e-3, e+06 -> e6)."""
    problem = _spec_problem(spec)
    if problem is not None:
        raise ValueError(problem)
    text = format(float(value), spec)
    return _EXPONENT.sub(lambda m: f"e{'-' if m.group(1) == '-' else ''}{m.group(2)}", text)


def render_text(text: str, report: Report | None) -> str:
    """`text` with each placeholder replaced by its scalar from `report`: `PENDING`
    while `report` is None, `[no scalar NAME]` when the Report lacks it; malformed
    placeholders (refused by the loader) are left as written. Never raises."""
    if not has_placeholders(text):
        return text
    values = {s.name: s.value for s in report.scalars} if report is not None else {}
    pieces: list[str] = []
    last = 0
    for item in placeholders(text):
        pieces.append(text[last : item.start])
        last = item.end
        if item.problem is not None:
            pieces.append(item.source)
        elif report is None:
            pieces.append(PENDING)
        elif item.name not in values:
            pieces.append(f"[no scalar {item.name}]")
        else:
            pieces.append(format_value(values[item.name], item.spec))
    pieces.append(text[last:])
    return "".join(pieces)


def missing_scalars(text: str, report: Report) -> list[Placeholder]:
    """The well-formed placeholders of `text` naming a scalar `report` does not have."""
    names = set(report.scalar_names())
    return [p for p in placeholders(text) if p.problem is None and p.name not in names]


def value_text(value: object) -> str:
    """A drawn value as shown: floats in `g` format (3.0 -> 3), others as written."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _grouping(text: str, start: int) -> bool:
    return start > 0 and text[start - 1] in _MATH_GROUPING


def substitute_values(text: str, values: dict[str, object]) -> str:
    """`text` with every `{name}` slot of a drawn value replaced by the value, in one
    pass; after `^` or `_` the braces stay (`^{T}` -> `^{10}`); other braces untouched."""
    if not values or "{" not in text:
        return text

    def filled(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        shown = value_text(values[name])
        return "{" + shown + "}" if _grouping(text, match.start()) else shown

    return _SLOT.sub(filled, text)


def unknown_slots(text: str, names: set[str] | frozenset[str]) -> list[str]:
    """The `{name}` slots of `text` naming no drawn value in `names`: they would be shown
    as written, braces and all. Maths grouping (after `^`/`_`) and quoted `${NAME}` text
    are not slots."""
    return [
        match.group(0)
        for match in _SLOT.finditer(text)
        if match.group(1) not in names
        and not _grouping(text, match.start())
        and not text[: match.start()].endswith(_LITERAL_BEFORE)
    ]
