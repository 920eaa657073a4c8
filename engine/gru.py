"""The gated recurrent unit (Cho et al. 2014), exactly PyTorch's nn.GRU cell (separate input
and recurrent biases, the reset gate applied after the recurrent product), and its exact BPTT.

Batch layout as in the Elman engine: xs (T, B, D), rows are batch items, xs[t−1] is x_t.
Blocks are stacked r, z, n (rows k·H..(k+1)·H of Wx, Wh, bx and bh):

    A_t = x_t Wxᵀ + bx                         (input side, blocks r, z, n)
    R_t = h_{t−1} Whᵀ + bh                     (recurrent side, blocks r, z, n)
    r_t = σ(A_r + R_r);   z_t = σ(A_z + R_z);   n_t = tanh(A_n + r_t ⊙ R_n)
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
    y_t = h_t Vᵀ + c                           (the output; losses as in the Elman engine)

Backward, t = T..1, starting from a zero carry:

    G_t   = E_t V                                    (1) direct ∂L_t/∂h_t, E_t = ∂L_t/∂y_t
    κn_t  = (1 − z_t)(1 − n_t²)                      (2) local factors: ∂h_t/∂(A_n + r ⊙ R_n),
    κz_t  = (h_{t−1} − n_t) z_t(1 − z_t)                 ∂h_t/∂(A_z + R_z),
    κr_t  = κn_t ⊙ R_n ⊙ r_t(1 − r_t)                    ∂h_t/∂(A_r + R_r)
    Δh_t  = G_t + Δh_{t+1} ⊙ z_{t+1} + dR_{t+1} Wh   (3) ∂L/∂h_t
    dR_t  = Δh_t ⊙ [κr_t, κz_t, κn_t ⊙ r_t]          (4) ∂L/∂R_t, blocks r, z, n
    dA_t  = Δh_t ⊙ [κr_t, κz_t, κn_t]                (5) ∂L/∂A_t
    dWx = Σ dA_tᵀ X_t   dbx = Σ dA_t   dWh = Σ dR_tᵀ H_{t−1}   dbh = Σ dR_t      (6)
    dV = Σ E_tᵀ H_t     dc = Σ E_t                                              (7)
    dh0 = Δh_1 ⊙ z_1 + dR_1 Wh                                                  (8)

The factors κ hold no Δ, so they are formed for all t at once before the time loop, and
dA_t, which nothing in the loop needs, after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from engine import rnn
from engine.gated_params import GatedParams
from engine.lstm import (
    check_state,
    check_xs,
    chrono_bias,
    overflow_report,
    product_norms,
)

PARAM_NAMES: tuple[str, ...] = ("Wx", "Wh", "bx", "bh", "V", "c")
GRAD_NAMES: tuple[str, ...] = (*PARAM_NAMES, "h0")
GATES = 3  # r, z, n
_sigmoid = rnn.ACTIVATIONS["sigmoid"].f  # 1/(1 + e^{−a}) without overflow in exp


@dataclass(frozen=True)
class Params(GatedParams):
    """θ = {Wx (3H, D), Wh (3H, H), bx (3H,), bh (3H,), V (O, H), c (O,)}, blocks r, z, n."""

    GATES: ClassVar[int] = GATES
    NAMES: ClassVar[tuple[str, ...]] = PARAM_NAMES
    BIASES: ClassVar[tuple[str, ...]] = ("bx", "bh")

    Wx: np.ndarray
    Wh: np.ndarray
    bx: np.ndarray
    bh: np.ndarray
    V: np.ndarray
    c: np.ndarray


def init(
    D: int,
    H: int,
    O: int,  # noqa: E741 (the design name of the output size)
    *,
    seed: int = 0,
    dtype: np.dtype | type = np.float64,
    update_bias: float = 0.0,
    chrono: float | None = None,
) -> Params:
    """Seeded parameters: Wx, Wh ~ U(−1/√H, 1/√H) (PyTorch's default), V ~ N(0, 1/H),
    c = 0, bx = bh = 0 except the update block bx_z = `update_bias`: z = σ(b) near 1 keeps
    h_{t−1} (a leaky unit with time constant about 1/(1 − z)).

    chrono=T_max replaces that by chrono initialisation (Tallec & Ollivier 2018) of the
    update gate: bx_z ~ log(U[1, T_max − 1]).
    """
    if min(D, H, O) < 1:
        raise ValueError(f"sizes must be >= 1, got D={D}, H={H}, O={O}")
    rng = np.random.default_rng(seed)
    bound = 1.0 / math.sqrt(H)
    Wx = rng.uniform(-bound, bound, size=(GATES * H, D))
    Wh = rng.uniform(-bound, bound, size=(GATES * H, H))
    V = rng.standard_normal((O, H)) / math.sqrt(H)
    bx = np.zeros(GATES * H)
    bx[H : 2 * H] = update_bias if chrono is None else chrono_bias(H, chrono, rng)
    return Params(Wx=Wx, Wh=Wh, bx=bx, bh=np.zeros(GATES * H), V=V, c=np.zeros(O)).astype(dtype)


# ---------------------------------------------------------------- forward pass


@dataclass(frozen=True)
class Forward:
    """hs (T+1, B, H): h_0..h_T;  gates (T, B, 3H): r, z, n after their nonlinearities;
    recurrent_n (T, B, H): R_n = h_{t−1} Wh_nᵀ + bh_n;  outs (T, B, O): y_1..y_T."""

    hs: np.ndarray
    gates: np.ndarray
    recurrent_n: np.ndarray
    outs: np.ndarray


def _blocks(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The r, z, n blocks (views) of an array whose last axis has 3H entries."""
    H = rows.shape[-1] // GATES
    return rows[..., :H], rows[..., H : 2 * H], rows[..., 2 * H :]


def forward(p: Params, xs: object, h0: object = None) -> Forward:
    """A_t = x_t Wxᵀ + bx, R_t = h_{t−1} Whᵀ + bh, the gates r, z, n and
    h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}, y_t = h_t Vᵀ + c (module docstring).

    A_t for all t and the outputs are single products over all T·B rows; only R_t runs
    step by step. The gate nonlinearities overwrite A_t in place.
    """
    D, H, n_out = p.sizes
    dtype = p.dtype
    xs = check_xs(xs, D, dtype)
    T, B, _ = xs.shape
    hs = np.empty((T + 1, B, H), dtype=dtype)
    hs[0] = check_state(h0, "h0", B, H, dtype)
    gates = np.empty((T, B, GATES * H), dtype=dtype)
    np.matmul(xs.reshape(T * B, D), p.Wx.T, out=gates.reshape(T * B, GATES * H))
    gates += p.bx
    recurrent_n = np.empty((T, B, H), dtype=dtype)
    WhT = p.Wh.T
    for t in range(T):
        a = gates[t]
        recurrent = hs[t] @ WhT + p.bh
        a[:, : 2 * H] += recurrent[:, : 2 * H]
        _sigmoid(a[:, : 2 * H], a[:, : 2 * H])  # r, z
        r, z, n = _blocks(a)
        recurrent_n[t] = recurrent[:, 2 * H :]
        n += r * recurrent_n[t]
        np.tanh(n, out=n)
        np.multiply(1 - z, n, out=hs[t + 1])
        hs[t + 1] += z * hs[t]
    outs = np.empty((T, B, n_out), dtype=dtype)
    np.matmul(hs[1:].reshape(T * B, H), p.V.T, out=outs.reshape(T * B, n_out))
    outs += p.c
    return Forward(hs, gates, recurrent_n, outs)


def sequence_loss(p: Params, xs: object, ys: object, loss: str = "mse", h0: object = None) -> float:
    """L(θ, h_0) = Σ_t L_t(y_t) after a forward pass (no gradients)."""
    with np.errstate(all="ignore"):
        fwd = forward(p, xs, h0)
        T, B, n_out = fwd.outs.shape
        targets = rnn.checked_targets(ys, loss, T, B, n_out, p.dtype)
        return rnn.loss_and_error(fwd.outs, targets, loss)[0]


# ---------------------------------------------------------------- backward pass


@dataclass(frozen=True)
class Gradients:
    """The loss, its gradients (same shapes as the parameters; h0 is (B, H)) and whether
    everything is finite. `warnings` explains any overflow; `norm` is the global 2-norm of
    the six parameter gradients (what clipping by norm sees)."""

    loss: float
    Wx: np.ndarray
    Wh: np.ndarray
    bx: np.ndarray
    bh: np.ndarray
    V: np.ndarray
    c: np.ndarray
    h0: np.ndarray
    finite: bool = True
    warnings: tuple[str, ...] = ()
    norm: float = math.nan

    def as_dict(self) -> dict[str, np.ndarray]:
        """All seven gradients: Wx, Wh, bx, bh, V, c and h0."""
        return {name: getattr(self, name) for name in GRAD_NAMES}

    def params(self) -> dict[str, np.ndarray]:
        """The six parameter gradients (no h0): what clipping and an update act on."""
        return {name: getattr(self, name) for name in PARAM_NAMES}


def _backward(p: Params, fwd: Forward, xs: np.ndarray, err: np.ndarray) -> dict[str, np.ndarray]:
    """Equations (1)–(8) of the module docstring; `err` holds E_t = ∂L_t/∂y_t.

    `local` holds [κr, κz, κn] for all t; dR starts as [κr, κz, κn ⊙ r] and becomes dR_t
    in place, G_t becomes Δh_t in place. Five numpy calls per step.
    """
    T, B, D = xs.shape
    _, H, n_out = p.sizes
    dtype = p.dtype
    direct = (err.reshape(T * B, n_out) @ p.V).reshape(T, B, H)  # (1) G_t
    r, z, n = (fwd.gates.reshape(T, B, GATES, H)[:, :, k] for k in range(GATES))
    local = np.empty((T, B, GATES, H), dtype=dtype)  # (2)
    np.multiply(1 - z, 1 - n * n, out=local[:, :, 2])
    np.multiply(fwd.hs[:-1] - n, z * (1 - z), out=local[:, :, 1])
    np.multiply(local[:, :, 2] * fwd.recurrent_n, r * (1 - r), out=local[:, :, 0])
    dR = local.copy()
    np.multiply(local[:, :, 2], r, out=dR[:, :, 2])
    carry = np.zeros((B, H), dtype=dtype)  # Δh_{t+1} ⊙ z_{t+1} + dR_{t+1} Wh
    recurrent = np.empty((B, H), dtype=dtype)
    add, multiply, matmul = np.add, np.multiply, np.matmul
    for t in range(T - 1, -1, -1):  # array index t holds time t + 1
        dh = add(direct[t], carry, out=direct[t])  # (3)
        multiply(dR[t], dh[:, None, :], out=dR[t])  # (4)
        multiply(dh, z[t], out=carry)
        matmul(dR[t].reshape(B, GATES * H), p.Wh, out=recurrent)
        add(carry, recurrent, out=carry)
    dA = np.multiply(local, direct[:, :, None, :], out=local)  # (5)
    dA2 = dA.reshape(T * B, GATES * H)
    dR2 = dR.reshape(T * B, GATES * H)
    err2 = err.reshape(T * B, n_out)
    return {
        "Wx": dA2.T @ xs.reshape(T * B, D),  # (6)
        "Wh": dR2.T @ fwd.hs[:-1].reshape(T * B, H),
        "bx": dA2.sum(axis=0),
        "bh": dR2.sum(axis=0),
        "V": err2.T @ fwd.hs[1:].reshape(T * B, H),  # (7)
        "c": err2.sum(axis=0),
        "h0": carry,  # (8)
    }


def gradients(p: Params, xs: object, ys: object, loss: str = "mse", h0: object = None) -> Gradients:
    """L and ∂L/∂{Wx, Wh, bx, bh, V, c, h0} by full BPTT (module docstring, (1)–(8)).

    Overflow never raises: the result has finite=False and a warning instead.
    """
    D, _, n_out = p.sizes
    xs = check_xs(xs, D, p.dtype)
    T, B, _ = xs.shape
    targets = rnn.checked_targets(ys, loss, T, B, n_out, p.dtype)
    with np.errstate(all="ignore"):
        fwd = forward(p, xs, h0)
        value, err = rnn.loss_and_error(fwd.outs, targets, loss)
        grads = _backward(p, fwd, xs, err)
    finite, warnings, norm = overflow_report(value, grads, PARAM_NAMES)
    return Gradients(float(value), **grads, finite=finite, warnings=warnings, norm=norm)


# ---------------------------------------------------------------- Jacobians


def step_jacobians(
    Wh: np.ndarray, gates: np.ndarray, h_prev: np.ndarray, recurrent_n: np.ndarray
) -> np.ndarray:
    """J_t = ∂h_t/∂h_{t−1} of one batch item at n steps, (n, H, H), from gates (n, 3H),
    h_{t−1} and R_n (n, H):

    J_t = diag(z) + diag((h_{t−1} − n) z(1 − z)) Wh_z
          + diag((1 − z)(1 − n²)) [diag(r) Wh_n + diag(R_n r(1 − r)) Wh_r]
    """
    r, z, n = _blocks(gates)
    Wh_r, Wh_z, Wh_n = np.split(Wh, GATES, axis=0)
    through_n = (1 - z) * (1 - n * n)
    J: np.ndarray = (
        ((h_prev - n) * z * (1 - z))[..., None] * Wh_z
        + (through_n * r)[..., None] * Wh_n
        + (through_n * recurrent_n * r * (1 - r))[..., None] * Wh_r
    )
    diagonal = np.arange(z.shape[-1])
    J[:, diagonal, diagonal] += z
    return J


def jacobian_norms(p: Params, xs: object, h0: object = None) -> np.ndarray:
    """‖∂h_T/∂h_k‖₂ for k = 0..T along batch item 0, shape (T+1,); the last entry is 1.

    ∂h_T/∂h_k = J_T ⋯ J_{k+1} (`step_jacobians`); NaN once the states are not finite
    (`lstm.product_norms`).
    """
    D, H, _ = p.sizes
    xs = check_xs(xs, D, p.dtype)
    start = check_state(h0, "h0", xs.shape[1], H, p.dtype)[:1]
    Wh = np.asarray(p.Wh, dtype=np.float64)
    with np.errstate(all="ignore"):
        fwd = forward(p, xs[:, :1], start)
        gates = fwd.gates[:, 0].astype(np.float64)
        hs = fwd.hs[:, 0].astype(np.float64)
        recurrent_n = fwd.recurrent_n[:, 0].astype(np.float64)

        def jacobians(begin: int, end: int) -> np.ndarray:
            return step_jacobians(Wh, gates[begin:end], hs[begin:end], recurrent_n[begin:end])

        everything = slice(0, H)
        norms = product_norms(jacobians, xs.shape[0], H, ((everything, everything),))
    series: np.ndarray = norms[0]
    return series
