"""Typed numeric answers: reading them, and deciding them at a card's precision.

`evaluate(text, unit="")` reads `9.77e-4`, `1/1024`, `0.25^5`, `2**-10`, `5,376`,
`8.27×10^-2` or `5.65°` with a small parser of its own (never Python's): decimal
numbers with an optional exponent, `+ - * / ^ **`, signs and parentheses. Commas group
thousands only in groups of three (`282,624`), as do spaces in a lone number
(`282 624`); hex, binary, octal and `1_000` literals are not numbers here. Length,
nesting, exponents and magnitudes are bounded before anything is computed, so every
input ends in a float or an AnswerError.

`Precision` is what a card demands (`sigfigs`, or relative/absolute tolerance);
`Precision.matches(value, expected)` decides, `Precision.describe()` states it for the
prompt, and `Precision.digits_shown(expected)` is how many significant digits a panel
must show so that the number shown is accepted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from studyapp.deck.errors import AnswerError

MAX_LENGTH = 200
MAX_DEPTH = 50
MAX_EXPONENT = 1000.0
MAX_LOG10 = 300.0  # results beyond 1e300 in magnitude are refused

_TRANSLATE = str.maketrans(
    {"×": "*", "·": "*", "⋅": "*", "−": "-", "–": "-", "—": "-", "‒": "-", "÷": "/"}
)
_TOKEN = re.compile(
    r"\s*(?:(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?"
    r"|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)"
    r"|(?P<op>\*\*|[-+*/^()]))"
)
_SPACE_GROUPED = re.compile(r"[0-9]{1,3}(?:[ \u00a0\u2009\u202f][0-9]{3})+(?:\.[0-9]+)?")
_ALLOWED = "only numbers, + - * / ^ and parentheses are allowed"

# Accepted spellings of each unit a card may name (the card's own spelling is always
# accepted too). Compared case-sensitively: ms is not Ms, GB is not Gb.
UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "degrees": ("°", "deg", "degree", "degrees"),
    "s": ("s", "sec", "second", "seconds"),
    "ms": ("ms", "millisecond", "milliseconds"),
    "GB": ("GB", "gigabyte", "gigabytes"),
    "MB": ("MB", "megabyte", "megabytes"),
    "%": ("%", "percent"),
}


def _aliases(unit: str) -> tuple[str, ...]:
    for canonical, spellings in UNIT_ALIASES.items():
        if unit == canonical or unit in spellings:
            return (unit, *spellings)
    return (unit,)


def strip_unit(text: str, unit: str) -> str:
    """`text` without a trailing spelling of `unit` (`5.65°`, `5.65 deg` -> `5.65`)."""
    stripped = text.strip()
    if not unit:
        return stripped
    for spelling in sorted(_aliases(unit), key=len, reverse=True):
        number = stripped[: -len(spelling)].rstrip()
        if stripped.endswith(spelling) and not number[-1:].isalpha():
            return number
    return stripped


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def evaluate(text: str, unit: str = "") -> float:
    """The value of the arithmetic expression `text` (after an optional `unit`),
    or AnswerError saying why not."""
    if len(text) > MAX_LENGTH + 20:
        raise AnswerError(f"the answer is longer than {MAX_LENGTH} characters")
    source = strip_unit(text, unit).translate(_TRANSLATE)
    if not source:
        raise AnswerError("type a number, e.g. 0.25, 1/1024 or 2^-10")
    if len(source) > MAX_LENGTH:
        raise AnswerError(f"the answer is longer than {MAX_LENGTH} characters")
    if _SPACE_GROUPED.fullmatch(source):  # 282 624, with a (thin) space per thousand
        source = re.sub(r"\s", "", source)
    tokens = _tokens(source, text)
    return _finite(_Reader(tokens, text).read())


def _tokens(source: str, text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    while pos < len(source):
        if not source[pos:].strip():
            break
        match = _TOKEN.match(source, pos)
        rest = source[match.end() :] if match else ""
        if match is None or (match.group("num") and rest[:1].isalnum()):
            bad = source[pos:].lstrip()[:1] if match is None else rest[:1]
            hint = ""
            if "," in source:
                hint = " (a comma only groups thousands, as in 5,376; decimals take a point)"
            raise AnswerError(
                f"cannot read {_shown(text)} as a number ({bad!r} is not a number{hint}); "
                + _ALLOWED
            )
        tokens.append(match.group("num") or match.group("op"))
        pos = match.end()
    return tokens


class _Reader:
    """expr := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*;
    unary := ('+'|'-') unary | power; power := atom ('^' unary)?; atom := number | '(' expr ')'."""

    def __init__(self, tokens: list[str], text: str):
        self.tokens, self.i, self.text, self.depth = tokens, 0, text, 0

    def fail(self) -> AnswerError:
        return AnswerError(f"cannot read {_shown(self.text)} as a number; " + _ALLOWED)

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise self.fail()
        self.i += 1
        return token

    def read(self) -> float:
        value = self.expr()
        if self.peek() is not None:
            raise self.fail()
        return value

    def expr(self) -> float:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise AnswerError("the answer is nested too deeply")
        value = self.term()
        while (token := self.peek()) in ("+", "-"):
            self.take()
            right = self.term()
            value = _finite(value + right if token == "+" else value - right)
        self.depth -= 1
        return value

    def term(self) -> float:
        value = self.unary()
        while (token := self.peek()) in ("*", "/"):
            self.take()
            right = self.unary()
            if token == "/" and right == 0:
                raise AnswerError("division by zero")
            value = _finite(value * right if token == "*" else value / right)
        return value

    def unary(self) -> float:
        signs = 1
        while (token := self.peek()) in ("+", "-"):
            self.take()
            signs = -signs if token == "-" else signs
        return signs * self.power()

    def power(self) -> float:
        base = self.atom()
        if self.peek() in ("^", "**"):
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise AnswerError("the answer is nested too deeply")
            exponent = self.unary()
            self.depth -= 1
            return _power(base, exponent)
        return base

    def atom(self) -> float:
        token = self.take()
        if token == "(":
            value = self.expr()
            if self.take() != ")":
                raise self.fail()
            return value
        if token[0].isdigit() or token[0] == ".":
            return _finite(float(token.replace(",", "")))
        raise self.fail()


def _finite(value: float) -> float:
    if not math.isfinite(value) or (value != 0 and math.log10(abs(value)) > MAX_LOG10):
        raise AnswerError(f"the value is too large (beyond 1e{MAX_LOG10:g})")
    return value


def _power(base: float, exponent: float) -> float:
    """base**exponent, refused when |exponent| or the result's magnitude is too large."""
    if abs(exponent) > MAX_EXPONENT:
        raise AnswerError(f"exponent {exponent:g} is too large (at most {MAX_EXPONENT:g})")
    if base == 0:
        if exponent < 0:
            raise AnswerError("zero to a negative power")
        return 0.0 if exponent > 0 else 1.0
    if base < 0 and not float(exponent).is_integer():
        raise AnswerError("a negative number to a fractional power")
    if abs(exponent * math.log10(abs(base))) > MAX_LOG10:
        raise AnswerError("the value is too large or too small to type")
    return _finite(math.pow(base, exponent))


@dataclass(frozen=True)
class Precision:
    """What a card demands: `sigfigs` significant figures, else |x - e| <= atol + rtol*|e|."""

    sigfigs: int | None = None
    rtol: float = 0.0
    atol: float = 0.0

    def tolerance(self, expected: float) -> float:
        """The largest accepted |value - expected|: half a unit in the last demanded
        significant figure of `expected`, or atol + rtol*|expected|."""
        if self.sigfigs is None:
            return self.atol + self.rtol * abs(expected)
        if expected == 0:
            return self.atol
        last_digit = math.floor(math.log10(abs(expected))) - (self.sigfigs - 1)
        return 0.5 * 10.0**last_digit * (1 + 1e-9)

    def matches(self, value: float, expected: float) -> bool:
        """True when `value` equals `expected` at this precision."""
        return abs(value - expected) <= self.tolerance(expected)

    def describe(self, expected: float | None = None) -> str:
        """The precision in words for a prompt: "to 3 significant figures"."""
        if self.sigfigs is not None:
            figures = "figure" if self.sigfigs == 1 else "figures"
            return f"to {self.sigfigs} significant {figures}"
        if self.rtol and not self.atol:
            return f"within {self.rtol * 100:.2g}% (relative)"
        if self.atol and not self.rtol:
            return f"within ±{self.atol:.3g}"
        if expected is not None:
            return f"within ±{self.tolerance(expected):.3g}"
        return f"within ±{self.atol:.3g} + {self.rtol * 100:.2g}%"

    def digits_shown(self, expected: float, at_least: int = 6) -> int:
        """The fewest significant digits (>= at_least, <= 17) at which `expected`,
        printed with %g, is accepted: what a panel must show."""
        for digits in range(max(at_least, 1), 18):
            if self.matches(float(f"{expected:.{digits}g}"), expected):
                return digits
        return 17
