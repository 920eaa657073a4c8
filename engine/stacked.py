"""Stacked (deep) and bidirectional Elman RNNs: forward pass and exact BPTT.

Stacked, layers l = 1..L, h⁰_t = x_t (Goodfellow et al. ch. 10.5):

    hˡ_t = f(hˡ⁻¹_t Uₗᵀ + hˡ_{t−1} Wₗᵀ + bₗ),   o_t = hᴸ_t V_Lᵀ + c_L

Bidirectional (ch. 10.3): a forward layer over x_1..x_T and a backward layer over
x_T..x_1, read out together: o_t = h→_t V→ᵀ + h←_t V←ᵀ + c→ (the backward layer's c is
unused, its gradient zero).

Backward through a layer given upstream G_t = ∂L/∂h_t (from the loss or the layer above):
Δ_t = G_t + Ε_{t+1} W, Ε_t = f'(a_t) ⊙ Δ_t, dU = Σ Ε_tᵀ x_t, dW = Σ Ε_tᵀ h_{t−1},
db = Σ Ε_t, and ∂L/∂x_t = Ε_t U, the upstream of the layer below.
"""

from __future__ import annotations

import numpy as np

from engine import bptt, rnn
from engine.rnn import Params


def layer_backward(
    p: Params, fwd: rnn.Forward, xs: np.ndarray, upstream: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """(dU, dW, db, dh0 of one layer, ∂L/∂x_t for every t) from G_t = `upstream`."""
    act = rnn.get_activation(fwd.activation)
    run = bptt.backward_pass(fwd, act, xs, upstream.copy())
    _, eps, dh0 = bptt.recursion(p.W, run)
    T, B, D = xs.shape
    H = p.sizes[1]
    flat = eps.reshape(T * B, H)
    grads = {
        "U": flat.T @ xs.reshape(T * B, D),
        "W": flat.T @ fwd.hs[:-1].reshape(T * B, H),
        "b": flat.sum(axis=0),
        "h0": dh0,
    }
    return grads, (flat @ p.U).reshape(T, B, D)


def _readout_gradients(err: np.ndarray, hs: np.ndarray) -> dict[str, np.ndarray]:
    """dV = Σ E_tᵀ h_t, dc = Σ E_t for a readout o_t = h_t Vᵀ + c."""
    T, B, n_out = err.shape
    H = hs.shape[-1]
    flat = err.reshape(T * B, n_out)
    return {"V": flat.T @ hs.reshape(T * B, H), "c": flat.sum(axis=0)}


def stacked_gradients(
    layers: list[Params], xs: object, ys: object, activation: str = "tanh", loss: str = "mse"
) -> tuple[float, list[dict[str, np.ndarray]]]:
    """(L, per-layer gradients) of a stack; only the top layer's V and c are used (the
    lower layers' dV and dc are zero). h0 = 0 in every layer."""
    inputs = rnn.check_inputs(layers[0], xs)[0]
    T, B, _ = inputs.shape
    below, forwards, layer_inputs = inputs, [], []
    for p in layers:
        layer_inputs.append(below)
        fwd = rnn.forward(p, below, activation=activation)
        forwards.append(fwd)
        below = fwd.hs[1:]
    top = layers[-1]
    value, err = rnn.loss_and_error(forwards[-1].outs, rnn.check_targets(top, ys, loss, T, B), loss)
    upstream = err @ top.V
    grads: list[dict[str, np.ndarray]] = [{} for _ in layers]
    for index in range(len(layers) - 1, -1, -1):
        p = layers[index]
        grads[index], upstream = layer_backward(p, forwards[index], layer_inputs[index], upstream)
        if index == len(layers) - 1:
            grads[index].update(_readout_gradients(err, forwards[index].hs[1:]))
        else:
            grads[index].update(V=np.zeros_like(p.V), c=np.zeros_like(p.c))
    return value, grads


def bidirectional_gradients(
    forward_layer: Params,
    backward_layer: Params,
    xs: object,
    ys: object,
    activation: str = "tanh",
    loss: str = "mse",
) -> tuple[float, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(L, forward-layer gradients, backward-layer gradients) of
    o_t = h→_t V→ᵀ + h←_t V←ᵀ + c→, with h0 = 0 in both directions."""
    inputs = rnn.check_inputs(forward_layer, xs)[0]
    T, B, _ = inputs.shape
    reversed_inputs = inputs[::-1].copy()
    fwd = rnn.forward(forward_layer, inputs, activation=activation)
    bwd = rnn.forward(backward_layer, reversed_inputs, activation=activation)
    back_states = bwd.hs[1:][::-1]  # h←_t in forward time order
    outs = fwd.outs + back_states @ backward_layer.V.T
    targets = rnn.check_targets(forward_layer, ys, loss, T, B)
    value, err = rnn.loss_and_error(outs, targets, loss)
    g_fwd, _ = layer_backward(forward_layer, fwd, inputs, err @ forward_layer.V)
    g_bwd, _ = layer_backward(
        backward_layer, bwd, reversed_inputs, (err @ backward_layer.V)[::-1].copy()
    )
    g_fwd.update(_readout_gradients(err, fwd.hs[1:]))
    g_bwd.update(V=_readout_gradients(err, back_states)["V"], c=np.zeros_like(backward_layer.c))
    return value, g_fwd, g_bwd
