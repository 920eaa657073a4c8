"""complexity.stacked_bidirectional: counted FLOPs, critical path and measured time of L
stacked layers and of a bidirectional RNN, against one layer."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from engine import rnn, stacked
from engine.experiments.common import inputs, int_param, mse_targets, scalar, seed_param
from engine.registry import experiment
from engine.report import Cell, Report, Table

D = O = 8  # noqa: E741 (input and output sizes, the DESIGN names)


def layer_flops(T: int, B: int, D_in: int, H: int, first: bool) -> float:
    """Forward + backward of one layer: 6·T·B·H² for the recurrence (h W, Ε W, dW) and
    2·T·B·H·D_in per input product (x U, dU, and ∂L/∂x = Ε U above the first layer)."""
    return 6.0 * T * B * H * H + (4.0 if first else 6.0) * T * B * H * D_in


def readout_flops(T: int, B: int, H: int, directions: int = 1) -> float:
    """o = h Vᵀ, dV, ∂L/∂h = E V: 6·T·B·H·O per direction read out."""
    return 6.0 * T * B * H * O * directions


def best_seconds(call: Callable[[], object], repeats: int) -> float:
    """Fastest of `repeats` timed calls after one warm-up call."""
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def _layers(count: int, H: int, seed: int) -> list[rnn.Params]:
    return [
        rnn.init(D if index == 0 else H, H, O, scheme="orthogonal", scale=0.9, seed=seed + index)
        for index in range(count)
    ]


@experiment(
    "complexity.stacked_bidirectional",
    topic="complexity",
    summary="L stacked layers and a bidirectional RNN: cost",
    params=(
        int_param("L", 3, 1, 8, "stacked layers"),
        int_param("T", 16, 2, 128, "sequence length", "steps"),
        int_param("B", 4, 1, 16, "batch size"),
        int_param("H", 16, 2, 64, "hidden units per layer"),
        int_param("repeats", 2, 1, 5, "timed runs per model (the fastest is kept)"),
        seed_param(),
    ),
)
def stacked_bidirectional(L: int, T: int, B: int, H: int, repeats: int, seed: int) -> Report:
    xs, ys = inputs(T, B, D, seed), mse_targets(T, B, O, seed)
    single, deep = _layers(1, H, seed), _layers(L, H, seed)
    forward_layer, backward_layer = _layers(2, H, seed)[0], _layers(1, H, seed + 100)[0]
    seconds = {
        "single": best_seconds(lambda: stacked.stacked_gradients(single, xs, ys), repeats),
        "stacked": best_seconds(lambda: stacked.stacked_gradients(deep, xs, ys), repeats),
        "bidirectional": best_seconds(
            lambda: stacked.bidirectional_gradients(forward_layer, backward_layer, xs, ys),
            repeats,
        ),
    }
    flops = {
        "single": layer_flops(T, B, D, H, True) + readout_flops(T, B, H),
        "stacked": layer_flops(T, B, D, H, True)
        + (L - 1) * layer_flops(T, B, H, H, False)
        + readout_flops(T, B, H),
        "bidirectional": 2 * layer_flops(T, B, D, H, True) + readout_flops(T, B, H, 2),
    }
    # Sequential steps (forward + backward): each step waits for the one before it.
    path = {"single": 2 * T, "stacked": 2 * (T + L - 1), "bidirectional": 2 * T}
    labels = {
        "single": "1 layer",
        "stacked": f"{L} stacked layers",
        "bidirectional": "bidirectional (2 directions)",
    }
    rows: list[list[Cell]] = [
        [
            labels[k],
            flops[k],
            flops[k] / flops["single"],
            path[k],
            seconds[k] * 1e3,
            seconds[k] / seconds["single"],
        ]
        for k in labels
    ]
    finite = all(np.isfinite(v) for v in seconds.values())
    return Report(
        title=f"Stacked and bidirectional RNN cost: L={L}, T={T}, B={B}, H={H}",
        steps=[
            "Stacked (Goodfellow et al. ch. 10.5): layer l reads layer l−1's states, "
            "hˡ_t = f(hˡ⁻¹_t Uₗᵀ + hˡ_{t−1} Wₗᵀ + bₗ). Each layer costs one layer's BPTT, "
            "O(T·B·H²) FLOPs, so L layers cost O(L·T·B·H²).",
            "Critical path: step (l, t) needs (l−1, t) and (l, t−1), so a wavefront schedule "
            "finishes the forward pass in T + L − 1 steps and the backward pass in as many: "
            "2(T + L − 1) sequential steps, not 2·L·T. This engine runs layer by layer, so its "
            "time follows the FLOPs.",
            "Bidirectional (ch. 10.3): one layer over x_1..x_T and one over x_T..x_1, read "
            "out together. Twice the FLOPs, but the two directions are independent: the "
            "critical path stays 2T.",
            "Counted = the FLOP formulas above (exact); timed = fastest wall time of "
            f"{repeats} runs of the forward and backward pass on this machine.",
        ],
        scalars=[
            scalar("flops_single", flops["single"], "FLOP", "counted, forward + backward"),
            scalar("flops_stacked", flops["stacked"], "FLOP", f"counted, {L} layers"),
            scalar("flops_bidirectional", flops["bidirectional"], "FLOP", "counted"),
            scalar(
                "flop_ratio_stacked",
                flops["stacked"] / flops["single"],
                note="counted; ≈ L, more when H > D (upper layers read H inputs, not D)",
            ),
            scalar(
                "flop_ratio_bidirectional",
                flops["bidirectional"] / flops["single"],
                note="counted; ≈ 2",
            ),
            scalar("critical_path_single", path["single"], "steps", "2T"),
            scalar("critical_path_stacked", path["stacked"], "steps", "2(T + L − 1), wavefront"),
            scalar("critical_path_bidirectional", path["bidirectional"], "steps", "2T"),
            scalar("time_single_ms", seconds["single"] * 1e3, "ms", "timed"),
            scalar(
                "time_ratio_stacked",
                seconds["stacked"] / seconds["single"],
                note="timed; follows flop_ratio_stacked when the arithmetic dominates",
            ),
            scalar(
                "time_ratio_bidirectional",
                seconds["bidirectional"] / seconds["single"],
                note="timed",
            ),
        ],
        tables=[
            Table(
                "Counted and timed cost against one layer",
                ["model", "FLOPs", "× 1 layer", "critical path", "time (ms)", "time × 1 layer"],
                rows,
            )
        ],
        warnings=[] if finite else ["a timing was not finite"],
    )
