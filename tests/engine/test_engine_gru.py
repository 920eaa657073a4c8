"""The GRU: BPTT against central differences and an independent forward-mode reference,
Jacobian norms against a finite-difference Jacobian, dtypes, overflow and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import gradcheck, gru, lstm

LOSSES = ["mse", "xent"]


def make_problem(T=5, B=3, D=3, H=4, O=3, *, loss="mse", seed=0):  # noqa: E741
    """Random parameters (every bias non-zero), inputs, targets and a non-zero h0."""
    rng = np.random.default_rng(seed)
    p = gru.Params(
        Wx=rng.standard_normal((3 * H, D)) / np.sqrt(D),
        Wh=rng.standard_normal((3 * H, H)) / np.sqrt(H),
        bx=0.5 * rng.standard_normal(3 * H),
        bh=0.5 * rng.standard_normal(3 * H),
        V=rng.standard_normal((O, H)) / np.sqrt(H),
        c=0.1 * rng.standard_normal(O),
    )
    xs = rng.standard_normal((T, B, D))
    ys = rng.standard_normal((T, B, O)) if loss == "mse" else rng.integers(0, O, size=(T, B))
    h0 = 0.5 * rng.standard_normal((B, H))
    return p, xs, ys, h0


def tensors_of(p, h0):
    return {**p.as_dict(), "h0": h0}


def params_of(values):
    return gru.Params(**{name: values[name] for name in gru.PARAM_NAMES})


def central_differences(p, xs, ys, loss, h0, eps=1e-6):
    """(L(θ + ε e_j) − L(θ − ε e_j)) / 2ε for every entry of every tensor."""
    base = tensors_of(p, h0)
    result = {}
    for name, tensor in base.items():
        grad = np.zeros_like(tensor)
        for index in np.ndindex(tensor.shape):
            values = {**base, name: tensor.copy()}
            values[name][index] = tensor[index] + eps
            upper = gru.sequence_loss(params_of(values), xs, ys, loss, values["h0"])
            values[name][index] = tensor[index] - eps
            lower = gru.sequence_loss(params_of(values), xs, ys, loss, values["h0"])
            grad[index] = (upper - lower) / (2 * eps)
        result[name] = grad
    return result


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def directional_derivative(p, xs, ys, loss, h0, tangent):
    """dL[v] by forward mode, written independently of the engine: the tangent dh_t is
    pushed forward one step at a time by the chain rule of each equation."""
    zero = {name: np.zeros_like(value) for name, value in tensors_of(p, h0).items()}
    v = {**zero, **tangent}
    h, dh = h0, v["h0"]
    total = 0.0
    for t in range(xs.shape[0]):
        ax = xs[t] @ p.Wx.T + p.bx
        dax = xs[t] @ v["Wx"].T + v["bx"]
        ah = h @ p.Wh.T + p.bh
        dah = h @ v["Wh"].T + dh @ p.Wh.T + v["bh"]
        (ax_r, ax_z, ax_n), (dax_r, dax_z, dax_n) = np.split(ax, 3, 1), np.split(dax, 3, 1)
        (ah_r, ah_z, ah_n), (dah_r, dah_z, dah_n) = np.split(ah, 3, 1), np.split(dah, 3, 1)
        r, z = sigmoid(ax_r + ah_r), sigmoid(ax_z + ah_z)
        dr, dz = r * (1 - r) * (dax_r + dah_r), z * (1 - z) * (dax_z + dah_z)
        n = np.tanh(ax_n + r * ah_n)
        dn = (1 - n**2) * (dax_n + dr * ah_n + r * dah_n)
        h, dh = (1 - z) * n + z * h, -dz * n + (1 - z) * dn + dz * h + z * dh
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


def forward_mode_gradients(p, xs, ys, loss, h0):
    """Every gradient entry as dL[e_j], one forward-mode pass per basis direction."""
    result = {}
    for name, tensor in tensors_of(p, h0).items():
        grad = np.zeros_like(tensor)
        for index in np.ndindex(tensor.shape):
            direction = np.zeros_like(tensor)
            direction[index] = 1.0
            grad[index] = directional_derivative(p, xs, ys, loss, h0, {name: direction})
        result[name] = grad
    return result


@pytest.mark.parametrize("loss", LOSSES)
def test_every_gradient_matches_central_differences(loss):
    p, xs, ys, h0 = make_problem(loss=loss, seed=LOSSES.index(loss))
    g = gru.gradients(p, xs, ys, loss=loss, h0=h0)
    numeric = central_differences(p, xs, ys, loss, h0)
    errors = gradcheck.relative_errors(g.as_dict(), numeric)
    assert set(errors) == {"Wx", "Wh", "bx", "bh", "V", "c", "h0"}
    assert max(errors.values()) < 1e-6, errors
    for name, value in numeric.items():
        assert np.linalg.norm(value) > 1e-3, f"{name} gradient is trivially small"
    assert g.loss == pytest.approx(gru.sequence_loss(p, xs, ys, loss, h0), rel=1e-14)
    assert g.finite and g.warnings == ()


@pytest.mark.parametrize("loss", LOSSES)
def test_every_gradient_equals_forward_mode(loss):
    p, xs, ys, h0 = make_problem(T=4, loss=loss, seed=10 + LOSSES.index(loss))
    g = gru.gradients(p, xs, ys, loss=loss, h0=h0)
    reference = forward_mode_gradients(p, xs, ys, loss, h0)
    errors = gradcheck.relative_errors(g.as_dict(), reference)
    assert max(errors.values()) < 1e-10, errors


def test_smallest_shapes_match_central_differences():
    for loss in LOSSES:
        p, xs, ys, h0 = make_problem(T=1, B=1, D=1, H=1, O=2, loss=loss, seed=3)
        g = gru.gradients(p, xs, ys, loss, h0)
        errors = gradcheck.relative_errors(g.as_dict(), central_differences(p, xs, ys, loss, h0))
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
    p, xs, ys, h0 = make_problem(T, B, D, H, O, loss=loss, seed=seed)
    g = gru.gradients(p, xs, ys, loss, h0)
    rng = np.random.default_rng(seed + 1)
    for name, tensor in tensors_of(p, h0).items():
        assert g.as_dict()[name].shape == tensor.shape
        direction = rng.standard_normal(tensor.shape)
        expected = directional_derivative(p, xs, ys, loss, h0, {name: direction})
        got = float(np.sum(g.as_dict()[name] * direction))
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12), name


def test_forward_follows_the_cell_equations_step_by_step():
    p, xs, _, h0 = make_problem(T=3, seed=5)
    fwd = gru.forward(p, xs, h0)
    H = 4
    h = h0
    for t in range(3):
        ax = xs[t] @ p.Wx.T + p.bx
        ah = h @ p.Wh.T + p.bh
        r = sigmoid(ax[:, :H] + ah[:, :H])
        z = sigmoid(ax[:, H : 2 * H] + ah[:, H : 2 * H])
        n = np.tanh(ax[:, 2 * H :] + r * ah[:, 2 * H :])
        h = (1 - z) * n + z * h
        np.testing.assert_allclose(fwd.hs[t + 1], h, rtol=1e-13)
        np.testing.assert_allclose(fwd.outs[t], h @ p.V.T + p.c, rtol=1e-13)


def test_jacobian_norms_match_a_finite_difference_jacobian():
    p, xs, _, h0 = make_problem(T=6, H=3, seed=7)
    norms = gru.jacobian_norms(p, xs, h0)
    fwd = gru.forward(p, xs[:, :1], h0[:1])
    T, H, eps = 6, 3, 1e-6
    assert norms.shape == (T + 1,) and norms[T] == 1.0
    for k in range(T):
        jacobian = np.empty((H, H))
        for j in range(H):
            step = np.zeros(H)
            step[j] = eps
            upper = gru.forward(p, xs[k:, :1], (fwd.hs[k, 0] + step)[None]).hs[-1, 0]
            lower = gru.forward(p, xs[k:, :1], (fwd.hs[k, 0] - step)[None]).hs[-1, 0]
            jacobian[:, j] = (upper - lower) / (2 * eps)
        assert norms[k] == pytest.approx(np.linalg.norm(jacobian, 2), rel=1e-7)


def test_chunked_rescaled_product_equals_the_plain_product(monkeypatch):
    p, xs, _, h0 = make_problem(T=23, H=2, seed=15)
    whole = gru.jacobian_norms(p, xs, h0)
    monkeypatch.setattr(lstm, "JACOBIAN_CHUNK", 5)
    chunked = gru.jacobian_norms(p, xs, h0)
    fwd = gru.forward(p, xs[:, :1], h0[:1])
    steps = gru.step_jacobians(p.Wh, fwd.gates[:, 0], fwd.hs[:-1, 0], fwd.recurrent_n[:, 0])
    product, expected = np.eye(2), [1.0]
    for k in range(23, 0, -1):
        product = product @ steps[k - 1]
        expected.append(np.linalg.norm(product, 2))
    np.testing.assert_allclose(whole, expected[::-1], rtol=1e-12)
    np.testing.assert_allclose(chunked, expected[::-1], rtol=1e-12)


def test_without_recurrent_weights_the_jacobian_is_the_product_of_update_gates():
    p, xs, _, h0 = make_problem(T=8, seed=6)
    cut = gru.Params(Wx=p.Wx, Wh=np.zeros_like(p.Wh), bx=p.bx, bh=p.bh, V=p.V, c=p.c)
    update = gru.forward(cut, xs, h0).gates[:, 0, 4:8]  # z_1..z_T of batch item 0
    expected = [np.max(np.prod(update[k:], axis=0)) for k in range(9)]  # ‖diag(Π z)‖₂
    np.testing.assert_allclose(gru.jacobian_norms(cut, xs, h0), expected, rtol=1e-12)


def test_update_gate_near_one_carries_the_gradient_and_near_zero_does_not():
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((40, 1, 2))
    leaky = gru.jacobian_norms(gru.init(2, 8, 1, seed=1, update_bias=6.0), xs)
    fresh = gru.jacobian_norms(gru.init(2, 8, 1, seed=1, update_bias=-6.0), xs)
    assert leaky[0] > 0.5
    assert fresh[0] < 1e-6


@pytest.mark.parametrize("loss", LOSSES)
def test_float32_runs_stay_float32_and_close_to_float64(loss):
    p, xs, ys, h0 = make_problem(T=20, loss=loss, seed=8)
    g64 = gru.gradients(p, xs, ys, loss, h0)
    g32 = gru.gradients(p.astype(np.float32), xs, ys, loss, h0)
    for name, value in g32.as_dict().items():
        assert value.dtype == np.float32, name
        assert gradcheck.relative_error(value, g64.as_dict()[name]) < 1e-5, name
    assert g32.finite and g32.loss == pytest.approx(g64.loss, rel=1e-5)
    norms32 = gru.jacobian_norms(p.astype(np.float32), xs, h0)
    np.testing.assert_allclose(norms32, gru.jacobian_norms(p, xs, h0), rtol=1e-4)


def test_caller_arrays_are_never_modified():
    p, xs, ys, h0 = make_problem(seed=9)
    before = [a.copy() for a in (*p.as_dict().values(), xs, ys, h0)]
    gru.forward(p, xs, h0)
    gru.gradients(p, xs, ys, "mse", h0)
    gru.jacobian_norms(p, xs, h0)
    after = (*p.as_dict().values(), xs, ys, h0)
    for old, new in zip(before, after, strict=True):
        np.testing.assert_array_equal(old, new)


def test_float32_overflow_is_reported_not_raised():
    p, xs, ys, h0 = make_problem(seed=12)
    huge = gru.Params(Wx=p.Wx, Wh=p.Wh, bx=p.bx, bh=p.bh, V=p.V * 1e30, c=p.c)
    huge = huge.astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = gru.gradients(huge, xs, ys, "mse", h0)
        norms = gru.jacobian_norms(huge, np.full_like(xs, np.nan), h0)
    assert not g.finite
    assert g.warnings and g.warnings[0].startswith("overflow: loss")
    assert np.isnan(norms[0]) and norms[-1] == 1.0


def test_a_huge_but_finite_gradient_is_reported_as_exploding():
    p, xs, ys, h0 = make_problem(seed=13)
    big = gru.Params(Wx=p.Wx, Wh=p.Wh, bx=p.bx, bh=p.bh, V=p.V * 1e6, c=p.c)
    g = gru.gradients(big, xs, ys, "mse", h0)
    assert g.finite and g.norm > 1e8
    assert g.warnings and g.warnings[0].startswith("exploding")


def test_init_is_seeded_and_sets_the_update_bias():
    p = gru.init(3, 5, 2, seed=4, update_bias=2.0)
    for name, value in gru.init(3, 5, 2, seed=4, update_bias=2.0).as_dict().items():
        np.testing.assert_array_equal(value, p.as_dict()[name])
    assert not np.array_equal(gru.init(3, 5, 2, seed=5).Wh, p.Wh)
    assert p.Wx.shape == (15, 3) and p.Wh.shape == (15, 5) and p.bh.shape == (15,)
    assert p.sizes == (3, 5, 2)
    np.testing.assert_array_equal(p.bx[5:10], 2.0)  # the update block
    assert np.all(p.bx[:5] == 0) and np.all(p.bx[10:] == 0) and np.all(p.bh == 0)
    assert np.all(gru.init(3, 5, 2).bx == 0)
    assert np.max(np.abs(p.Wh)) <= 1 / np.sqrt(5)
    assert gru.init(3, 5, 2, dtype=np.float32).dtype == np.float32


def test_chrono_init_spreads_the_update_biases():
    p = gru.init(2, 200, 1, seed=0, chrono=50)
    b_z = p.bx[200:400]
    assert np.all(b_z >= 0) and np.all(b_z <= np.log(49))
    assert b_z.std() > 0.3
    with pytest.raises(ValueError, match="chrono"):
        gru.init(2, 3, 1, chrono=1.5)


def test_bad_input_is_rejected_with_a_message():
    p, xs, ys, h0 = make_problem(seed=14)
    with pytest.raises(ValueError, match="xs must have shape"):
        gru.gradients(p, xs[..., :2], ys)
    with pytest.raises(ValueError, match="h0 must have shape"):
        gru.gradients(p, xs, ys, "mse", h0[:, :2])
    with pytest.raises(ValueError, match="unknown loss"):
        gru.gradients(p, xs, ys, "hinge")
    with pytest.raises(ValueError, match="mse targets"):
        gru.gradients(p, xs, ys[..., :2], "mse")
    with pytest.raises(ValueError, match=r"Params\.bh"):
        gru.Params(Wx=p.Wx, Wh=p.Wh, bx=p.bx, bh=p.bh[:3], V=p.V, c=p.c)
    with pytest.raises(ValueError, match="sizes"):
        gru.init(2, 0, 1)
