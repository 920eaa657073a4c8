"""Gradient clipping, exactly as the libraries do it (Pascanu et al. 2013, §3.2;
PyTorch clip_grad_norm_ / clip_grad_value_, Keras clipnorm / clipvalue / global_clipnorm).

Inputs are dicts name -> array; outputs are new arrays (the inputs are never modified).
Non-finite norms follow PyTorch's arithmetic (N = inf gives coefficient 0, so finite
entries become 0 and infinite ones NaN; N = NaN makes everything NaN) without numpy
warnings; `nonfinite_warning(N)` says what happened in words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

PYTORCH_EPS = 1e-6


def _as_float(value: object) -> np.ndarray:
    array = np.asarray(value)
    return array if array.dtype.kind == "f" else array.astype(np.float64)


def _norm(array: np.ndarray) -> float:
    """||g||₂ = m·sqrt(Σ (g/m)²) with m = max|g|, so huge entries do not overflow.

    Evaluated in float64: one abs, one max, one in-place scale and one dot product.
    """
    if array.size == 0:
        return 0.0
    values = np.abs(array, dtype=np.float64).reshape(-1)
    largest = float(values.max())
    if not math.isfinite(largest):  # inf, or NaN (max propagates it)
        with np.errstate(all="ignore"):
            return float(values.sum())
    if largest == 0.0:
        return 0.0
    values /= largest
    return largest * math.sqrt(np.dot(values, values))


def tensor_norms(grads: Mapping[str, object]) -> dict[str, float]:
    """||g_i||₂ for every tensor."""
    return {name: _norm(_as_float(g)) for name, g in grads.items()}


def global_norm(grads: Mapping[str, object]) -> float:
    """N = ||(||g_1||₂, …, ||g_n||₂)||₂ = the 2-norm of all entries concatenated."""
    return _norm(np.array(list(tensor_norms(grads).values()), dtype=np.float64))


def clip_by_global_norm(
    grads: Mapping[str, object], max_norm: float, *, norm: float | None = None
) -> tuple[dict[str, np.ndarray], float]:
    """torch.nn.utils.clip_grad_norm_: g_i ← g_i · min(1, max_norm / (N + 1e-6)).

    Returns (clipped copies, N before clipping). Every tensor gets the same
    coefficient, so the direction of the whole gradient is kept; the clipped norm is
    max_norm·N/(N + 1e-6), a hair below max_norm. `norm` passes N = global_norm(grads)
    when the caller has it already (the training loop), saving its recomputation.
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm!r}")
    total = global_norm(grads) if norm is None else float(norm)
    clipped = {}
    with np.errstate(all="ignore"):
        coef = np.minimum(1.0, max_norm / (total + PYTORCH_EPS))
        for name, g in grads.items():
            array = _as_float(g)
            clipped[name] = array * array.dtype.type(coef)
    return clipped, total


def clip_per_tensor(
    grads: Mapping[str, object], max_norm: float
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Keras 3 `clipnorm`: each tensor separately, g_i ← g_i · max_norm / max(||g_i||₂, max_norm).

    Returns (clipped copies, per-tensor norms before clipping). Each tensor keeps its
    own direction; the concatenated gradient generally does not.
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm!r}")
    norms = tensor_norms(grads)
    clipped = {}
    with np.errstate(all="ignore"):
        for name, g in grads.items():
            array = _as_float(g)
            clipped[name] = array * array.dtype.type(max_norm / max(norms[name], max_norm))
    return clipped, norms


def clip_by_value(grads: Mapping[str, object], limit: float) -> dict[str, np.ndarray]:
    """torch.nn.utils.clip_grad_value_ / Keras `clipvalue`: g_ij ← min(max(g_ij, −limit), limit).

    Changes the direction as soon as some but not all entries are clipped. NaN stays NaN.
    """
    if not limit > 0:
        raise ValueError(f"limit must be > 0, got {limit!r}")
    return {name: np.clip(_as_float(g), -limit, limit) for name, g in grads.items()}


def nonfinite_warning(norm: float) -> str | None:
    """A sentence explaining a non-finite total norm, or None when it is finite."""
    if np.isnan(norm):
        return "gradient norm is NaN: clipping by norm turns every entry into NaN"
    if np.isinf(norm):
        return (
            "gradient norm is infinite: clipping by norm (coefficient 0) zeroes the "
            "finite entries and turns the infinite ones into NaN"
        )
    return None
