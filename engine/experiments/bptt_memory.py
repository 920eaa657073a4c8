"""BPTT at lower cost: checkpointing (memory for time) and randomised truncation
(an unbiased estimate at the cost of truncated BPTT)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from engine import bptt, rnn
from engine.experiments.common import (
    flat,
    inputs,
    int_param,
    mse_targets,
    relative_difference,
    scalar,
    seed_param,
    traced_peak,
)
from engine.registry import experiment
from engine.report import Cell, Report, Series, Table

TOPIC = "bptt"
TRUNCATED = ("U", "W", "b", "h0")  # the gradients truncation changes (V and c never)


def _time_and_peak(run: Callable[[], bptt.Gradients]) -> tuple[float, int, bptt.Gradients]:
    """(seconds of one untraced run, tracemalloc peak bytes of a second run, its result)."""
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    result, peak = traced_peak(run)
    return seconds, peak, result


@experiment(
    "bptt.checkpointing",
    topic=TOPIC,
    summary="checkpointed BPTT: memory and time vs segment",
    params=(
        int_param("T", 100, 4, 500, "sequence length", "steps"),
        int_param("B", 4, 1, 8, "batch size"),
        int_param("H", 32, 1, 64, "hidden units"),
        seed_param(),
    ),
)
def checkpointing(T: int, B: int, H: int, seed: int) -> Report:
    p = rnn.init(4, H, 4, seed=seed)
    xs, ys = inputs(T, B, 4, seed), mse_targets(T, B, 4, seed)
    root = math.isqrt(T - 1) + 1
    runs = {
        "full": lambda: bptt.gradients(p, xs, ys),
        "sqrt": lambda: bptt.checkpointed_gradients(p, xs, ys, segment=root),
        "one": lambda: bptt.checkpointed_gradients(p, xs, ys, segment=1),
    }
    measured = {key: _time_and_peak(run) for key, run in runs.items()}
    full = measured["full"][2]
    difference = max(
        relative_difference(flat(measured[key][2].as_dict()), flat(full.as_dict()))
        for key in ("sqrt", "one")
    )
    labels = {"full": "full BPTT (all T states)", "sqrt": f"segment S = ⌈√T⌉ = {root}"}
    labels["one"] = "segment S = 1 (every state a boundary)"
    rows: list[list[Cell]] = [
        [labels[key], secs * 1e3, peak / 2**20, peak / measured["full"][1]]
        for key, (secs, peak, _) in measured.items()
    ]
    return Report(
        title=f"Checkpointed BPTT: T={T}, B={B}, H={H}",
        steps=[
            "Full BPTT keeps h_0..h_T and every a_t for the backward pass: O(T·B·H) memory.",
            "Checkpointing (Chen et al. 2016) keeps only the states at segment boundaries "
            "h_0, h_S, h_2S, …; the backward pass recomputes one segment's forward pass from "
            "its boundary and runs the δ recursion inside it, carrying Ε_{s+1}W into the "
            "segment before.",
            "Memory is O((T/S + S)·B·H), smallest at S ≈ √T; the price is about one extra "
            "forward pass. The gradients are the same sums, so they agree to rounding.",
            "Peak memory is what Python's tracemalloc sees during one gradient computation "
            "(numpy arrays included); times are one untraced run on this machine.",
        ],
        scalars=[
            scalar("segment_sqrt", root, "steps", "⌈√T⌉"),
            scalar("peak_full_mib", measured["full"][1] / 2**20, "MiB"),
            scalar("peak_sqrt_mib", measured["sqrt"][1] / 2**20, "MiB"),
            scalar("peak_one_mib", measured["one"][1] / 2**20, "MiB"),
            scalar(
                "memory_ratio_sqrt",
                measured["sqrt"][1] / measured["full"][1],
                note="peak at S = ⌈√T⌉ over peak of full BPTT",
            ),
            scalar("time_full_ms", measured["full"][0] * 1e3, "ms"),
            scalar("time_sqrt_ms", measured["sqrt"][0] * 1e3, "ms"),
            scalar("time_one_ms", measured["one"][0] * 1e3, "ms"),
            scalar(
                "max_gradient_difference",
                difference,
                note="largest ‖g_checkpointed − g_full‖/‖g_full‖ over both segment lengths",
            ),
        ],
        tables=[
            Table(
                "Time and peak memory against the segment length",
                ["method", "time (ms)", "peak (MiB)", "peak / full"],
                rows,
            )
        ],
    )


def _draws(
    p: rnn.Params, xs: np.ndarray, ys: np.ndarray, c: float, n: int, seed: int
) -> np.ndarray:
    """n randomised-truncation estimates of (U, W, b, h0), one row each."""
    rng = np.random.default_rng([seed, 7])
    return np.array(
        [
            flat(bptt.randomly_truncated_gradients(p, xs, ys, c, rng).as_dict(), TRUNCATED)
            for _ in range(n)
        ]
    )


@experiment(
    "bptt.random_truncation",
    topic=TOPIC,
    summary="fixed vs randomised truncation: bias, variance",
    params=(
        int_param("T", 20, 2, 100, "sequence length", "steps"),
        int_param("H", 8, 1, 32, "hidden units"),
        int_param("k", 4, 2, 50, "fixed truncation length = mean random length 1/c", "steps"),
        int_param("draws", 200, 10, 1000, "randomised estimates averaged"),
        seed_param(),
    ),
)
def random_truncation(T: int, H: int, k: int, draws: int, seed: int) -> Report:
    p = rnn.init(2, H, 2, scheme="orthogonal", scale=1.0, seed=seed)
    xs, ys = inputs(T, 2, 2, seed), mse_targets(T, 2, 2, seed)
    full = flat(bptt.gradients(p, xs, ys).as_dict(), TRUNCATED)
    fixed = flat(bptt.gradients(p, xs, ys, truncate=k).as_dict(), TRUNCATED)
    c = 1.0 / k
    samples = _draws(p, xs, ys, c, draws, seed)
    scale = float(np.linalg.norm(full)) or 1.0
    mean = samples.mean(axis=0)
    variance = float(np.mean(np.sum((samples - mean) ** 2, axis=1))) / scale**2
    running = np.cumsum(samples, axis=0) / np.arange(1, draws + 1)[:, None]
    running_bias = np.linalg.norm(running - full, axis=1) / scale
    fixed_bias = relative_difference(fixed, full)
    return Report(
        title=f"Fixed vs randomised truncation: T={T}, H={H}, k={k}, {draws} draws",
        steps=[
            f"Fixed truncation keeps every loss term's first k = {k} steps of history and drops "
            "the rest: deterministic (no variance) but biased.",
            f"Randomised truncation (Tallec & Ollivier 2017) cuts the flow from h_t to h_(t−1) "
            f"with probability c = 1/k = {c:.3g} and otherwise multiplies it by 1/(1 − c). A "
            "term of lag j survives with probability (1 − c)^j and is then scaled by "
            "(1 − c)^(−j), so its expectation is the full BPTT gradient.",
            "Bias is ‖E[ĝ] − g‖/‖g‖ (the randomised mean over the draws); variance is "
            "E‖ĝ − E[ĝ]‖²/‖g‖², over the gradients truncation changes (U, W, b, h0).",
            "The randomised bias left is sampling error: it falls like 1/√draws.",
        ],
        scalars=[
            scalar("cut_probability", c),
            scalar("fixed_bias", fixed_bias, note="‖g_k − g‖/‖g‖, does not shrink with draws"),
            scalar("random_bias", running_bias[-1], note="‖mean of draws − g‖/‖g‖"),
            scalar(
                "random_standard_error",
                math.sqrt(variance / draws),
                note="expected size of random_bias from sampling alone: √(variance/draws)",
            ),
            scalar("fixed_variance", 0.0, note="one deterministic answer"),
            scalar("random_variance", variance, note="E‖ĝ − E[ĝ]‖²/‖g‖² per draw"),
        ],
        tables=[
            Table(
                "Bias and variance against the full gradient (relative to ‖g‖)",
                ["method", "bias", "variance"],
                [
                    [f"fixed truncation k = {k}", fixed_bias, 0.0],
                    [f"randomised, c = 1/{k}, mean of {draws}", float(running_bias[-1]), variance],
                ],
            )
        ],
        series=[
            Series(
                "randomised: ‖running mean − g‖/‖g‖",
                list(range(1, draws + 1)),
                [float(v) for v in running_bias],
                plot="bias",
                x_label="draws averaged",
                y_label="relative bias",
                log_y=True,
            ),
            Series(
                f"fixed truncation k = {k}",
                [1, draws],
                [fixed_bias, fixed_bias],
                plot="bias",
                x_label="draws averaged",
                y_label="relative bias",
                log_y=True,
            ),
        ],
    )
