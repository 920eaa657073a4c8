"""The LSTM and GRU rows of `python -m engine bench`: forward + backward time of
`lstm.gradients` and `gru.gradients` at the Elman sizes, with GFLOP/s and the fraction
of the matmul peak measured for the Elman rows.

FLOPs ≈ 3 · 2·B·T·(G·H·D + G·H·H + H·O) with G = 4 gate blocks (LSTM) or 3 (GRU): the
forward pass's multiply-adds, and about twice as many in the backward pass.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from engine import gru, lstm

GATE_BLOCKS = {"LSTM": 4, "GRU": 3}
MIN_RUNS = 3


def flops(blocks: int, B: int, T: int, D: int, H: int, O: int) -> float:  # noqa: E741
    """≈ 3 × the forward pass's 2·B·T·(G·H·D + G·H·H + H·O) multiply-adds."""
    return 3.0 * 2.0 * B * T * (blocks * H * D + blocks * H * H + H * O)


def median_seconds(call: Callable[[], object], budget_s: float) -> float:
    """Median wall time of `call` after one warm-up run: MIN_RUNS runs, or one when a
    single run already exceeds the budget."""
    start = time.perf_counter()
    call()
    first = time.perf_counter() - start
    if first > budget_s:
        return first
    times = []
    for _ in range(MIN_RUNS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _gradients_call(
    cell: str, size: tuple[int, int, int, int, int], dtype: type
) -> Callable[[], object]:
    B, T, D, H, O = size  # noqa: E741
    rng = np.random.default_rng(1)
    xs: np.ndarray = rng.standard_normal((T, B, D)).astype(dtype)
    ys: np.ndarray = rng.standard_normal((T, B, O)).astype(dtype)
    if cell == "LSTM":
        p = lstm.init(D, H, O, seed=0, dtype=dtype)
        return lambda: lstm.gradients(p, xs, ys)
    q = gru.init(D, H, O, seed=0, dtype=dtype)
    return lambda: gru.gradients(q, xs, ys)


def table(
    sizes: Sequence[tuple[int, int, int, int, int]],
    dtypes: dict[str, type],
    peaks: dict[str, float],
    budget_s: float = 1.0,
) -> str:
    """One line per cell, size and dtype: median ms, GFLOP/s, fraction of `peaks[dtype]`."""
    lines = [
        "LSTM and GRU BPTT (forward + backward), median time:",
        f"  {'cell':<5} {'B,T,D,H,O':<18} {'dtype':<8} {'ms':>10} {'GFLOP/s':>9} {'of peak':>8}",
    ]
    for cell, blocks in GATE_BLOCKS.items():
        for size in sizes:
            for name, dtype in dtypes.items():
                seconds = median_seconds(_gradients_call(cell, size, dtype), budget_s)
                rate = flops(blocks, *size) / seconds / 1e9
                fraction = rate / peaks[name] if peaks.get(name) else float("nan")
                lines.append(
                    f"  {cell:<5} {','.join(map(str, size)):<18} {name:<8} "
                    f"{seconds * 1e3:10.3f} {rate:9.2f} {fraction:8.1%}"
                )
    return "\n".join(lines)
