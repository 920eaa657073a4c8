"""The shape of a formula from its symbols' shapes, with a message for each mismatch
("cannot multiply W (H×H) by h_{t-1}ᵀ (1×H)")."""

from __future__ import annotations

from studyapp.deck.errors import AnswerError
from studyapp.deck.notation.symbols import SCALAR, Shape, Symbols, describe
from studyapp.deck.notation.tree import Call, Node, Num, Op, Rel, Sym, show

ELEMENTWISE = ("abs", "sqrt", "exp", "log", "tanh")
RELATION: Shape = ("relation",)


class ShapeError(AnswerError):
    """A dimension mismatch: feedback on a wrong formula, not an unreadable one."""


def _scalar_if_1x1(shape: Shape) -> Shape:
    return SCALAR if shape == ("1", "1") else shape


def _named(node: Node, shape: Shape) -> str:
    return f"{show(node)} ({describe(shape)})"


def shape_of(node: Node, symbols: Symbols) -> Shape:
    """The shape of `node`, or AnswerError explaining the first dimension mismatch."""
    if isinstance(node, Num):
        return SCALAR
    if isinstance(node, Sym):
        if node.name not in symbols.shapes:
            known = ", ".join(sorted(symbols.shapes)) or "none"
            raise AnswerError(f"unknown symbol {node.name!r}; the symbols are {known}")
        return symbols.shapes[node.name]
    if isinstance(node, Rel):
        if node.left is not None and node.right is not None:
            for side in (node.left, node.right):
                if shape_of(side, symbols) != SCALAR:
                    raise ShapeError(f"{_named(side, shape_of(side, symbols))} is not a scalar")
        return RELATION
    if isinstance(node, Call):
        return _call_shape(node, [shape_of(a, symbols) for a in node.args], symbols)
    shapes = [shape_of(a, symbols) for a in node.args]
    return _op_shape(node, shapes)


def _op_shape(node: Op, shapes: list[Shape]) -> Shape:
    kind = node.kind
    if kind in ("neg",):
        return shapes[0]
    if kind == "transpose":
        return shapes[0] if shapes[0] == SCALAR else (shapes[0][1], shapes[0][0])
    a, b = shapes
    left, right = node.args
    if kind in ("add", "sub"):
        if a != b:
            verb = "add" if kind == "add" else "subtract"
            raise ShapeError(f"cannot {verb} {_named(left, a)} and {_named(right, b)}")
        return a
    if kind in ("matmul", "times"):
        if a == SCALAR or b == SCALAR:
            return b if a == SCALAR else a
        if a[1] == b[0]:
            return _scalar_if_1x1((a[0], b[1]))
        if kind == "times" and a == b:
            return a
        raise ShapeError(f"cannot multiply {_named(left, a)} by {_named(right, b)}")
    if kind == "hadamard":
        if SCALAR in (a, b) or a == b:
            return b if a == SCALAR else a
        raise ShapeError(f"⊙ needs equal shapes: {_named(left, a)} and {_named(right, b)}")
    if kind == "div":
        if b != SCALAR:
            raise ShapeError(f"cannot divide by {_named(right, b)}")
        return a
    if a != SCALAR or b != SCALAR:
        raise ShapeError(f"only scalars take powers here: {_named(left, a)}")
    return SCALAR


def _call_shape(node: Call, shapes: list[Shape], symbols: Symbols) -> Shape:
    name, count = node.name, len(shapes)
    expected = {"clip": 3, "min": 2, "max": 2}.get(name, 1)
    if count != expected:
        raise AnswerError(f"{name} takes {expected} argument(s), not {count}")
    if name == "diag":
        if shapes[0] == SCALAR or shapes[0][1] != "1":
            raise ShapeError(f"diag takes a vector, not {_named(node.args[0], shapes[0])}")
        return (shapes[0][0], shapes[0][0])
    if name in ("norm", "σ_{max}"):
        return SCALAR
    if name in ("min", "max", "clip"):
        result = SCALAR
        for arg, shape in zip(node.args, shapes, strict=True):
            if shape != SCALAR and result not in (SCALAR, shape):
                raise ShapeError(f"{name} needs equal shapes: {_named(arg, shape)}")
            result = shape if shape != SCALAR else result
        return result
    if name in ELEMENTWISE or name in symbols.functions:
        return shapes[0]
    raise AnswerError(f"unknown function {name!r}")
