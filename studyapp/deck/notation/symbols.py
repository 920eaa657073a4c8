"""Symbol declarations of a formula card: `W: H×H`, `h_{t-1}: H`, `f': elementwise`,
`γ: positive`, `α: scalar`.

A shape is () for a scalar or (rows, columns) of dimension names, a vector of size H
being the column (H, 1). Names are read by the formula tokenizer, so `h_(t−1)` and
`h_{t-1}` declare the same symbol.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from studyapp.deck.errors import AnswerError
from studyapp.deck.notation.tokens import normalise

Shape = tuple[str, ...]
SCALAR: Shape = ()
_FUNCTION_NAME = re.compile(r"[^\W\d_]\w*'*")
_DIMENSION = re.compile(r"[A-Za-z]\w{0,8}|1")


@dataclass(frozen=True)
class Symbols:
    """Declared symbols: shapes by canonical name, which scalars are positive, and the
    names of elementwise functions."""

    shapes: Mapping[str, Shape]
    positive: frozenset[str]
    functions: frozenset[str]

    @property
    def indexed(self) -> frozenset[str]:
        """Base names that carry subscripts (`h` of `h_{t-1}`)."""
        return frozenset(name.split("_{", 1)[0] for name in self.shapes if "_{" in name)


def describe(shape: Shape) -> str:
    """`a scalar`, `H` (a vector), `1×H` or `H×D`."""
    if shape == SCALAR:
        return "a scalar"
    rows, columns = shape
    return rows if columns == "1" else f"{rows}×{columns}"


def read_shape(text: str) -> Shape:
    """`H` -> (H, 1); `H×D`, `HxD`, `H*D` -> (H, D); `scalar`/`positive`/`1` -> ()."""
    words = [w.strip() for w in re.split(r"[×x*]", normalise(text).strip())]
    if text.strip() in ("scalar", "positive", "1"):
        return SCALAR
    if not 1 <= len(words) <= 2 or not all(_DIMENSION.fullmatch(w) for w in words):
        raise AnswerError(f"cannot read the shape {text!r}; write e.g. H, H×H or scalar")
    return (words[0], "1") if len(words) == 1 else (words[0], words[1])


def declare(declarations: Mapping[str, str]) -> Symbols:
    """Symbols from `{"W": "H×H", "h_{t-1}": "H", "f'": "elementwise", "γ": "positive"}`."""
    from studyapp.deck.notation.parser import parse
    from studyapp.deck.notation.tree import Sym

    shapes: dict[str, Shape] = {}
    positive, functions = set(), set()
    for key, kind in declarations.items():
        if kind.strip() == "elementwise":
            name = normalise(key.strip())
            if not _FUNCTION_NAME.fullmatch(name):
                raise AnswerError(f"cannot read the function name {key!r}")
            functions.add(name)
            continue
        node = parse(key)
        if not isinstance(node, Sym):
            raise AnswerError(f"{key!r} is not a symbol name")
        shapes[node.name] = read_shape(kind)
        if kind.strip() == "positive":
            positive.add(node.name)
    return Symbols(shapes, frozenset(positive), frozenset(functions))
