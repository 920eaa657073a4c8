"""The LSTM and GRU rows of `python -m engine bench`: forward + backward time of
`lstm.gradients` and `gru.gradients` at the Elman sizes, with one BLAS thread and with
every core (interleaved: many small per-step products suffer most from a second thread
on a busy machine), GFLOP/s of the faster and the fraction of the matmul peak measured
for the Elman rows.

FLOPs ≈ 3 · 2·B·T·(G·H·D + G·H·H + H·O) with G = 4 gate blocks (LSTM) or 3 (GRU): the
forward pass's multiply-adds, and about twice as many in the backward pass.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from engine import gru, lstm, threads

GATE_BLOCKS = {"LSTM": 4, "GRU": 3}
MIN_RUNS = 3


def flops(blocks: int, B: int, T: int, D: int, H: int, O: int) -> float:  # noqa: E741
    """≈ 3 × the forward pass's 2·B·T·(G·H·D + G·H·H + H·O) multiply-adds."""
    return 3.0 * 2.0 * B * T * (blocks * H * D + blocks * H * H + H * O)


def thread_medians(
    call: Callable[[], object], counts: Sequence[int], budget_s: float
) -> dict[int, float]:
    """Median wall time of `call` per BLAS thread count, the counts taking turns: MIN_RUNS
    rounds after one warm-up run, or a single round (the first run counted) when one run
    already exceeds the budget."""
    threads.configure(counts[0])
    start = time.perf_counter()
    call()
    first = time.perf_counter() - start
    times: dict[int, list[float]] = {n: [] for n in counts}
    slow = first > budget_s
    if slow:
        times[counts[0]].append(first)  # the warm-up run is the measurement
    for _ in range(1 if slow else MIN_RUNS):
        for n in counts[1:] if slow else counts:
            threads.configure(n)
            start = time.perf_counter()
            call()
            times[n].append(time.perf_counter() - start)
    return {n: statistics.median(values) for n, values in times.items()}


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
    cores: int = 1,
) -> str:
    """One line per cell, size and dtype: median ms with one BLAS thread and with `cores`,
    GFLOP/s of the faster and its fraction of `peaks[dtype]`. Restores the thread count."""
    counts = sorted({1, cores})
    lines = [
        "LSTM and GRU BPTT (forward + backward), median ms by BLAS threads:",
        f"  {'cell':<4} {'B,T,D,H,O':<18} {'dtype':<7} {'1 thread':>10} "
        f"{f'{cores} threads':>10} {'GFLOP/s':>8} {'of peak':>7}",
    ]
    before = threads.blas_threads()
    try:
        for cell, blocks in GATE_BLOCKS.items():
            for size in sizes:
                for name, dtype in dtypes.items():
                    medians = thread_medians(_gradients_call(cell, size, dtype), counts, budget_s)
                    rate = flops(blocks, *size) / min(medians.values()) / 1e9
                    fraction = rate / peaks[name] if peaks.get(name) else float("nan")
                    lines.append(
                        f"  {cell:<4} {','.join(map(str, size)):<18} {name:<7} "
                        f"{medians[1] * 1e3:10.3f} {medians[cores] * 1e3:10.3f} "
                        f"{rate:8.2f} {fraction:7.1%}"
                    )
    finally:
        threads.configure(before)
    return "\n".join(lines)
