"""Teacher forcing and free running for a next-value predictor (Goodfellow et al. ch. 10.2.1).

The network reads its previous target and predicts the next: x_1 = y_0, o_t = h_t Vᵀ
(the output bias is fixed at 0), trained on L = ½ Σ_t ‖o_t − y_t‖².

Teacher forcing: x_t = y_{t−1}, the true previous value. The recurrence is the plain
Elman one, a_t = x_t Uᵀ + h_{t−1} Wᵀ + b, and gradients flow back through W only.

Free running: x_t = o_{t−1} = h_{t−1} Vᵀ for t >= 2, so
a_t = h_{t−1} (W + U V)ᵀ + b: an Elman network with W' = W + U V whose inputs are
x'_1 = y_0 and x'_t = 0. Gradients flow through W and through the output fed back
(U V): by the chain rule, dW = dW', dU = dU' + dW' Vᵀ, dV = dV' + Uᵀ dW', db = db'.
"""

from __future__ import annotations

import numpy as np

from engine import bptt, rnn
from engine.rnn import Params

TRAINED = ("U", "W", "V", "b")  # c stays 0


def forced_inputs(ys: np.ndarray, y0: np.ndarray) -> np.ndarray:
    """x_t = y_{t−1} with x_1 = y_0: shape (T, B, O)."""
    return np.concatenate([y0[None], ys[:-1]])


def teacher_forced(p: Params, ys: np.ndarray, y0: np.ndarray) -> bptt.Gradients:
    """L and its gradients with the true previous values as inputs."""
    return bptt.gradients(p, forced_inputs(ys, y0), ys)


def _unrolled(p: Params, T: int, y0: np.ndarray) -> tuple[Params, np.ndarray]:
    """The free-running network as an Elman one: (W' = W + U V parameters, inputs x')."""
    folded = Params(U=p.U, W=p.W + p.U @ p.V, V=p.V, b=p.b, c=p.c)
    xs = np.zeros((T, *y0.shape), dtype=p.dtype)
    xs[0] = y0
    return folded, xs


def free_running(p: Params, ys: np.ndarray, y0: np.ndarray) -> bptt.Gradients:
    """L and its gradients when the network reads its own previous output (c must be 0)."""
    if np.any(p.c != 0):
        raise ValueError("free running here needs the output bias c fixed at 0")
    folded, xs = _unrolled(p, len(ys), y0)
    g = bptt.gradients(folded, xs, ys)
    grads = {
        "U": g.U + g.W @ p.V.T,
        "W": g.W,
        "V": g.V + p.U.T @ g.W,
        "b": g.b,
        "c": np.zeros_like(p.c),
        "h0": g.h0,
    }
    return bptt.package(g.loss, grads)


def generate(p: Params, T: int, y0: np.ndarray) -> np.ndarray:
    """o_1..o_T of the network run free from y_0: shape (T, B, O)."""
    folded, xs = _unrolled(p, T, y0)
    return rnn.forward(folded, xs).outs


def recurrent_jacobians(p: Params, ys: np.ndarray, y0: np.ndarray, free: bool) -> np.ndarray:
    """‖∂h_T/∂h_k‖₂ for k = T−1..0 (lag 1..T) along the first sequence: the product of
    J_t = diag(f'(a_t)) M with M = W (teacher forcing) or W + U V (free running)."""
    if free:
        folded, xs = _unrolled(p, len(ys), y0)
    else:
        folded, xs = p, forced_inputs(ys, y0)
    fwd = rnn.forward(folded, xs[:, :1])
    fprime = 1.0 - fwd.hs[1:, 0] ** 2
    product = np.eye(p.sizes[1])
    norms = []
    for t in range(len(ys) - 1, -1, -1):
        product = product @ (fprime[t][:, None] * folded.W)
        norms.append(float(np.linalg.norm(product, 2)))
    return np.array(norms)
