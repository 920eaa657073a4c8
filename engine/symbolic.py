"""Symbolic proofs with sympy: dL/dW by differentiation equals the double sum and the δ recursion.

Scalar RNN, unrolled T steps (the 2×2 case is the same with matrices):

    a_t = u x_t + w h_{t-1},   h_t = f(a_t),   L = Σ_t ½ (v h_t − y_t)²

    double sum:  dL/dw = Σ_{t=1..T} Σ_{k=1..t} (∂L_t/∂h_t) · Π_{m=k+1..t} f'(a_m) w
                               · f'(a_k) h_{k-1}
    recursion:   δ_T = v e_T,  δ_t = v e_t + w f'(a_{t+1}) δ_{t+1},  dL/dw = Σ_t f'(a_t) δ_t h_{t-1}

This module imports sympy at the top: import it only where symbolic work is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import sympy as sp

ACTIVATIONS = ("tanh", "sigmoid", "identity")
COLUMNS = 78


def activation(name: str, a: sp.Expr) -> sp.Expr:
    """f(a) for tanh, sigmoid 1/(1 + e^{−a}) or identity."""
    if name == "tanh":
        return sp.tanh(a)
    if name == "sigmoid":
        return 1 / (1 + sp.exp(-a))
    if name == "identity":
        return a
    raise ValueError(f"unknown activation {name!r}; one of {', '.join(ACTIVATIONS)}")


def derivative(name: str, a: sp.Expr) -> sp.Expr:
    """f'(a), obtained by sympy from f itself (no hand-written derivative)."""
    s = sp.Dummy("s")
    return sp.diff(activation(name, s), s).subs(s, a)


def is_zero(expr: sp.Expr, atoms: dict[sp.Expr, sp.Symbol]) -> bool:
    """True when `expr` is identically 0.

    Shared nested sub-expressions (f(a_t)) are first replaced by symbols, outermost
    first; a polynomial/rational identity in those symbols implies the original one.
    """
    reduced = sp.expand(expr.xreplace(atoms))
    if reduced == 0:
        return True
    return cast(bool, sp.cancel(sp.together(reduced)) == 0)  # rational identities (sigmoid)


@dataclass
class ScalarProof:
    """dL/dw three ways for the scalar RNN, and whether they agree exactly."""

    T: int
    by_differentiation: sp.Expr
    by_double_sum: sp.Expr
    by_recursion: sp.Expr
    double_sum_is_equal: bool
    recursion_is_equal: bool
    symbols: dict[str, sp.Symbol]


def _atoms(h_exprs: list[sp.Expr], a_exprs: list[sp.Expr], act: str) -> dict[sp.Expr, sp.Symbol]:
    """Map every nested f(a_t) (and e^{−a_t} for sigmoid) to a fresh symbol, latest first."""
    atoms: dict[sp.Expr, sp.Symbol] = {}
    for t in range(len(a_exprs), 0, -1):
        if act != "identity":
            atoms[h_exprs[t]] = sp.Symbol(f"F{t}")
        if act == "sigmoid":
            atoms[sp.exp(-a_exprs[t - 1])] = sp.Symbol(f"E{t}")
    return atoms


def scalar_proof(T: int, act: str = "tanh") -> ScalarProof:
    """Unroll the scalar RNN for T steps and compare the three forms of dL/dw."""
    w, u, v, h0 = sp.symbols("w u v h0")
    xs = sp.symbols(f"x1:{T + 1}")
    ys = sp.symbols(f"y1:{T + 1}")
    h: list[sp.Expr] = [h0]
    a: list[sp.Expr] = []
    for t in range(T):
        a.append(u * xs[t] + w * h[t])
        h.append(activation(act, a[t]))
    loss = sum((v * h[t + 1] - ys[t]) ** 2 / 2 for t in range(T))
    by_diff = sp.diff(loss, w)

    fp = [derivative(act, a_t) for a_t in a]  # fp[t-1] = f'(a_t)
    dlt_dht = [v * (v * h[t + 1] - ys[t]) for t in range(T)]
    by_sum = sp.Integer(0)
    for t in range(1, T + 1):
        for k in range(1, t + 1):
            chain = sp.Mul(*[fp[m - 1] * w for m in range(k + 1, t + 1)])
            by_sum += dlt_dht[t - 1] * chain * fp[k - 1] * h[k - 1]

    delta = dlt_dht[T - 1]
    by_rec = fp[T - 1] * delta * h[T - 1]
    for t in range(T - 1, 0, -1):
        delta = dlt_dht[t - 1] + w * fp[t] * delta
        by_rec += fp[t - 1] * delta * h[t - 1]

    atoms = _atoms(h, a, act)
    return ScalarProof(
        T=T,
        by_differentiation=by_diff,
        by_double_sum=by_sum,
        by_recursion=by_rec,
        double_sum_is_equal=is_zero(by_diff - by_sum, atoms),
        recursion_is_equal=is_zero(by_diff - by_rec, atoms),
        symbols={"w": w, "u": u, "v": v, "h0": h0}
        | {f"x{t + 1}": xs[t] for t in range(T)}
        | {f"y{t + 1}": ys[t] for t in range(T)},
    )


def matrix_proof(act: str = "tanh", T: int = 2) -> bool:
    """2×2 W, scalar input and output: dL/dW by differentiation equals the double sum.

    Double sum in matrix form: dL/dW = Σ_t Σ_{k≤t} ((r_{t,k} ⊙ f'(a_k)) h_{k−1}ᵀ),
    r_{t,k} = (∂L_t/∂h_t) J_t ⋯ J_{k+1}, J_m = diag(f'(a_m)) W.
    """
    W = sp.Matrix(2, 2, sp.symbols("w11 w12 w21 w22"))
    U = sp.Matrix(sp.symbols("u1 u2"))
    V = sp.Matrix([sp.symbols("v1 v2")])
    h: list[sp.Matrix] = [sp.Matrix(sp.symbols("p1 p2"))]
    a: list[sp.Matrix] = []
    xs = sp.symbols(f"x1:{T + 1}")
    ys = sp.symbols(f"y1:{T + 1}")
    for t in range(T):
        a.append(U * xs[t] + W * h[t])
        h.append(a[t].applyfunc(lambda z: activation(act, z)))
    errors = [(V * h[t + 1])[0] - ys[t] for t in range(T)]
    loss = sum(e**2 / 2 for e in errors)
    by_diff = W.applyfunc(lambda wij: sp.diff(loss, wij))

    fp = [a_t.applyfunc(lambda z: derivative(act, z)) for a_t in a]
    by_sum = sp.zeros(2, 2)
    for t in range(1, T + 1):
        row = errors[t - 1] * V  # ∂L_t/∂h_t as a 1×2 row
        for k in range(t, 0, -1):
            if k < t:
                row = row * sp.diag(*fp[k]) * W  # multiply by J_{k+1} on the right
            eps = sp.Matrix([row[i] * fp[k - 1][i] for i in range(2)])
            by_sum += eps * h[k - 1].T

    atoms: dict[sp.Expr, sp.Symbol] = {}
    for t in range(T, 0, -1):
        for i in range(2):
            if act != "identity":
                atoms[h[t][i]] = sp.Symbol(f"F{t}_{i}")
            if act == "sigmoid":
                atoms[sp.exp(-a[t - 1][i])] = sp.Symbol(f"E{t}_{i}")
    return all(is_zero(d, atoms) for d in by_diff - by_sum)


def general_formula(T: int) -> str:
    """The double sum for horizon T, with ∂L_t/∂h_t = v(v h_t − y_t), as unicode text."""
    t, k, m = sp.symbols("t k m", integer=True, positive=True)
    h, a, y = sp.IndexedBase("h"), sp.IndexedBase("a"), sp.IndexedBase("y")
    w, v = sp.symbols("w v")
    fprime = sp.Function("f'")
    term = (
        v
        * (v * h[t] - y[t])
        * sp.Product(w * fprime(a[m]), (m, k + 1, t))
        * fprime(a[k])
        * h[k - 1]
    )
    expr = sp.Eq(sp.Symbol("dL/dw"), sp.Sum(term, (k, 1, t), (t, 1, T)))
    return cast(str, sp.pretty(expr, use_unicode=True, num_columns=COLUMNS))


def stored_values_formula(T: int) -> str:
    """The double sum written out for horizon T in stored values h_t and f'(a_t)."""
    w, v = sp.symbols("w v")
    h = sp.symbols(f"h0:{T + 1}")
    y = sp.symbols(f"y1:{T + 1}")
    fp = [sp.Symbol(f"f'(a{t})") for t in range(1, T + 1)]
    total = sp.Integer(0)
    for t in range(1, T + 1):
        for k in range(1, t + 1):
            chain = sp.Mul(*[fp[m - 1] * w for m in range(k + 1, t + 1)])
            total += v * (v * h[t] - y[t - 1]) * chain * fp[k - 1] * h[k - 1]
    text = sp.pretty(sp.Eq(sp.Symbol("dL/dw"), total), use_unicode=True, num_columns=COLUMNS)
    return cast(str, text)


def evaluate(expr: sp.Expr, values: dict[sp.Symbol, float]) -> float:
    """`expr` at numeric `values` (every free symbol given), as a float."""
    return float(expr.xreplace({s: sp.Float(x, 30) for s, x in values.items()}).evalf(30))
