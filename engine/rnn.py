"""The Elman RNN: parameters, initialisation, activations, losses and the forward pass.

Batch layout (rows are batch items, time t = 1..T, xs[t-1] is x_t):

    a_t = x_t Uᵀ + h_{t−1} Wᵀ + b        h_t = f(a_t)   (residual: h_t = h_{t−1} + f(a_t))
    o_t = h_t Vᵀ + c

Losses are sums over time and batch: mse L = ½ Σ_t Σ_b ||o_t − y_t||², xent
L = Σ_t Σ_b −log softmax(o_t)[y_t].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

LOSSES: tuple[str, ...] = ("mse", "xent")
SCHEMES: tuple[str, ...] = ("small", "spectral", "singular", "orthogonal", "identity")
PARAM_NAMES: tuple[str, ...] = ("U", "W", "V", "b", "c")


@dataclass(frozen=True)
class Params:
    """The parameters θ = {U (H, D), W (H, H), V (O, H), b (H,), c (O,)}."""

    U: np.ndarray
    W: np.ndarray
    V: np.ndarray
    b: np.ndarray
    c: np.ndarray

    def __post_init__(self) -> None:
        H, D = np.shape(self.U)
        n_out = np.shape(self.V)[0]
        expected = {"U": (H, D), "W": (H, H), "V": (n_out, H), "b": (H,), "c": (n_out,)}
        for name, shape in expected.items():
            if np.shape(getattr(self, name)) != shape:
                raise ValueError(
                    f"Params.{name} has shape {np.shape(getattr(self, name))}, expected {shape} "
                    f"(U is (H, D) = {(H, D)}, V is (O, H) with O = {n_out})"
                )

    @property
    def dtype(self) -> np.dtype:
        return np.result_type(self.U, self.W, self.V, self.b, self.c)

    @property
    def sizes(self) -> tuple[int, int, int]:
        """(D, H, O)."""
        H, D = self.U.shape
        return D, H, self.V.shape[0]

    def as_dict(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in PARAM_NAMES}

    def astype(self, dtype: np.dtype | type) -> Params:
        return Params(**{k: np.array(v, dtype=dtype) for k, v in self.as_dict().items()})

    def copy(self) -> Params:
        return Params(**{k: np.array(v, copy=True) for k, v in self.as_dict().items()})


def init(
    D: int,
    H: int,
    O: int,  # noqa: E741 (the DESIGN name of the output size)
    *,
    scheme: str = "small",
    scale: float = 1.0,
    seed: int = 0,
    dtype: np.dtype | type = np.float64,
) -> Params:
    """Seeded parameters. U, V ~ N(0, 1/fan_in), b = c = 0, and W by `scheme`:

    small      W_ij ~ N(0, scale²/H)
    spectral   W = scale · G / ρ(G)         (spectral radius `scale`)
    singular   W = scale · G / σ_max(G)     (largest singular value `scale`)
    orthogonal W = scale · Q,  Q from the QR of a Gaussian matrix (sign-fixed)
    identity   W = scale · I
    """
    if min(D, H, O) < 1:
        raise ValueError(f"sizes must be >= 1, got D={D}, H={H}, O={O}")
    if scheme not in SCHEMES:
        raise ValueError(f"unknown init scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")
    rng = np.random.default_rng(seed)
    U = rng.standard_normal((H, D)) / np.sqrt(D)
    V = rng.standard_normal((O, H)) / np.sqrt(H)
    G = rng.standard_normal((H, H))
    if scheme == "small":
        W = G * (scale / np.sqrt(H))
    elif scheme == "spectral":
        W = G * (scale / np.max(np.abs(np.linalg.eigvals(G))))
    elif scheme == "singular":
        W = G * (scale / np.linalg.norm(G, 2))
    elif scheme == "orthogonal":
        W = scale * orthogonal(H, rng)
    else:
        W = scale * np.eye(H)
    return Params(U=U, W=W, V=V, b=np.zeros(H), c=np.zeros(O)).astype(dtype)


def orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-random orthogonal Q: QR of a Gaussian matrix, columns sign-fixed by diag(R)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


# ---------------------------------------------------------------- activations


class ArrayFn(Protocol):
    """An elementwise map x -> y; `out`, when given, receives y and is returned."""

    def __call__(self, x: np.ndarray, /, out: np.ndarray | None = None) -> np.ndarray: ...


@dataclass(frozen=True)
class Activation:
    """h = f(a), its derivative written through the output h, and γ = sup |f'|."""

    f: ArrayFn
    df_from_output: ArrayFn
    gamma: float
    name: str = ""


def _tanh(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """h = tanh(a)."""
    h: np.ndarray = np.tanh(a, out=out)
    return h


def _dtanh(h: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """f'(a) = 1 − h²."""
    out = np.multiply(h, h, out=out)
    fprime: np.ndarray = np.subtract(1, out, out=out)
    return fprime


def _sigmoid(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """h = 1/(1 + e^{−a}), evaluated as {1, e^{a}}/(1 + e^{−|a|}) so exp never overflows."""
    e = np.exp(-np.abs(a))
    h: np.ndarray = np.divide(np.where(a >= 0, 1, e), 1 + e, out=out)
    return h


def _dsigmoid(h: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """f'(a) = h (1 − h)."""
    out = np.subtract(1, h, out=out)
    fprime: np.ndarray = np.multiply(h, out, out=out)
    return fprime


def _relu(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """h = max(a, 0)."""
    h: np.ndarray = np.maximum(a, 0, out=out)
    return h


def _drelu(h: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """f'(a) = 1[a > 0] = 1[h > 0] (0 at a = 0)."""
    if out is None:
        out = np.empty_like(h)
    fprime: np.ndarray = np.greater(h, 0, out=out, casting="unsafe")
    return fprime


def _identity(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """h = a."""
    if out is None:
        return np.array(a, copy=True)
    np.copyto(out, a)
    return out


def _didentity(h: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """f'(a) = 1."""
    if out is None:
        return np.ones_like(h)
    out.fill(1)
    return out


ACTIVATIONS: dict[str, Activation] = {
    "tanh": Activation(_tanh, _dtanh, 1.0, "tanh"),
    "sigmoid": Activation(_sigmoid, _dsigmoid, 0.25, "sigmoid"),
    "relu": Activation(_relu, _drelu, 1.0, "relu"),
    "identity": Activation(_identity, _didentity, 1.0, "identity"),
}


def get_activation(name: str) -> Activation:
    """The activation called `name` (ValueError naming the choices otherwise)."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}"
        ) from None


# ---------------------------------------------------------------- inputs


def check_inputs(p: Params, xs: object, h0: object = None) -> tuple[np.ndarray, np.ndarray]:
    """xs as a (T, B, D) array and h0 as (B, H), both in the parameters' dtype.

    Never returns a caller's array for writing: callers only read them.
    """
    D, H, _ = p.sizes
    dtype = p.dtype
    xs = np.asarray(xs, dtype=dtype)
    if xs.ndim != 3 or xs.shape[2] != D or xs.shape[0] < 1 or xs.shape[1] < 1:
        raise ValueError(f"xs must have shape (T, B, D={D}) with T, B >= 1, got {xs.shape}")
    B = xs.shape[1]
    if h0 is None:
        h0 = np.zeros((B, H), dtype=dtype)
    else:
        h0 = np.asarray(h0, dtype=dtype)
        if h0.shape != (B, H):
            raise ValueError(f"h0 must have shape (B={B}, H={H}), got {h0.shape}")
    return xs, h0


def check_targets(p: Params, ys: object, loss: str, T: int, B: int) -> np.ndarray:
    """ys as (T, B, O) floats for mse or (T, B) integer class ids in [0, O) for xent."""
    return checked_targets(ys, loss, T, B, p.sizes[2], p.dtype)


def checked_targets(
    ys: object, loss: str, T: int, B: int, n_out: int, dtype: np.dtype[Any] | type
) -> np.ndarray:
    """ys as (T, B, n_out) floats in `dtype` for mse or (T, B) integer class ids in
    [0, n_out) for xent (any cell with an output layer of n_out units)."""
    if loss == "mse":
        ys = np.asarray(ys, dtype=dtype)
        if ys.shape != (T, B, n_out):
            raise ValueError(
                f"mse targets must have shape (T, B, O) = {(T, B, n_out)}, got {ys.shape}"
            )
        return ys
    if loss == "xent":
        ys = np.asarray(ys)
        if ys.shape != (T, B) or not np.issubdtype(ys.dtype, np.integer):
            raise ValueError(
                f"xent targets must be integer class ids of shape (T, B) = {(T, B)}, "
                f"got {ys.dtype} {ys.shape}"
            )
        if ys.size and (ys.min() < 0 or ys.max() >= n_out):
            raise ValueError(
                f"xent class ids must lie in [0, {n_out}), got [{ys.min()}, {ys.max()}]"
            )
        return ys
    raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")


# ---------------------------------------------------------------- forward pass


@dataclass(frozen=True)
class Forward:
    """Everything the backward pass needs.

    hs (T+1, B, H): h_0..h_T;  pre (T, B, H): a_1..a_T;  outs (T, B, O): o_1..o_T;
    fa (T, B, H): f(a_1)..f(a_T) (a view of hs[1:] unless residual).
    """

    hs: np.ndarray
    pre: np.ndarray
    outs: np.ndarray
    fa: np.ndarray
    activation: str
    residual: bool


def forward(
    p: Params,
    xs: object,
    *,
    activation: str = "tanh",
    h0: object = None,
    residual: bool = False,
) -> Forward:
    """a_t = x_t Uᵀ + h_{t−1} Wᵀ + b,  h_t = f(a_t) (or h_{t−1} + f(a_t)),  o_t = h_t Vᵀ + c.

    The input projection x_t Uᵀ + b and the output projection are single passes over all
    T·B rows; only the recurrence h_{t−1} Wᵀ runs step by step, into preallocated buffers,
    against a contiguous copy of Wᵀ (OpenBLAS's untransposed product is the faster one for
    these short, wide products).
    """
    act = get_activation(activation)
    xs, h0 = check_inputs(p, xs, h0)
    T, B, D = xs.shape
    _, H, n_out = p.sizes
    dtype = p.dtype
    hs = np.empty((T + 1, B, H), dtype=dtype)
    hs[0] = h0
    pre = np.empty((T, B, H), dtype=dtype)
    np.matmul(xs.reshape(T * B, D), p.U.T, out=pre.reshape(T * B, H))
    pre += p.b
    fa = np.empty((T, B, H), dtype=dtype) if residual else hs[1:]
    _recur(hs, pre, fa, np.ascontiguousarray(p.W.T), act.f, residual)
    outs = np.empty((T, B, n_out), dtype=dtype)
    np.matmul(hs[1:].reshape(T * B, H), p.V.T, out=outs.reshape(T * B, n_out))
    outs += p.c
    return Forward(hs, pre, outs, fa, activation, residual)


def _recur(
    hs: np.ndarray,
    pre: np.ndarray,
    fa: np.ndarray,
    WT: np.ndarray,
    f: ArrayFn,
    residual: bool,
) -> None:
    """The time loop: a_t += h_{t−1} Wᵀ (b is already in a_t), f(a_t) into fa[t−1] (h_t, or
    h_{t−1} + f(a_t)).

    Views made once; three numpy calls per step on (B, H) slices that stay hot in cache:
    the product lands in h_t's row, is added into a_t, and f(a_t) overwrites it.
    """
    dot, add = np.dot, np.add  # np.dot: less call overhead than matmul, same BLAS call
    states = list(hs)
    for h_prev, a, f_a, h in zip(states[:-1], pre, fa, states[1:], strict=True):
        dot(h_prev, WT, out=h)
        add(a, h, out=a)
        f(a, f_a)
        if residual:
            add(h_prev, f_a, out=h)


# ---------------------------------------------------------------- losses


def log_softmax(o: np.ndarray) -> np.ndarray:
    """log softmax(o) = o − logsumexp(o) along the last axis, with the max subtracted first."""
    z = o - np.max(o, axis=-1, keepdims=True)
    log_p: np.ndarray = z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))
    return log_p


def loss_and_error(outs: np.ndarray, ys: np.ndarray, loss: str) -> tuple[float, np.ndarray]:
    """L and e_t = ∂L_t/∂o_t for every t and batch row.

    mse:  L = ½ Σ ||o_t − y_t||²,          e_t = o_t − y_t
    xent: L = Σ −log softmax(o_t)[y_t],    e_t = softmax(o_t) − onehot(y_t)
    """
    if loss == "mse":
        err = outs - ys
        flat = err.reshape(-1)
        return 0.5 * float(flat @ flat), err
    if loss == "xent":
        logp = log_softmax(outs)
        n_out = outs.shape[-1]
        rows = logp.reshape(-1, n_out)
        index = np.arange(rows.shape[0])
        labels = ys.reshape(-1)
        value = -float(np.sum(rows[index, labels]))
        err = np.exp(logp)
        err.reshape(-1, n_out)[index, labels] -= 1
        return value, err
    raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")


def sequence_loss(
    p: Params,
    xs: object,
    ys: object,
    *,
    activation: str = "tanh",
    loss: str = "mse",
    h0: object = None,
    residual: bool = False,
) -> float:
    """L(θ, h_0) = Σ_t L_t(o_t) after a forward pass (no gradients)."""
    with np.errstate(all="ignore"):
        fwd = forward(p, xs, activation=activation, h0=h0, residual=residual)
        T, B, _ = fwd.outs.shape
        targets = check_targets(p, ys, loss, T, B)
        return loss_and_error(fwd.outs, targets, loss)[0]
