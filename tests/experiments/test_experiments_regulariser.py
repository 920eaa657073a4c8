"""vanishing.pascanu_regulariser computes Pascanu et al.'s Ω from explicit Jacobians."""

from __future__ import annotations

import numpy as np
import pytest

from engine import registry, rnn
from engine.experiments.common import inputs, mse_targets
from engine.experiments.regulariser import omega, step_ratios
from engine.registry import ParamError

NAME = "vanishing.pascanu_regulariser"


def _explicit_omega(p: rnn.Params, xs: np.ndarray, ys: np.ndarray, activation: str) -> float:
    """Ω from scratch: forward pass, δ_t = ∂L_t/∂h_t + δ_{t+1} J_{t+1} (MSE, L = ½Σ‖o − y‖²
    per step), and every Jacobian J_m = diag(f'(a_m)) W formed as a full matrix."""
    act = rnn.get_activation(activation)
    T = xs.shape[0]
    h = [np.zeros(p.W.shape[0])]  # h_0 = 0
    for t in range(T):
        a = p.U @ xs[t, 0] + p.W @ h[-1] + p.b
        h.append(act.f(a))
    jac = [np.diag(act.df_from_output(h[m + 1])) @ p.W for m in range(T)]  # J_1..J_T
    direct = [(p.V @ h[t + 1] + p.c - ys[t, 0]) @ p.V for t in range(T)]
    delta = [np.zeros(0)] * (T + 1)
    delta[T] = direct[T - 1]
    for t in range(T - 1, 0, -1):
        delta[t] = direct[t - 1] + delta[t + 1] @ jac[t]
    total = 0.0
    for k in range(T):  # the pair (k + 1, k)
        d = delta[k + 1]
        total += float((np.linalg.norm(d @ jac[k]) / np.linalg.norm(d) - 1.0) ** 2)
    return total


def _report(**params):
    return registry.run(NAME, params)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "identity"])
@pytest.mark.parametrize("sigma", [0.5, 1.0, 1.5])
def test_omega_matches_a_loop_over_explicit_jacobians(activation, sigma):
    T, H, seed = 12, 5, 3
    report = _report(activation=activation, sigma_low=sigma, T=T, H=H, seed=seed, input_scale=0.7)
    p = rnn.init(H, H, 1, scheme="orthogonal", scale=sigma, seed=seed)
    xs, ys = inputs(T, 1, H, seed, 0.7), mse_targets(T, 1, 1, seed)
    expected = _explicit_omega(p, xs, ys, activation)
    assert report.scalar("omega_low") == pytest.approx(expected, rel=1e-10)
    assert omega(step_ratios(p, xs, ys, activation)) == pytest.approx(expected, rel=1e-10)


def test_orthogonal_w_with_identity_activation_gives_omega_zero():
    report = _report(activation="identity", sigma_low=0.5, sigma_mid=1.0, sigma_high=2.0, T=40)
    assert report.scalar("omega_mid") == pytest.approx(0.0, abs=1e-20)
    assert report.scalar("mean_ratio_mid") == pytest.approx(1.0, rel=1e-12)
    # every ratio is σ exactly, so Ω = T (σ − 1)²
    assert report.scalar("omega_low") == pytest.approx(40 * 0.25, rel=1e-12)
    assert report.scalar("omega_high") == pytest.approx(40 * 1.0, rel=1e-12)
    assert report.scalar("mean_ratio_high") == pytest.approx(2.0, rel=1e-12)


def test_omega_grows_away_from_the_ratio_one_regime_with_tanh():
    # tanh shrinks f' below 1, so the ratio reaches 1 only above σ_max = 1
    defaults = _report()
    assert (
        defaults.scalar("omega_low") > defaults.scalar("omega_mid") > defaults.scalar("omega_high")
    )
    assert defaults.scalar("mean_ratio_low") < defaults.scalar("mean_ratio_mid") < 1
    assert defaults.scalar("mean_ratio_high") == pytest.approx(1.0, abs=0.05)
    beyond = _report(sigma_low=1.5, sigma_mid=2.0, sigma_high=3.0)
    assert beyond.scalar("omega_low") < beyond.scalar("omega_mid") < beyond.scalar("omega_high")
    assert beyond.scalar("mean_ratio_high") > 1


def test_ratio_is_undefined_where_the_error_signal_is_zero():
    p = rnn.init(3, 3, 1, scheme="orthogonal", seed=0)
    xs = inputs(4, 1, 3, 0)
    ys = np.zeros((4, 1, 1))
    zero_v = rnn.Params(**{**p.as_dict(), "V": np.zeros_like(p.V)})
    ratios = step_ratios(zero_v, xs, ys, "tanh")
    assert np.all(np.isnan(ratios))
    assert omega(ratios) == 0.0


def test_table_lists_the_three_settings():
    report = _report()
    table = report.tables[0]
    assert [row[0] for row in table.rows] == ["low", "mid", "high"]
    assert [row[1] for row in table.rows] == [0.5, 1.0, 1.5]


@pytest.mark.parametrize(
    "params", [{"T": 201}, {"H": 65}, {"sigma_high": 4.5}, {"T": "60"}, {"activation": "gelu"}]
)
def test_out_of_range_params_are_refused(params):
    with pytest.raises(ParamError):
        registry.run(NAME, params)
