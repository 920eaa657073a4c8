"""Vanishing and exploding gradients: Jacobian norms by lag, bounds, initialisation, residual
paths, and why rescaling the gradient cannot fix vanishing."""

from __future__ import annotations

import numpy as np

from engine import bptt, rnn, vanishing
from engine.experiments.common import (
    activation_param,
    float_param,
    inputs,
    int_param,
    lag_series,
    mse_targets,
    scalar,
    seed_param,
)
from engine.registry import Param, experiment
from engine.report import Cell, Report, Scalar, Series, Table

TOPIC = "vanishing"
SCHEMES = {"orthogonal": "orthogonal", "random": "singular"}


def _t_param(default: int = 60) -> Param:
    return int_param("T", default, 1, 200, "sequence length = the largest lag T − k", "steps")


def _h_param(default: int = 16) -> Param:
    return int_param("H", default, 2, 64, "hidden units")


def _input_scale(default: float) -> Param:
    return float_param("input_scale", default, 0.0, 5.0, "inputs x_t ~ input_scale · N(0, 1)")


def _network(H: int, sigma_max: float, scheme: str, seed: int) -> rnn.Params:
    """D = H inputs, one output; W with largest singular value `sigma_max`."""
    return rnn.init(H, H, 1, scheme=SCHEMES[scheme], scale=sigma_max, seed=seed)


def _warn_nonfinite(norms: np.ndarray, what: str) -> list[str]:
    if np.all(np.isfinite(norms)):
        return []
    return [f"{what}: some norms are not finite (the state overflowed)"]


@experiment(
    "vanishing.jacobian_norms",
    topic=TOPIC,
    summary="‖∂h_T/∂h_k‖ by lag under (γ·σ_max)^lag",
    params=(
        activation_param(),
        float_param("sigma_max", 1.0, 0.0, 16.0, "largest singular value of W"),
        Param(
            "scheme",
            str,
            "orthogonal",
            "W = σ_max·Q (orthogonal: ρ = σ_max) or a Gaussian matrix rescaled (ρ < σ_max)",
            choices=tuple(SCHEMES),
        ),
        _input_scale(1.0),
        _t_param(),
        _h_param(),
        seed_param(),
    ),
)
def jacobian_norms(
    activation: str, sigma_max: float, scheme: str, input_scale: float, T: int, H: int, seed: int
) -> Report:
    p = _network(H, sigma_max, scheme, seed)
    xs = inputs(T, 1, H, seed, input_scale)
    norms = vanishing.jacobian_norms(p, xs, activation=activation)
    bound = vanishing.jacobian_bound(p.W, activation, T)
    spec = vanishing.spectrum(p.W)
    gamma = vanishing.GAMMA[activation]
    with np.errstate(invalid="ignore"):
        holds = bool(np.all(norms <= bound * (1 + 1e-9) + 1e-300))
    final = float(norms[0])
    return Report(
        title=f"Jacobian norms by lag: {activation}, σ_max(W) = {sigma_max:g} ({scheme}), T={T}",
        steps=[
            "∂h_T/∂h_k = J_T⋯J_{k+1}, J_m = diag(f'(a_m)) W, measured along one sequence "
            f"with inputs of scale {input_scale:g}.",
            f"Bound: ‖∂h_T/∂h_k‖₂ ≤ (γ·σ_max(W))^(T−k) with γ = {gamma:g} for {activation}.",
            "Vanishing is guaranteed when γ·σ_max < 1; γ·σ_max > 1 is needed to explode "
            "but not enough (saturating units shrink f').",
        ],
        scalars=[
            scalar("norm_at_max_lag", final, note=f"‖∂h_T/∂h_0‖₂ at lag T = {T}"),
            scalar("bound_at_max_lag", float(bound[0]), note="(γ·σ_max)^T"),
            scalar(
                "decay_per_step",
                final ** (1 / T) if final >= 0 else float("nan"),  # NaN stays NaN
                note="geometric mean factor per step, norm^(1/T)",
            ),
            scalar("sigma_max", float(spec.singular_values[0]), note="measured ‖W‖₂"),
            scalar("spectral_radius", spec.spectral_radius, note="measured ρ(W)"),
            scalar("gamma", gamma, note="sup |f'|"),
            scalar("bound_holds", holds, note="1 if every norm is under the bound"),
        ],
        series=[
            lag_series("measured", norms, "norm by lag"),
            lag_series("bound (γ·σ_max)^lag", bound, "norm by lag"),
        ],
        warnings=_warn_nonfinite(norms, "jacobian norms"),
    )


@experiment(
    "vanishing.sigmoid_bound",
    topic=TOPIC,
    summary="sigmoid: 0.25^n vs the full (0.25·σ_max)^n",
    params=(
        int_param("steps", 5, 1, 200, "number of steps n back in time", "steps"),
        float_param("sigma_max", 1.0, 0.0, 16.0, "largest singular value of W (W = σ_max·Q)"),
        _input_scale(0.0),
        _h_param(),
        seed_param(),
    ),
)
def sigmoid_bound(steps: int, sigma_max: float, input_scale: float, H: int, seed: int) -> Report:
    p = _network(H, sigma_max, "orthogonal", seed)
    xs = inputs(steps, 1, H, seed, input_scale)
    norms = vanishing.jacobian_norms(p, xs, activation="sigmoid")
    fwd = rnn.forward(p, xs, activation="sigmoid")
    fprime = rnn.ACTIVATIONS["sigmoid"].df_from_output(fwd.hs[1:, 0])  # (steps, H)
    gamma = vanishing.GAMMA["sigmoid"]
    full = vanishing.jacobian_bound(p.W, "sigmoid", steps)
    sigma = float(vanishing.spectrum(p.W).singular_values[0])
    return Report(
        title=f"Sigmoid bound over {steps} steps, σ_max(W) = {sigma_max:g}",
        steps=[
            "sigmoid'(a) = h(1 − h) ≤ 1/4, so the f' factors of n steps multiply to at most "
            f"0.25^n = {gamma**steps:.6g}.",
            "But every step also multiplies by W: ‖∂h_T/∂h_{T−n}‖ ≤ (0.25·σ_max(W))^n.",
            "Vanishing is guaranteed only when σ_max(W) < 4; with larger W it need not vanish.",
        ],
        scalars=[
            scalar("f_prime_product_bound", gamma**steps, note="0.25^n: the f' factors alone"),
            scalar("full_bound", float(full[0]), note="(0.25·σ_max(W))^n"),
            scalar("measured_norm", float(norms[0]), note="‖∂h_T/∂h_{T−n}‖₂ along the run"),
            scalar(
                "measured_f_prime_product",
                float(np.prod(fprime.max(axis=1))),
                note="Π_m max_i f'(a_m,i) along the run (≤ 0.25^n)",
            ),
            scalar("sigma_max", sigma, note="measured ‖W‖₂"),
            scalar("vanishing_guaranteed", gamma * sigma < 1, note="1 if 0.25·σ_max(W) < 1"),
        ],
        series=[
            lag_series("measured", norms, "norm by lag"),
            lag_series("(0.25·σ_max)^lag", full, "norm by lag"),
            Series(
                "0.25^lag",
                [float(n) for n in range(steps + 1)],
                [gamma**n for n in range(steps + 1)],
                plot="norm by lag",
                x_label="lag T − k",
                y_label="‖∂h_T/∂h_k‖₂",
                log_y=True,
            ),
        ],
        warnings=_warn_nonfinite(norms, "jacobian norms"),
    )


def _orthogonal_spectrum(Q: np.ndarray) -> list[Scalar]:
    """Singular values and |eigenvalues| of the orthogonal W = Q: all 1 (QᵀQ = I), the
    eigenvalues on the unit circle and generally complex."""
    singular = np.linalg.svd(Q, compute_uv=False)
    eigenvalues = np.linalg.eigvals(Q)
    moduli = np.abs(eigenvalues)
    return [
        scalar("orthogonal_sigma_min", float(singular.min()), note="smallest singular value of Q"),
        scalar("orthogonal_sigma_max", float(singular.max()), note="largest singular value of Q"),
        scalar("orthogonal_abs_eig_min", float(moduli.min()), note="smallest |λ| of Q"),
        scalar("orthogonal_abs_eig_max", float(moduli.max()), note="largest |λ| of Q"),
        scalar(
            "orthogonal_complex_eigs",
            int(np.count_nonzero(np.abs(eigenvalues.imag) > 1e-12)),
            note="eigenvalues of Q off the real axis (λ ≠ ±1)",
        ),
    ]


@experiment(
    "vanishing.init_compare",
    topic=TOPIC,
    summary="random vs orthogonal vs identity+ReLU init",
    params=(
        activation_param("tanh", ("tanh", "sigmoid", "relu", "identity")),
        _input_scale(1.0),
        _t_param(),
        _h_param(),
        seed_param(),
    ),
)
def init_compare(activation: str, input_scale: float, T: int, H: int, seed: int) -> Report:
    xs = inputs(T, 1, H, seed, input_scale)
    setups = {
        "random": (rnn.init(H, H, 1, scheme="small", scale=1.0, seed=seed), activation),
        "orthogonal": (rnn.init(H, H, 1, scheme="orthogonal", scale=1.0, seed=seed), activation),
        "identity_relu": (rnn.init(H, H, 1, scheme="identity", scale=1.0, seed=seed), "relu"),
    }
    norms = {
        name: vanishing.jacobian_norms(p, xs, activation=act) for name, (p, act) in setups.items()
    }
    spectra = {name: vanishing.spectrum(p.W) for name, (p, _) in setups.items()}
    rows: list[list[Cell]] = [
        [
            name,
            act,
            float(spectra[name].singular_values[0]),
            spectra[name].spectral_radius,
            float(norms[name][0]),
        ]
        for name, (_, act) in setups.items()
    ]
    return Report(
        title=f"Initialisation and gradient norm by lag: T={T}, H={H}, input scale {input_scale:g}",
        steps=[
            f"random: W_ij ~ N(0, 1/H) with {activation}; orthogonal: W = Q with {activation}; "
            "identity: W = I with ReLU (IRNN).",
            "Orthogonal W has every singular value 1: norms are kept while f' ≈ 1, but "
            "saturating units (large inputs) still shrink them.",
            "IRNN: for units that stay active, ∂h_t/∂h_{t−1} = I, so nothing decays at init.",
        ],
        scalars=[
            scalar("random_norm_at_max_lag", float(norms["random"][0]), note=f"lag {T}"),
            scalar("orthogonal_norm_at_max_lag", float(norms["orthogonal"][0]), note=f"lag {T}"),
            scalar(
                "identity_relu_norm_at_max_lag", float(norms["identity_relu"][0]), note=f"lag {T}"
            ),
            scalar("random_sigma_max", float(spectra["random"].singular_values[0])),
            *_orthogonal_spectrum(setups["orthogonal"][0].W),
        ],
        tables=[Table("Setups", ["init", "activation", "σ_max(W)", "ρ(W)", "norm at lag T"], rows)],
        series=[lag_series(name, n, "norm by lag") for name, n in norms.items()],
        warnings=[w for name, n in norms.items() for w in _warn_nonfinite(n, name)],
    )


@experiment(
    "vanishing.residual",
    topic=TOPIC,
    summary="plain vs residual-through-time cell, by lag",
    params=(
        activation_param(),
        float_param("sigma_max", 0.1, 0.0, 4.0, "largest singular value of W (W = σ_max·Q)"),
        _input_scale(1.0),
        _t_param(),
        _h_param(),
        seed_param(),
    ),
)
def residual(
    activation: str, sigma_max: float, input_scale: float, T: int, H: int, seed: int
) -> Report:
    p = _network(H, sigma_max, "orthogonal", seed)
    xs = inputs(T, 1, H, seed, input_scale)
    plain = vanishing.jacobian_norms(p, xs, activation=activation)
    skip = vanishing.jacobian_norms(p, xs, activation=activation, residual=True)
    ratio = float(skip[0] / plain[0]) if plain[0] > 0 else float("inf")
    return Report(
        title=f"Residual path through time: {activation}, σ_max(W) = {sigma_max:g}, T={T}",
        steps=[
            "Plain: h_t = f(a_t), ∂h_t/∂h_{t−1} = diag(f'(a_t)) W.",
            "Residual through time: h_t = h_{t−1} + f(a_t), ∂h_t/∂h_{t−1} = I + diag(f'(a_t)) W.",
            "The identity path carries the gradient across many steps additively; residual "
            "connections between stacked layers do not (they act on depth, not time).",
        ],
        scalars=[
            scalar("plain_norm_at_max_lag", float(plain[0]), note=f"lag {T}"),
            scalar("residual_norm_at_max_lag", float(skip[0]), note=f"lag {T}"),
            scalar("ratio", ratio, note="residual / plain at lag T"),
        ],
        series=[
            lag_series("plain", plain, "norm by lag"),
            lag_series("residual", skip, "norm by lag"),
        ],
        warnings=_warn_nonfinite(plain, "plain") + _warn_nonfinite(skip, "residual"),
    )


@experiment(
    "vanishing.rescale_share",
    topic=TOPIC,
    summary="rescaling g leaves the long-range share as is",
    params=(
        float_param("scale", 1000.0, 1e-6, 1e6, "factor the whole gradient is multiplied by"),
        int_param("min_lag", 10, 1, 59, "lags t − k ≥ min_lag count as long-range", "steps"),
        int_param("T", 20, 2, 60, "sequence length", "steps"),
        activation_param(),
        float_param("sigma_max", 1.0, 0.0, 4.0, "largest singular value of W (W = σ_max·Q)"),
        int_param("H", 8, 1, 16, "hidden units"),
        seed_param(),
    ),
)
def rescale_share(
    scale: float, min_lag: int, T: int, activation: str, sigma_max: float, H: int, seed: int
) -> Report:
    p = rnn.init(2, H, 2, scheme="orthogonal", scale=sigma_max, seed=seed)
    xs = inputs(T, 1, 2, seed)
    ys = mse_targets(T, 1, 2, seed)
    terms = bptt.double_sum_terms(p, xs, ys, activation=activation)  # [t-1, k-1]
    lag = np.subtract.outer(np.arange(T), np.arange(T))  # t − k
    far = (lag >= min_lag)[:, :, None, None]

    def share(g: np.ndarray) -> tuple[float, float, float]:
        total = float(np.linalg.norm(g.sum(axis=(0, 1))))
        long = float(np.linalg.norm((g * far).sum(axis=(0, 1))))
        return long, total, long / total if total > 0 else 0.0

    long1, total1, share1 = share(terms)
    _, total_s, share_s = share(scale * terms)
    unit = terms / total1 if total1 > 0 else terms
    share_unit = share(unit)[2]
    full = bptt.gradients(p, xs, ys, activation=activation)
    cut = bptt.gradients(p, xs, ys, activation=activation, truncate=min_lag)
    long_by_truncation = full.W - cut.W
    return Report(
        title=f"Long-range share of dL/dW under a rescale by {scale:g}: T={T}, lags ≥ {min_lag}",
        steps=[
            "Split dL/dW = Σ_t Σ_k term(t, k) by lag t − k; the long-range part has "
            f"t − k ≥ {min_lag}.",
            "Share = ‖long-range part‖ / ‖dL/dW‖.",
            f"Normalising or rescaling multiplies every term by one scalar ({scale:g}): both "
            "norms scale alike, so the share cannot change. Vanishing is about this share.",
            "Cross-check: the long-range part also equals full BPTT minus truncate=min_lag.",
        ],
        scalars=[
            scalar("share_unscaled", share1, note="‖long-range‖ / ‖dL/dW‖"),
            scalar("share_rescaled", share_s, note=f"after multiplying by {scale:g}"),
            scalar("share_normalised", share_unit, note="after rescaling to norm 1"),
            scalar("share_difference", abs(share_s - share1), note="|rescaled − unscaled|"),
            scalar("long_range_norm", long1),
            scalar("total_norm", total1, note="‖dL/dW‖"),
            scalar("rescaled_total_norm", total_s),
            scalar(
                "truncation_check",
                float(np.max(np.abs(long_by_truncation - (terms * far).sum(axis=(0, 1))))),
                note="max |(full − truncated) − long-range part|",
            ),
        ],
        warnings=list(full.warnings),
    )


def _named_matrix(matrix: str, size: int, scale: float, seed: int) -> np.ndarray:
    """The W of a named example: every entry `scale` (size × size), the nilpotent
    [[0, scale], [0, 0]], or scale·Q with Q orthogonal (size × size)."""
    if matrix == "constant":
        return np.full((size, size), scale)
    if matrix == "nilpotent":
        return np.array([[0.0, scale], [0.0, 0.0]])
    return rnn.init(1, size, 1, scheme="orthogonal", scale=scale, seed=seed).W


@experiment(
    "vanishing.spectrum",
    topic=TOPIC,
    summary="entries vs σ_max vs ρ: why “W < 1” is meaningless",
    params=(
        Param(
            "matrix",
            str,
            "constant",
            "constant: every entry = scale; nilpotent: [[0, scale], [0, 0]]; orthogonal: scale·Q",
            choices=("constant", "nilpotent", "orthogonal"),
        ),
        float_param("scale", 0.5, 0.0, 4.0, "the entry value (constant, nilpotent) or factor"),
        int_param("size", 32, 2, 64, "rows = columns (nilpotent is always 2×2)"),
        int_param("T", 10, 1, 100, "largest power / lag shown", "steps"),
        seed_param(),
    ),
)
def matrix_spectrum(matrix: str, scale: float, size: int, T: int, seed: int) -> Report:
    W = _named_matrix(matrix, size, scale, seed)
    H = W.shape[0]
    p = rnn.Params(U=np.zeros((H, 1)), W=W, V=np.zeros((1, H)), b=np.zeros(H), c=np.zeros(1))
    norms = vanishing.jacobian_norms(p, np.zeros((T, 1, 1)), activation="identity")  # ‖W^(T−k)‖
    spec = vanishing.spectrum(W)
    sigma = float(spec.singular_values[0])
    return Report(
        title=f"Entries, singular values and eigenvalues of a {H}×{H} {matrix} W",
        steps=[
            "A linear RNN (f = identity) has ∂h_t/∂h_k = W^(t−k): its norm by lag is ‖W^lag‖₂.",
            "‖W^n‖₂ ≤ σ_max(W)^n, and ‖W^n‖^(1/n) → ρ(W) as n grows (Gelfand).",
            "Entry sizes say nothing: a matrix of entries below 1 can have σ_max far above 1, "
            "and one with an entry above 1 can have ρ = 0 (nilpotent: a power is exactly 0).",
        ],
        scalars=[
            scalar("max_abs_entry", float(np.max(np.abs(W))), note="largest |W_ij|"),
            scalar("sigma_max", sigma, note="largest singular value ‖W‖₂"),
            scalar("spectral_radius", spec.spectral_radius, note="max |eigenvalue|"),
            scalar("norm_of_square", float(np.linalg.norm(W @ W, 2)), note="‖W²‖₂"),
            scalar("norm_at_max_lag", float(norms[0]), note=f"‖W^{T}‖₂, measured by the engine"),
            scalar("bound_at_max_lag", sigma**T, note="σ_max^T"),
        ],
        series=[lag_series("‖W^lag‖₂", norms, "norm of W^lag")],
        warnings=_warn_nonfinite(norms, "powers of W"),
    )
