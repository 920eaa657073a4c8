"""A small training loop: plain gradient descent θ ← θ − lr·g with optional clipping.

Enough to show the loss and gradient-norm histories of an exploding run without
clipping next to a stable run with it (Pascanu et al. 2013, §3.2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine import bptt, clipping
from engine.registry import Cancelled
from engine.rnn import Params

ECHO_DELAY = 2


def toy_task(T: int, B: int, D: int, O: int, seed: int) -> tuple[np.ndarray, np.ndarray]:  # noqa: E741
    """A delayed-echo task: x_t ~ N(0, 1) and y_t = x_{t−2} R (zero for t <= 2), with R
    a fixed seeded (D, O) projection scaled by 1/sqrt(D); the net must remember 2 steps."""
    if min(T, B, D, O) < 1:
        raise ValueError(f"sizes must be >= 1, got T={T}, B={B}, D={D}, O={O}")
    rng = np.random.default_rng(seed)
    xs = rng.standard_normal((T, B, D))
    projection = rng.standard_normal((D, O)) / np.sqrt(D)
    ys = np.zeros((T, B, O))
    ys[ECHO_DELAY:] = xs[: T - ECHO_DELAY] @ projection
    return xs, ys


@dataclass(frozen=True)
class TrainResult:
    """Per completed step: the loss and the gradient norm N (before clipping).

    diverged_at is the first step whose loss or gradient was not finite (training
    stops there; its entries are recorded); `params` are the final parameters.
    """

    losses: np.ndarray
    grad_norms: np.ndarray
    diverged_at: int | None
    warnings: tuple[str, ...]
    params: Params


def train(
    p: Params,
    xs: np.ndarray,
    ys: np.ndarray,
    *,
    steps: int,
    lr: float,
    activation: str = "tanh",
    loss: str = "mse",
    clip: float | None = None,
    clip_value: float | None = None,
    cancel: Callable[[], bool] | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> TrainResult:
    """`steps` updates θ ← θ − lr · clip(∂L/∂θ) by full BPTT on the whole batch.

    clip=c: global-norm clipping (PyTorch rule); clip_value=c: element-wise clipping;
    at most one of them. Overflow stops training and is reported in diverged_at and
    warnings, never raised. Raises registry.Cancelled when `cancel()` turns true.
    """
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps!r}")
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    if clip is not None and clip_value is not None:
        raise ValueError("give clip (global norm) or clip_value (element-wise), not both")
    params = p.copy()
    losses: list[float] = []
    norms: list[float] = []
    diverged_at: int | None = None
    warnings: list[str] = []
    for step in range(steps):
        if cancel is not None and cancel():
            raise Cancelled(f"training cancelled after {step} of {steps} steps")
        grads = bptt.gradients(params, xs, ys, activation=activation, loss=loss)
        update = grads.params()
        norm = grads.norm  # N = clipping.global_norm(update), computed once by bptt
        losses.append(grads.loss)
        norms.append(norm)
        if not grads.finite:
            diverged_at = step
            warnings.append(f"step {step}: {grads.warnings[0]}")
            break
        if clip is not None:
            update, _ = clipping.clip_by_global_norm(update, clip, norm=norm)
        elif clip_value is not None:
            update = clipping.clip_by_value(update, clip_value)
        with np.errstate(all="ignore"):
            params = Params(**{k: v - lr * update[k] for k, v in params.as_dict().items()})
        if progress is not None:
            progress((step + 1) / steps, f"step {step + 1}/{steps}: loss {grads.loss:.4g}")
    return TrainResult(
        losses=np.array(losses),
        grad_norms=np.array(norms),
        diverged_at=diverged_at,
        warnings=tuple(warnings),
        params=params,
    )
