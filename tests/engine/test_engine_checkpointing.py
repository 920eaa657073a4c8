"""Checkpointed BPTT equals full BPTT at every segment length and uses far less memory."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from engine import bptt, rnn
from tests.engine.engine_problems import make_problem


def _max_difference(a: bptt.Gradients, b: bptt.Gradients) -> float:
    return max(float(np.max(np.abs(a.as_dict()[k] - b.as_dict()[k]))) for k in bptt.GRAD_NAMES)


@pytest.mark.parametrize("loss", ["mse", "xent"])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_every_segment_length_gives_the_full_gradient(activation, loss):
    pr = make_problem(T=9, loss=loss, seed=3)
    full = bptt.gradients(pr.p, pr.xs, pr.ys, activation=activation, loss=loss, h0=pr.h0)
    for segment in range(1, 11):
        got = bptt.checkpointed_gradients(
            pr.p, pr.xs, pr.ys, activation=activation, loss=loss, h0=pr.h0, segment=segment
        )
        assert _max_difference(got, full) < 1e-12, segment
        assert got.loss == pytest.approx(full.loss, rel=1e-13)


def test_default_segment_and_single_step_sequence():
    for T in (1, 2, 10, 17):
        pr = make_problem(T=T, seed=T)
        full = bptt.gradients(pr.p, pr.xs, pr.ys, h0=pr.h0)
        assert (
            _max_difference(bptt.checkpointed_gradients(pr.p, pr.xs, pr.ys, h0=pr.h0), full) < 1e-12
        )


def test_float32_matches_and_inputs_are_not_mutated():
    pr = make_problem(T=12, seed=5, dtype=np.float32)
    xs, ys, h0 = pr.xs.copy(), pr.ys.copy(), pr.h0.copy()
    got = bptt.checkpointed_gradients(pr.p, pr.xs, pr.ys, h0=pr.h0, segment=5)
    full = bptt.gradients(pr.p, pr.xs, pr.ys, h0=pr.h0)
    assert got.W.dtype == np.float32
    assert _max_difference(got, full) < 1e-5
    assert np.array_equal(xs, pr.xs) and np.array_equal(ys, pr.ys) and np.array_equal(h0, pr.h0)


def test_overflow_is_reported_not_raised():
    pr = make_problem(T=30, seed=1, w_scale=1e3)
    got = bptt.checkpointed_gradients(pr.p, 1e300 * pr.xs, pr.ys, activation="relu", segment=4)
    assert not got.finite and got.warnings


@pytest.mark.parametrize("segment", [0, -3, 2.5, True, "4"])
def test_bad_segment_is_refused(segment):
    pr = make_problem(T=4)
    with pytest.raises(ValueError, match="segment"):
        bptt.checkpointed_gradients(pr.p, pr.xs, pr.ys, segment=segment)


def _peak_bytes(func, *args) -> int:
    tracemalloc.start()
    try:
        func(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_peak_memory_at_most_15_percent_of_full_bptt():
    """T = 4000, B = 8, H = 64: the traced peak of the checkpointed pass is <= 15% of full's."""
    T, B, H = 4000, 8, 64
    p = rnn.init(4, H, 4, seed=0)
    rng = np.random.default_rng(0)
    xs, ys = rng.standard_normal((T, B, 4)), rng.standard_normal((T, B, 4))
    full = _peak_bytes(bptt.gradients, p, xs, ys)
    checkpointed = _peak_bytes(bptt.checkpointed_gradients, p, xs, ys)
    assert checkpointed <= 0.15 * full, (checkpointed, full)
