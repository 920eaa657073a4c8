"""Helpers shared by the experiments: common parameters, seeded data, Report pieces."""

from __future__ import annotations

import math
import tracemalloc
from collections.abc import Callable, Iterable
from typing import TypeVar

import numpy as np

from engine import rnn
from engine.registry import Param
from engine.report import Scalar, Series

T_ = TypeVar("T_")

ACTIVATION_NAMES = ("tanh", "sigmoid", "relu", "identity")
MAX_SEED = 2**31 - 1


def seed_param(default: int = 0) -> Param:
    return Param("seed", int, default, "random seed: same seed, same numbers", 0, MAX_SEED)


def activation_param(default: str = "tanh", choices: tuple[str, ...] = ACTIVATION_NAMES) -> Param:
    return Param("activation", str, default, "hidden activation f", choices=choices)


def int_param(name: str, default: int, lo: int, hi: int, help: str, unit: str = "") -> Param:
    return Param(name, int, default, help, lo, hi, unit=unit)


def float_param(
    name: str, default: float, lo: float, hi: float, help: str, unit: str = ""
) -> Param:
    return Param(name, float, float(default), help, lo, hi, unit=unit)


def scalar(
    name: str, value: float | int | bool | np.generic, unit: str = "", note: str = ""
) -> Scalar:
    """A Report scalar holding a plain Python number (JSON-exact)."""
    if isinstance(value, (bool, np.bool_)):
        return Scalar(name, int(value), unit, note)
    if isinstance(value, (int, np.integer)):
        return Scalar(name, int(value), unit, note)
    return Scalar(name, float(value), unit, note)


def inputs(T: int, B: int, D: int, seed: int, scale: float = 1.0) -> np.ndarray:
    """x_t ~ scale · N(0, 1), shape (T, B, D)."""
    return scale * np.random.default_rng(seed).standard_normal((T, B, D))


def mse_targets(T: int, B: int, O: int, seed: int) -> np.ndarray:  # noqa: E741
    """y_t ~ N(0, 1), shape (T, B, O) (a stream independent of the inputs)."""
    return np.random.default_rng([seed, 1]).standard_normal((T, B, O))


def class_targets(T: int, B: int, O: int, seed: int) -> np.ndarray:  # noqa: E741
    """Class ids uniform in 0..O-1, shape (T, B)."""
    return np.random.default_rng([seed, 2]).integers(0, O, size=(T, B))


W_SCHEMES = ("singular", "orthogonal")


def seeded_problem(
    T: int,
    H: int,
    D: int,
    O: int,  # noqa: E741 (the DESIGN name of the output size)
    seed: int,
    loss: str = "mse",
    sigma_max: float = 0.0,
    scheme: str = "singular",
    input_scale: float = 1.0,
) -> tuple[rnn.Params, np.ndarray, np.ndarray]:
    """One sequence (B = 1): seeded parameters (small init when `sigma_max` is 0, else W
    with largest singular value `sigma_max`: a rescaled Gaussian ("singular") or
    sigma_max·Q ("orthogonal")), inputs x_t ~ input_scale·N(0, 1), and targets."""
    if sigma_max > 0:
        p = rnn.init(D, H, O, scheme=scheme, scale=sigma_max, seed=seed)
    else:
        p = rnn.init(D, H, O, scheme="small", scale=1.0, seed=seed)
    xs = inputs(T, 1, D, seed, input_scale)
    ys = class_targets(T, 1, O, seed) if loss == "xent" else mse_targets(T, 1, O, seed)
    return p, xs, ys


def initial_state(H: int, seed: int) -> np.ndarray:
    """h_0 ~ 0.5·N(0, 1), shape (1, H): a non-zero start, so that the k = 1 terms
    (∂⁺h_1/∂W = f'(a_1) h_0ᵀ) are not zero."""
    return 0.5 * np.random.default_rng([seed, 3]).standard_normal((1, H))


def flat(grads: dict[str, np.ndarray], keys: Iterable[str] | None = None) -> np.ndarray:
    """Concatenation of the tensors of `grads` (in `keys` order, default sorted names)."""
    names = sorted(grads) if keys is None else list(keys)
    return np.concatenate([np.ravel(grads[k]) for k in names]) if names else np.zeros(0)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """cos∠(a, b) = a·b / (‖a‖ ‖b‖); 1.0 when both are zero, 0.0 when only one is."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0.0 and nb == 0.0:
        return 1.0
    if na == 0.0 or nb == 0.0:
        return 0.0
    return float(np.clip(np.dot(a, b) / (na * nb), -1.0, 1.0))


def angle_deg(cos: float) -> float:
    """The angle in degrees whose cosine is `cos` (NaN stays NaN)."""
    if math.isnan(cos):
        return math.nan
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def relative_difference(a: np.ndarray, reference: np.ndarray) -> float:
    """‖a − reference‖ / ‖reference‖ (0 when both are zero, inf when only reference is)."""
    diff = float(np.linalg.norm(np.asarray(a) - np.asarray(reference)))
    ref = float(np.linalg.norm(reference))
    if ref == 0.0:
        return 0.0 if diff == 0.0 else math.inf
    return diff / ref


def vec(values: np.ndarray, digits: int = 4) -> str:
    """A short vector or matrix as text, e.g. `[0.1234, -0.5]` (matrices row by row)."""
    arr = np.asarray(values)
    if arr.ndim == 0:
        return f"{float(arr):.{digits}g}"
    if arr.ndim == 1:
        return "[" + ", ".join(f"{float(v):.{digits}g}" for v in arr) + "]"
    return "[" + "; ".join(vec(row, digits)[1:-1] for row in arr) + "]"


def traced_peak(fn: Callable[[], T_]) -> tuple[T_, int]:
    """(fn(), the tracemalloc peak in bytes above the memory in use when it started).

    Inside an outer trace (e.g. a memory benchmark of the whole experiment) the trace is
    left running: its peak is reset here, so the outer caller then sees this call's peak.
    """
    outer = tracemalloc.is_tracing()
    if not outer:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1] - base
    finally:
        if not outer:
            tracemalloc.stop()


def lag_series(label: str, norms: np.ndarray, plot: str, y_label: str = "‖∂h_T/∂h_k‖₂") -> Series:
    """A norm indexed by k = 0..T (e.g. ‖∂h_T/∂h_k‖), plotted against the lag T − k."""
    T = len(norms) - 1
    return Series(
        label,
        [float(lag) for lag in range(T + 1)],
        [float(norms[T - lag]) for lag in range(T + 1)],
        plot=plot,
        x_label="lag T − k",
        y_label=y_label,
        log_y=True,
    )
