"""complexity.rtrl_cost: measured time per step of RTRL (forward mode) and of BPTT against the
hidden size H, with fitted log-log slopes (RTRL towards 4, BPTT towards 2) and the memory
each keeps (Williams & Zipser 1989 for RTRL)."""

from __future__ import annotations

import math
from collections.abc import Callable

from engine import bptt, rnn, rtrl
from engine.experiments.common import inputs, int_param, mse_targets, scalar, seed_param
from engine.experiments.complexity import MIN_STABLE_S, Meter, doublings, loglog_fit, stable_fit
from engine.registry import CancelFn, ProgressFn, experiment
from engine.report import Report, Series, Table

# Input and output sizes: small, so |θ_rec| ≈ H² and RTRL is O(H⁴) per step.
D = O = 4  # noqa: E741 (the DESIGN names)
BPTT_BATCH = 128  # BPTT rows per step: enough arithmetic that numpy overhead does not hide H²
H_START = 8


def rtrl_recurrent_params(H: int) -> int:
    """|θ_rec| = H² + HD + H: the parameters RTRL carries a sensitivity for."""
    return H * H + H * D + H


def rtrl_memory_floats(H: int) -> int:
    """The sensitivity matrix dh_t/dθ_rec: H·|θ_rec| floats, whatever T."""
    return H * rtrl_recurrent_params(H)


def bptt_memory_floats(T: int, H: int) -> int:
    """Stored activations of one sequence: h_0..h_T and a_1..a_T, (2T + 1)·H floats."""
    return (2 * T + 1) * H


def rtrl_step_flops(H: int) -> float:
    """The dominant product W·S_{t−1}: 2·H²·|θ_rec| flops per step."""
    return 2.0 * H * H * rtrl_recurrent_params(H)


def bptt_step_flops(H: int) -> float:
    """Per step and sequence: 6·(H² + HO) + 4·HD flops (as in complexity.bptt_flops)."""
    return 6.0 * (H * H + H * O) + 4.0 * H * D


def local_slope(x: list[int], y: list[float]) -> float:
    """log(y_n / y_{n−1}) / log(x_n / x_{n−1}) between the two largest sizes."""
    return math.log(y[-1] / y[-2]) / math.log(x[-1] / x[-2])


@experiment(
    "complexity.rtrl_cost",
    topic="complexity",
    summary="RTRL vs BPTT time per step against H, fitted",
    params=(
        int_param("H_max", 64, 16, 64, "largest hidden size for RTRL (from 8, doubling)"),
        int_param("bptt_H_max", 256, 64, 256, "largest hidden size for BPTT (from 8, doubling)"),
        int_param("T", 8, 4, 8, "steps per timed run (time per step = run time / T)", "steps"),
        int_param("repeats", 3, 1, 3, "timed runs per point (the fastest is kept)"),
        seed_param(),
    ),
    long=True,
)
def rtrl_cost(
    H_max: int,
    bptt_H_max: int,
    T: int,
    repeats: int,
    seed: int,
    progress: ProgressFn,
    cancel: CancelFn,
) -> Report:
    rtrl_h = doublings(H_START, H_max)
    bptt_h = doublings(H_START, max(bptt_H_max, H_max))  # always includes RTRL's sizes
    meter = Meter(len(rtrl_h) + len(bptt_h), repeats, progress, cancel, "complexity.rtrl_cost")

    def rtrl_call(H: int) -> Callable[[], object]:
        p = rnn.init(D, H, O, scheme="orthogonal", scale=0.9, seed=seed)
        xs, ys = inputs(T, 1, D, seed), mse_targets(T, 1, O, seed)
        return lambda: rtrl.gradients(p, xs, ys)

    def bptt_call(H: int) -> Callable[[], object]:
        p = rnn.init(D, H, O, scheme="orthogonal", scale=0.9, seed=seed)
        xs, ys = inputs(T, BPTT_BATCH, D, seed), mse_targets(T, BPTT_BATCH, O, seed)
        return lambda: bptt.gradients(p, xs, ys)

    rtrl_runs = meter.sweep("RTRL, H", rtrl_h, [rtrl_call(H) for H in rtrl_h])
    bptt_runs = meter.sweep("BPTT, H", bptt_h, [bptt_call(H) for H in bptt_h])
    rtrl_ms = [run / T * 1e3 for run in rtrl_runs]
    bptt_ms = [run / (T * BPTT_BATCH) * 1e3 for run in bptt_runs]
    progress(1.0, "done")

    fit_rtrl, used_rtrl = stable_fit(rtrl_h, rtrl_runs)
    fit_bptt, used_bptt = stable_fit(bptt_h, bptt_runs)
    flop_rtrl = loglog_fit(rtrl_h, [rtrl_step_flops(H) for H in rtrl_h]).slope
    flop_bptt = loglog_fit(bptt_h, [bptt_step_flops(H) for H in bptt_h]).slope
    top = rtrl_h[-1]
    bptt_at_top = bptt_ms[bptt_h.index(top)]
    rows = [
        [
            H,
            rtrl_ms[i] if i < len(rtrl_ms) else "",
            bptt_ms[i] * 1e3,
            rtrl_memory_floats(H) if i < len(rtrl_ms) else "",
            bptt_memory_floats(T, H),
        ]
        for i, H in enumerate(bptt_h)
    ]

    def curve(label: str, hs: list[int], ms: list[float]) -> Series:
        return Series(
            label,
            [float(h) for h in hs],
            ms,
            plot="time per step vs H",
            x_label="H",
            y_label="ms per step and sequence",
            log_y=True,
        )

    return Report(
        title=f"RTRL vs BPTT cost per step against H (T={T})",
        steps=[
            "RTRL carries S_t = dh_t/dθ_rec (H × |θ_rec|, |θ_rec| = H² + HD + H) and forms "
            "W·S_{t−1} every step: O(H²·|θ_rec|) = O(H⁴) time, O(H³) memory, any T.",
            "BPTT per step: a few H×H products, O(H² + HD + HO) time; it stores h_t and a_t "
            "for every step, O(T·H) memory.",
            f"Each point: fastest of {repeats} timed runs over T = {T} steps after a warm-up; "
            f"RTRL runs one sequence, BPTT a batch of {BPTT_BATCH} (time divided by T·B).",
            "Counted slopes (*_flop_slope) come from the FLOP counts: exact. Timed slopes are "
            "least-squares fits of log run time against log H (± 2 standard errors) over the "
            "runs of at least 1 ms (or the largest three): at small H numpy's per-call "
            "overhead dominates and flattens them. The slope between the two largest sizes "
            "shows where the arithmetic has taken over.",
        ],
        scalars=[
            scalar(
                "rtrl_slope",
                fit_rtrl.slope,
                note=f"timed: time ∝ H^slope over the {used_rtrl} largest H (runs ≥ "
                f"{MIN_STABLE_S * 1e3:g} ms or the top 3); theory → 4",
            ),
            scalar("rtrl_slope_error", fit_rtrl.spread, note="2 standard errors (timed)"),
            scalar(
                "rtrl_slope_top",
                local_slope(rtrl_h, rtrl_ms),
                note=f"between H = {rtrl_h[-2]} and {top}; theory → 4",
            ),
            scalar("rtrl_flop_slope", flop_rtrl, note="counted: slope of 2·H²·|θ_rec| (exact)"),
            scalar(
                "bptt_slope",
                fit_bptt.slope,
                note=f"timed: time ∝ H^slope over the {used_bptt} largest H; theory → 2",
            ),
            scalar("bptt_slope_error", fit_bptt.spread, note="2 standard errors (timed)"),
            scalar(
                "bptt_slope_top",
                local_slope(bptt_h, bptt_ms),
                note=f"between H = {bptt_h[-2]} and {bptt_h[-1]}; theory → 2",
            ),
            scalar("bptt_flop_slope", flop_bptt, note="counted: slope of the FLOP formula (exact)"),
            scalar("rtrl_ms_per_step", rtrl_ms[-1], "ms", f"RTRL at H = {top}"),
            scalar("bptt_ms_per_step", bptt_at_top, "ms", f"BPTT at H = {top}, per sequence"),
            scalar(
                "time_ratio",
                rtrl_ms[-1] / bptt_at_top if bptt_at_top > 0 else math.nan,
                note=f"RTRL / BPTT at H = {top}",
            ),
            scalar(
                "rtrl_memory_floats",
                rtrl_memory_floats(top),
                "floats",
                f"H·|θ_rec| at H = {top}, any T",
            ),
            scalar(
                "bptt_memory_floats",
                bptt_memory_floats(T, top),
                "floats",
                f"(2T + 1)·H at H = {top}, T = {T}",
            ),
            scalar(
                "rtrl_memory_slope",
                loglog_fit(rtrl_h, [rtrl_memory_floats(H) for H in rtrl_h]).slope,
                note="floats ∝ H^slope (counted): → 3",
            ),
        ],
        tables=[
            Table(
                "Per step and sequence",
                ["H", "RTRL ms", "BPTT µs", "RTRL floats", f"BPTT floats (T={T})"],
                rows,
            )
        ],
        series=[curve("RTRL", rtrl_h, rtrl_ms), curve("BPTT", bptt_h, bptt_ms)],
        warnings=["Wall-clock timings vary from run to run and machine to machine."],
    )
