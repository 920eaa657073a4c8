"""Randomised truncation with compensation is an unbiased estimate of the full gradient."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from engine import bptt
from tests.engine.engine_problems import make_problem


class _Uniforms:
    """Stands in for a Generator: `random(n)` returns fixed uniforms (0 cuts, 0.99 keeps)."""

    def __init__(self, values: tuple[float, ...]):
        self.values = np.array(values)

    def random(self, n: int) -> np.ndarray:
        assert n == len(self.values)
        return self.values


def _flat(g: bptt.Gradients) -> np.ndarray:
    return np.concatenate([g.as_dict()[k].ravel() for k in bptt.GRAD_NAMES])


@pytest.mark.parametrize("c", [0.2, 0.5, 0.8])
def test_expectation_over_every_cut_pattern_is_the_full_gradient(c):
    """E[ĝ] = Σ over the 2^T cut patterns of P(pattern)·ĝ(pattern) equals ∂L/∂θ exactly."""
    pr = make_problem(T=5, seed=2)
    full = _flat(bptt.gradients(pr.p, pr.xs, pr.ys, h0=pr.h0))
    expected = np.zeros_like(full)
    for cuts in itertools.product((True, False), repeat=5):
        weight = np.prod([c if cut else 1 - c for cut in cuts])
        uniforms = _Uniforms(tuple(0.0 if cut else 0.99 for cut in cuts))
        g = bptt.randomly_truncated_gradients(pr.p, pr.xs, pr.ys, c, uniforms, h0=pr.h0)
        expected += weight * _flat(g)
    np.testing.assert_allclose(expected, full, rtol=1e-10, atol=1e-12)


def test_mean_over_many_draws_converges_to_the_full_gradient():
    pr = make_problem(T=8, seed=4)
    full = _flat(bptt.gradients(pr.p, pr.xs, pr.ys, h0=pr.h0))
    rng = np.random.default_rng(0)
    draws = np.array(
        [
            _flat(bptt.randomly_truncated_gradients(pr.p, pr.xs, pr.ys, 0.3, rng, h0=pr.h0))
            for _ in range(4000)
        ]
    )
    standard_error = draws.std(axis=0) / np.sqrt(len(draws))
    # V and c never depend on the cuts: their draws differ only by rounding.
    assert np.all(np.abs(draws.mean(axis=0) - full) <= 5 * standard_error + 1e-10)
    # Fixed truncation at the same mean length (1/c ≈ 3) is biased far beyond that.
    fixed = _flat(bptt.gradients(pr.p, pr.xs, pr.ys, h0=pr.h0, truncate=3))
    assert np.linalg.norm(fixed - full) > 10 * np.linalg.norm(draws.mean(axis=0) - full)


def test_no_cuts_is_full_bptt():
    pr = make_problem(T=6, seed=1)
    got = bptt.randomly_truncated_gradients(pr.p, pr.xs, pr.ys, 0.0, np.random.default_rng(0))
    np.testing.assert_allclose(_flat(got), _flat(bptt.gradients(pr.p, pr.xs, pr.ys)), rtol=1e-12)


@pytest.mark.parametrize("c", [-0.1, 1.0, 2.0])
def test_cut_probability_outside_zero_one_is_refused(c):
    pr = make_problem(T=3)
    with pytest.raises(ValueError, match="cut_probability"):
        bptt.randomly_truncated_gradients(pr.p, pr.xs, pr.ys, c, np.random.default_rng(0))
