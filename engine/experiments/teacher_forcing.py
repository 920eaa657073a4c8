"""bptt.teacher_forcing: a next-value predictor trained with teacher forcing and with free
running; the gradient path each creates and the exposure-bias gap, measured."""

from __future__ import annotations

import numpy as np

from engine import rnn, teacher_forcing
from engine.experiments.common import float_param, int_param, scalar, seed_param
from engine.registry import experiment
from engine.report import Report, Series, Table

FREQUENCY = 0.3  # radians per step of the sine task
MAX_NORM = 5.0  # gradients are clipped to this global norm before each step


def sine_task(T: int, B: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """y_t = 0.8·sin(ω t + φ_b) for t = 1..T with random phases φ_b: (ys (T, B, 1), y_0 (B, 1))."""
    phases = np.random.default_rng([seed, 11]).uniform(0, 2 * np.pi, B)
    steps = np.arange(T + 1)[:, None]
    wave = 0.8 * np.sin(FREQUENCY * steps + phases)[..., None]
    return wave[1:], wave[0]


def _train(
    p: rnn.Params, ys: np.ndarray, y0: np.ndarray, free: bool, steps: int, lr: float
) -> tuple[rnn.Params, list[float]]:
    """Gradient descent θ ← θ − lr·clip(g) on U, W, V, b; the loss per step and sequence."""
    step_fn = teacher_forcing.free_running if free else teacher_forcing.teacher_forced
    values = {name: np.array(getattr(p, name)) for name in rnn.PARAM_NAMES}
    history: list[float] = []
    scale = 1.0 / (ys.shape[0] * ys.shape[1])
    for _ in range(steps):
        g = step_fn(rnn.Params(**values), ys, y0)
        history.append(g.loss * scale)
        if not g.finite:
            break
        factor = min(1.0, MAX_NORM / g.norm) if g.norm > 0 else 1.0
        for name in teacher_forcing.TRAINED:
            values[name] -= lr * factor * scale * getattr(g, name)
    return rnn.Params(**values), history


@experiment(
    "bptt.teacher_forcing",
    topic="bptt",
    summary="teacher forcing vs free running: exposure bias",
    params=(
        int_param("T", 20, 4, 60, "sequence length", "steps"),
        int_param("H", 8, 2, 16, "hidden units"),
        int_param("steps", 80, 10, 400, "training steps per model"),
        float_param("lr", 0.5, 0.01, 2.0, "learning rate"),
        seed_param(),
    ),
)
def teacher_forcing_experiment(T: int, H: int, steps: int, lr: float, seed: int) -> Report:
    start = rnn.init(1, H, 1, scheme="orthogonal", scale=0.9, seed=seed)
    ys, y0 = sine_task(T, 8, seed)
    test_ys, test_y0 = sine_task(T, 32, seed + 1)
    models, histories = {}, {}
    for key, free in (("forced", False), ("free", True)):
        models[key], histories[key] = _train(start, ys, y0, free, steps, lr)
    per = 1.0 / (T * test_ys.shape[1])
    losses = {
        key: {
            "forced": teacher_forcing.teacher_forced(m, test_ys, test_y0).loss * per,
            "free": teacher_forcing.free_running(m, test_ys, test_y0).loss * per,
        }
        for key, m in models.items()
    }
    reach = {
        key: teacher_forcing.recurrent_jacobians(models["forced"], test_ys, test_y0, key == "free")
        for key in ("forced", "free")
    }
    gap = losses["forced"]["free"] - losses["forced"]["forced"]
    labels = {"forced": "trained with teacher forcing", "free": "trained free running"}
    return Report(
        title=f"Teacher forcing vs free running: sine prediction, T={T}, H={H}, {steps} steps",
        steps=[
            "Task: read the previous value of a sine wave, predict the next (Goodfellow et "
            "al. ch. 10.2.1). Teacher forcing feeds the true previous value y_(t−1); free "
            "running feeds the network's own previous output o_(t−1).",
            "Gradient path. Teacher forcing: the input is data, so ∂L/∂θ flows back through "
            "h_(t−1) → h_t only, with Jacobian diag(f'(a_t)) W. Free running: o_(t−1) = "
            "h_(t−1) Vᵀ is fed back, so the path runs through W + U V and every output "
            "also steers the later inputs.",
            "Exposure bias: a teacher-forced model never sees its own errors while training; "
            "run free at test time its errors feed its inputs and compound. The gap is its "
            "free-running test loss minus its teacher-forced test loss.",
            f"Both models start from the same parameters and take {steps} clipped gradient "
            f"steps (lr = {lr:g}) on 8 sequences; test losses (mean per step and sequence) "
            "are on 32 fresh phases.",
        ],
        scalars=[
            scalar("forced_model_forced_loss", losses["forced"]["forced"]),
            scalar("forced_model_free_loss", losses["forced"]["free"]),
            scalar(
                "exposure_gap",
                gap,
                note="teacher-forced model: free-running loss − teacher-forced loss",
            ),
            scalar("free_model_forced_loss", losses["free"]["forced"]),
            scalar("free_model_free_loss", losses["free"]["free"]),
            scalar(
                "free_model_gap",
                losses["free"]["free"] - losses["free"]["forced"],
                note="the same gap for the model trained free running",
            ),
            scalar(
                "forced_path_norm_at_max_lag",
                reach["forced"][-1],
                note="‖∂h_T/∂h_0‖ through diag(f') W (teacher-forced model)",
            ),
            scalar(
                "free_path_norm_at_max_lag",
                reach["free"][-1],
                note="‖∂h_T/∂h_0‖ through diag(f') (W + U V), same model run free",
            ),
        ],
        tables=[
            Table(
                "Test loss per step and sequence",
                ["model", "inputs = true values", "inputs = own outputs"],
                [[labels[k], losses[k]["forced"], losses[k]["free"]] for k in labels],
            )
        ],
        series=[
            Series(
                labels[key],
                [float(i) for i in range(1, len(histories[key]) + 1)],
                [float(v) for v in histories[key]],
                plot="training loss",
                x_label="step",
                y_label="loss per step and sequence",
                log_y=True,
            )
            for key in labels
        ]
        + [
            Series(
                f"through {'W + U V (free)' if key == 'free' else 'W (forced)'}",
                [float(lag) for lag in range(1, T + 1)],
                [float(v) for v in reach[key]],
                plot="gradient path",
                x_label="lag T − k",
                y_label="‖∂h_T/∂h_k‖₂",
                log_y=True,
            )
            for key in ("forced", "free")
        ],
    )
