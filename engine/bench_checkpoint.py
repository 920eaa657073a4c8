"""The checkpointed-BPTT rows of `python -m engine bench`: time and tracemalloc peak of
`bptt.checkpointed_gradients` (segment ⌈√T⌉) against full `bptt.gradients`."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from engine import bptt, rnn

SIZE = (8, 4000, 4, 64, 4)  # B, T, D, H, O
RUNS = 3


def _measure(call: Callable[[], object]) -> tuple[float, int]:
    """(median seconds of RUNS untraced calls, tracemalloc peak bytes of one more)."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    try:
        call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return statistics.median(times), peak


def table() -> str:
    """Full vs checkpointed BPTT at SIZE in float64, as text lines."""
    B, T, D, H, O = SIZE  # noqa: E741
    p = rnn.init(D, H, O, seed=0)
    rng = np.random.default_rng(0)
    xs, ys = rng.standard_normal((T, B, D)), rng.standard_normal((T, B, O))
    full = _measure(lambda: bptt.gradients(p, xs, ys))
    checkpointed = _measure(lambda: bptt.checkpointed_gradients(p, xs, ys))
    lines = [f"Checkpointed BPTT (segment ⌈√T⌉) at B,T,D,H,O = {','.join(map(str, SIZE))}:"]
    for label, (seconds, peak) in (("full", full), ("checkpointed", checkpointed)):
        lines.append(f"  {label:<13} {seconds * 1e3:8.1f} ms  {peak / 2**20:8.2f} MiB peak")
    lines.append(
        f"  ratio         {checkpointed[0] / full[0]:8.2f} ×   {checkpointed[1] / full[1]:8.3f} × "
        "(checkpointed / full)"
    )
    return "\n".join(lines)
