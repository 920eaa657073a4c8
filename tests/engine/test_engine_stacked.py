"""Stacked and bidirectional RNN gradients against central differences and plain BPTT."""

from __future__ import annotations

import numpy as np
import pytest

from engine import bptt, rnn, stacked

EPS = 1e-6


def _layers(L: int, D: int, H: int, O: int, seed: int) -> list[rnn.Params]:  # noqa: E741
    rng = np.random.default_rng(seed)
    layers = []
    for index in range(L):
        inputs = D if index == 0 else H
        layers.append(
            rnn.Params(
                U=rng.standard_normal((H, inputs)) / np.sqrt(inputs),
                W=rng.standard_normal((H, H)) / np.sqrt(H),
                V=rng.standard_normal((O, H)) / np.sqrt(H),
                b=0.1 * rng.standard_normal(H),
                c=0.1 * rng.standard_normal(O),
            )
        )
    return layers


def _numeric(loss_of, tensors: list[np.ndarray]) -> list[np.ndarray]:
    """Central differences of loss_of() with respect to every entry of every tensor."""
    out = []
    for tensor in tensors:
        grad = np.zeros_like(tensor)
        for index in np.ndindex(tensor.shape):
            keep = tensor[index]
            tensor[index] = keep + EPS
            upper = loss_of()
            tensor[index] = keep - EPS
            lower = loss_of()
            tensor[index] = keep
            grad[index] = (upper - lower) / (2 * EPS)
        out.append(grad)
    return out


def test_one_layer_stack_is_plain_bptt():
    layers = _layers(1, 3, 4, 2, seed=0)
    rng = np.random.default_rng(1)
    xs, ys = rng.standard_normal((6, 2, 3)), rng.standard_normal((6, 2, 2))
    value, grads = stacked.stacked_gradients(layers, xs, ys)
    reference = bptt.gradients(layers[0], xs, ys)
    assert value == pytest.approx(reference.loss)
    for name in ("U", "W", "V", "b", "c", "h0"):
        np.testing.assert_allclose(grads[0][name], getattr(reference, name), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("loss", ["mse", "xent"])
def test_three_layer_stack_against_central_differences(loss):
    layers = _layers(3, 2, 3, 3, seed=2)
    rng = np.random.default_rng(3)
    xs = rng.standard_normal((5, 2, 2))
    ys = rng.integers(0, 3, (5, 2)) if loss == "xent" else rng.standard_normal((5, 2, 3))
    _, grads = stacked.stacked_gradients(layers, xs, ys, loss=loss)
    names = ("U", "W", "b")
    tensors = [getattr(p, n) for p in layers for n in names] + [layers[-1].V, layers[-1].c]
    numeric = _numeric(lambda: stacked.stacked_gradients(layers, xs, ys, loss=loss)[0], tensors)
    analytic = [g[n] for g in grads for n in names] + [grads[-1]["V"], grads[-1]["c"]]
    for got, want in zip(analytic, numeric, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_bidirectional_against_central_differences():
    forward_layer, backward_layer = _layers(2, 2, 3, 2, seed=4)[0], _layers(1, 2, 3, 2, seed=5)[0]
    rng = np.random.default_rng(6)
    xs, ys = rng.standard_normal((5, 2, 2)), rng.standard_normal((5, 2, 2))
    _, g_fwd, g_bwd = stacked.bidirectional_gradients(forward_layer, backward_layer, xs, ys)
    names = ("U", "W", "b", "V")
    tensors = [getattr(forward_layer, n) for n in names] + [forward_layer.c]
    tensors += [getattr(backward_layer, n) for n in names] + [backward_layer.c]
    numeric = _numeric(
        lambda: stacked.bidirectional_gradients(forward_layer, backward_layer, xs, ys)[0], tensors
    )
    analytic = [g_fwd[n] for n in names] + [g_fwd["c"]] + [g_bwd[n] for n in names]
    analytic.append(g_bwd["c"])
    for got, want in zip(analytic, numeric, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
