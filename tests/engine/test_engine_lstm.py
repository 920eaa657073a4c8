"""The LSTM: BPTT against central differences and an independent forward-mode reference,
Jacobian norms against a finite-difference Jacobian, dtypes, overflow and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import gradcheck, lstm

LOSSES = ["mse", "xent"]


def make_problem(T=5, B=3, D=3, H=4, O=3, *, loss="mse", seed=0):  # noqa: E741
    """Random parameters (every bias non-zero), inputs, targets and non-zero h0, c0."""
    rng = np.random.default_rng(seed)
    p = lstm.Params(
        Wx=rng.standard_normal((4 * H, D)) / np.sqrt(D),
        Wh=rng.standard_normal((4 * H, H)) / np.sqrt(H),
        b=0.5 * rng.standard_normal(4 * H),
        V=rng.standard_normal((O, H)) / np.sqrt(H),
        c=0.1 * rng.standard_normal(O),
    )
    xs = rng.standard_normal((T, B, D))
    ys = rng.standard_normal((T, B, O)) if loss == "mse" else rng.integers(0, O, size=(T, B))
    h0 = 0.5 * rng.standard_normal((B, H))
    c0 = rng.standard_normal((B, H))
    return p, xs, ys, h0, c0


def tensors_of(p, h0, c0):
    return {**p.as_dict(), "h0": h0, "c0": c0}


def params_of(values):
    return lstm.Params(**{name: values[name] for name in lstm.PARAM_NAMES})


def central_differences(p, xs, ys, loss, h0, c0, eps=1e-6):
    """(L(θ + ε e_j) − L(θ − ε e_j)) / 2ε for every entry of every tensor."""
    base = tensors_of(p, h0, c0)
    result = {}
    for name, tensor in base.items():
        grad = np.zeros_like(tensor)
        for index in np.ndindex(tensor.shape):
            values = {**base, name: tensor.copy()}
            values[name][index] = tensor[index] + eps
            upper = lstm.sequence_loss(params_of(values), xs, ys, loss, values["h0"], values["c0"])
            values[name][index] = tensor[index] - eps
            lower = lstm.sequence_loss(params_of(values), xs, ys, loss, values["h0"], values["c0"])
            grad[index] = (upper - lower) / (2 * eps)
        result[name] = grad
    return result


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def directional_derivative(p, xs, ys, loss, h0, c0, tangent):
    """dL[v] by forward mode, written independently of the engine: the tangents
    (dh_t, dc_t) are pushed forward one step at a time by the chain rule of each equation."""
    zero = {name: np.zeros_like(value) for name, value in tensors_of(p, h0, c0).items()}
    v = {**zero, **tangent}
    h, c, dh, dc = h0, c0, v["h0"], v["c0"]
    total = 0.0
    for t in range(xs.shape[0]):
        z = xs[t] @ p.Wx.T + h @ p.Wh.T + p.b
        dz = xs[t] @ v["Wx"].T + h @ v["Wh"].T + dh @ p.Wh.T + v["b"]
        zi, zf, zg, zo = np.split(z, 4, axis=1)
        dzi, dzf, dzg, dzo = np.split(dz, 4, axis=1)
        i, f, g, o = sigmoid(zi), sigmoid(zf), np.tanh(zg), sigmoid(zo)
        di, df, dg, do = i * (1 - i) * dzi, f * (1 - f) * dzf, (1 - g**2) * dzg, o * (1 - o) * dzo
        c_next = f * c + i * g
        dc = df * c + f * dc + di * g + i * dg
        h = o * np.tanh(c_next)
        dh = do * np.tanh(c_next) + o * (1 - np.tanh(c_next) ** 2) * dc
        c = c_next
        y = h @ p.V.T + p.c
        dy = dh @ p.V.T + h @ v["V"].T + v["c"]
        if loss == "mse":
            total += np.sum((y - ys[t]) * dy)
        else:
            softmax = np.exp(y - y.max(axis=1, keepdims=True))
            softmax /= softmax.sum(axis=1, keepdims=True)
            softmax[np.arange(y.shape[0]), ys[t]] -= 1
            total += np.sum(softmax * dy)
    return total


def forward_mode_gradients(p, xs, ys, loss, h0, c0):
    """Every gradient entry as dL[e_j], one forward-mode pass per basis direction."""
    result = {}
    for name, tensor in tensors_of(p, h0, c0).items():
        grad = np.zeros_like(tensor)
        for index in np.ndindex(tensor.shape):
            direction = np.zeros_like(tensor)
            direction[index] = 1.0
            grad[index] = directional_derivative(p, xs, ys, loss, h0, c0, {name: direction})
        result[name] = grad
    return result


@pytest.mark.parametrize("loss", LOSSES)
def test_every_gradient_matches_central_differences(loss):
    p, xs, ys, h0, c0 = make_problem(loss=loss, seed=LOSSES.index(loss))
    g = lstm.gradients(p, xs, ys, loss=loss, h0=h0, c0=c0)
    numeric = central_differences(p, xs, ys, loss, h0, c0)
    errors = gradcheck.relative_errors(g.as_dict(), numeric)
    assert set(errors) == {"Wx", "Wh", "b", "V", "c", "h0", "c0"}
    assert max(errors.values()) < 1e-6, errors
    for name, value in numeric.items():
        assert np.linalg.norm(value) > 1e-3, f"{name} gradient is trivially small"
    assert g.loss == pytest.approx(lstm.sequence_loss(p, xs, ys, loss, h0, c0), rel=1e-14)
    assert g.finite and g.warnings == ()


@pytest.mark.parametrize("loss", LOSSES)
def test_every_gradient_equals_forward_mode(loss):
    p, xs, ys, h0, c0 = make_problem(T=4, loss=loss, seed=10 + LOSSES.index(loss))
    g = lstm.gradients(p, xs, ys, loss=loss, h0=h0, c0=c0)
    reference = forward_mode_gradients(p, xs, ys, loss, h0, c0)
    errors = gradcheck.relative_errors(g.as_dict(), reference)
    assert max(errors.values()) < 1e-10, errors


def test_smallest_shapes_match_central_differences():
    for loss in LOSSES:
        p, xs, ys, h0, c0 = make_problem(T=1, B=1, D=1, H=1, O=2, loss=loss, seed=3)
        g = lstm.gradients(p, xs, ys, loss, h0, c0)
        errors = gradcheck.relative_errors(
            g.as_dict(), central_differences(p, xs, ys, loss, h0, c0)
        )
        assert max(errors.values()) < 1e-6, (loss, errors)


@settings(max_examples=15, deadline=None)
@given(
    T=st.integers(1, 4),
    B=st.integers(1, 3),
    D=st.integers(1, 3),
    H=st.integers(1, 3),
    O=st.integers(1, 3),
    loss=st.sampled_from(LOSSES),
    seed=st.integers(0, 2**16),
)
def test_gradients_agree_with_forward_mode_for_any_shape(T, B, D, H, O, loss, seed):  # noqa: E741
    p, xs, ys, h0, c0 = make_problem(T, B, D, H, O, loss=loss, seed=seed)
    g = lstm.gradients(p, xs, ys, loss, h0, c0)
    rng = np.random.default_rng(seed + 1)
    for name, tensor in tensors_of(p, h0, c0).items():
        assert g.as_dict()[name].shape == tensor.shape
        direction = rng.standard_normal(tensor.shape)
        expected = directional_derivative(p, xs, ys, loss, h0, c0, {name: direction})
        got = float(np.sum(g.as_dict()[name] * direction))
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12), name


def test_forward_follows_the_cell_equations_step_by_step():
    p, xs, _, h0, c0 = make_problem(T=3, seed=5)
    fwd = lstm.forward(p, xs, h0, c0)
    H = 4
    h, c = h0, c0
    for t in range(3):
        z = xs[t] @ p.Wx.T + h @ p.Wh.T + p.b
        i, f, o = sigmoid(z[:, :H]), sigmoid(z[:, H : 2 * H]), sigmoid(z[:, 3 * H :])
        c = f * c + i * np.tanh(z[:, 2 * H : 3 * H])
        h = o * np.tanh(c)
        np.testing.assert_allclose(fwd.cs[t + 1], c, rtol=1e-13)
        np.testing.assert_allclose(fwd.hs[t + 1], h, rtol=1e-13)
        np.testing.assert_allclose(fwd.outs[t], h @ p.V.T + p.c, rtol=1e-13)


def final_states(p, xs, h, c, k):
    """(h_T, c_T) of batch item 0 after running the cell from (h_k, c_k) = (h, c)."""
    fwd = lstm.forward(p, xs[k:, :1], h[None], c[None])
    return fwd.hs[-1, 0], fwd.cs[-1, 0]


def test_jacobian_norms_match_a_finite_difference_jacobian():
    p, xs, _, h0, c0 = make_problem(T=6, H=3, seed=7)
    norms = lstm.jacobian_norms(p, xs, h0, c0)
    fwd = lstm.forward(p, xs[:, :1], h0[:1], c0[:1])
    T, H, eps = 6, 3, 1e-6
    assert norms["h"][T] == norms["c"][T] == 1.0
    for k in range(T):
        h_k, c_k = fwd.hs[k, 0], fwd.cs[k, 0]
        dh_dh = np.empty((H, H))
        dc_dc = np.empty((H, H))
        for j in range(H):
            step = np.zeros(H)
            step[j] = eps
            upper = final_states(p, xs, h_k + step, c_k, k)[0]
            lower = final_states(p, xs, h_k - step, c_k, k)[0]
            dh_dh[:, j] = (upper - lower) / (2 * eps)
            upper = final_states(p, xs, h_k, c_k + step, k)[1]
            lower = final_states(p, xs, h_k, c_k - step, k)[1]
            dc_dc[:, j] = (upper - lower) / (2 * eps)
        assert norms["h"][k] == pytest.approx(np.linalg.norm(dh_dh, 2), rel=1e-7)
        assert norms["c"][k] == pytest.approx(np.linalg.norm(dc_dc, 2), rel=1e-7)


def test_chunked_rescaled_product_equals_the_plain_product(monkeypatch):
    p, xs, _, h0, c0 = make_problem(T=23, H=2, seed=15)
    whole = lstm.jacobian_norms(p, xs, h0, c0)
    monkeypatch.setattr(lstm, "JACOBIAN_CHUNK", 5)
    chunked = lstm.jacobian_norms(p, xs, h0, c0)
    fwd = lstm.forward(p, xs[:, :1], h0[:1], c0[:1])
    steps = lstm.step_jacobians(p.Wh, fwd.gates[:, 0], fwd.cs[:-1, 0], fwd.tanh_c[:, 0])
    product, expected_h, expected_c = np.eye(4), [1.0], [1.0]
    for k in range(23, 0, -1):
        product = product @ steps[k - 1]
        expected_h.append(np.linalg.norm(product[:2, :2], 2))
        expected_c.append(np.linalg.norm(product[2:, 2:], 2))
    for norms in (whole, chunked):
        np.testing.assert_allclose(norms["h"], expected_h[::-1], rtol=1e-12)
        np.testing.assert_allclose(norms["c"], expected_c[::-1], rtol=1e-12)


def test_a_vanished_product_gives_exact_zeros():
    p, xs, _, h0, c0 = make_problem(T=6, H=2, seed=16)
    b = p.b.copy()
    b[2:4] = -1000.0  # σ(−1000) = 0: the forget gate is shut
    shut = lstm.Params(Wx=p.Wx, Wh=np.zeros_like(p.Wh), b=b, V=p.V, c=p.c)
    norms = lstm.jacobian_norms(shut, xs, h0, c0)
    np.testing.assert_array_equal(norms["c"], [0, 0, 0, 0, 0, 0, 1])
    np.testing.assert_array_equal(norms["h"], [0, 0, 0, 0, 0, 0, 1])


def test_without_recurrent_weights_the_cell_path_is_the_product_of_forget_gates():
    p, xs, _, h0, c0 = make_problem(T=8, seed=6)
    cut = lstm.Params(Wx=p.Wx, Wh=np.zeros_like(p.Wh), b=p.b, V=p.V, c=p.c)
    forget = lstm.forward(cut, xs, h0, c0).gates[:, 0, 4:8]  # f_1..f_T of batch item 0
    expected = [np.max(np.prod(forget[k:], axis=0)) for k in range(9)]  # ‖diag(Π f)‖₂
    np.testing.assert_allclose(lstm.jacobian_norms(cut, xs, h0, c0)["c"], expected, rtol=1e-12)


def test_forget_gate_near_one_carries_the_cell_gradient_and_near_zero_kills_it():
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((40, 1, 2))
    keep = lstm.jacobian_norms(lstm.init(2, 8, 1, seed=1, forget_bias=6.0), xs)
    drop = lstm.jacobian_norms(lstm.init(2, 8, 1, seed=1, forget_bias=-6.0), xs)
    assert keep["c"][0] > 0.5
    assert drop["c"][0] < 1e-30


@pytest.mark.parametrize("loss", LOSSES)
def test_float32_runs_stay_float32_and_close_to_float64(loss):
    p, xs, ys, h0, c0 = make_problem(T=20, loss=loss, seed=8)
    g64 = lstm.gradients(p, xs, ys, loss, h0, c0)
    g32 = lstm.gradients(p.astype(np.float32), xs, ys, loss, h0, c0)
    for name, value in g32.as_dict().items():
        assert value.dtype == np.float32, name
        assert gradcheck.relative_error(value, g64.as_dict()[name]) < 1e-5, name
    assert g32.finite and g32.loss == pytest.approx(g64.loss, rel=1e-5)
    norms = lstm.jacobian_norms(p.astype(np.float32), xs, h0, c0)
    np.testing.assert_allclose(norms["h"], lstm.jacobian_norms(p, xs, h0, c0)["h"], rtol=1e-4)


def test_caller_arrays_are_never_modified():
    p, xs, ys, h0, c0 = make_problem(seed=9)
    before = [a.copy() for a in (*p.as_dict().values(), xs, ys, h0, c0)]
    lstm.forward(p, xs, h0, c0)
    lstm.gradients(p, xs, ys, "mse", h0, c0)
    lstm.jacobian_norms(p, xs, h0, c0)
    after = (*p.as_dict().values(), xs, ys, h0, c0)
    for old, new in zip(before, after, strict=True):
        np.testing.assert_array_equal(old, new)


def test_float32_overflow_is_reported_not_raised():
    p, xs, ys, h0, c0 = make_problem(seed=12)
    huge = lstm.Params(Wx=p.Wx, Wh=p.Wh, b=p.b, V=p.V * 1e30, c=p.c).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = lstm.gradients(huge, xs, ys, "mse", h0, c0)
        norms = lstm.jacobian_norms(huge, np.full_like(xs, np.nan), h0, c0)
    assert not g.finite
    assert g.warnings and g.warnings[0].startswith("overflow: loss")
    assert np.isnan(norms["h"][0]) and norms["h"][-1] == 1.0


def test_a_huge_but_finite_gradient_is_reported_as_exploding():
    p, xs, ys, h0, c0 = make_problem(seed=13)
    big = lstm.Params(Wx=p.Wx, Wh=p.Wh, b=p.b, V=p.V * 1e6, c=p.c)
    g = lstm.gradients(big, xs, ys, "mse", h0, c0)
    assert g.finite and g.norm > 1e8
    assert g.warnings and g.warnings[0].startswith("exploding")


def test_init_is_seeded_and_sets_the_forget_bias():
    p = lstm.init(3, 5, 2, seed=4)
    assert lstm.init(3, 5, 2, seed=4).as_dict().keys() == p.as_dict().keys()
    for name, value in lstm.init(3, 5, 2, seed=4).as_dict().items():
        np.testing.assert_array_equal(value, p.as_dict()[name])
    assert not np.array_equal(lstm.init(3, 5, 2, seed=5).Wh, p.Wh)
    assert p.Wx.shape == (20, 3) and p.Wh.shape == (20, 5) and p.b.shape == (20,)
    assert p.sizes == (3, 5, 2)
    np.testing.assert_array_equal(p.b[5:10], 1.0)  # the forget block
    assert np.all(p.b[:5] == 0) and np.all(p.b[10:] == 0)
    assert np.max(np.abs(p.Wh)) <= 1 / np.sqrt(5)
    assert lstm.init(3, 5, 2, dtype=np.float32).dtype == np.float32


def test_chrono_init_spreads_forget_biases_and_mirrors_the_input_gate():
    p = lstm.init(2, 200, 1, seed=0, chrono=50)
    b_i, b_f = p.b[:200], p.b[200:400]
    assert np.all(b_f >= 0) and np.all(b_f <= np.log(49))
    assert b_f.std() > 0.3  # spread, not one value
    np.testing.assert_array_equal(b_i, -b_f)
    assert np.all(p.b[400:] == 0)
    with pytest.raises(ValueError, match="chrono"):
        lstm.init(2, 3, 1, chrono=1)


def test_bad_input_is_rejected_with_a_message():
    p, xs, ys, h0, c0 = make_problem(seed=14)
    with pytest.raises(ValueError, match="xs must have shape"):
        lstm.gradients(p, xs[..., :2], ys)
    with pytest.raises(ValueError, match="c0 must have shape"):
        lstm.gradients(p, xs, ys, "mse", h0, c0[:, :2])
    with pytest.raises(ValueError, match="unknown loss"):
        lstm.gradients(p, xs, ys, "hinge")
    with pytest.raises(ValueError, match="class ids must lie"):
        lstm.gradients(p, xs, np.full(xs.shape[:2], 3), "xent")
    with pytest.raises(ValueError, match=r"Params\.Wh"):
        lstm.Params(Wx=p.Wx, Wh=p.Wh[:, :3], b=p.b, V=p.V, c=p.c)
    with pytest.raises(ValueError, match="sizes"):
        lstm.init(0, 3, 1)
