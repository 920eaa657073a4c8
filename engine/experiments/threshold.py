"""Choosing the clipping threshold from the observed gradient norms (Pascanu, Mikolov and
Bengio 2013, §3.2): c = a small multiple of the average ‖g‖ of unclipped steps."""

from __future__ import annotations

import numpy as np

from engine import rnn, training
from engine.experiments.common import float_param, int_param, scalar, seed_param
from engine.registry import Param, experiment
from engine.report import Cell, Report, Table

MULTIPLES = (0.5, 1.0, 2.0, 10.0)  # c = multiple × typical unclipped norm
STATISTICS = ("mean", "median")


def multiple_label(multiple: float) -> str:
    """Snake-case tag of a multiple: 0.5 → x0_5, 10 → x10."""
    return "x" + f"{multiple:g}".replace(".", "_")


def typical_norm(norms: np.ndarray, statistic: str) -> float:
    """Mean or median of the finite norms N_k = ‖g_k‖₂ (NaN if there are none)."""
    finite = norms[np.isfinite(norms)]
    if finite.size == 0:
        return float("nan")
    return float(np.mean(finite) if statistic == "mean" else np.median(finite))


def fraction_clipped(norms: np.ndarray, max_norm: float) -> float:
    """Share of recorded steps with N_k > c, the steps clip_grad_norm_ rescales."""
    return float(np.mean(norms > max_norm)) if norms.size else 0.0


def _final_loss(run: training.TrainResult) -> float:
    return float(run.losses[-1])


@experiment(
    "clipping.threshold_heuristic",
    topic="clipping",
    summary="threshold = a multiple of the average unclipped ‖g‖",
    params=(
        float_param("sigma_max", 2.0, 0.1, 10.0, "largest singular value of the initial W"),
        float_param("lr", 0.05, 1e-4, 10.0, "learning rate of θ ← θ − lr·g"),
        int_param(
            "probe_steps", 3, 1, 50, "unclipped steps whose norms set the threshold", "steps"
        ),
        int_param("steps", 30, 1, 200, "gradient-descent steps of each run", "steps"),
        Param("statistic", str, "mean", "typical norm: mean or median", choices=STATISTICS),
        int_param("T", 10, 3, 40, "sequence length of the echo task", "steps"),
        int_param("H", 6, 2, 24, "hidden units"),
        seed_param(),
    ),
)
def threshold_heuristic(
    sigma_max: float,
    lr: float,
    probe_steps: int,
    steps: int,
    statistic: str,
    T: int,
    H: int,
    seed: int,
) -> Report:
    p = rnn.init(2, H, 2, scheme="singular", scale=sigma_max, seed=seed)
    xs, ys = training.toy_task(T, 4, 2, 2, seed)
    probe = training.train(p, xs, ys, steps=probe_steps, lr=lr)
    typical = typical_norm(probe.grad_norms, statistic)
    unclipped = training.train(p, xs, ys, steps=steps, lr=lr)
    runs = {
        multiple_label(m): (m, training.train(p, xs, ys, steps=steps, lr=lr, clip=m * typical))
        for m in MULTIPLES
    }
    scalars = [
        scalar("typical_norm", typical, note=f"{statistic} ‖g‖ of {probe_steps} unclipped steps"),
        scalar("first_norm", float(probe.grad_norms[0]), note="‖g‖ at step 0"),
        scalar("initial_loss", float(unclipped.losses[0])),
    ]
    rows: list[list[Cell]] = []
    for label, (multiple, run) in runs.items():
        c = multiple * typical
        frac = fraction_clipped(run.grad_norms, c)
        diverged = run.diverged_at is not None
        scalars += [
            scalar(f"threshold_{label}", c, note=f"c = {multiple:g} × typical norm"),
            scalar(f"fraction_clipped_{label}", frac, note="share of steps with ‖g‖ > c"),
            scalar(f"final_loss_{label}", _final_loss(run), note="last recorded loss"),
            scalar(f"diverged_{label}", diverged, note="1 if a loss or ‖g‖ became non-finite"),
        ]
        rows.append([f"{multiple:g}×", c, frac, _final_loss(run), "yes" if diverged else "no"])
    unclipped_diverged = unclipped.diverged_at is not None
    scalars += [
        scalar("final_loss_unclipped", _final_loss(unclipped), note="no clipping (c = ∞)"),
        scalar("diverged_unclipped", unclipped_diverged),
        scalar(
            "max_norm_unclipped",
            float(np.nanmax(unclipped.grad_norms)),
            note="largest ‖g‖ of the unclipped run",
        ),
    ]
    rows.append(
        [
            "∞ (none)",
            float("inf"),
            0.0,
            _final_loss(unclipped),
            "yes" if unclipped_diverged else "no",
        ]
    )
    return Report(
        title=(
            f"Threshold heuristic: c = k × {statistic} ‖g‖, σ_max(W) = {sigma_max:g}, lr = {lr:g}"
        ),
        steps=[
            f"Task: echo the input from 2 steps back (T={T}, batch 4); tanh RNN, H={H}.",
            f"Probe: {probe_steps} unclipped steps; their {statistic} gradient norm is "
            f"{typical:.4g} (Pascanu et al. 2013, §3.2: look at the average norm over many "
            "updates).",
            f"Each run restarts from the same W and takes {steps} steps θ ← θ − lr·g with "
            "g ← g·min(1, c/(‖g‖ + 1e-6)), c = k × that norm.",
            "A small k clips nearly every step (close to normalised gradient descent); a large "
            "k only catches the spikes; k = ∞ is plain gradient descent.",
        ],
        scalars=scalars,
        tables=[
            Table(
                "Threshold as a multiple of the typical norm",
                ["k", "c", "fraction clipped", "final loss", "diverged"],
                rows,
            )
        ],
        warnings=[f"unclipped: {w}" for w in unclipped.warnings]
        + [f"{label}: {w}" for label, (_, run) in runs.items() for w in run.warnings],
    )
