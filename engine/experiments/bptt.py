"""BPTT experiments: the worked example, the double sum, gradient checks, RTRL, truncation."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from engine import bptt, gradcheck, rnn, rtrl
from engine.experiments.common import (
    W_SCHEMES,
    activation_param,
    float_param,
    initial_state,
    int_param,
    relative_difference,
    scalar,
    seed_param,
    seeded_problem,
    vec,
)
from engine.registry import Param, experiment
from engine.report import Cell, Report, Series, Table

TOPIC = "bptt"
EXACT = 1e-12  # relative error treated as "identical up to rounding"


DELTA_EPS = 1e-6  # central-difference step for δ_t


def _loss_from_state(
    p: rnn.Params, xs: np.ndarray, ys: np.ndarray, t: int, h_t: np.ndarray, activation: str
) -> float:
    """The part of L that depends on h_t: L_t(h_t) + Σ_{s>t} L_s, re-running the forward
    pass from step t with h_t as its start (L_1..L_{t−1} do not depend on h_t)."""
    here = 0.0
    if t > 0:
        err = h_t @ p.V.T + p.c - ys[t - 1]
        here = 0.5 * float(np.sum(err**2))
    if t == len(xs):
        return here
    return here + rnn.sequence_loss(p, xs[t:], ys[t:], activation=activation, h0=h_t)


def numerical_deltas(
    p: rnn.Params, xs: np.ndarray, ys: np.ndarray, hs: np.ndarray, activation: str
) -> np.ndarray:
    """δ_t[i] ≈ (L(h_t + ε e_i) − L(h_t − ε e_i)) / 2ε for t = 0..T:
    perturb the stored h_t and re-run the forward pass from step t. Shape (T+1, B, H)."""
    numeric = np.zeros_like(hs)
    for t in range(hs.shape[0]):
        for index in np.ndindex(hs[t].shape):
            shifted = hs[t].copy()
            shifted[index] += DELTA_EPS
            upper = _loss_from_state(p, xs, ys, t, shifted, activation)
            shifted[index] -= 2 * DELTA_EPS
            lower = _loss_from_state(p, xs, ys, t, shifted, activation)
            numeric[t][index] = (upper - lower) / (2 * DELTA_EPS)
    return numeric


@experiment(
    "bptt.worked_example",
    topic=TOPIC,
    summary="tiny RNN by hand: every h_t, δ_t, step of dL/dW",
    params=(
        int_param("T", 3, 1, 6, "sequence length", "steps"),
        int_param("H", 2, 1, 4, "hidden units"),
        activation_param(),
        seed_param(),
    ),
)
def worked_example(T: int, H: int, activation: str, seed: int) -> Report:
    p, xs, ys = seeded_problem(T, H, 1, 1, seed)
    fwd = rnn.forward(p, xs, activation=activation)
    grads = bptt.gradients(p, xs, ys, activation=activation)
    delta = bptt.deltas(p, xs, ys, activation=activation)  # (T+1, 1, H), t = 0..T
    fprime = rnn.ACTIVATIONS[activation].df_from_output(fwd.hs[1:])  # f'(a_t), (T, 1, H)
    eps = fprime * delta[1:]  # ε_t = f'(a_t) ⊙ δ_t
    contributions = np.einsum("tbi,tbj->tij", eps, fwd.hs[:-1])  # ε_t h_{t-1}ᵀ
    per_step_total = contributions.sum(axis=0)
    double_sum_total = bptt.double_sum_terms(p, xs, ys, activation=activation).sum(axis=(0, 1))
    numeric = gradcheck.numerical_gradients(p, xs, ys, activation=activation, loss="mse")
    errors = gradcheck.relative_errors(grads.as_dict(), numeric)
    err_t = fwd.outs - ys  # e_t = o_t − y_t
    losses = 0.5 * (err_t**2).sum(axis=(1, 2))
    delta_numeric = numerical_deltas(p, xs, ys, fwd.hs, activation)
    delta_errors = [gradcheck.relative_error(delta[t], delta_numeric[t]) for t in range(T + 1)]

    forward_rows: list[list[Cell]] = [
        [
            t,
            vec(xs[t - 1, 0]),
            vec(fwd.pre[t - 1, 0]),
            vec(fwd.hs[t, 0]),
            vec(fwd.outs[t - 1, 0]),
            vec(ys[t - 1, 0]),
            float(losses[t - 1]),
        ]
        for t in range(1, T + 1)
    ]
    backward_rows: list[list[Cell]] = [
        [t, vec(delta[t, 0]), vec(fprime[t - 1, 0]), vec(eps[t - 1, 0]), vec(contributions[t - 1])]
        for t in range(T, 0, -1)
    ]
    report = Report(
        title=f"Worked BPTT example: T={T}, H={H}, D=O=1, {activation}, mse",
        steps=[
            "Forward: a_t = U x_t + W h_{t−1} + b, h_t = f(a_t), o_t = V h_t + c, "
            "L = Σ_t ½‖o_t − y_t‖², with h_0 = 0.",
            "Backward: δ_T = Vᵀe_T, δ_t = Vᵀe_t + Wᵀ(f'(a_{t+1}) ⊙ δ_{t+1}), e_t = o_t − y_t.",
            "Per step: ε_t = f'(a_t) ⊙ δ_t and the contribution ε_t h_{t−1}ᵀ to dL/dW.",
            "Total: dL/dW = Σ_t ε_t h_{t−1}ᵀ, compared with the engine's BPTT, with the "
            "explicit double sum and with central finite differences.",
            "Each δ_t is checked on its own: nudge h_t by ±ε, re-run the forward pass from "
            "step t, and difference the loss.",
        ],
        tables=[
            Table("Forward pass", ["t", "x_t", "a_t", "h_t", "o_t", "y_t", "L_t"], forward_rows),
            Table("Backward pass", ["t", "δ_t", "f'(a_t)", "ε_t", "ε_t h_{t−1}ᵀ"], backward_rows),
            Table(
                "δ_t checked by central differences (perturb h_t, re-run from step t)",
                ["t", "δ_t (BPTT)", "δ_t (finite differences)", "relative error"],
                [
                    [t, vec(delta[t, 0], 6), vec(delta_numeric[t, 0], 6), delta_errors[t]]
                    for t in range(T, -1, -1)
                ],
            ),
            Table(
                "dL/dW three ways",
                ["method", "dL/dW"],
                [
                    ["Σ_t ε_t h_{t−1}ᵀ", vec(per_step_total)],
                    ["engine bptt.gradients", vec(grads.W)],
                    ["finite differences", vec(numeric["W"])],
                ],
            ),
        ],
    )
    report.scalars.append(scalar("loss", grads.loss, note="L = Σ_t ½‖o_t − y_t‖²"))
    for i in range(H):
        for j in range(H):
            report.scalars.append(scalar(f"dW_{i}{j}", grads.W[i, j], note=f"∂L/∂W[{i},{j}]"))
    report.scalars += [
        scalar("dW_norm", np.linalg.norm(grads.W), note="Frobenius norm of dL/dW"),
        scalar("delta_0_norm", np.linalg.norm(delta[0]), note="‖∂L/∂h_0‖"),
        scalar(
            "max_abs_difference",
            np.max(np.abs(per_step_total - grads.W)),
            note="Σ_t ε_t h_{t−1}ᵀ vs bptt.gradients (rounding only)",
        ),
        scalar(
            "double_sum_difference",
            np.max(np.abs(double_sum_total - grads.W)),
            note="explicit double sum vs the recursion",
        ),
        scalar("relative_error_W", errors["W"], note="BPTT vs central differences (ε = 1e-6)"),
        scalar("max_relative_error", max(errors.values()), note="worst of U, W, V, b, c, h0"),
        scalar(
            "delta_max_relative_error",
            max(delta_errors),
            note="worst δ_t, t = 0..T, vs central differences in h_t (ε = 1e-6)",
        ),
        scalar(
            "delta_max_abs_error",
            float(np.max(np.abs(delta - delta_numeric))),
            note="largest |δ_t,i (BPTT) − finite difference|",
        ),
    ]
    return report


@experiment(
    "bptt.double_sum",
    topic=TOPIC,
    summary="T×T map of (t, k) terms of dL/dW = recursion",
    params=(
        int_param("T", 6, 1, 40, "sequence length", "steps"),
        int_param("H", 4, 1, 16, "hidden units"),
        activation_param(),
        float_param("sigma_max", 1.0, 0.0, 4.0, "largest singular value of W (0: small init)"),
        seed_param(),
    ),
)
def double_sum(T: int, H: int, activation: str, sigma_max: float, seed: int) -> Report:
    p, xs, ys = seeded_problem(T, H, 2, 2, seed, sigma_max=sigma_max)
    h0 = initial_state(H, seed)
    terms = bptt.double_sum_terms(p, xs, ys, activation=activation, h0=h0)  # [t-1, k-1]
    full = bptt.gradients(p, xs, ys, activation=activation, h0=h0)
    total = terms.sum(axis=(0, 1))
    norms = np.linalg.norm(terms, axis=(2, 3))
    lower = np.tril(np.ones((T, T), dtype=bool))
    by_lag = [np.linalg.norm(sum(terms[t, t - lag] for t in range(lag, T))) for lag in range(T)]
    diagonal = np.einsum("ttij->ij", terms)
    shown = min(T, 12)
    rows = [[t + 1, *(float(norms[t, k]) for k in range(shown))] for t in range(shown)]
    dw_norm = float(np.linalg.norm(full.W))
    return Report(
        title=f"Double sum vs recursion for dL/dW: T={T}, H={H}, {activation}",
        steps=[
            "Term (t, k) = (∂L_t/∂h_t)(∂h_t/∂h_k)(∂⁺h_k/∂W): loss step t reaching back to "
            "state step k, with ∂h_t/∂h_k = J_t⋯J_{k+1}, J_m = diag(f'(a_m)) W.",
            "∂⁺h_k/∂W is the immediate partial (h_{k−1} held fixed); terms with k > t are 0.",
            f"Summing all {T * (T + 1) // 2} terms gives dL/dW; the δ recursion gets the same "
            "total with O(T) instead of O(T²) vector–Jacobian products.",
        ],
        scalars=[
            scalar(
                "max_abs_difference",
                np.max(np.abs(total - full.W)),
                note="Σ_t Σ_k term vs bptt.gradients W",
            ),
            scalar("relative_difference", relative_difference(total, full.W)),
            scalar(
                "nonzero_terms",
                int(np.count_nonzero(norms[lower])),
                note=f"of the T(T+1)/2 = {T * (T + 1) // 2} terms with k ≤ t",
            ),
            scalar("terms_in_sum", T * (T + 1) // 2, note="T(T+1)/2"),
            scalar(
                "upper_triangle_max",
                float(norms[~lower].max()) if T > 1 else 0.0,
                note="largest ‖term‖ with k > t (exactly 0)",
            ),
            scalar("dW_norm", dw_norm, note="‖dL/dW‖_F"),
            scalar(
                "diagonal_share",
                float(np.linalg.norm(diagonal)) / dw_norm if dw_norm else 0.0,
                note="‖Σ_t term(t, t)‖ / ‖dL/dW‖: the immediate (lag 0) terms",
            ),
        ],
        tables=[
            Table(
                f"‖term(t, k)‖_F (rows t, columns k{', first 12' if T > 12 else ''})",
                ["t\\k", *(str(k + 1) for k in range(shown))],
                rows,
            )
        ],
        series=[
            Series(
                "‖Σ terms at lag t−k‖",
                list(map(float, range(T))),
                [float(v) for v in by_lag],
                plot="contribution by lag",
                x_label="lag t − k",
                y_label="‖Σ_{t−k=lag} term‖",
                log_y=True,
            )
        ],
        warnings=list(full.warnings),
    )


@experiment(
    "bptt.gradcheck",
    topic=TOPIC,
    summary="BPTT vs central finite differences, per tensor",
    params=(
        int_param("T", 5, 1, 20, "sequence length", "steps"),
        int_param("H", 3, 1, 8, "hidden units"),
        int_param("D", 2, 1, 6, "input size"),
        int_param("O", 3, 1, 6, "output size (classes for xent)"),
        activation_param(),
        Param("loss", str, "mse", "loss summed over time", choices=rnn.LOSSES),
        float_param("eps", 1e-6, 1e-9, 1e-3, "finite-difference step ε"),
        seed_param(),
    ),
)
def gradient_check(
    T: int,
    H: int,
    D: int,
    O: int,  # noqa: E741
    activation: str,
    loss: str,
    eps: float,
    seed: int,
) -> Report:
    p, xs, ys = seeded_problem(T, H, D, O, seed, loss=loss)
    h0 = initial_state(H, seed)
    grads = bptt.gradients(p, xs, ys, activation=activation, loss=loss, h0=h0)
    numeric = gradcheck.numerical_gradients(
        p, xs, ys, activation=activation, loss=loss, h0=h0, eps=eps
    )
    analytic = grads.as_dict()
    errors = gradcheck.relative_errors(analytic, numeric)
    rows: list[list[Cell]] = [
        [
            name,
            "×".join(map(str, analytic[name].shape)),
            float(np.linalg.norm(analytic[name])),
            float(np.linalg.norm(numeric[name])),
            errors[name],
            float(np.max(np.abs(analytic[name] - numeric[name]))),
        ]
        for name in bptt.GRAD_NAMES
    ]
    report = Report(
        title=f"Gradient check: T={T}, H={H}, D={D}, O={O}, {activation}, {loss}",
        steps=[
            "Analytic: one BPTT pass (δ recursion) gives dL/dU, dW, dV, db, dc and dL/dh_0.",
            f"Numeric: (L(θ + ε e_i) − L(θ − ε e_i)) / 2ε for every entry, ε = {eps:g}.",
            "Relative error per tensor: ‖a − n‖ / (‖a‖ + ‖n‖); about 1e-9 or less means the "
            "analytic gradient is right (central differences are accurate to O(ε²)).",
        ],
        tables=[
            Table(
                "Per parameter",
                ["name", "shape", "‖analytic‖", "‖numeric‖", "relative error", "max |a − n|"],
                rows,
            )
        ],
        warnings=list(grads.warnings),
    )
    report.scalars += [scalar(f"relative_error_{n}", errors[n]) for n in bptt.GRAD_NAMES]
    report.scalars += [
        scalar("max_relative_error", max(errors.values()), note="worst tensor"),
        scalar("loss", grads.loss),
    ]
    return report


def _max_abs(a: dict[str, np.ndarray], b: dict[str, np.ndarray], names: tuple[str, ...]) -> float:
    return max(float(np.max(np.abs(a[n] - b[n]))) for n in names)


def _median_ms(fn: Callable[[], object], repeats: int = 3) -> float:
    """Median wall time of `repeats` calls, in ms."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return float(np.median(times))


@experiment(
    "bptt.rtrl_vs_bptt",
    topic=TOPIC,
    summary="RTRL (± immediate term) vs BPTT: same gradient?",
    params=(
        int_param("T", 8, 1, 30, "sequence length", "steps"),
        int_param("H", 4, 1, 12, "hidden units"),
        int_param("D", 2, 1, 8, "input size"),
        activation_param(),
        Param(
            "immediate_term",
            bool,
            True,
            "keep ∂⁺h_t/∂θ in dh_t/dθ = ∂⁺h_t/∂θ + (∂h_t/∂h_{t−1}) dh_{t−1}/dθ",
        ),
        Param("measure_time", bool, False, "also time both (wall clock: not reproducible)"),
        seed_param(),
    ),
)
def rtrl_vs_bptt(
    T: int, H: int, D: int, activation: str, immediate_term: bool, measure_time: bool, seed: int
) -> Report:
    p, xs, ys = seeded_problem(T, H, D, 2, seed)
    reverse = bptt.gradients(p, xs, ys, activation=activation)
    forward_mode = rtrl.gradients(p, xs, ys, activation=activation, immediate=immediate_term)
    without = (
        forward_mode
        if not immediate_term
        else rtrl.gradients(p, xs, ys, activation=activation, immediate=False)
    )
    names = ("U", "W", "b", "V", "c")
    a, b = forward_mode.as_dict(), reverse.as_dict()
    fwd = rnn.forward(p, xs, activation=activation)
    bptt_floats = fwd.hs.size + fwd.pre.size
    theta_rec = H * H + H * D + H
    rtrl_floats = H * theta_rec
    variant = "with" if immediate_term else "WITHOUT"
    report = Report(
        title=f"RTRL ({variant} the immediate term) vs BPTT: T={T}, H={H}, D={D}, {activation}",
        steps=[
            "RTRL carries S_t = dh_t/dθ forward: S_t = diag(f'(a_t))(∂⁺a_t/∂θ + W S_{t−1}), "
            "S_0 = 0, and accumulates dL/dθ = Σ_t (∂L_t/∂h_t) S_t.",
            "Dropping the immediate term ∂⁺a_t/∂θ (a recursion some lecture notes give) leaves "
            "S_t = diag(f'(a_t)) W S_{t−1}: starting from 0 it stays 0 for ever.",
            "BPTT runs the δ recursion backward over the stored h_t, a_t.",
            f"Memory: BPTT stores h_0..h_T and a_1..a_T ({bptt_floats} floats, grows with T); "
            f"RTRL keeps H·|θ_rec| = {rtrl_floats} floats for any T.",
        ],
        scalars=[
            scalar(
                "max_abs_difference",
                _max_abs(a, b, names),
                note=f"RTRL {variant} immediate term vs BPTT, over U, W, b, V, c",
            ),
            scalar("relative_difference_W", relative_difference(a["W"], b["W"])),
            scalar(
                "max_abs_dW_without_immediate",
                float(np.max(np.abs(without.W))),
                note="RTRL without the immediate term: exactly 0",
            ),
            scalar("max_abs_dW_bptt", float(np.max(np.abs(reverse.W)))),
            scalar(
                "bptt_memory_floats",
                bptt_floats,
                "floats",
                "stored activations (T+1)·B·H + T·B·H, counted from the arrays",
            ),
            scalar("rtrl_memory_floats", rtrl_floats, "floats", "H·(H² + HD + H), any T"),
        ],
        tables=[
            Table(
                "dL/dW row by row" + (" (first 6 rows)" if H > 6 else ""),
                ["row", "BPTT", f"RTRL ({variant} immediate term)"],
                [[i, vec(reverse.W[i], 3), vec(forward_mode.W[i], 3)] for i in range(min(H, 6))],
            )
        ],
        warnings=list(reverse.warnings),
    )
    if measure_time:
        t_bptt = _median_ms(lambda: bptt.gradients(p, xs, ys, activation=activation))
        t_rtrl = _median_ms(lambda: rtrl.gradients(p, xs, ys, activation=activation))
        report.scalars += [
            scalar("bptt_ms", t_bptt, "ms", "median of 3, wall clock"),
            scalar("rtrl_ms", t_rtrl, "ms", "median of 3, wall clock"),
            scalar(
                "time_ratio",
                t_rtrl / t_bptt if t_bptt > 0 else float("inf"),
                note="RTRL time / BPTT time",
            ),
        ]
    return report


@experiment(
    "bptt.truncation",
    topic=TOPIC,
    summary="truncation error vs window k; window vs chunks",
    params=(
        int_param("T", 9, 2, 40, "sequence length", "steps"),
        int_param("H", 4, 1, 16, "hidden units"),
        int_param("k", 2, 1, 41, "truncation window reported in the scalars", "steps"),
        activation_param(),
        float_param("sigma_max", 1.0, 0.0, 4.0, "largest singular value of W (0: small init)"),
        Param(
            "scheme",
            str,
            "singular",
            "W: Gaussian rescaled to σ_max, or σ_max·Q (orthogonal: long range matters)",
            choices=W_SCHEMES,
        ),
        float_param("input_scale", 1.0, 0.0, 5.0, "inputs x_t ~ input_scale·N(0, 1)"),
        seed_param(),
    ),
)
def truncation(
    T: int,
    H: int,
    k: int,
    activation: str,
    sigma_max: float,
    scheme: str,
    input_scale: float,
    seed: int,
) -> Report:
    p, xs, ys = seeded_problem(
        T, H, 2, 2, seed, sigma_max=sigma_max, scheme=scheme, input_scale=input_scale
    )
    h0 = initial_state(H, seed)
    full = bptt.gradients(p, xs, ys, activation=activation, h0=h0)
    full_norm = float(np.linalg.norm(full.W)) or 1.0
    windows = list(range(1, T + 2))
    if k not in windows:
        windows.append(k)
    err_w, err_h0, err_chunk, chunk_vs_window = {}, {}, {}, {}
    for kk in windows:
        cut = bptt.gradients(p, xs, ys, activation=activation, truncate=kk, h0=h0)
        chunk = bptt.chunked_gradients(p, xs, ys, kk, activation=activation, h0=h0)
        err_w[kk] = relative_difference(cut.W, full.W)
        err_h0[kk] = relative_difference(cut.h0, full.h0)
        err_chunk[kk] = relative_difference(chunk.W, full.W)
        chunk_vs_window[kk] = float(np.linalg.norm(chunk.W - cut.W)) / full_norm
    exact_w = min((kk for kk in windows if err_w[kk] <= EXACT), default=-1)
    exact_h0 = min((kk for kk in windows if err_h0[kk] <= EXACT), default=-1)
    xs_plot = [float(kk) for kk in sorted(windows)]
    rows = [
        [kk, err_w[kk], err_h0[kk], err_chunk[kk], chunk_vs_window[kk]] for kk in sorted(windows)
    ]
    return Report(
        title=f"Truncated BPTT: T={T}, H={H}, {activation}"
        + (
            ""
            if (scheme, input_scale) == ("singular", 1.0)
            else f", {scheme} W, x ×{input_scale:g}"
        ),
        steps=[
            "Window k (truncate=k): every loss term L_t flows back through at most k states; "
            "contributions dL_t/dh_s with t − s ≥ k are dropped.",
            "Relative error = ‖g_k − g‖ / ‖g‖ against full BPTT: biased towards short lags, "
            f"0 for the weights once k ≥ T = {T}; dL/dh_0 needs k ≥ T + 1 = {T + 1}.",
            "Chunked BPTT(k; k) (detach the state every k steps) is a different gradient: a "
            "loss at chunk position j gets only j states of history.",
        ],
        scalars=[
            scalar("relative_error_W", err_w[k], note=f"window k = {k} vs full BPTT"),
            scalar("relative_error_h0", err_h0[k], note=f"dL/dh_0, window k = {k}"),
            scalar("chunked_relative_error_W", err_chunk[k], note=f"chunks of k = {k} vs full"),
            scalar(
                "chunked_vs_window",
                chunk_vs_window[k],
                note="‖chunked − windowed‖ / ‖full‖ for dL/dW",
            ),
            scalar("min_exact_k_W", exact_w, "steps", "smallest k giving full dL/dW (= T)"),
            scalar("min_exact_k_h0", exact_h0, "steps", "smallest k giving full dL/dh_0 (= T+1)"),
        ],
        tables=[
            Table(
                "Relative errors by window",
                ["k", "dW window", "dh0 window", "dW chunked", "chunked vs window"],
                rows,
            )
        ],
        series=[
            Series(
                "window, dL/dW",
                xs_plot,
                [err_w[kk] for kk in sorted(windows)],
                plot="error vs k",
                x_label="k",
                y_label="relative error",
            ),
            Series(
                "window, dL/dh0",
                xs_plot,
                [err_h0[kk] for kk in sorted(windows)],
                plot="error vs k",
                x_label="k",
                y_label="relative error",
            ),
            Series(
                "chunked, dL/dW",
                xs_plot,
                [err_chunk[kk] for kk in sorted(windows)],
                plot="error vs k",
                x_label="k",
                y_label="relative error",
            ),
        ],
        warnings=list(full.warnings),
    )
