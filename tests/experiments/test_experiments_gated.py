"""The gated-cell experiments compute what their reports claim."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from engine import gru, lstm, registry
from engine.experiments import gated


def _table_column(report, column: str) -> list:
    table = report.tables[0]
    index = table.columns.index(column)
    return [row[index] for row in table.rows]


def test_reach_is_the_last_lag_before_the_norm_first_drops_below():
    # norms are indexed by k = 0..T: lag T − k; here lags 0..4 hold 1, .5, .1, .01, .5
    norms = np.array([0.5, 0.01, 0.1, 0.5, 1.0])
    assert gated.reach(norms, 0.05) == 2  # lag 3 (0.01) breaks the run; lag 4 does not count
    assert gated.reach(norms, 1e-3) == 4  # never below: the whole sequence
    assert gated.reach(np.array([np.nan, 1.0]), 0.5) == 0  # NaN counts as below


def test_gate_product_norms_of_constant_gates_are_powers():
    gates = np.tile([0.5, 0.9], (6, 1))  # T = 6, two units; the larger one dominates
    expected = 0.9 ** np.arange(6, -1, -1)
    np.testing.assert_allclose(gated.gate_product_norms(gates), expected, rtol=1e-14)


def test_forget_gates_without_recurrence_are_the_input_gates_directly():
    p = lstm.init(4, 3, 1, seed=2)
    p = dataclasses.replace(p, Wh=np.zeros_like(p.Wh))
    xs = np.random.default_rng(0).standard_normal((5, 1, 4))
    expected = 1 / (1 + np.exp(-(xs[:, 0] @ p.Wx[3:6].T + p.b[3:6])))
    np.testing.assert_allclose(gated.forget_gates(p, xs), expected, rtol=1e-12)


def test_update_gates_without_recurrence_are_the_input_gates_directly():
    p = gru.init(4, 3, 1, seed=2)
    p = dataclasses.replace(p, Wh=np.zeros_like(p.Wh))
    xs = np.random.default_rng(0).standard_normal((5, 1, 4))
    expected = 1 / (1 + np.exp(-(xs[:, 0] @ p.Wx[3:6].T + p.bx[3:6] + p.bh[3:6])))
    np.testing.assert_allclose(gated.update_gates(p, xs), expected, rtol=1e-12)


@pytest.mark.parametrize("forget_bias", [-2.0, 1.0, 4.0])
def test_without_recurrent_weights_the_cell_path_is_the_forget_gate_product(forget_bias):
    report = registry.run("gated.lstm_vs_rnn", {"forget_bias": forget_bias, "wh_scale": 0.0})
    assert report.scalar("forget_product_agreement_lag") == 50  # every lag, default T
    assert report.scalar("cell_to_product_ratio_at_max_lag") == pytest.approx(1, rel=1e-9)
    assert report.scalar("lstm_c_norm_at_max_lag") == pytest.approx(
        report.scalar("forget_product_at_max_lag"), rel=1e-9
    )


def test_paths_through_h_add_to_the_forget_gate_product_at_long_lags():
    report = registry.run("gated.lstm_vs_rnn")
    assert report.scalar("cell_product_gap_at_lag_1") < 1e-12  # one step: exactly diag(f_T)
    assert report.scalar("cell_to_product_ratio_at_max_lag") > 2
    assert 1 <= report.scalar("forget_product_agreement_lag") < 50


def test_open_forget_gates_outlast_the_elman_network():
    report = registry.run("gated.lstm_vs_rnn", {"forget_bias": 4.0, "T": 100})
    assert report.scalar("lstm_c_reach") == 100
    assert report.scalar("elman_reach") < 50
    assert report.scalar("lstm_c_norm_at_max_lag") > 1e3 * report.scalar("elman_norm_at_max_lag")
    assert 0.95 < report.scalar("mean_forget_gate") < 1


def test_forget_bias_sweep_reaches():
    report = registry.run("gated.forget_bias")
    assert report.scalar("reach_bias_plus_4") > 40 > report.scalar("reach_bias_minus_4")
    assert report.scalar("reach_bias_minus_4") < 10  # vanishes within a few steps
    reaches = _table_column(report, "reach")
    assert reaches == sorted(reaches)  # more open forget gates never shorten the reach
    means = _table_column(report, "mean f")
    assert means == sorted(means) and 0 < means[0] < 0.05 and 0.95 < means[-1] < 1
    assert report.scalar("mean_forget_bias_plus_4") == means[-1]
    # At b_f = +4 the paths through h make the norm grow past 1; the report says so.
    assert _table_column(report, "‖∂c_T/∂c_0‖ (lag 50)")[-1] > 1
    assert any("do not rule out exploding" in step for step in report.steps)


def test_update_gate_sweep_reaches():
    report = registry.run("gated.gru_update_gate", {"T": 100})
    means = _table_column(report, "mean z")
    assert means == sorted(means)
    assert report.scalar("mean_z_bias_plus_4") > 0.95 > 0.05 > report.scalar("mean_z_bias_minus_4")
    assert report.scalar("reach_bias_plus_4") > 40 > report.scalar("reach_bias_minus_4")
    # The direct path z_t ⊙ h_{t−1} is the leaky unit: its reach grows with z too.
    leaky = _table_column(report, "reach of Π z")
    assert leaky == sorted(leaky) and leaky[-1] > 40


@pytest.mark.parametrize("loss", ["mse", "xent"])
def test_gated_gradients_match_central_differences(loss):
    report = registry.run("gated.gradcheck", {"loss": loss, "T": 5, "H": 4})
    assert report.scalar("worst_relative_error") < 1e-6
    errors = _table_column(report, "relative error")
    assert len(errors) == 7 + 7  # LSTM: Wx Wh b V c h0 c0; GRU: Wx Wh bx bh V c h0
    assert max(errors) == report.scalar("worst_relative_error")
    assert all(norm > 0 for norm in _table_column(report, "‖analytic‖"))


def test_gradcheck_catches_a_wrong_gradient(monkeypatch):
    right = lstm.gradients

    def wrong(*args, **kwargs):
        g = right(*args, **kwargs)
        return dataclasses.replace(g, Wh=g.Wh * 1.01)

    monkeypatch.setattr(lstm, "gradients", wrong)
    report = registry.run("gated.gradcheck")
    assert report.scalar("lstm_relative_error_Wh") > 1e-3
    assert report.scalar("gru_worst_relative_error") < 1e-6


def test_bad_parameters_are_refused():
    with pytest.raises(registry.ParamError, match="threshold"):
        registry.run("gated.forget_bias", {"threshold": 0.0})
    with pytest.raises(registry.ParamError, match="loss"):
        registry.run("gated.gradcheck", {"loss": "hinge"})
    with pytest.raises(registry.ParamError, match="forget_bias"):
        registry.run("gated.lstm_vs_rnn", {"forget_bias": "4"})
