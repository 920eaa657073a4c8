"""Gradient clipping: global norm (PyTorch rule), per tensor (Keras 3 clipnorm), by value, and
training an exploding RNN with and without clipping."""

from __future__ import annotations

import numpy as np

from engine import bptt, clipping, rnn, training
from engine.experiments.common import (
    angle_deg,
    cosine,
    flat,
    float_param,
    inputs,
    int_param,
    mse_targets,
    scalar,
    seed_param,
    vec,
)
from engine.registry import Param, experiment
from engine.report import Cell, Report, Scalar, Series, Table

TOPIC = "clipping"
ENTRY = 1e6  # bound of a custom gradient entry


SOURCES = ("custom", "rnn")
NONFINITE_SOURCES = ("overflow", "nan")  # a1 replaced by inf or NaN


def _source_params(
    a1: float, a2: float, b1: float, extra: tuple[str, ...] = ()
) -> tuple[Param, ...]:
    described = (
        "custom: ([a1, a2], [b1]); rnn: a BPTT gradient; overflow/nan: a1 = inf/NaN"
        if extra
        else "custom: g = {a: [a1, a2], b: [b1]}; rnn: the BPTT gradient of a seeded RNN"
    )
    return (
        Param("source", str, "custom", described, choices=SOURCES + extra),
        float_param("a1", a1, -ENTRY, ENTRY, "custom gradient: first entry of tensor a"),
        float_param("a2", a2, -ENTRY, ENTRY, "custom gradient: second entry of tensor a"),
        float_param("b1", b1, -ENTRY, ENTRY, "custom gradient: the entry of tensor b"),
        float_param("sigma_max", 2.0, 0.0, 8.0, "rnn: largest singular value of W"),
        seed_param(),
    )


def _gradient(
    source: str, a1: float, a2: float, b1: float, sigma_max: float, seed: int
) -> tuple[dict[str, np.ndarray], str]:
    """The gradient to clip, and a description of it."""
    if source == "custom":
        return {"a": np.array([a1, a2]), "b": np.array([b1])}, f"a = [{a1:g}, {a2:g}], b = [{b1:g}]"
    if source in NONFINITE_SOURCES:
        bad = np.inf if source == "overflow" else np.nan
        return {"a": np.array([bad, a2]), "b": np.array([b1])}, f"a = [{bad}, {a2:g}], b = [{b1:g}]"
    p = rnn.init(3, 8, 2, scheme="singular", scale=sigma_max, seed=seed)
    xs, ys = inputs(20, 1, 3, seed), mse_targets(20, 1, 2, seed)
    grads = bptt.gradients(p, xs, ys).params()
    return grads, f"BPTT gradient of a tanh RNN (T=20, H=8, σ_max(W) = {sigma_max:g})"


def _direction(before: dict[str, np.ndarray], after: dict[str, np.ndarray]) -> list[Scalar]:
    cos = cosine(flat(before), flat(after))
    return [
        scalar("total_norm_before", float(np.linalg.norm(flat(before))), note="‖g‖₂, all tensors"),
        scalar("total_norm_after", float(np.linalg.norm(flat(after)))),
        scalar("cosine", cos, note="cos∠(g, clipped g) over all tensors together"),
        scalar("angle_deg", angle_deg(cos), "°", "rotation of the whole gradient"),
    ]


def _tensor_rows(before: dict[str, np.ndarray], after: dict[str, np.ndarray]) -> list[list[Cell]]:
    return [
        [
            name,
            vec(before[name]) if before[name].size <= 4 else f"{before[name].size} entries",
            float(np.linalg.norm(before[name])),
            float(np.linalg.norm(after[name])),
            cosine(np.ravel(before[name]), np.ravel(after[name])),
        ]
        for name in before
    ]


TENSOR_COLUMNS = ["tensor", "g", "‖g‖ before", "‖g‖ after", "cos per tensor"]


RULES = {  # torch clip_grad_norm_, tf.clip_by_global_norm, legacy Keras 2 clipnorm
    "pytorch": "min(1, c/(N + 1e-6))",
    "tensorflow": "c/max(N, c)",
    "keras2": "c/N if N ≥ c else 1",
}


def rule_coefficient(rule: str, norm: float, max_norm: float) -> float:
    """The factor every entry is multiplied by, for a total norm N and threshold c.

    pytorch: min(1, c/(N + 1e-6)), so N = inf gives 0 and N = NaN gives NaN;
    tensorflow: c/max(N, c) plus (N − N), so any non-finite N gives NaN;
    keras2: c/N when N ≥ c, else 1, so N = inf gives 0 and N = NaN (NaN ≥ c is false) 1.
    """
    with np.errstate(all="ignore"):
        if rule == "pytorch":
            return float(np.minimum(1.0, max_norm / (norm + clipping.PYTORCH_EPS)))
        if rule == "tensorflow":
            return max_norm / max(norm, max_norm) if np.isfinite(norm) else float("nan")
        if rule == "keras2":
            return max_norm / norm if norm >= max_norm else 1.0
    raise ValueError(f"unknown clipping rule {rule!r}; choose one of {', '.join(RULES)}")


def clip_with_rule(
    grads: dict[str, np.ndarray], max_norm: float, rule: str
) -> tuple[dict[str, np.ndarray], float]:
    """(clipped copies, N before clipping): PyTorch through the engine, the others as
    g_i · rule_coefficient(rule, N, c)."""
    if rule == "pytorch":
        return clipping.clip_by_global_norm(grads, max_norm)
    total = clipping.global_norm(grads)
    coef = rule_coefficient(rule, total, max_norm)
    with np.errstate(all="ignore"):
        return {name: np.asarray(g, dtype=np.float64) * coef for name, g in grads.items()}, total


def _rule_warning(rule: str, norm: float) -> str | None:
    """What a non-finite norm does under `rule`, in words (None when N is finite)."""
    if np.isfinite(norm):
        return None
    if rule == "tensorflow":
        word = "NaN" if np.isnan(norm) else "infinite"
        return f"gradient norm is {word}: TensorFlow's clip_by_global_norm sets every entry to NaN"
    if rule == "keras2" and np.isnan(norm):
        return (
            "gradient norm is NaN: legacy Keras 2 clipnorm does not clip (NaN ≥ c is false), "
            "so the gradient passes through unchanged, NaN entries included"
        )
    return clipping.nonfinite_warning(norm)


def _measured_coefficient(before: np.ndarray, after: np.ndarray, fallback: float) -> float:
    """after/before at the first finite non-zero entry (the formula value if none)."""
    usable = np.flatnonzero(np.isfinite(before) & (before != 0))
    return float(after[usable[0]] / before[usable[0]]) if usable.size else fallback


@experiment(
    "clipping.by_norm",
    topic=TOPIC,
    summary="global-norm clipping (PyTorch): same direction",
    params=(
        float_param("max_norm", 2.0, 1e-6, 1e6, "threshold c"),
        *_source_params(3.0, 4.0, 12.0, NONFINITE_SOURCES),
        Param(
            "rule",
            str,
            "pytorch",
            "pytorch c/(N + 1e-6); tensorflow c/max(N, c); keras2 (legacy) c/N if N ≥ c",
            choices=tuple(RULES),
        ),
    ),
)
def by_norm(
    max_norm: float,
    source: str,
    a1: float,
    a2: float,
    b1: float,
    sigma_max: float,
    seed: int,
    rule: str,
) -> Report:
    grads, described = _gradient(source, a1, a2, b1, sigma_max, seed)
    clipped, total = clip_with_rule(grads, max_norm, rule)
    before, after = flat(grads), flat(clipped)
    coefficients = {name: rule_coefficient(name, total, max_norm) for name in RULES}
    coef = _measured_coefficient(before, after, coefficients[rule])
    warning = _rule_warning(rule, total)
    with np.errstate(invalid="ignore"):
        zeroed = int(np.count_nonzero((before != 0) & (after == 0)))
    rule_rows: list[list[Cell]] = []
    for name, formula in RULES.items():
        other = clip_with_rule(grads, max_norm, name)[0]
        values = flat(other)
        rule_rows.append(
            [
                name,
                formula,
                coefficients[name],
                float(np.linalg.norm(values)),
                int(np.count_nonzero(np.isnan(values))),
            ]
        )
    label = "" if rule == "pytorch" else f" ({rule} rule)"
    return Report(
        title=f"Clip by global norm at {max_norm:g}{label}: {described}",
        steps=[
            "N = ‖g‖₂ over all tensors together = sqrt(Σ_i ‖g_i‖²).",
            "PyTorch: every tensor g_i ← g_i · min(1, c / (N + 1e-6)); the function returns N, "
            "the norm BEFORE clipping.",
            "One coefficient for all tensors: the direction is kept (cosine 1); the new norm is "
            "c·N/(N + 1e-6), a hair below c.",
            "TensorFlow's clip_by_global_norm uses c/max(N, c) and legacy Keras 2 clipnorm "
            "c/N when N ≥ c: no epsilon, so N = c is left exactly as it is.",
            "Non-finite N: PyTorch and Keras 2 give coefficient 0 at N = inf (finite entries "
            "0, infinite ones NaN); TensorFlow makes everything NaN; at N = NaN PyTorch and "
            "TensorFlow give all NaN while Keras 2 skips clipping.",
        ],
        scalars=[
            scalar("total_norm", total, note="N, returned by clip_grad_norm_"),
            scalar("coefficient", coef, note=f"{rule} rule, measured on the entries"),
            scalar("clipped_norm", float(np.linalg.norm(after))),
            scalar("was_clipped", coef < 1.0, note="1 if the gradient was scaled down"),
            *_direction(grads, clipped)[2:],
            scalar("coefficient_pytorch", coefficients["pytorch"], note="min(1, c/(N + 1e-6))"),
            scalar("coefficient_tensorflow", coefficients["tensorflow"], note="c/max(N, c)"),
            scalar("coefficient_keras2", coefficients["keras2"], note="c/N if N ≥ c else 1"),
            scalar(
                "coefficient_difference",
                coefficients["tensorflow"] - coefficients["pytorch"],
                note="TensorFlow − PyTorch: c/(c + 1e-6) short of 1 at N = c",
            ),
            scalar(
                "nan_entries",
                int(np.count_nonzero(np.isnan(after))),
                note="NaN entries after clipping",
            ),
            scalar("zeroed_entries", zeroed, note="non-zero entries that became exactly 0"),
        ],
        tables=[
            Table("Per tensor", TENSOR_COLUMNS, _tensor_rows(grads, clipped)),
            Table(
                "The three rules at this N",
                ["rule", "coefficient formula", "coefficient", "clipped ‖g‖", "NaN entries"],
                rule_rows,
            ),
        ],
        warnings=[warning] if warning else [],
    )


@experiment(
    "clipping.per_tensor",
    topic=TOPIC,
    summary="per-tensor clipping (Keras 3 clipnorm): turns g",
    params=(
        float_param("max_norm", 2.0, 1e-6, 1e6, "threshold c"),
        *_source_params(3.0, 4.0, 12.0),
    ),
)
def per_tensor(
    max_norm: float, source: str, a1: float, a2: float, b1: float, sigma_max: float, seed: int
) -> Report:
    grads, described = _gradient(source, a1, a2, b1, sigma_max, seed)
    clipped, norms = clipping.clip_per_tensor(grads, max_norm)
    global_clipped, _ = clipping.clip_by_global_norm(grads, max_norm)
    return Report(
        title=f"Clip each tensor's norm at {max_norm:g}: {described}",
        steps=[
            "Keras 3 clipnorm: each tensor separately, g_i ← g_i · c / max(‖g_i‖, c).",
            "Each tensor keeps its own direction, but tensors are scaled by different factors, "
            "so the whole gradient turns (compare global_clipnorm / clip_grad_norm_).",
        ],
        scalars=[
            *_direction(grads, clipped),
            scalar(
                "tensors_clipped",
                sum(n > max_norm for n in norms.values()),
                note="tensors with ‖g_i‖ > c",
            ),
            scalar(
                "global_clip_cosine",
                cosine(flat(grads), flat(global_clipped)),
                note="the same gradient clipped by global norm: direction kept",
            ),
        ],
        tables=[Table("Per tensor", TENSOR_COLUMNS, _tensor_rows(grads, clipped))],
    )


@experiment(
    "clipping.by_value",
    topic=TOPIC,
    summary="element-wise value clipping: turns g",
    params=(
        float_param("limit", 1.0, 1e-6, 1e6, "entries clamped to [−limit, limit]"),
        *_source_params(100.0, 0.1, 0.0),
    ),
)
def by_value(
    limit: float, source: str, a1: float, a2: float, b1: float, sigma_max: float, seed: int
) -> Report:
    grads, described = _gradient(source, a1, a2, b1, sigma_max, seed)
    clipped = clipping.clip_by_value(grads, limit)
    before, after = flat(grads), flat(clipped)
    changed = int(np.count_nonzero(before != after))
    return Report(
        title=f"Clip by value at {limit:g}: {described}",
        steps=[
            "Every entry g_ij ← min(max(g_ij, −limit), limit) (PyTorch clip_grad_value_, "
            "Keras clipvalue, min-char-rnn's np.clip(dparam, −5, 5)).",
            "Large entries are cut, small ones kept: when only some entries are clipped the "
            "gradient turns (Mikolov's form; not Pascanu's norm clipping).",
        ],
        scalars=[
            *_direction(grads, clipped),
            scalar("entries_clipped", changed, note="entries with |g_ij| > limit"),
            scalar("fraction_clipped", changed / before.size if before.size else 0.0),
        ],
        tables=[Table("Per tensor", TENSOR_COLUMNS, _tensor_rows(grads, clipped))],
    )


@experiment(
    "clipping.training",
    topic=TOPIC,
    summary="training with large W, clipped vs not clipped",
    params=(
        float_param("sigma_max", 3.0, 0.1, 10.0, "largest singular value of the initial W"),
        float_param("lr", 0.5, 1e-4, 10.0, "learning rate of θ ← θ − lr·g"),
        int_param("steps", 40, 1, 300, "gradient-descent steps", "steps"),
        float_param("max_norm", 1.0, 1e-3, 1e3, "clipping threshold c (global norm)"),
        int_param("T", 16, 3, 50, "sequence length of the echo task", "steps"),
        int_param("H", 8, 2, 32, "hidden units"),
        seed_param(),
    ),
)
def clipped_training(
    sigma_max: float, lr: float, steps: int, max_norm: float, T: int, H: int, seed: int
) -> Report:
    p = rnn.init(2, H, 2, scheme="singular", scale=sigma_max, seed=seed)
    xs, ys = training.toy_task(T, 4, 2, 2, seed)
    runs = {
        "unclipped": training.train(p, xs, ys, steps=steps, lr=lr),
        "clipped": training.train(p, xs, ys, steps=steps, lr=lr, clip=max_norm),
    }

    def curve(name: str, values: np.ndarray, plot: str, y_label: str) -> Series:
        return Series(
            name,
            [float(i) for i in range(len(values))],
            [float(v) for v in values],
            plot=plot,
            x_label="step",
            y_label=y_label,
            log_y=True,
        )

    scalars = [scalar("initial_loss", float(runs["clipped"].losses[0]))]
    for name, run in runs.items():
        scalars += [
            scalar(f"final_loss_{name}", float(run.losses[-1]), note="last recorded loss"),
            scalar(
                f"min_loss_{name}",
                float(np.nanmin(run.losses)) if np.any(np.isfinite(run.losses)) else float("nan"),
            ),
            scalar(
                f"max_grad_norm_{name}",
                float(np.nanmax(run.grad_norms))
                if np.any(np.isfinite(run.grad_norms))
                else float("inf"),
                note="‖g‖ before clipping",
            ),
            scalar(
                f"diverged_at_{name}",
                -1 if run.diverged_at is None else run.diverged_at,
                "step",
                "first non-finite step, −1 if none",
            ),
        ]
    return Report(
        title=f"Training with σ_max(W) = {sigma_max:g}, lr = {lr:g}: clip at {max_norm:g} or not",
        steps=[
            f"Task: echo the input from 2 steps back (T={T}, batch 4); tanh RNN, H={H}.",
            f"Both runs start from the same W and take {steps} steps θ ← θ − lr·g, lr = {lr:g}.",
            f"Clipped run: g ← g·min(1, {max_norm:g}/(‖g‖ + 1e-6)) before each step, so no "
            f"step is longer than lr·c = {lr * max_norm:g}.",
        ],
        scalars=scalars,
        series=[
            *(curve(n, r.losses, "loss", "loss") for n, r in runs.items()),
            *(
                curve(n, r.grad_norms, "gradient norm", "‖g‖ before clipping")
                for n, r in runs.items()
            ),
        ],
        warnings=[f"{n}: {w}" for n, r in runs.items() for w in r.warnings],
    )
