"""Round-2 additions: δ_t by finite differences, weight tying, the immediate partial, clipping
rules and non-finite norms, RTRL cost, the orthogonal spectrum, the long-range truncation
regime. Each is checked against an independent reference (closed forms, finite differences,
the explicit double sum)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import bptt, rnn
from engine.experiments import chain_rule, clipping, complexity, rtrl_cost
from engine.experiments.bptt import numerical_deltas
from engine.experiments.common import (
    angle_deg,
    initial_state,
    relative_difference,
    seeded_problem,
)
from engine.report import Report

ACTIVATIONS = ["tanh", "sigmoid", "relu", "identity"]


def _round_trips(report: Report) -> None:
    text = report.to_json()
    assert Report.from_json(text).to_json() == text


# ---------------------------------------------------------------- 1. δ_t by finite differences


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("seed", [0, 3])
def test_worked_example_checks_every_delta_by_central_differences(run, activation, seed):
    report = run("bptt.worked_example", activation=activation, seed=seed, T=5, H=3)
    assert report.scalar("delta_max_relative_error") < 1e-6
    assert report.scalar("delta_max_abs_error") < 1e-8
    table = next(t for t in report.tables if t.title.startswith("δ_t checked"))
    assert [row[0] for row in table.rows] == [5, 4, 3, 2, 1, 0]  # every δ_t, t = T..0
    assert all(row[-1] < 1e-6 for row in table.rows)


def test_numerical_deltas_match_the_closed_form_for_one_step():
    """T = 1: δ_1 = Vᵀ(o_1 − y_1) and δ_0 = Wᵀ(f'(a_1) ⊙ δ_1), written out by hand."""
    p, xs, ys = seeded_problem(1, 3, 1, 1, seed=7, sigma_max=1.5)
    fwd = rnn.forward(p, xs, activation="tanh")
    numeric = numerical_deltas(p, xs, ys, fwd.hs, "tanh")
    delta1 = (p.V.T @ (fwd.outs[0, 0] - ys[0, 0])).ravel()
    delta0 = p.W.T @ ((1 - fwd.hs[1, 0] ** 2) * delta1)
    assert np.allclose(numeric[1, 0], delta1, rtol=1e-7, atol=1e-10)
    assert np.allclose(numeric[0, 0], delta0, rtol=1e-7, atol=1e-10)


def test_numerical_deltas_catch_a_recursion_without_the_recurrent_term():
    """The check can fail: δ_t = Vᵀe_t alone (dropping Wᵀε_{t+1}) is far from the FD δ_t."""
    p, xs, ys = seeded_problem(4, 3, 1, 1, seed=1, sigma_max=1.5)
    fwd = rnn.forward(p, xs, activation="tanh")
    numeric = numerical_deltas(p, xs, ys, fwd.hs, "tanh")
    local_only = (fwd.outs - ys) @ p.V  # (T, 1, H)
    assert relative_difference(local_only[:-1], numeric[1:-1]) > 0.05
    assert np.allclose(local_only[-1], numeric[-1], atol=1e-8)  # δ_T has no later step


# ---------------------------------------------------------------- 2. weight tying


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_untied_copies_sum_to_the_tied_gradient(run, activation):
    report = run("bptt.weight_tying", activation=activation, T=5, H=3, seed=2)
    assert report.scalar("max_abs_difference") < 1e-7
    assert report.scalar("relative_difference") < 1e-7
    assert report.scalar("per_step_max_abs_error") < 1e-7
    assert report.scalar("untied_loss_difference") < 1e-12
    assert report.scalar("sum_of_step_norms") >= report.scalar("tied_norm") * (1 - 1e-12)
    assert report.scalar("untied_parameter_count") == 5 * 9
    assert report.scalar("tied_parameter_count") == 9
    assert len(report.tables[0].rows) == 5


def test_last_copy_gradient_is_the_closed_form():
    """∂L/∂W_T = (f'(a_T) ⊙ Vᵀe_T) h_{T−1}ᵀ: only L_T depends on W_T (no recursion)."""
    T, H = 4, 3
    p, xs, ys = seeded_problem(T, H, 2, 2, seed=5, sigma_max=1.2)
    h0 = initial_state(H, 5)
    per_step = chain_rule.untied_gradients_fd(p, xs, ys, "tanh", h0)
    fwd = rnn.forward(p, xs, activation="tanh", h0=h0)
    eps_T = (1 - fwd.hs[T, 0] ** 2) * (p.V.T @ (fwd.outs[T - 1, 0] - ys[T - 1, 0]))
    assert np.allclose(per_step[T - 1], np.outer(eps_T, fwd.hs[T - 1, 0]), atol=1e-8)
    # and the copies really are separate: the first one gets a different gradient
    assert not np.allclose(per_step[0], per_step[T - 1], atol=1e-3)


def test_untied_network_with_equal_copies_is_the_tied_network():
    p, xs, ys = seeded_problem(6, 4, 2, 2, seed=0, sigma_max=1.0)
    h0 = initial_state(4, 0)
    tied = rnn.sequence_loss(p, xs, ys, activation="sigmoid", h0=h0)
    assert chain_rule.untied_loss(p, [p.W] * 6, xs, ys, "sigmoid", h0) == pytest.approx(
        tied, rel=1e-14
    )
    copies = [p.W.copy() for _ in range(6)]
    copies[5] = copies[5] + 0.1
    assert chain_rule.untied_loss(p, copies, xs, ys, "sigmoid", h0) != pytest.approx(tied)


# ---------------------------------------------------------------- 3. immediate partial


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_total_derivative_in_the_double_sum_is_wrong(run, activation):
    report = run("bptt.immediate_partial", activation=activation)
    assert report.scalar("relative_error_right_fd") < 1e-6
    assert report.scalar("relative_error_wrong") > 0.05
    assert report.scalar("relative_error_wrong_fd") > 0.05
    assert report.scalar("overcount_identity_error") < 1e-12
    assert report.scalar("sensitivity_fd_error") < 1e-8
    assert report.scalar("max_multiplicity") == 6


def test_immediate_and_total_partial_agree_for_one_step(run):
    report = run("bptt.immediate_partial", T=1)
    assert report.scalar("relative_error_wrong") < 1e-14  # S_1 = ∂⁺h_1/∂W since S_0 = 0


def test_forward_sensitivities_give_the_bptt_gradient():
    """Σ_t (∂L_t/∂h_t) S_t = dL/dW (forward mode) against the engine's BPTT."""
    T, H = 7, 3
    p, xs, ys = seeded_problem(T, H, 2, 2, seed=4, sigma_max=1.3)
    h0 = initial_state(H, 4)
    fwd = rnn.forward(p, xs, activation="tanh", h0=h0)
    fprime = rnn.ACTIVATIONS["tanh"].df_from_output(fwd.fa)
    S = chain_rule.state_sensitivities(fwd, p.W, fprime)
    direct = ((fwd.outs - ys) @ p.V)[:, 0]
    forward_mode = np.einsum("ti,tipq->pq", direct, S[1:])
    reverse = bptt.gradients(p, xs, ys, activation="tanh", h0=h0).W
    assert np.max(np.abs(forward_mode - reverse)) < 1e-12


# ---------------------------------------------------------------- 4. clipping rules


def _by_norm(run, **params):
    return run("clipping.by_norm", **params)


def test_norm_equal_to_max_norm_pytorch_scales_tensorflow_does_not(run):
    pytorch = _by_norm(run, max_norm=13.0)
    tensorflow = _by_norm(run, max_norm=13.0, rule="tensorflow")
    keras2 = _by_norm(run, max_norm=13.0, rule="keras2")
    assert pytorch.scalar("coefficient") == pytest.approx(13 / (13 + 1e-6), rel=1e-12)
    assert pytorch.scalar("was_clipped") == 1
    for report in (tensorflow, keras2):
        assert report.scalar("coefficient") == 1.0
        assert report.scalar("clipped_norm") == 13.0
        assert report.scalar("was_clipped") == 0
    expected = 1 - 13 / (13 + 1e-6)
    assert pytorch.scalar("coefficient_difference") == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("rule", ["tensorflow", "keras2"])
def test_epsilon_free_rules_clip_to_exactly_c(run, rule):
    report = _by_norm(run, rule=rule)  # ([3, 4], [12]), N = 13, c = 2
    assert report.scalar("coefficient") == pytest.approx(2 / 13, rel=1e-15)
    assert report.scalar("clipped_norm") == pytest.approx(2.0, rel=1e-15)
    assert report.scalar("cosine") == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize(
    ("norm", "c", "pytorch", "tensorflow", "keras2"),
    [
        (13.0, 2.0, 2 / (13 + 1e-6), 2 / 13, 2 / 13),
        (1.0, 1.0, 1 / (1 + 1e-6), 1.0, 1.0),
        (0.5, 1.0, 1.0, 1.0, 1.0),
        (math.inf, 1.0, 0.0, math.nan, 0.0),
        (math.nan, 1.0, math.nan, math.nan, 1.0),
    ],
)
def test_rule_coefficients(norm, c, pytorch, tensorflow, keras2):
    for rule, expected in (("pytorch", pytorch), ("tensorflow", tensorflow), ("keras2", keras2)):
        got = clipping.rule_coefficient(rule, norm, c)
        assert got == pytest.approx(expected, rel=1e-15, nan_ok=True), rule
    with pytest.raises(ValueError, match="unknown clipping rule"):
        clipping.rule_coefficient("caffe", 1.0, 1.0)


def test_infinite_norm_per_rule(run):
    pytorch = _by_norm(run, source="overflow")  # a = [inf, 4], b = [12]
    assert math.isinf(pytorch.scalar("total_norm"))
    assert pytorch.scalar("coefficient") == 0.0
    assert pytorch.scalar("nan_entries") == 1  # inf · 0
    assert pytorch.scalar("zeroed_entries") == 2  # the finite 4 and 12
    assert any("infinite" in w for w in pytorch.warnings)
    tensorflow = _by_norm(run, source="overflow", rule="tensorflow")
    assert tensorflow.scalar("nan_entries") == 3
    assert any("every entry to NaN" in w for w in tensorflow.warnings)
    keras2 = _by_norm(run, source="overflow", rule="keras2")
    assert (keras2.scalar("nan_entries"), keras2.scalar("zeroed_entries")) == (1, 2)
    for report in (pytorch, tensorflow, keras2):
        assert math.isnan(report.scalar("angle_deg"))
        _round_trips(report)


def test_nan_norm_per_rule(run):
    pytorch = _by_norm(run, source="nan")
    assert math.isnan(pytorch.scalar("total_norm"))
    assert pytorch.scalar("nan_entries") == 3
    assert any("NaN" in w for w in pytorch.warnings)
    assert _by_norm(run, source="nan", rule="tensorflow").scalar("nan_entries") == 3
    keras2 = _by_norm(run, source="nan", rule="keras2")
    assert keras2.scalar("coefficient") == 1.0  # NaN ≥ c is false: no clipping
    assert keras2.scalar("nan_entries") == 1
    assert any("does not clip" in w for w in keras2.warnings)
    _round_trips(keras2)


def test_nonfinite_sources_belong_to_by_norm_only(run):
    from engine import registry

    with pytest.raises(registry.ParamError, match="source"):
        run("clipping.per_tensor", source="overflow")
    with pytest.raises(registry.ParamError, match="rule"):
        run("clipping.by_norm", rule="caffe")


def test_angle_of_a_nan_cosine_is_nan():
    assert math.isnan(angle_deg(math.nan))
    assert angle_deg(1.0) == 0.0


# ---------------------------------------------------------------- 5. RTRL cost


def test_rtrl_cost_counts_memory_and_fits_slopes(run):
    report = run("complexity.rtrl_cost", H_max=32, bptt_H_max=64, T=4)
    assert report.scalar("rtrl_memory_floats") == 32 * (32 * 32 + 32 * 4 + 32)
    assert report.scalar("bptt_memory_floats") == (2 * 4 + 1) * 32
    assert 2.5 < report.scalar("rtrl_memory_slope") < 3.0
    assert 3.0 < report.scalar("rtrl_flop_slope") < 4.0
    assert 1.0 < report.scalar("bptt_flop_slope") < 2.0
    # timings are noisy: present, positive and finite, never compared with a target
    for name in ("rtrl_slope", "bptt_slope", "rtrl_slope_top", "bptt_slope_top"):
        assert math.isfinite(report.scalar(name))
    assert report.scalar("rtrl_ms_per_step") > 0 and report.scalar("bptt_ms_per_step") > 0
    assert [row[0] for row in report.tables[0].rows] == [8, 16, 32, 64]
    _round_trips(report)


def test_rtrl_cost_times_rtrl_sizes_with_bptt_too(run):
    report = run("complexity.rtrl_cost", H_max=64, bptt_H_max=64, T=4)
    assert [row[0] for row in report.tables[0].rows] == [8, 16, 32, 64]
    assert math.isfinite(report.scalar("time_ratio"))


def test_stable_fit_drops_the_overhead_dominated_points():
    sizes = [8, 16, 32, 64, 128]
    # Below 1 ms a constant overhead hides the cubic growth; above it the slope is 3.
    seconds = [2e-4, 2e-4, 1e-3 * 1, 8e-3, 64e-3]
    fit, used = complexity.stable_fit(sizes, seconds)
    assert used == 3 and fit.slope == pytest.approx(3.0)
    assert complexity.loglog_fit(sizes, seconds).slope < 2.5
    fit, used = complexity.stable_fit(sizes, [1e-5] * 5)  # nothing stable: the top three
    assert used == 3 and fit.slope == pytest.approx(0.0)


def test_memory_formulas():
    assert rtrl_cost.rtrl_memory_floats(8) == 8 * (64 + 32 + 8)
    assert rtrl_cost.bptt_memory_floats(10, 8) == 21 * 8
    assert complexity.loglog_fit([1, 2, 4, 8], [3, 12, 48, 192]).slope == pytest.approx(2.0)
    assert rtrl_cost.local_slope([32, 64], [1.0, 16.0]) == pytest.approx(4.0)


# ---------------------------------------------------------------- 6. orthogonal spectrum


@pytest.mark.parametrize(("H", "seed"), [(16, 0), (7, 3), (2, 1)])
def test_orthogonal_w_has_unit_singular_values_and_unit_circle_eigenvalues(run, H, seed):
    report = run("vanishing.init_compare", H=H, seed=seed, T=5)
    for name in ("sigma_min", "sigma_max", "abs_eig_min", "abs_eig_max"):
        assert report.scalar(f"orthogonal_{name}") == pytest.approx(1.0, abs=1e-12)
    complex_count = report.scalar("orthogonal_complex_eigs")
    assert complex_count % 2 == 0 and 0 <= complex_count <= H  # conjugate pairs
    Q = rnn.init(H, H, 1, scheme="orthogonal", scale=1.0, seed=seed).W
    real = np.sum(np.abs(np.linalg.eigvals(Q).imag) <= 1e-12)
    assert complex_count == H - real
    if H == 7:
        assert complex_count <= 6  # odd size: at least one real eigenvalue ±1


# ---------------------------------------------------------------- 7. truncation regime


def _windowed_reference(T: int, H: int, k: int, **regime) -> tuple[np.ndarray, np.ndarray]:
    """(windowed dL/dW from the explicit double sum, full dL/dW), same problem as the
    experiment (seed 0, D = O = 2, its h_0)."""
    p, xs, ys = seeded_problem(T, H, 2, 2, 0, **regime)
    h0 = initial_state(H, 0)
    terms = bptt.double_sum_terms(p, xs, ys, h0=h0)
    lag = np.subtract.outer(np.arange(T), np.arange(T))
    window = ((lag >= 0) & (lag < k))[:, :, None, None]
    return (terms * window).sum(axis=(0, 1)), terms.sum(axis=(0, 1))


def test_default_truncation_regime_is_unchanged(run):
    report = run("bptt.truncation")
    windowed, full = _windowed_reference(9, 4, 2, sigma_max=1.0)
    assert report.scalar("relative_error_W") == pytest.approx(
        relative_difference(windowed, full), rel=1e-9
    )
    assert report.title == "Truncated BPTT: T=9, H=4, tanh"


def test_long_range_regime_shows_a_large_truncation_bias(run):
    regime = {"scheme": "orthogonal", "input_scale": 0.3}
    default = {row[0]: row[1] for row in run("bptt.truncation").tables[0].rows}
    report = run("bptt.truncation", **regime)
    long_range = {row[0]: row[1] for row in report.tables[0].rows}
    assert long_range[1] > 0.5 and long_range[1] > 2 * default[1]
    assert long_range[2] > 2 * default[2]
    assert report.scalar("chunked_vs_window") > 0.1
    assert report.scalar("min_exact_k_W") == 9 and report.scalar("min_exact_k_h0") == 10
    for k in (1, 2, 4):
        windowed, full = _windowed_reference(9, 4, k, sigma_max=1.0, **regime)
        assert long_range[k] == pytest.approx(relative_difference(windowed, full), rel=1e-9)
