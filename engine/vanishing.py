"""Vanishing and exploding gradients: ||∂h_T/∂h_k||₂, its bound, and the spectrum of W.

∂h_t/∂h_{t−1} = J_t = diag(f'(a_t)) W         (residual: I + diag(f'(a_t)) W)
∂h_T/∂h_k     = J_T J_{T−1} ⋯ J_{k+1}
||∂h_T/∂h_k||₂ <= (γ · σ_max(W))^{T−k}    (Pascanu et al. 2013, §2.1)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import rnn
from engine.rnn import Params

GAMMA: dict[str, float] = {name: act.gamma for name, act in rnn.ACTIVATIONS.items()}


@dataclass(frozen=True)
class Spectrum:
    """ρ(W) = max |λ_i(W)| and the singular values of W, largest first."""

    spectral_radius: float
    singular_values: np.ndarray


def spectrum(W: np.ndarray) -> Spectrum:
    """ρ(W) and σ_1 >= … >= σ_H of W (σ_1 = ||W||₂ >= ρ(W))."""
    W = np.asarray(W, dtype=np.float64)
    return Spectrum(
        spectral_radius=float(np.max(np.abs(np.linalg.eigvals(W)))),
        singular_values=np.linalg.svd(W, compute_uv=False),
    )


def jacobian_bound(W: np.ndarray, activation: str, T: int) -> np.ndarray:
    """(γ · σ_max(W))^{T−k} for k = 0..T, shape (T+1,); inf where it overflows."""
    gamma = rnn.get_activation(activation).gamma
    sigma = float(spectrum(W).singular_values[0])
    lags = np.arange(T, -1, -1, dtype=np.float64)
    with np.errstate(all="ignore"):
        return np.power(gamma * sigma, lags)


def jacobian_norms(
    p: Params,
    xs: object,
    activation: str = "tanh",
    h0: object = None,
    residual: bool = False,
) -> np.ndarray:
    """||∂h_T/∂h_k||₂ for k = 0..T along batch item 0, shape (T+1,); the last entry is 1.

    M_T = I, M_{k−1} = M_k J_k. M is renormalised after every step and its scale kept
    as a logarithm, so very large or very small norms are exact until the final value
    itself over- or underflows (then inf or 0). NaN once the states are not finite.
    """
    act = rnn.get_activation(activation)
    xs, start = rnn.check_inputs(p, xs, h0)
    T = xs.shape[0]
    W = np.asarray(p.W, dtype=np.float64)
    H = W.shape[0]
    norms = np.empty(T + 1, dtype=np.float64)
    norms[T] = 1.0
    with np.errstate(all="ignore"):
        fwd = rnn.forward(p, xs[:, :1], activation=activation, h0=start[:1], residual=residual)
        fprime = act.df_from_output(fwd.fa[:, 0]).astype(np.float64)  # (T, H)
        product = np.eye(H)
        log_scale = 0.0
        for k in range(T, 0, -1):  # multiply by J_k to reach ∂h_T/∂h_{k−1}
            step = fprime[k - 1][:, None] * W
            if residual:
                step += np.eye(H)
            product = product @ step
            if not np.all(np.isfinite(product)):
                norms[:k] = np.nan
                break
            size = float(np.linalg.norm(product, 2))
            if size == 0.0:
                norms[:k] = 0.0
                break
            product /= size
            log_scale += np.log(size)
            norms[k - 1] = np.exp(log_scale)
    return norms
