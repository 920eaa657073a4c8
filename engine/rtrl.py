"""Forward mode (real-time recurrent learning): carry dh_t/dθ forward in time.

For the recurrent parameters θ_rec = (U, W, b), per batch item (Williams & Zipser 1989):

    S_0 = 0,   S_t = dh_t/dθ = diag(f'(a_t)) (∂⁺a_t/∂θ + W S_{t−1})
    ∂⁺a_t/∂W[i, p, q] = 1[i = p] h_{t−1, q},  ∂⁺a_t/∂U[i, p, q] = 1[i = p] x_{t, q},
    ∂⁺a_t/∂b[i, p] = 1[i = p]
    dL/dθ = Σ_t (∂L_t/∂h_t) S_t

and for the initial state R_0 = I, R_t = dh_t/dh_0 = diag(f'(a_t)) W R_{t−1},
dL/dh_0 = Σ_t (∂L_t/∂h_t) R_t. V and c have no recurrence: dV = Σ E_tᵀ H_t, dc = Σ E_t.
Cost O(B·H²·|θ_rec|) per step, memory O(B·H·|θ_rec|), independent of T.
"""

from __future__ import annotations

import numpy as np

from engine import bptt, rnn
from engine.bptt import Gradients
from engine.rnn import Params


def _immediate(xs_t: np.ndarray, h_prev: np.ndarray, H: int) -> np.ndarray:
    """∂⁺a_t/∂θ_rec for every batch row: (B, H, H·D + H·H + H), columns ordered U, W, b."""
    B, D = xs_t.shape
    part = np.zeros((B, H, H * D + H * H + H), dtype=xs_t.dtype)
    rows = np.arange(H)
    part[:, :, : H * D].reshape(B, H, H, D)[:, rows, rows, :] = xs_t[:, None, :]
    part[:, :, H * D : H * D + H * H].reshape(B, H, H, H)[:, rows, rows, :] = h_prev[:, None, :]
    part[:, rows, H * D + H * H + rows] = 1
    return part


def gradients(
    p: Params,
    xs: object,
    ys: object,
    activation: str = "tanh",
    loss: str = "mse",
    truncate: int | None = None,
    h0: object = None,
    immediate: bool = True,
) -> Gradients:
    """L and ∂L/∂{U, W, V, b, c, h0} by forward-mode sensitivities (module docstring).

    truncate=k keeps, for each L_t, only the contributions of states s > t − k (the
    same per-term window as bptt.gradients): each state's immediate term is carried
    separately for k steps, then dropped. immediate=False drops ∂⁺a_t/∂θ, which is
    seed (a)'s recursion dh_t/dW = (dh_t/dh_{t−1}) dh_{t−1}/dW: from S_0 = 0 it gives
    S_t = 0, so dU, dW and db are exactly zero (V, c and h0 are unaffected).
    """
    if truncate is not None and (isinstance(truncate, bool) or int(truncate) != truncate):
        raise ValueError(f"truncate must be None or an integer >= 1, got {truncate!r}")
    if truncate is not None and truncate < 1:
        raise ValueError(f"truncate must be None or an integer >= 1, got {truncate!r}")
    with np.errstate(all="ignore"):
        xs, start = rnn.check_inputs(p, xs, h0)
        T, B, D = xs.shape
        H = p.sizes[1]
        targets = rnn.check_targets(p, ys, loss, T, B)
        act = rnn.get_activation(activation)
        fwd = rnn.forward(p, xs, activation=activation, h0=start)
        value, err = rnn.loss_and_error(fwd.outs, targets, loss)
        direct = err @ p.V  # ∂L_t/∂h_t, (T, B, H)
        fprime = act.df_from_output(fwd.fa)
        n_rec = H * D + H * H + H
        window: list[np.ndarray] = []  # per-state contributions (∂h_t/∂h_s)(∂⁺h_s/∂θ)
        total = np.zeros(n_rec, dtype=p.dtype)
        sens_h0 = np.broadcast_to(np.eye(H, dtype=p.dtype), (B, H, H)).copy()
        dh0 = np.zeros((B, H), dtype=p.dtype)
        for t in range(1, T + 1):
            gain = fprime[t - 1][:, :, None]  # diag(f'(a_t)) as a broadcast factor
            window = [gain * (p.W @ s) for s in window]
            if immediate:
                window.append(gain * _immediate(xs[t - 1], fwd.hs[t - 1], H))
            if truncate is None and len(window) > 1:
                window = [window[0] + window[1]]
            elif truncate is not None and len(window) > truncate:
                window.pop(0)
            for s in window:
                total += np.einsum("bi,bip->p", direct[t - 1], s)
            sens_h0 = gain * (p.W @ sens_h0)
            if truncate is None or t < truncate:
                dh0 += np.einsum("bi,bij->bj", direct[t - 1], sens_h0)
        grads = {
            "U": total[: H * D].reshape(H, D),
            "W": total[H * D : H * D + H * H].reshape(H, H),
            "V": np.einsum("tbo,tbh->oh", err, fwd.hs[1:]),
            "b": total[H * D + H * H :].copy(),
            "c": err.sum(axis=(0, 1)),
            "h0": dh0,
        }
        return bptt.package(value, grads)
