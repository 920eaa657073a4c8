"""Backpropagation through time: full, per-term windowed (truncate=k), chunked, checkpointed,
randomly truncated, double sum.

Batch layout: rows are batch items, time t = 1..T:

    G_t = E_t V                      ∂L_t/∂h_t (direct term)
    Δ_T = G_T,  Δ_t = G_t + Ε_{t+1} W          (residual: + Δ_{t+1})
    Ε_t = f'(A_t) ⊙ Δ_t                         ∂L/∂a_t
    dV = Σ_t E_tᵀ H_t   dc = Σ E_t   dW = Σ_t Ε_tᵀ H_{t−1}   dU = Σ_t Ε_tᵀ X_t   db = Σ Ε_t
    dh0 = Ε_1 W                                 (residual: + Δ_1)

Memory is O(T·B·H): h_0..h_T, a_t, f'(a_t) and Δ_t/Ε_t are stored, nothing of size T².
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from engine import rnn
from engine.clipping import global_norm
from engine.rnn import Params

GRAD_NAMES: tuple[str, ...] = ("U", "W", "V", "b", "c", "h0")
# A finite gradient whose global norm exceeds this is reported as exploding (a
# heuristic warning only: `finite` stays True). Sums over T·B loss terms of order one
# stay far below it; W with spectral radius 3 over T = 200 steps gives about 1e13.
EXPLODING_NORM = 1e8


@dataclass(frozen=True)
class Gradients:
    """The loss, its gradients (same shapes as the parameters; h0 is (B, H)) and
    whether everything is finite. `warnings` explains any overflow; `norm` is the global
    2-norm N of the five parameter gradients (what clipping by norm sees), NaN if unset."""

    loss: float
    U: np.ndarray
    W: np.ndarray
    V: np.ndarray
    b: np.ndarray
    c: np.ndarray
    h0: np.ndarray
    finite: bool = True
    warnings: tuple[str, ...] = ()
    norm: float = math.nan

    def as_dict(self) -> dict[str, np.ndarray]:
        """All six gradients: U, W, V, b, c and h0."""
        return {name: getattr(self, name) for name in GRAD_NAMES}

    def params(self) -> dict[str, np.ndarray]:
        """The five parameter gradients (no h0): what clipping and an update act on."""
        return {name: getattr(self, name) for name in rnn.PARAM_NAMES}


def package(loss: float, grads: dict[str, np.ndarray]) -> Gradients:
    """A Gradients with `finite` and `norm` set and a warning naming every non-finite entry.

    A finite global norm means every parameter gradient is finite, so only h0 and the
    loss need their own check then.
    """
    norm = global_norm({name: grads[name] for name in rnn.PARAM_NAMES})
    suspects = ("h0",) if math.isfinite(norm) else GRAD_NAMES
    bad = [name for name in suspects if not np.all(np.isfinite(grads[name]))]
    if not math.isfinite(loss):
        bad.insert(0, "loss")
    warnings: tuple[str, ...] = ()
    if bad:
        warnings = (
            f"overflow: {', '.join(bad)} not finite (inf or NaN); the run exploded. "
            "Shrink W, shorten T, lower the input scale or clip the gradient.",
        )
    elif norm > EXPLODING_NORM:
        warnings = (
            f"exploding: the gradient norm is {norm:.3g} (above {EXPLODING_NORM:.0e}); "
            "a plain gradient step with it would be meaningless. Clip it.",
        )
    return Gradients(loss=float(loss), **grads, finite=not bad, warnings=warnings, norm=float(norm))


@dataclass(frozen=True)
class _Pass:
    """Forward pass plus the per-step quantities every backward variant starts from."""

    fwd: rnn.Forward
    act: rnn.Activation
    xs: np.ndarray
    loss: float
    err: np.ndarray  # E_t = ∂L_t/∂o_t, (T, B, O)
    direct: np.ndarray  # G_t = E_t V = ∂L_t/∂h_t, (T, B, H), freshly allocated


def _prepare(
    p: Params, xs: object, ys: object, activation: str, loss: str, h0: object, residual: bool
) -> _Pass:
    xs, h0 = rnn.check_inputs(p, xs, h0)
    T, B, _ = xs.shape
    targets = rnn.check_targets(p, ys, loss, T, B)
    act = rnn.get_activation(activation)
    fwd = rnn.forward(p, xs, activation=activation, h0=h0, residual=residual)
    value, err = rnn.loss_and_error(fwd.outs, targets, loss)
    _, H, n_out = p.sizes
    direct = np.empty((T, B, H), dtype=p.dtype)
    np.matmul(err.reshape(T * B, n_out), p.V, out=direct.reshape(T * B, H))
    return _Pass(fwd, act, xs, value, err, direct)


def backward_pass(
    fwd: rnn.Forward, act: rnn.Activation, xs: np.ndarray, direct: np.ndarray
) -> _Pass:
    """A layer's forward pass and its upstream G_t = ∂L/∂h_t (from the layer above, or a
    loss on this layer's states), ready for `recursion`. `direct` becomes Δ in place."""
    return _Pass(fwd, act, xs, 0.0, np.zeros((0,)), direct)


def recursion(W: np.ndarray, run: _Pass) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Δ, Ε, dh0) of full BPTT from `run` (see `_recursion`); run's arrays are reused."""
    return _recursion(W, run, residual=False, chunk=None)


def _weight_gradients(
    p: Params, run: _Pass, eps: np.ndarray, dh0: np.ndarray
) -> dict[str, np.ndarray]:
    """dV = Σ E_tᵀ H_t, dc = Σ E_t, dW = Σ Ε_tᵀ H_{t−1}, dU = Σ Ε_tᵀ X_t, db = Σ Ε_t,
    each one matrix product over all T·B rows."""
    T, B, D = run.xs.shape
    _, H, n_out = p.sizes
    hs = run.fwd.hs
    err = run.err.reshape(T * B, n_out)
    eps2 = eps.reshape(T * B, H)
    return {
        "U": eps2.T @ run.xs.reshape(T * B, D),
        "W": eps2.T @ hs[:-1].reshape(T * B, H),
        "V": err.T @ hs[1:].reshape(T * B, H),
        "b": eps2.sum(axis=0),
        "c": err.sum(axis=0),
        "h0": dh0,
    }


def _recursion(
    W: np.ndarray,
    run: _Pass,
    residual: bool,
    chunk: int | None,
    keep: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Δ_t = G_t + κ_t Ε_{t+1} W (+ Δ_{t+1} if residual), Ε_t = f'(a_t) ⊙ Δ_t, t = T..1.

    κ_t = 1 unless `keep` is given: then κ_t = keep[t] (keep[0] scales dh0), and
    κ_t = 0 cuts the flow from t+1 to t. With `chunk=k` the flow from t+1 to t is cut
    whenever t is a multiple of k (detach every k steps). f'(a_t) for every t is formed at
    once from f(a_t) into the storage of a_t (not needed any more) and Ε_t overwrites it
    step by step; `run.direct` becomes Δ in place, so the backward pass allocates no new
    (T, B, H) array. The time loop makes three numpy calls per step.
    Returns (Δ, Ε, dh0) with dh0 = Ε_1 W (+ Δ_1).
    """
    T, B, H = run.direct.shape
    delta, eps = run.direct, run.fwd.pre
    run.act.df_from_output(run.fwd.fa, eps)
    dot, add, multiply = np.dot, np.add, np.multiply
    delta_rows, eps_rows = list(delta), list(eps)  # views made once
    carried = np.empty((B, H), dtype=delta.dtype)
    multiply(eps_rows[T - 1], delta_rows[T - 1], out=eps_rows[T - 1])
    for i in range(T - 2, -1, -1):  # array index i holds time t = i + 1
        if chunk is None or (i + 1) % chunk != 0:
            if keep is None:
                dot(eps_rows[i + 1], W, out=carried)
                add(delta_rows[i], carried, out=delta_rows[i])
                if residual:
                    add(delta_rows[i], delta_rows[i + 1], out=delta_rows[i])
            elif keep[i + 1] != 0:
                dot(eps_rows[i + 1], W, out=carried)
                carried *= keep[i + 1]
                add(delta_rows[i], carried, out=delta_rows[i])
        multiply(eps_rows[i], delta_rows[i], out=eps_rows[i])
    dh0 = eps[0] @ W
    if keep is not None:
        dh0 *= keep[0]
    if residual:
        dh0 += delta[0]
    return delta, eps, dh0


def _windowed(W: np.ndarray, run: _Pass, k: int, residual: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per-term window: Δ^k_s = Σ_{j=0}^{k−1} (∂L_{s+j}/∂h_{s+j})(∂h_{s+j}/∂h_s), s = 0..T.

    Runs lag by lag, all loss terms at once: u⁽⁰⁾_s = G_s and
    u⁽ʲ⁾_s = (u⁽ʲ⁻¹⁾_{s+1} ⊙ f'(a_{s+1})) W  (residual: + u⁽ʲ⁻¹⁾_{s+1}),
    one (T·B, H)×(H, H) product per lag: O(T·min(k, T+1)·B·H²) time, O(T·B·H) memory.
    Returns (Ε^k for t = 1..T, dh0 = Δ^k_0).
    """
    direct = run.direct
    fprime = run.act.df_from_output(run.fwd.fa)
    T, B, H = direct.shape
    window = np.zeros((T + 1, B, H), dtype=direct.dtype)  # Δ^k_s, index s = 0..T
    window[1:] = direct
    lagged = window.copy()  # u⁽ʲ⁾_s; rows s > T − j are unused
    scaled = np.empty_like(direct)
    for j in range(1, min(k - 1, T) + 1):
        n = T - j + 1  # states s = 0..T−j receive a lag-j term from time s + j
        np.multiply(lagged[1 : n + 1], fprime[:n], out=scaled[:n])
        source = lagged[1 : n + 1].copy() if residual else None
        np.matmul(scaled[:n].reshape(n * B, H), W, out=lagged[:n].reshape(n * B, H))
        if source is not None:
            lagged[:n] += source
        window[:n] += lagged[:n]
    eps = fprime * window[1:]
    return eps, window[0].copy()


def gradients(
    p: Params,
    xs: object,
    ys: object,
    activation: str = "tanh",
    loss: str = "mse",
    truncate: int | None = None,
    h0: object = None,
    residual: bool = False,
) -> Gradients:
    """L and ∂L/∂{U, W, V, b, c, h0} by BPTT.

    truncate=None: the full δ recursion (module docstring). truncate=k >= 1: every
    loss term L_t flows back through at most k states (terms ∂L_t/∂h_s with t − s >= k
    dropped); k >= T equals full BPTT for U, W, b and k >= T + 1 also for h0.
    Overflow never raises: the result has finite=False and a warning instead.
    """
    if truncate is not None and (isinstance(truncate, bool) or int(truncate) != truncate):
        raise ValueError(f"truncate must be None or an integer >= 1, got {truncate!r}")
    if truncate is not None and truncate < 1:
        raise ValueError(f"truncate must be None or an integer >= 1, got {truncate!r}")
    with np.errstate(all="ignore"):
        run = _prepare(p, xs, ys, activation, loss, h0, residual)
        if truncate is None:
            _, eps, dh0 = _recursion(p.W, run, residual, chunk=None)
        else:
            eps, dh0 = _windowed(p.W, run, int(truncate), residual)
        return package(run.loss, _weight_gradients(p, run, eps, dh0))


def chunked_gradients(
    p: Params,
    xs: object,
    ys: object,
    k: int,
    activation: str = "tanh",
    loss: str = "mse",
    h0: object = None,
) -> Gradients:
    """BPTT(k; k): the sequence is cut into chunks of k steps and the state is detached
    at every boundary (Δ_t = G_t when t is a multiple of k). A loss at chunk position j
    gets only j states of history, so this is NOT `gradients(truncate=k)`."""
    if isinstance(k, bool) or int(k) != k or k < 1:
        raise ValueError(f"chunk length k must be an integer >= 1, got {k!r}")
    with np.errstate(all="ignore"):
        run = _prepare(p, xs, ys, activation, loss, h0, residual=False)
        _, eps, dh0 = _recursion(p.W, run, residual=False, chunk=int(k))
        return package(run.loss, _weight_gradients(p, run, eps, dh0))


def _check_positive_int(name: str, value: object) -> int:
    """`value` as an int >= 1, or ValueError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


def checkpointed_gradients(
    p: Params,
    xs: object,
    ys: object,
    activation: str = "tanh",
    loss: str = "mse",
    h0: object = None,
    segment: int | None = None,
) -> Gradients:
    """Full BPTT storing only the states h_0, h_S, h_2S, … at segment boundaries
    (Chen et al. 2016, "Training deep nets with sublinear memory cost").

    Forward: h_t = f(x_t Uᵀ + h_{t−1} Wᵀ + b) run once, keeping h_{kS} only. Backward,
    segments last to first: the segment's forward pass is recomputed from its boundary
    state, then Δ_t = G_t + Ε_{t+1} W runs inside it, where Ε_{t+1} W entering the
    segment's last step is the carry left by the segment after it. The weight gradients
    are sums over t, so each segment adds its share. Same result as `gradients` to
    rounding; memory O((T/S + S)·B·H), smallest at the default S = ⌈√T⌉; time about
    one extra forward pass.
    """
    xs, h0 = rnn.check_inputs(p, xs, h0)
    T, B, _ = xs.shape
    targets = rnn.check_targets(p, ys, loss, T, B)
    size = math.isqrt(T - 1) + 1 if segment is None else _check_positive_int("segment", segment)
    starts = list(range(0, T, size))
    with np.errstate(all="ignore"):
        boundaries = [h0]  # h at time `start` of every segment
        for start in starts[:-1]:
            fwd = rnn.forward(p, xs[start : start + size], activation=activation, h0=boundaries[-1])
            boundaries.append(fwd.hs[-1].copy())
            del fwd
        total = {name: np.zeros_like(g) for name, g in p.as_dict().items()}
        value = 0.0
        carry: np.ndarray | None = None  # Ε_{s+1} W from the segment after this one
        for start, state in zip(reversed(starts), reversed(boundaries), strict=True):
            stop = min(start + size, T)
            run = _prepare(
                p, xs[start:stop], targets[start:stop], activation, loss, state, residual=False
            )
            if carry is not None:
                run.direct[-1] += carry
            _, eps, carry = _recursion(p.W, run, residual=False, chunk=None)
            for name, g in _weight_gradients(p, run, eps, carry).items():
                if name != "h0":
                    total[name] += g
            value += run.loss
            del run, eps
        total["h0"] = carry
        return package(value, total)


def randomly_truncated_gradients(
    p: Params,
    xs: object,
    ys: object,
    cut_probability: float,
    rng: np.random.Generator,
    activation: str = "tanh",
    loss: str = "mse",
    h0: object = None,
) -> Gradients:
    """Randomised truncation with compensation (Tallec & Ollivier 2017, ARTBP): one
    unbiased stochastic estimate of the full BPTT gradient.

    The flow from h_t back to h_{t−1} is cut with probability c (independently at each
    t = 1..T, so truncation lengths are geometric with mean 1/c) and otherwise scaled by
    κ = 1/(1 − c): Δ_t = G_t + κ_t Ε_{t+1} W with κ_t ∈ {0, 1/(1 − c)}. A term of lag j
    survives with probability (1 − c)^j and is then scaled by (1 − c)^{−j}, so
    E[ĝ] = ∂L/∂θ exactly, for the cost of truncated BPTT.
    """
    c = float(cut_probability)
    if not 0.0 <= c < 1.0:
        raise ValueError(f"cut_probability must be in [0, 1), got {cut_probability!r}")
    with np.errstate(all="ignore"):
        run = _prepare(p, xs, ys, activation, loss, h0, residual=False)
        T = run.direct.shape[0]
        keep = np.where(rng.random(T) < c, 0.0, 1.0 / (1.0 - c))
        _, eps, dh0 = _recursion(p.W, run, residual=False, chunk=None, keep=keep)
        return package(run.loss, _weight_gradients(p, run, eps, dh0))


def deltas(
    p: Params,
    xs: object,
    ys: object,
    activation: str = "tanh",
    loss: str = "mse",
    h0: object = None,
) -> np.ndarray:
    """δ_t = ∂L/∂h_t for t = 0..T, shape (T+1, B, H); δ_0 = ∂L/∂h_0 = Ε_1 W."""
    with np.errstate(all="ignore"):
        run = _prepare(p, xs, ys, activation, loss, h0, residual=False)
        delta, _, dh0 = _recursion(p.W, run, residual=False, chunk=None)
        return np.concatenate([dh0[None], delta])


def _double_sum(
    p: Params, xs: object, ys: object, activation: str, loss: str, h0: object
) -> Iterator[tuple[int, int, np.ndarray]]:
    """Yields (t, k, term) with term = (∂L_t/∂h_t)(∂h_t/∂h_k)(∂⁺h_k/∂W) summed over the
    batch, for 1 <= k <= t <= T, where ∂h_t/∂h_k = J_t ⋯ J_{k+1}, J_m = diag(f'(a_m)) W,
    and ∂⁺h_k/∂W[i, p, q] = f'(a_{k,i}) 1[i = p] h_{k−1,q} (the immediate partial)."""
    run = _prepare(p, xs, ys, activation, loss, h0, residual=False)
    hs = run.fwd.hs
    fprime = run.act.df_from_output(run.fwd.fa)
    T = run.direct.shape[0]
    for t in range(1, T + 1):
        row = run.direct[t - 1]  # (∂L_t/∂h_t) (∂h_t/∂h_k), starting at k = t
        for k in range(t, 0, -1):
            scaled = row * fprime[k - 1]
            yield t, k, scaled.T @ hs[k - 1]
            row = scaled @ p.W


def double_sum_terms(
    p: Params,
    xs: object,
    ys: object,
    activation: str = "tanh",
    loss: str = "mse",
    h0: object = None,
) -> np.ndarray:
    """The explicit double sum ∂L/∂W = Σ_{t=1}^{T} Σ_{k=1}^{t} (∂L_t/∂h_t)(∂h_t/∂h_k)(∂⁺h_k/∂W).

    Shape (T, T, H, H): entry [t−1, k−1] is the (t, k) term, zero for k > t. Evaluated
    literally, O(T²) vector–Jacobian products: a teaching reference, not a fast path.
    """
    T = rnn.check_inputs(p, xs, h0)[0].shape[0]
    H = p.sizes[1]
    with np.errstate(all="ignore"):
        terms = np.zeros((T, T, H, H), dtype=p.dtype)
        for t, k, term in _double_sum(p, xs, ys, activation, loss, h0):
            terms[t - 1, k - 1] = term
    return terms


def double_sum_W(
    p: Params,
    xs: object,
    ys: object,
    activation: str = "tanh",
    loss: str = "mse",
    h0: object = None,
) -> np.ndarray:
    """Σ_t Σ_{k<=t} of the double-sum terms without storing them (O(T²·B·H²) time)."""
    H = p.sizes[1]
    with np.errstate(all="ignore"):
        total = np.zeros((H, H), dtype=p.dtype)
        for _, _, term in _double_sum(p, xs, ys, activation, loss, h0):
            total += term
    return total
