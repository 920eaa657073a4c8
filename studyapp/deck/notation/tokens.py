"""Tokens of the formula notation learners type.

`tokenize(text)` turns `diag(f′(a_m)) W`, `h_(t−1)`, `V^⊤`, `V.T`, `1/gamma`, `γ⁻¹`,
`x ⩽ y` into a flat list of tokens. Typographic variants are mapped to one spelling
each (minus signs and dashes to `-`, primes and apostrophes to `'`, `· × ∙ ⋅` to
`*`, `∘` to `⊙`, `ᵀ ⊤` to a transpose mark, `≤ ⩽ \\le =<` to `<=`), Greek letters
may be typed or spelled (`gamma`, `\\alpha`), superscripts become powers (`γ⁻¹` is
γ^(-1), never γ-1). No Unicode compatibility folding is applied to the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studyapp.deck.errors import AnswerError

MAX_LENGTH = 500

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "rho": "ρ", "sigma": "σ", "tau": "τ",
    "phi": "φ", "psi": "ψ", "omega": "ω",
}  # fmt: skip
_SYMBOLS = {
    "−": "-", "–": "-", "—": "-", "‒": "-", "﹣": "-", "－": "-",
    "′": "'", "’": "'", "‘": "'", "ʹ": "'", "`": "'",
    "·": "*", "×": "*", "∙": "*", "⋅": "*", "∘": "⊙", "⊤": "ᵀ",
    "≤": "<=", "⩽": "<=", "≥": ">=", "⩾": ">=", "∥": "‖", "÷": "/",
}  # fmt: skip
_LATEX = {"le": "<=", "leq": "<=", "ge": ">=", "geq": ">=", "cdot": "*", "times": "*",
          "odot": "⊙", "top": "ᵀ", "lt": "<", "gt": ">"}  # fmt: skip
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<num>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
    r"|(?P<sup>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+)"
    r"|(?P<latex>\\[A-Za-z]+)"
    r"|(?P<op><=|>=|=<|\*\*|\.T\b|[-+*/^()\[\]{},_'ᵀ⊙‖|<>=])"
    r"|(?P<name>[^\W\d_ᵀ](?:[^\W_ᵀ]|[0-9])*)"
)


@dataclass(frozen=True)
class Token:
    """One token: `kind` is num, name or op; `spaced` when whitespace precedes it."""

    kind: str
    text: str
    spaced: bool


def normalise(text: str) -> str:
    """One spelling per symbol (see the module docstring); words are left alone."""
    return "".join(_SYMBOLS.get(char, char) for char in text)


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`, or AnswerError naming the first character not understood."""
    if len(text) > MAX_LENGTH:
        raise AnswerError(f"the answer is longer than {MAX_LENGTH} characters")
    source = normalise(text)
    tokens: list[Token] = []
    pos, spaced = 0, False
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise AnswerError(f"cannot read {source[pos]!r} in the formula")
        pos = match.end()
        kind = match.lastgroup or "op"
        value = match.group(kind)
        if kind == "space":
            spaced = True
            continue
        if kind == "sup":
            tokens.append(Token("op", "^", spaced))
            tokens.append(Token("op", "(", False))
            tokens.extend(_superscript(value.translate(_SUPERSCRIPT)))
            tokens.append(Token("op", ")", False))
        elif kind == "latex":
            word = value[1:]
            if word in _LATEX:
                tokens.append(Token("op", _LATEX[word], spaced))
            elif word.lower() in GREEK:
                tokens.append(Token("name", GREEK[word.lower()], spaced))
            else:
                raise AnswerError(f"unknown command {value!r} in the formula")
        elif kind == "name":
            tokens.append(Token("name", GREEK.get(value, value), spaced))
        elif kind == "op":
            canonical = {"=<": "<=", "**": "^", ".T": "ᵀ"}.get(value, value)
            tokens.append(Token("op", canonical, spaced))
        else:
            tokens.append(Token(kind, value, spaced))
        spaced = False
    return tokens


def _superscript(text: str) -> list[Token]:
    """`-1` from `⁻¹`: an optional sign and digits."""
    match = re.fullmatch(r"([-+]?)([0-9]+)", text)
    if match is None:
        raise AnswerError(f"cannot read the superscript {text!r}")
    sign, digits = match.groups()
    return ([Token("op", sign, False)] if sign else []) + [Token("num", digits, False)]
