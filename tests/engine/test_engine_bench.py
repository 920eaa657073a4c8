"""The benchmark's pieces: the naive reference, the FLOP count and a tiny smoke run.

Speed itself is never asserted here (a noisy shared machine); `python -m engine bench`
measures it.
"""

from __future__ import annotations

import argparse

import pytest
from engine_problems import make_problem

from engine import bench, bptt, gradcheck


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "identity"])
def test_naive_reference_computes_the_same_gradients(activation):
    prob = make_problem(T=5, B=3)
    naive = bench.naive_gradients(prob.p, prob.xs, prob.ys, activation)
    engine = bptt.gradients(prob.p, prob.xs, prob.ys, activation).as_dict()
    assert max(gradcheck.relative_errors(engine, naive).values()) < 1e-12


def test_flop_count_and_memory_prediction():
    assert bench.flops(1, 100, 8, 32, 8) == 6 * 100 * (8 * 32 + 32 * 32 + 32 * 8)
    assert bench.predicted_bytes(B=2, T=10, H=4, O=3, itemsize=8) == 8 * (31 * 2 * 4 + 20 * 2 * 3)


def test_tiny_bench_prints_a_table_within_80_columns(capsys):
    code = bench.main(["--quick", "--sizes", "2,6,3,4,2", "--dtypes", "float64"])
    out = capsys.readouterr().out
    assert code == 0
    table = out[out.index("B,T,D,H,O") :].splitlines()
    assert any(line.startswith("2,6,3,4,2") and " f64 " in line for line in table)
    assert "best matmul peak" in out
    assert max(len(line) for line in table) <= 80
    side_by_side = out[out.index("BLAS threads, ms") :].splitlines()
    row = next(line for line in side_by_side if line.startswith("2,6,3,4,2"))
    assert len(row.split()) == 5  # size, dtype, 1 thread, every core, the ratio
    assert max(len(line) for line in side_by_side) <= 80


def test_bench_restores_the_thread_setting():
    from engine import threads

    before = threads.blas_threads()
    bench.main(["--quick", "--sizes", "2,3,2,3,2", "--dtypes", "float32"])
    assert threads.blas_threads() == before


def test_interleaved_medians_take_turns_and_run_the_setup_untimed():
    order: list[str] = []
    medians = bench.interleaved_medians(
        {"a": lambda: order.append("a"), "b": lambda: order.append("b")},
        budget_s=0.0,
        max_runs=3,
        before=lambda name: order.append(f"set {name}"),
    )
    assert set(medians) == {"a", "b"}
    assert order[:8] == ["set a", "a", "set b", "b", "set a", "a", "set b", "b"]
    assert order.count("a") == order.count("b") == 4  # warm-up + 3 rounds


@pytest.mark.parametrize("text", ["1,2,3", "1,2,3,4,x", "0,2,3,4,5", "1000,1000,9,9999,9"])
def test_bad_sizes_are_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        bench.parse_size(text)


def test_memory_of_full_bptt_is_linear_in_T():
    import tracemalloc

    def peak(T):
        prob = make_problem(T=T, B=4, D=3, H=16, O=3)
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        bptt.gradients(prob.p, prob.xs, prob.ys)
        used = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        return used

    small, large = peak(200), peak(800)
    assert 3.0 < large / small < 4.5  # O(T), nowhere near the O(T²) = 16x
