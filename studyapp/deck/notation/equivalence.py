"""Is a learner's formula the card's formula? Equal shapes, then equal values at
several random draws of the declared symbols (relative tolerance)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from studyapp.deck.notation.evaluate import draw, value
from studyapp.deck.notation.parser import parse
from studyapp.deck.notation.shapes import ShapeError, shape_of
from studyapp.deck.notation.symbols import Symbols, describe
from studyapp.deck.notation.tree import Call, Node, Op, Rel, Sym, show

DRAWS = 6
RTOL = 1e-6
_FLIPPED = {"<=": ">=", ">=": "<=", "<": ">", ">": "<", "=": "="}


@dataclass(frozen=True)
class Verdict:
    """`right`, and one line saying why (a dimension message when shapes differ)."""

    right: bool
    detail: str


def read(text: str, symbols: Symbols) -> Node:
    """The tree of `text` with its symbols resolved (a case-only variant of exactly
    one declared name is that name); AnswerError for unknown symbols or shapes."""
    node = _resolve(parse(text, symbols.functions, symbols.indexed), symbols)
    shape_of(node, symbols)
    return node


def _resolve(node: Node, symbols: Symbols) -> Node:
    if isinstance(node, Sym) and node.name not in symbols.shapes:
        same = [n for n in symbols.shapes if n.casefold() == node.name.casefold()]
        return Sym(same[0]) if len(same) == 1 else node
    if isinstance(node, Op):
        return Op(node.kind, tuple(_resolve(a, symbols) for a in node.args))
    if isinstance(node, Call):
        return Call(node.name, tuple(_resolve(a, symbols) for a in node.args))
    if isinstance(node, Rel):
        sides = [None if s is None else _resolve(s, symbols) for s in (node.left, node.right)]
        return Rel(node.op, sides[0], sides[1])
    return node


def equivalent(answer: Node, reference: Node, symbols: Symbols, seed: int = 0) -> Verdict:
    """Right when both trees have one shape and agree at DRAWS random draws:
    |a - r| <= RTOL * (|r| + max|r|) entrywise."""
    if isinstance(reference, Rel) or isinstance(answer, Rel):
        return _relations(answer, reference, symbols, seed)
    shape, expected_shape = shape_of(answer, symbols), shape_of(reference, symbols)
    if shape != expected_shape:
        return Verdict(
            False, f"{show(answer)} is {describe(shape)}, the answer is {describe(expected_shape)}"
        )
    rng = np.random.default_rng(seed)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for _ in range(DRAWS):
            point = draw(symbols, rng)
            got, want = np.asarray(value(answer, point)), np.asarray(value(reference, point))
            scale = float(np.nanmax(np.abs(want))) if want.size else 0.0
            close = np.isclose(got, want, rtol=RTOL, atol=RTOL * scale, equal_nan=True)
            if not bool(np.all(close)):
                return Verdict(False, f"{show(answer)} differs from the answer")
    return Verdict(True, f"equivalent to {show(reference)}")


def _relations(answer: Node, reference: Node, symbols: Symbols, seed: int) -> Verdict:
    if not (isinstance(answer, Rel) and isinstance(reference, Rel)):
        return Verdict(False, "a relation was expected" if isinstance(reference, Rel) else "")
    if answer.left is None or reference.left is None:
        right = answer.left is None and reference.left is None and answer.op == reference.op
        return Verdict(right, f"the relation is {reference.op}")
    pairs = [
        (answer.op, answer.left, answer.right),
        (_FLIPPED[answer.op], answer.right, answer.left),
    ]
    for op, lhs, rhs in pairs:
        if op != reference.op or lhs is None or rhs is None or reference.right is None:
            continue
        same_left = equivalent(lhs, reference.left, symbols, seed).right
        if same_left and equivalent(rhs, reference.right, symbols, seed).right:
            return Verdict(True, f"the relation is {reference.op}")
    return Verdict(False, "not the same relation")


def grade_formula(text: str, reference: str, symbols: Symbols, seed: int = 0) -> Verdict:
    """Read the learner's `text` (AnswerError when unreadable) and compare it with the
    card's `reference` formula; a dimension mismatch is a wrong answer with its message."""
    reference_node = read(reference, symbols)
    node = _resolve(parse(text, symbols.functions, symbols.indexed), symbols)
    try:
        shape_of(node, symbols)
    except ShapeError as mismatch:
        return Verdict(False, str(mismatch))
    return equivalent(node, reference_node, symbols, seed)
