"""The LSTM cell with a forget gate (Hochreiter & Schmidhuber 1997; Gers et al. 2000), exactly
PyTorch's nn.LSTM cell with its two biases folded into one b, and its exact BPTT.

Batch layout as in the Elman engine: xs (T, B, D), rows are batch items, xs[t−1] is x_t.
Gate blocks are stacked i, f, g, o (rows k·H..(k+1)·H of Wx, Wh and b):

    z_t = x_t Wxᵀ + h_{t−1} Whᵀ + b
    i_t, f_t, o_t = σ(z_i), σ(z_f), σ(z_o);     g_t = tanh(z_g)
    c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t;            h_t = o_t ⊙ tanh(c_t)
    y_t = h_t Vᵀ + c                            (the output; losses as in the Elman engine)

Backward, t = T..1, starting from dZ_{T+1} = 0 and Δc_{T+1} ⊙ f_{T+1} = 0:

    G_t  = E_t V                                   (1) direct ∂L_t/∂h_t, E_t = ∂L_t/∂y_t
    K_t  = [g_t ⊙ i_t(1 − i_t), c_{t−1} ⊙ f_t(1 − f_t),
            i_t ⊙ (1 − g_t²), tanh(c_t) ⊙ o_t(1 − o_t)]   (2) local gate factors
    κ_t  = o_t ⊙ (1 − tanh² c_t)                   (3) ∂h_t/∂c_t (a diagonal)
    Δh_t = G_t + dZ_{t+1} Wh                       (4) ∂L/∂h_t
    Δc_t = Δh_t ⊙ κ_t + Δc_{t+1} ⊙ f_{t+1}         (5) ∂L/∂c_t
    dZ_t = [Δc_t, Δc_t, Δc_t, Δh_t] ⊙ K_t          (6) ∂L/∂z_t, blocks i, f, g, o
    dWx = Σ_t dZ_tᵀ X_t   dWh = Σ_t dZ_tᵀ H_{t−1}   db = Σ dZ_t        (7)
    dV = Σ_t E_tᵀ H_t     dc = Σ E_t                                   (8)
    dh0 = dZ_1 Wh         dc0 = Δc_1 ⊙ f_1                             (9)

K_t and κ_t hold no Δ, so they are formed for all t at once before the time loop.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from engine import rnn
from engine.bptt import EXPLODING_NORM
from engine.clipping import global_norm
from engine.gated_params import GatedParams

PARAM_NAMES: tuple[str, ...] = ("Wx", "Wh", "b", "V", "c")
GRAD_NAMES: tuple[str, ...] = (*PARAM_NAMES, "h0", "c0")
GATES = 4  # i, f, g, o
_sigmoid = rnn.ACTIVATIONS["sigmoid"].f  # 1/(1 + e^{−a}) without overflow in exp


@dataclass(frozen=True)
class Params(GatedParams):
    """θ = {Wx (4H, D), Wh (4H, H), b (4H,), V (O, H), c (O,)}, gate blocks i, f, g, o."""

    GATES: ClassVar[int] = GATES
    NAMES: ClassVar[tuple[str, ...]] = PARAM_NAMES
    BIASES: ClassVar[tuple[str, ...]] = ("b",)

    Wx: np.ndarray
    Wh: np.ndarray
    b: np.ndarray
    V: np.ndarray
    c: np.ndarray


def chrono_bias(H: int, T_max: float, rng: np.random.Generator) -> np.ndarray:
    """Chrono initialisation (Tallec & Ollivier 2018): b ~ log(U[1, T_max − 1]), shape (H,).

    A gate σ(b) then forgets at rate about 1/u, so the characteristic times u spread
    over the range of dependencies [1, T_max − 1] the task is expected to need.
    """
    if not (isinstance(T_max, (int, float, np.integer, np.floating)) and T_max >= 2):
        raise ValueError(f"chrono T_max must be a number >= 2, got {T_max!r}")
    return np.log(rng.uniform(1.0, float(T_max) - 1.0, size=H))


def init(
    D: int,
    H: int,
    O: int,  # noqa: E741 (the design name of the output size)
    *,
    seed: int = 0,
    dtype: np.dtype | type = np.float64,
    forget_bias: float = 1.0,
    chrono: float | None = None,
) -> Params:
    """Seeded parameters: Wx, Wh ~ U(−1/√H, 1/√H) (PyTorch's default), V ~ N(0, 1/H), c = 0,
    b = 0 except the forget block b_f = `forget_bias` (Jozefowicz et al. 2015 recommend 1).

    chrono=T_max replaces that by chrono initialisation (Tallec & Ollivier 2018):
    b_f ~ log(U[1, T_max − 1]) and b_i = −b_f.
    """
    if min(D, H, O) < 1:
        raise ValueError(f"sizes must be >= 1, got D={D}, H={H}, O={O}")
    rng = np.random.default_rng(seed)
    bound = 1.0 / math.sqrt(H)
    Wx = rng.uniform(-bound, bound, size=(GATES * H, D))
    Wh = rng.uniform(-bound, bound, size=(GATES * H, H))
    V = rng.standard_normal((O, H)) / math.sqrt(H)
    b = np.zeros(GATES * H)
    if chrono is None:
        b[H : 2 * H] = forget_bias
    else:
        b[H : 2 * H] = chrono_bias(H, chrono, rng)
        b[:H] = -b[H : 2 * H]
    return Params(Wx=Wx, Wh=Wh, b=b, V=V, c=np.zeros(O)).astype(dtype)


# ---------------------------------------------------------------- inputs, shared with gru


def check_state(state: object, name: str, B: int, H: int, dtype: np.dtype) -> np.ndarray:
    """An initial state as a (B, H) array in `dtype` (zeros for None); only ever read."""
    if state is None:
        return np.zeros((B, H), dtype=dtype)
    array = np.asarray(state, dtype=dtype)
    if array.shape != (B, H):
        raise ValueError(f"{name} must have shape (B={B}, H={H}), got {array.shape}")
    return array


def check_xs(xs: object, D: int, dtype: np.dtype) -> np.ndarray:
    """xs as a (T, B, D) array in `dtype` with T, B >= 1; only ever read."""
    array = np.asarray(xs, dtype=dtype)
    if array.ndim != 3 or array.shape[2] != D or array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(f"xs must have shape (T, B, D={D}) with T, B >= 1, got {array.shape}")
    return array


def overflow_report(
    loss: float, grads: dict[str, np.ndarray], param_names: tuple[str, ...]
) -> tuple[bool, tuple[str, ...], float]:
    """(finite, warnings, N) as the Elman engine reports them: N is the global 2-norm of the
    parameter gradients; every non-finite entry is named; a finite N above EXPLODING_NORM
    is reported as exploding (finite stays True)."""
    norm = global_norm({name: grads[name] for name in param_names})
    suspects = [name for name in grads if name not in param_names or not math.isfinite(norm)]
    bad = [name for name in suspects if not np.all(np.isfinite(grads[name]))]
    if not math.isfinite(loss):
        bad.insert(0, "loss")
    if bad:
        return (
            False,
            (
                f"overflow: {', '.join(bad)} not finite (inf or NaN); the run exploded. "
                "Shrink the weights, shorten T, lower the input scale or clip the gradient.",
            ),
            float(norm),
        )
    if norm > EXPLODING_NORM:
        return (
            True,
            (
                f"exploding: the gradient norm is {norm:.3g} (above {EXPLODING_NORM:.0e}); "
                "a plain gradient step with it would be meaningless. Clip it.",
            ),
            float(norm),
        )
    return True, (), float(norm)


# ---------------------------------------------------------------- forward pass


@dataclass(frozen=True)
class Forward:
    """hs, cs (T+1, B, H): h_0..h_T and c_0..c_T;  gates (T, B, 4H): i, f, g, o after
    their nonlinearities;  tanh_c (T, B, H): tanh(c_1)..tanh(c_T);  outs (T, B, O): y_1..y_T."""

    hs: np.ndarray
    cs: np.ndarray
    gates: np.ndarray
    tanh_c: np.ndarray
    outs: np.ndarray


def _blocks(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The i, f, g, o blocks (views) of an array whose last axis has 4H entries."""
    H = rows.shape[-1] // GATES
    return rows[..., :H], rows[..., H : 2 * H], rows[..., 2 * H : 3 * H], rows[..., 3 * H :]


def forward(p: Params, xs: object, h0: object = None, c0: object = None) -> Forward:
    """z_t = x_t Wxᵀ + h_{t−1} Whᵀ + b, the gates, c_t = f ⊙ c_{t−1} + i ⊙ g,
    h_t = o ⊙ tanh(c_t), y_t = h_t Vᵀ + c (module docstring).

    x_t Wxᵀ + b and the outputs are single products over all T·B rows; only h_{t−1} Whᵀ
    runs step by step. The gate nonlinearities overwrite z_t in place.
    """
    D, H, n_out = p.sizes
    dtype = p.dtype
    xs = check_xs(xs, D, dtype)
    T, B, _ = xs.shape
    hs = np.empty((T + 1, B, H), dtype=dtype)
    cs = np.empty((T + 1, B, H), dtype=dtype)
    hs[0] = check_state(h0, "h0", B, H, dtype)
    cs[0] = check_state(c0, "c0", B, H, dtype)
    gates = np.empty((T, B, GATES * H), dtype=dtype)
    np.matmul(xs.reshape(T * B, D), p.Wx.T, out=gates.reshape(T * B, GATES * H))
    gates += p.b
    tanh_c = np.empty((T, B, H), dtype=dtype)
    WhT = p.Wh.T
    recurrent = np.empty((B, GATES * H), dtype=dtype)
    for t in range(T):
        z = gates[t]
        np.matmul(hs[t], WhT, out=recurrent)
        z += recurrent
        i, f, g, o = _blocks(z)
        _sigmoid(z[:, : 2 * H], z[:, : 2 * H])  # i, f
        np.tanh(g, out=g)
        _sigmoid(o, o)
        np.multiply(f, cs[t], out=cs[t + 1])
        cs[t + 1] += i * g
        np.tanh(cs[t + 1], out=tanh_c[t])
        np.multiply(o, tanh_c[t], out=hs[t + 1])
    outs = np.empty((T, B, n_out), dtype=dtype)
    np.matmul(hs[1:].reshape(T * B, H), p.V.T, out=outs.reshape(T * B, n_out))
    outs += p.c
    return Forward(hs, cs, gates, tanh_c, outs)


def sequence_loss(
    p: Params, xs: object, ys: object, loss: str = "mse", h0: object = None, c0: object = None
) -> float:
    """L(θ, h_0, c_0) = Σ_t L_t(y_t) after a forward pass (no gradients)."""
    with np.errstate(all="ignore"):
        fwd = forward(p, xs, h0, c0)
        T, B, n_out = fwd.outs.shape
        targets = rnn.checked_targets(ys, loss, T, B, n_out, p.dtype)
        return rnn.loss_and_error(fwd.outs, targets, loss)[0]


# ---------------------------------------------------------------- backward pass


@dataclass(frozen=True)
class Gradients:
    """The loss, its gradients (same shapes as the parameters; h0 and c0 are (B, H)) and
    whether everything is finite. `warnings` explains any overflow; `norm` is the global
    2-norm of the five parameter gradients (what clipping by norm sees)."""

    loss: float
    Wx: np.ndarray
    Wh: np.ndarray
    b: np.ndarray
    V: np.ndarray
    c: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    finite: bool = True
    warnings: tuple[str, ...] = ()
    norm: float = math.nan

    def as_dict(self) -> dict[str, np.ndarray]:
        """All seven gradients: Wx, Wh, b, V, c, h0 and c0."""
        return {name: getattr(self, name) for name in GRAD_NAMES}

    def params(self) -> dict[str, np.ndarray]:
        """The five parameter gradients (no h0, c0): what clipping and an update act on."""
        return {name: getattr(self, name) for name in PARAM_NAMES}


def _backward(p: Params, fwd: Forward, xs: np.ndarray, err: np.ndarray) -> dict[str, np.ndarray]:
    """Equations (1)–(9) of the module docstring; `err` holds E_t = ∂L_t/∂y_t.

    dZ starts as K (all t) and becomes dZ_t in place, step by step; G_t becomes Δh_t in
    place. Seven numpy calls per step on (B, H) and (B, 4H) slices.
    """
    T, B, D = xs.shape
    _, H, n_out = p.sizes
    dtype = p.dtype
    direct = (err.reshape(T * B, n_out) @ p.V).reshape(T, B, H)  # (1) G_t
    i, f, g, o = (fwd.gates.reshape(T, B, GATES, H)[:, :, k] for k in range(GATES))
    dZ = np.empty((T, B, GATES, H), dtype=dtype)  # (2) K_t
    np.multiply(g, i * (1 - i), out=dZ[:, :, 0])
    np.multiply(fwd.cs[:-1], f * (1 - f), out=dZ[:, :, 1])
    np.multiply(i, 1 - g * g, out=dZ[:, :, 2])
    np.multiply(fwd.tanh_c, o * (1 - o), out=dZ[:, :, 3])
    kappa = o * (1 - fwd.tanh_c * fwd.tanh_c)  # (3)
    dh_carry = np.zeros((B, H), dtype=dtype)  # dZ_{t+1} Wh
    dc_carry = np.zeros((B, H), dtype=dtype)  # Δc_{t+1} ⊙ f_{t+1}
    dc = np.empty((B, H), dtype=dtype)
    add, multiply, matmul = np.add, np.multiply, np.matmul
    for t in range(T - 1, -1, -1):  # array index t holds time t + 1
        dh = add(direct[t], dh_carry, out=direct[t])  # (4)
        multiply(dh, kappa[t], out=dc)  # (5)
        add(dc, dc_carry, out=dc)
        multiply(dZ[t, :, :3], dc[:, None, :], out=dZ[t, :, :3])  # (6)
        multiply(dZ[t, :, 3], dh, out=dZ[t, :, 3])
        matmul(dZ[t].reshape(B, GATES * H), p.Wh, out=dh_carry)
        multiply(dc, f[t], out=dc_carry)
    dZ2 = dZ.reshape(T * B, GATES * H)
    err2 = err.reshape(T * B, n_out)
    return {
        "Wx": dZ2.T @ xs.reshape(T * B, D),  # (7)
        "Wh": dZ2.T @ fwd.hs[:-1].reshape(T * B, H),
        "b": dZ2.sum(axis=0),
        "V": err2.T @ fwd.hs[1:].reshape(T * B, H),  # (8)
        "c": err2.sum(axis=0),
        "h0": dh_carry,  # (9)
        "c0": dc_carry,
    }


def gradients(
    p: Params,
    xs: object,
    ys: object,
    loss: str = "mse",
    h0: object = None,
    c0: object = None,
) -> Gradients:
    """L and ∂L/∂{Wx, Wh, b, V, c, h0, c0} by full BPTT (module docstring, (1)–(9)).

    Overflow never raises: the result has finite=False and a warning instead.
    """
    D, _, n_out = p.sizes
    xs = check_xs(xs, D, p.dtype)
    T, B, _ = xs.shape
    targets = rnn.checked_targets(ys, loss, T, B, n_out, p.dtype)
    with np.errstate(all="ignore"):
        fwd = forward(p, xs, h0, c0)
        value, err = rnn.loss_and_error(fwd.outs, targets, loss)
        grads = _backward(p, fwd, xs, err)
    finite, warnings, norm = overflow_report(value, grads, PARAM_NAMES)
    return Gradients(float(value), **grads, finite=finite, warnings=warnings, norm=norm)


# ---------------------------------------------------------------- Jacobians

JACOBIAN_CHUNK = 128  # steps whose Jacobians are formed, and norms taken, in one batch


def product_norms(
    jacobians: Callable[[int, int], np.ndarray],
    T: int,
    n: int,
    blocks: tuple[tuple[slice, slice], ...],
) -> np.ndarray:
    """‖[J_T J_{T−1} ⋯ J_{k+1}]_block‖₂ for every (rows, cols) block and k = 0..T, shape
    (len(blocks), T+1); at k = T the product is I. `jacobians(a, b)` gives J_{a+1}..J_b as
    a (b − a, n, n) array; all blocks have the same shape.

    The product is divided by its largest entry after every step and that scale kept as a
    logarithm, so very large or very small norms stay exact until the value itself over-
    or underflows. The norms of up to JACOBIAN_CHUNK steps come from one batched SVD.
    NaN once the product is not finite, 0 once it vanishes.
    """
    eye = np.eye(n)
    norms = np.empty((len(blocks), T + 1))
    norms[:, T] = [np.linalg.norm(eye[rows, cols], 2) for rows, cols in blocks]
    product, log_scale = eye, 0.0
    stop = T
    while stop > 0:
        start = max(0, stop - JACOBIAN_CHUNK)
        steps = jacobians(start, stop)
        rows0, cols0 = blocks[0]
        kept = np.empty((stop - start, len(blocks), *eye[rows0, cols0].shape))
        logs = np.empty(stop - start)
        end_value: float | None = None  # NaN or 0 for every k below the one reached
        reached = start
        for k in range(stop, start, -1):  # multiply by J_k to reach index k − 1
            product = product @ steps[k - 1 - start]
            size = float(np.max(np.abs(product)))
            if not math.isfinite(size) or size == 0.0:
                end_value, reached = (math.nan if size != 0.0 else 0.0), k
                break
            product /= size
            log_scale += math.log(size)
            logs[k - 1 - start] = log_scale
            for index, (rows, cols) in enumerate(blocks):
                kept[k - 1 - start, index] = product[rows, cols]
        done = slice(reached - start, stop - start)
        largest = np.linalg.svd(kept[done], compute_uv=False)[..., 0]  # (steps, blocks)
        with np.errstate(all="ignore"):
            norms[:, reached:stop] = np.exp(logs[done, None] + np.log(largest)).T
        if end_value is not None:
            norms[:, :reached] = end_value
            break
        stop = start
    return norms


def step_jacobians(
    Wh: np.ndarray, gates: np.ndarray, c_prev: np.ndarray, tanh_c: np.ndarray
) -> np.ndarray:
    """J_t = ∂(h_t, c_t)/∂(h_{t−1}, c_{t−1}) of one batch item at n steps, (n, 2H, 2H),
    from gates (n, 4H), c_{t−1} and tanh(c_t) (n, H):

    ∂c_t/∂h_{t−1} = diag(g i(1−i)) Wh_i + diag(c_{t−1} f(1−f)) Wh_f + diag(i(1−g²)) Wh_g
    ∂c_t/∂c_{t−1} = diag(f)
    ∂h_t/∂h_{t−1} = diag(tanh(c_t) o(1−o)) Wh_o + diag(o(1 − tanh² c_t)) ∂c_t/∂h_{t−1}
    ∂h_t/∂c_{t−1} = diag(o(1 − tanh² c_t) f)
    """
    i, f, g, o = _blocks(gates)
    Wh_i, Wh_f, Wh_g, Wh_o = np.split(Wh, GATES, axis=0)
    n, H = i.shape
    dc_dh = (
        (g * i * (1 - i))[..., None] * Wh_i
        + (c_prev * f * (1 - f))[..., None] * Wh_f
        + (i * (1 - g * g))[..., None] * Wh_g
    )
    through_c = o * (1 - tanh_c * tanh_c)
    diagonal = np.arange(H)
    J = np.zeros((n, 2 * H, 2 * H), dtype=np.float64)
    J[:, :H, :H] = (tanh_c * o * (1 - o))[..., None] * Wh_o + through_c[..., None] * dc_dh
    J[:, diagonal, H + diagonal] = through_c * f
    J[:, H:, :H] = dc_dh
    J[:, H + diagonal, H + diagonal] = f
    return J


def jacobian_norms(
    p: Params, xs: object, h0: object = None, c0: object = None
) -> dict[str, np.ndarray]:
    """{"h": ‖∂h_T/∂h_k‖₂, "c": ‖∂c_T/∂c_k‖₂} for k = 0..T along batch item 0, each (T+1,).

    Each is a diagonal block of ∂(h_T, c_T)/∂(h_k, c_k) = J_T ⋯ J_{k+1} (`step_jacobians`):
    the partial in h_k with c_k held fixed, and in c_k with h_k held fixed; both paths
    (through h and through c) between k and T count. The last entries are 1; NaN once
    the states are not finite (`product_norms`).
    """
    D, H, _ = p.sizes
    xs = check_xs(xs, D, p.dtype)
    B = xs.shape[1]
    h_start = check_state(h0, "h0", B, H, p.dtype)[:1]
    c_start = check_state(c0, "c0", B, H, p.dtype)[:1]
    Wh = np.asarray(p.Wh, dtype=np.float64)
    with np.errstate(all="ignore"):
        fwd = forward(p, xs[:, :1], h_start, c_start)
        gates = fwd.gates[:, 0].astype(np.float64)
        cs = fwd.cs[:, 0].astype(np.float64)
        tanh_c = fwd.tanh_c[:, 0].astype(np.float64)

        def jacobians(start: int, stop: int) -> np.ndarray:
            return step_jacobians(Wh, gates[start:stop], cs[start:stop], tanh_c[start:stop])

        h_block, c_block = slice(0, H), slice(H, 2 * H)
        norms = product_norms(
            jacobians, xs.shape[0], 2 * H, ((h_block, h_block), (c_block, c_block))
        )
    return {"h": norms[0], "c": norms[1]}
