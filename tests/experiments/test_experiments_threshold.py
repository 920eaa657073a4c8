"""clipping.threshold_heuristic: the typical norm is recomputed from engine.bptt gradients of
an independent gradient-descent loop, the clipped fraction falls as the multiple grows, and an
enormous threshold is exactly the unclipped run."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from engine import bptt, registry, rnn, training
from engine.experiments.threshold import (
    MULTIPLES,
    fraction_clipped,
    multiple_label,
    typical_norm,
)

NAME = "clipping.threshold_heuristic"
SIGMA_MAX, LR, T, H = 2.0, 0.05, 10, 6
DEFAULTS = {"sigma_max": SIGMA_MAX, "lr": LR, "T": T, "H": H, "seed": 0}


def _probe_norms(sigma_max: float, lr: float, steps: int, T: int, H: int, seed: int) -> list[float]:
    """‖∂L/∂θ‖₂ of `steps` plain steps θ ← θ − lr·g, written out here from bptt.gradients."""
    p = rnn.init(2, H, 2, scheme="singular", scale=sigma_max, seed=seed)
    xs, ys = training.toy_task(T, 4, 2, 2, seed)
    norms = []
    for _ in range(steps):
        grads = bptt.gradients(p, xs, ys).params()
        flat = np.concatenate([g.ravel() for g in grads.values()])
        norms.append(math.sqrt(float(flat @ flat)))
        p = rnn.Params(**{k: v - lr * grads[k] for k, v in p.as_dict().items()})
    return norms


@pytest.mark.parametrize("statistic", ["mean", "median"])
@pytest.mark.parametrize("probe_steps", [1, 3, 6])
def test_typical_norm_is_recomputed_from_bptt_gradients(run, statistic, probe_steps):
    report = run(NAME, statistic=statistic, probe_steps=probe_steps)
    norms = _probe_norms(SIGMA_MAX, LR, probe_steps, T, H, seed=0)
    expected = np.mean(norms) if statistic == "mean" else np.median(norms)
    assert report.scalar("typical_norm") == pytest.approx(expected, rel=1e-10)
    assert report.scalar("first_norm") == pytest.approx(norms[0], rel=1e-12)
    for m in MULTIPLES:
        assert report.scalar(f"threshold_{multiple_label(m)}") == pytest.approx(m * expected)


def test_fraction_clipped_falls_as_the_multiple_grows_at_defaults(run):
    report = run(NAME)
    fractions = [report.scalar(f"fraction_clipped_{multiple_label(m)}") for m in MULTIPLES]
    assert all(a >= b for a, b in itertools.pairwise(fractions))
    assert fractions[0] > fractions[-1]
    assert fractions[0] == 1.0  # half the typical norm clips every step here


def test_exploding_setup_blows_up_unclipped_and_small_multiples_stay_bounded(run):
    report = run(NAME)
    initial = report.scalar("initial_loss")
    assert report.scalar("final_loss_unclipped") > 1e6 * initial
    assert report.scalar(f"final_loss_{multiple_label(0.5)}") < initial
    assert report.scalar(f"final_loss_{multiple_label(10.0)}") > initial


@pytest.mark.parametrize("seed", [0, 4])
def test_a_huge_threshold_is_exactly_the_unclipped_run(seed):
    params = {**DEFAULTS, "seed": seed}
    p = rnn.init(2, H, 2, scheme="singular", scale=SIGMA_MAX, seed=seed)
    xs, ys = training.toy_task(T, 4, 2, 2, seed)
    plain = training.train(p, xs, ys, steps=30, lr=LR)
    huge = training.train(p, xs, ys, steps=30, lr=LR, clip=1e300)
    np.testing.assert_array_equal(huge.losses, plain.losses)
    np.testing.assert_array_equal(huge.grad_norms, plain.grad_norms)
    report = registry.run(NAME, params)
    assert report.scalar("final_loss_unclipped") == float(plain.losses[-1])
    assert fraction_clipped(plain.grad_norms, 1e300) == 0.0


def test_helpers_on_hand_made_norms():
    norms = np.array([1.0, 2.0, 9.0, np.inf, np.nan])
    assert typical_norm(norms, "mean") == 4.0
    assert typical_norm(norms, "median") == 2.0
    assert math.isnan(typical_norm(np.array([np.nan]), "mean"))
    assert fraction_clipped(norms, 1.5) == pytest.approx(3 / 5)
    assert multiple_label(0.5) == "x0_5" and multiple_label(10.0) == "x10"


@pytest.mark.parametrize(
    "bad", [{"probe_steps": 0}, {"steps": 10_000}, {"statistic": "max"}, {"lr": "0.1"}]
)
def test_bad_params_are_refused(bad):
    with pytest.raises(registry.ParamError):
        registry.run(NAME, bad)
