"""The expression tree of a formula, and printing it back as text.

Nodes are immutable: `Num(value)`, `Sym(name)` (a symbol with its canonical
subscript, e.g. `h_{t-1}`), `Op(kind, args)` for the operators (`add`, `sub`, `neg`,
`matmul` (juxtaposition), `times` (`*`: a matrix product, or elementwise for equal
shapes), `hadamard` (⊙), `div`, `pow`, `transpose`), `Call(name, args)` for functions
(`diag`, `min`, `max`, `abs`, `clip`, `norm`, `sqrt`, `exp`, `log`, `tanh`, and
declared elementwise functions such as `f'`) and `Rel(op, left, right)`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Sym:
    name: str


@dataclass(frozen=True)
class Op:
    kind: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Rel:
    op: str
    left: Node | None
    right: Node | None


Node = Num | Sym | Op | Call | Rel

_INFIX = {"add": " + ", "sub": " - ", "matmul": " ", "times": " * ", "hadamard": " ⊙ ", "div": "/"}


def show(node: Node) -> str:
    """The node as text the parser reads back to the same tree (fully parenthesised)."""
    if isinstance(node, Num):
        return repr(node.value) if node.value >= 0 else f"({node.value!r})"
    if isinstance(node, Sym):
        return node.name
    if isinstance(node, Call):
        return f"{node.name}({', '.join(show(a) for a in node.args)})"
    if isinstance(node, Rel):
        parts = [show(side) for side in (node.left, node.right) if side is not None]
        return f" {node.op} ".join(parts) if parts else node.op
    if node.kind == "neg":
        return f"(-{show(node.args[0])})"
    if node.kind == "transpose":
        return f"({show(node.args[0])})ᵀ"
    if node.kind == "pow":
        return f"({show(node.args[0])})^({show(node.args[1])})"
    return "(" + _INFIX[node.kind].join(show(a) for a in node.args) + ")"
