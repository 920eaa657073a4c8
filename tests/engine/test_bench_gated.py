"""The LSTM and GRU rows of `python -m engine bench`."""

from __future__ import annotations

import numpy as np
import pytest

from engine import bench, bench_gated, threads


def test_flops_count_every_gate_block():
    # B=2, T=3, D=5, H=7, O=11: G gate blocks of (D + H) inputs each, and the readout.
    assert bench_gated.flops(4, 2, 3, 5, 7, 11) == 3 * 2 * 2 * 3 * (4 * 7 * 5 + 4 * 7 * 7 + 7 * 11)
    # With one block the count is the Elman network's.
    assert bench_gated.flops(1, 2, 3, 5, 7, 11) == bench.flops(2, 3, 5, 7, 11)


def test_table_has_one_row_per_cell_size_and_dtype_within_80_columns():
    sizes = [(2, 4, 3, 5, 2), (1, 3, 2, 4, 2)]
    dtypes = {"float32": np.float32, "float64": np.float64}
    peak = 7.0
    before = threads.blas_threads()
    text = bench_gated.table(sizes, dtypes, {"float32": peak, "float64": peak}, 0.01, cores=2)
    assert threads.blas_threads() == before
    lines = text.splitlines()
    rows = [line.split() for line in lines[2:]]
    assert len(rows) == 2 * len(sizes) * len(dtypes)
    assert [row[0] for row in rows] == ["LSTM"] * 4 + ["GRU"] * 4
    assert all(len(line) <= 80 for line in lines)
    for cell, size, _, one, every, rate, fraction in rows:
        blocks = bench_gated.GATE_BLOCKS[cell]
        dims = tuple(int(v) for v in size.split(","))
        fastest = min(float(one), float(every))  # ms, 3 decimals
        assert fastest > 0
        expected = bench_gated.flops(blocks, *dims) / (fastest / 1e3) / 1e9
        assert float(rate) == pytest.approx(expected, rel=0.02, abs=0.01)
        assert float(fraction.rstrip("%")) == pytest.approx(
            expected / peak * 100, rel=0.02, abs=0.06
        )


def test_thread_medians_take_turns_and_time_a_slow_call_once_per_count(monkeypatch):
    current = [0]
    monkeypatch.setattr(threads, "configure", lambda n=None: current.__setitem__(0, n))
    seen: list[int] = []

    def call() -> None:
        seen.append(current[0])

    fast = bench_gated.thread_medians(call, [1, 2], budget_s=10.0)
    assert set(fast) == {1, 2} and len(seen) == 1 + 2 * bench_gated.MIN_RUNS
    assert seen[1:] == [1, 2] * bench_gated.MIN_RUNS  # after the warm-up, turn by turn
    seen.clear()
    slow = bench_gated.thread_medians(call, [1, 2], budget_s=-1.0)  # every run "too long"
    assert set(slow) == {1, 2} and seen == [1, 2]
