"""The value of a formula tree at random values of its symbols (numpy; no eval).

`draw(symbols, rng)` picks a size per dimension name (distinct, so a transpose in the
wrong place changes the value), normal matrices and vectors, scalars in [-2, 2] (or
[0.5, 2] when declared positive) and, per elementwise function, a random smooth
function x -> a·tanh(b·x + c) + d·x. `value(node, draw)` computes the tree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from studyapp.deck.errors import AnswerError
from studyapp.deck.notation.symbols import SCALAR, Symbols
from studyapp.deck.notation.tree import Call, Node, Num, Op, Rel, Sym

Value = np.ndarray | float
SIZES = (3, 4, 5, 6, 7, 8, 9, 10, 11, 12)


@dataclass(frozen=True)
class Draw:
    values: dict[str, Value]
    functions: dict[str, Callable[[Value], Value]]


def draw(symbols: Symbols, rng: np.random.Generator) -> Draw:
    """Random values for every declared symbol and function."""
    dimensions = sorted({d for shape in symbols.shapes.values() for d in shape if d != "1"})
    sizes = dict(zip(dimensions, rng.permutation(SIZES)[: len(dimensions)].tolist(), strict=False))
    sizes["1"] = 1
    values: dict[str, Value] = {}
    for name, shape in sorted(symbols.shapes.items()):
        if shape == SCALAR:
            low = 0.5 if name in symbols.positive else -2.0
            values[name] = float(rng.uniform(low, 2.0))
        else:
            values[name] = rng.standard_normal((sizes[shape[0]], sizes[shape[1]]))
    functions = {name: _smooth(rng) for name in sorted(symbols.functions)}
    return Draw(values, functions)


def _smooth(rng: np.random.Generator) -> Callable[[Value], Value]:
    a, b, c, d = rng.uniform(0.5, 1.5, size=4)
    return lambda x: a * np.tanh(b * x + c) + d * x


def _as_matrix(x: Value) -> np.ndarray:
    return np.asarray(x, dtype=float).reshape(1, 1) if np.ndim(x) == 0 else np.asarray(x)


def _scalar_if_1x1(x: Value) -> Value:
    return float(x[0, 0]) if isinstance(x, np.ndarray) and x.shape == (1, 1) else x


def value(node: Node, point: Draw) -> Value:
    """The value of `node` (shapes were checked by shapes.shape_of)."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Sym):
        return point.values[node.name]
    if isinstance(node, Rel):
        raise AnswerError("a relation has no value")
    args = [value(a, point) for a in node.args]
    if isinstance(node, Call):
        return _call(node.name, args, point)
    return _op(node, args)


def _op(node: Op, args: list[Value]) -> Value:
    kind = node.kind
    if kind == "neg":
        return -args[0]
    if kind == "transpose":
        return args[0].T if isinstance(args[0], np.ndarray) else args[0]
    a, b = args
    if kind == "add":
        return a + b
    if kind == "sub":
        return a - b
    if kind in ("matmul", "times"):
        if np.ndim(a) == 0 or np.ndim(b) == 0:
            return a * b
        left, right = np.asarray(a), np.asarray(b)
        if left.shape[1] == right.shape[0]:
            return _scalar_if_1x1(left @ right)
        elementwise: np.ndarray = left * right  # numpy's stubs type this product as Any
        return elementwise
    if kind == "hadamard":
        return a * b
    if kind == "div":
        return a / b
    return float(np.power(complex(a), b).real) if a < 0 else float(np.power(a, b))


def _call(name: str, args: list[Value], point: Draw) -> Value:
    if name == "diag":
        return np.diag(np.asarray(args[0]).ravel())
    if name == "min":
        return np.minimum(args[0], args[1])
    if name == "max":
        return np.maximum(args[0], args[1])
    if name == "clip":
        return np.minimum(np.maximum(args[0], args[1]), args[2])
    if name == "norm":
        return float(np.linalg.norm(_as_matrix(args[0]), 2 if np.ndim(args[0]) == 2 else None))
    if name == "σ_{max}":
        return float(np.linalg.norm(_as_matrix(args[0]), 2))
    builtin = {"abs": np.abs, "sqrt": np.sqrt, "exp": np.exp, "log": np.log, "tanh": np.tanh}
    function = builtin.get(name) or point.functions[name]
    return function(args[0])
