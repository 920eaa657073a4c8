"""Pascanu, Mikolov and Bengio's (2013, §3.3) vanishing-gradient regulariser Ω for an
Elman RNN, measured from the δ's of the BPTT backward recursion."""

from __future__ import annotations

import numpy as np

from engine import bptt, rnn
from engine.experiments.common import (
    activation_param,
    float_param,
    inputs,
    int_param,
    mse_targets,
    scalar,
    seed_param,
)
from engine.registry import Param, experiment
from engine.report import Cell, Report, Series, Table

TOPIC = "vanishing"
LEVELS = ("low", "mid", "high")


def step_ratios(p: rnn.Params, xs: np.ndarray, ys: np.ndarray, activation: str) -> np.ndarray:
    """r_k = ‖δ_{k+1} J_{k+1}‖ / ‖δ_{k+1}‖ for k = 0..T−1 (batch 0), where δ_t = ∂L/∂h_t
    from the backward recursion and J_{k+1} = ∂h_{k+1}/∂h_k = diag(f'(a_{k+1})) W.
    NaN where δ_{k+1} = 0 (the ratio is undefined there)."""
    with np.errstate(all="ignore"):  # an overflowed run gives non-finite ratios, reported
        delta = bptt.deltas(p, xs, ys, activation=activation)[1:, 0]  # δ_1..δ_T, (T, H)
        fwd = rnn.forward(p, xs, activation=activation)
        fprime = rnn.get_activation(activation).df_from_output(fwd.fa[:, 0])  # f'(a_1..a_T)
        carried = (delta * fprime) @ p.W  # row k: δ_{k+1} J_{k+1}
        top = np.linalg.norm(carried, axis=1)
        bottom = np.linalg.norm(delta, axis=1)
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1.0), np.nan)


def omega(ratios: np.ndarray) -> float:
    """Ω = Σ_k (r_k − 1)² over the steps where the ratio is defined (not NaN)."""
    defined = ratios[~np.isnan(ratios)]
    return float(np.sum((defined - 1.0) ** 2))


def ratio_summary(ratios: np.ndarray) -> tuple[float, float, float]:
    """(mean, min, max) of the defined ratios; NaN when none is defined."""
    defined = ratios[~np.isnan(ratios)]
    if defined.size == 0:
        return float("nan"), float("nan"), float("nan")
    return float(defined.mean()), float(defined.min()), float(defined.max())


def _sigma_param(level: str, default: float) -> Param:
    return float_param(
        f"sigma_{level}", default, 0.0, 4.0, f"{level} σ_max(W) compared (W = σ_max·Q)"
    )


@experiment(
    "vanishing.pascanu_regulariser",
    topic=TOPIC,
    summary="Pascanu's Ω = Σ_k (‖δ_{k+1}J_{k+1}‖/‖δ_{k+1}‖ − 1)² by σ_max",
    params=(
        _sigma_param("low", 0.5),
        _sigma_param("mid", 1.0),
        _sigma_param("high", 1.5),
        activation_param(),
        float_param("input_scale", 0.5, 0.0, 5.0, "inputs x_t ~ input_scale · N(0, 1)"),
        int_param("T", 60, 1, 200, "sequence length", "steps"),
        int_param("H", 16, 2, 64, "hidden units"),
        seed_param(),
    ),
)
def pascanu_regulariser(
    sigma_low: float,
    sigma_mid: float,
    sigma_high: float,
    activation: str,
    input_scale: float,
    T: int,
    H: int,
    seed: int,
) -> Report:
    sigmas = dict(zip(LEVELS, (sigma_low, sigma_mid, sigma_high), strict=True))
    xs = inputs(T, 1, H, seed, input_scale)
    ys = mse_targets(T, 1, 1, seed)
    ratios = {
        level: step_ratios(
            rnn.init(H, H, 1, scheme="orthogonal", scale=sigma, seed=seed), xs, ys, activation
        )
        for level, sigma in sigmas.items()
    }
    omegas = {level: omega(r) for level, r in ratios.items()}
    summary = {level: ratio_summary(r) for level, r in ratios.items()}
    means = {level: summary[level][0] for level in LEVELS}
    rows: list[list[Cell]] = [
        [level, sigmas[level], omegas[level], *summary[level]] for level in LEVELS
    ]
    scalars = [
        s
        for level in LEVELS
        for s in (
            scalar(f"omega_{level}", omegas[level], note=f"Ω at σ_max = {sigmas[level]:g}"),
            scalar(
                f"mean_ratio_{level}",
                means[level],
                note=f"mean ‖δ_{{k+1}}J_{{k+1}}‖/‖δ_{{k+1}}‖ at σ_max = {sigmas[level]:g}",
            ),
        )
    ]
    return Report(
        title=f"Pascanu regulariser Ω: {activation}, T={T}, H={H}, input scale {input_scale:g}",
        steps=[
            "δ_t = ∂L/∂h_t from the BPTT recursion (MSE loss at every step); "
            "J_{k+1} = ∂h_{k+1}/∂h_k = diag(f'(a_{k+1})) W with W = σ_max·Q orthogonal.",
            "Per-step ratio r_k = ‖δ_{k+1} J_{k+1}‖ / ‖δ_{k+1}‖: how much one backward step "
            "scales the error signal in the direction it actually has.",
            "Ω = Σ_k (r_k − 1)² (Pascanu, Mikolov and Bengio 2013, §3.3) is 0 only when every "
            "step preserves that norm; adding Ω to the loss pushes r_k toward 1, against "
            "vanishing. Preserving norms makes explosions likelier, so it is paired with "
            "gradient clipping.",
        ],
        scalars=scalars,
        tables=[
            Table(
                "Ω by σ_max(W)",
                ["setting", "σ_max(W)", "Ω", "mean ratio", "min ratio", "max ratio"],
                rows,
            )
        ],
        series=[
            Series(
                f"σ_max = {sigmas[level]:g}",
                [float(k) for k in range(T)],
                [float(r) for r in ratios[level]],
                plot="ratio by step",
                x_label="step k",
                y_label="‖δ_{k+1}J_{k+1}‖/‖δ_{k+1}‖",
            )
            for level in LEVELS
        ],
        warnings=[
            f"σ_max = {sigmas[level]:g}: some ratios are not finite"
            for level in LEVELS
            if not np.all(np.isfinite(ratios[level]))
        ],
    )
