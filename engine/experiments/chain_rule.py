"""How the chain rule adds up in BPTT: weight tying (the tied gradient is the sum of the
per-step gradients of untied copies) and why the double sum needs the IMMEDIATE partial
∂⁺h_k/∂W, not the total dh_k/dW (Goodfellow et al. ch. 10.2.2; d2l §9.7)."""

from __future__ import annotations

import numpy as np

from engine import bptt, gradcheck, rnn
from engine.experiments.common import (
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
from engine.registry import experiment
from engine.report import Cell, Report, Series, Table

TOPIC = "bptt"
FD_EPS = 1e-6  # central-difference step


def untied_loss(
    p: rnn.Params,
    Ws: list[np.ndarray],
    xs: np.ndarray,
    ys: np.ndarray,
    activation: str,
    h0: np.ndarray,
) -> float:
    """L = Σ_t ½‖o_t − y_t‖² for the UNTIED network a_t = U x_t + W_t h_{t−1} + b: step t
    is one engine forward step with its own copy W_t."""
    h, total = h0, 0.0
    for t, W_t in enumerate(Ws):
        step = rnn.Params(U=p.U, W=W_t, V=p.V, b=p.b, c=p.c)
        fwd = rnn.forward(step, xs[t : t + 1], activation=activation, h0=h)
        total += rnn.loss_and_error(fwd.outs, ys[t : t + 1], "mse")[0]
        h = fwd.hs[-1]
    return total


def untied_gradients_fd(
    p: rnn.Params, xs: np.ndarray, ys: np.ndarray, activation: str, h0: np.ndarray
) -> np.ndarray:
    """∂L/∂W_t for every copy, by central differences on `untied_loss`; shape (T, H, H)."""
    T, H = len(xs), p.W.shape[0]
    grads = np.zeros((T, H, H))
    for t in range(T):
        for index in np.ndindex(H, H):
            Ws = [p.W.copy() for _ in range(T)]
            Ws[t][index] += FD_EPS
            upper = untied_loss(p, Ws, xs, ys, activation, h0)
            Ws[t][index] -= 2 * FD_EPS
            lower = untied_loss(p, Ws, xs, ys, activation, h0)
            grads[t][index] = (upper - lower) / (2 * FD_EPS)
    return grads


@experiment(
    "bptt.weight_tying",
    topic=TOPIC,
    summary="untied copies W_t: Σ_t ∂L/∂W_t = tied ∂L/∂W",
    params=(
        int_param("T", 4, 1, 8, "sequence length = number of copies W_t", "steps"),
        int_param("H", 3, 1, 4, "hidden units"),
        activation_param(),
        float_param("sigma_max", 1.0, 0.0, 4.0, "largest singular value of W (0: small init)"),
        seed_param(),
    ),
)
def weight_tying(T: int, H: int, activation: str, sigma_max: float, seed: int) -> Report:
    p, xs, ys = seeded_problem(T, H, 2, 2, seed, sigma_max=sigma_max)
    h0 = initial_state(H, seed)
    tied = bptt.gradients(p, xs, ys, activation=activation, h0=h0)
    per_step = untied_gradients_fd(p, xs, ys, activation, h0)  # (T, H, H)
    fwd = rnn.forward(p, xs, activation=activation, h0=h0)
    delta = bptt.deltas(p, xs, ys, activation=activation, h0=h0)
    eps = rnn.ACTIVATIONS[activation].df_from_output(fwd.fa) * delta[1:]  # ε_t, (T, 1, H)
    analytic = np.einsum("tbi,tbj->tij", eps, fwd.hs[:-1])  # ε_t h_{t−1}ᵀ
    total = per_step.sum(axis=0)
    step_norms = np.linalg.norm(per_step, axis=(1, 2))
    tied_norm = float(np.linalg.norm(tied.W))
    untied_at_tie = untied_loss(p, [p.W] * T, xs, ys, activation, h0)
    rows = [
        [
            t + 1,
            float(step_norms[t]),
            float(np.linalg.norm(analytic[t])),
            float(np.max(np.abs(per_step[t] - analytic[t]))),
        ]
        for t in range(T)
    ]
    return Report(
        title=f"Weight tying: T={T} copies of W, H={H}, {activation}",
        steps=[
            "Untie the network: step t uses its own copy W_t, a_t = U x_t + W_t h_{t−1} + b, "
            "all copies starting equal to W.",
            "∂L/∂W_t for each copy by central differences on the untied network "
            f"(ε = {FD_EPS:g}); analytically it is ε_t h_{{t−1}}ᵀ.",
            "Tie the copies again (W_t = W for all t): by the chain rule "
            "∂L/∂W = Σ_t ∂L/∂W_t, which is what BPTT sums.",
            f"Untied: T·H² = {T * H * H} parameters; tied: H² = {H * H}, each used T times.",
        ],
        scalars=[
            scalar(
                "max_abs_difference",
                float(np.max(np.abs(total - tied.W))),
                note="max |Σ_t ∂L/∂W_t (untied, finite differences) − ∂L/∂W (tied BPTT)|",
            ),
            scalar("relative_difference", relative_difference(total, tied.W)),
            scalar(
                "per_step_max_abs_error",
                float(np.max(np.abs(per_step - analytic))),
                note="max_t |∂L/∂W_t (finite differences) − ε_t h_{t−1}ᵀ|",
            ),
            scalar(
                "untied_loss_difference",
                abs(untied_at_tie - tied.loss),
                note="|L(untied, W_t = W) − L(tied)|: the same network",
            ),
            scalar("tied_norm", tied_norm, note="‖∂L/∂W‖_F = ‖Σ_t ∂L/∂W_t‖"),
            scalar(
                "sum_of_step_norms",
                float(step_norms.sum()),
                note="Σ_t ‖∂L/∂W_t‖ ≥ ‖Σ_t ∂L/∂W_t‖ (equal only if all point alike)",
            ),
            scalar("largest_step", int(np.argmax(step_norms)) + 1, "step", "t with the largest"),
            scalar("untied_parameter_count", T * H * H, note="T·H²"),
            scalar("tied_parameter_count", H * H, note="H²"),
        ],
        tables=[
            Table(
                "Per-step gradients of the untied copies",
                ["t", "‖∂L/∂W_t‖ (FD)", "‖ε_t h_{t−1}ᵀ‖", "max |FD − ε_t h_{t−1}ᵀ|"],
                rows,
            ),
            Table(
                "Sum of the copies vs the tied gradient",
                ["gradient", "dL/dW"],
                [["Σ_t ∂L/∂W_t (untied, FD)", vec(total)], ["tied BPTT", vec(tied.W)]],
            ),
        ],
        series=[
            Series(
                "‖∂L/∂W_t‖",
                [float(t + 1) for t in range(T)],
                [float(v) for v in step_norms],
                plot="per-step gradient",
                x_label="step t",
                y_label="‖∂L/∂W_t‖_F",
            )
        ],
        warnings=list(tied.warnings),
    )


def state_sensitivities(fwd: rnn.Forward, W: np.ndarray, fprime: np.ndarray) -> np.ndarray:
    """S_k = dh_k/dW (total derivative, one sequence) by forward mode:
    S_0 = 0, S_k[i,p,q] = f'(a_k)_i · (1[i = p] h_{k−1,q} + Σ_j W_ij S_{k−1}[j,p,q]).
    Shape (T+1, H, H, H), k = 0..T."""
    T, H = fwd.pre.shape[0], W.shape[0]
    S = np.zeros((T + 1, H, H, H))
    eye = np.eye(H)
    for k in range(1, T + 1):
        immediate = np.einsum("ip,q->ipq", eye, fwd.hs[k - 1, 0])
        S[k] = fprime[k - 1, 0][:, None, None] * (immediate + np.einsum("ij,jpq->ipq", W, S[k - 1]))
    return S


def trajectory_sensitivities_fd(
    p: rnn.Params, xs: np.ndarray, activation: str, h0: np.ndarray
) -> np.ndarray:
    """dh_k/dW by central differences of the whole forward trajectory; (T+1, H, H, H)."""
    H = p.W.shape[0]
    S = np.zeros((len(xs) + 1, H, H, H))
    for p_i, q in np.ndindex(H, H):
        shifted = p.copy()
        shifted.W[p_i, q] += FD_EPS
        upper = rnn.forward(shifted, xs, activation=activation, h0=h0).hs[:, 0]
        shifted.W[p_i, q] -= 2 * FD_EPS
        lower = rnn.forward(shifted, xs, activation=activation, h0=h0).hs[:, 0]
        S[:, :, p_i, q] = (upper - lower) / (2 * FD_EPS)
    return S


def total_partial_double_sum(
    direct: np.ndarray, W: np.ndarray, fprime: np.ndarray, S: np.ndarray
) -> np.ndarray:
    """The WRONG double sum Σ_t Σ_{k≤t} (∂L_t/∂h_t)(∂h_t/∂h_k)(dh_k/dW), with the total
    derivative S_k in place of the immediate partial; direct[t−1] = ∂L_t/∂h_t."""
    T, H = len(direct), W.shape[0]
    total = np.zeros((H, H))
    for t in range(1, T + 1):
        row = direct[t - 1]  # (∂L_t/∂h_t)(∂h_t/∂h_k) as a row vector, k = t first
        for k in range(t, 0, -1):
            total += np.einsum("i,ipq->pq", row, S[k])
            row = (row * fprime[k - 1, 0]) @ W  # times J_k = diag(f'(a_k)) W
    return total


@experiment(
    "bptt.immediate_partial",
    topic=TOPIC,
    summary="double sum with total dh_k/dW instead of ∂⁺h_k/∂W",
    params=(
        int_param("T", 6, 1, 20, "sequence length", "steps"),
        int_param("H", 3, 1, 8, "hidden units"),
        activation_param(),
        float_param("sigma_max", 1.0, 0.0, 4.0, "largest singular value of W (0: small init)"),
        seed_param(),
    ),
)
def immediate_partial(T: int, H: int, activation: str, sigma_max: float, seed: int) -> Report:
    p, xs, ys = seeded_problem(T, H, 2, 2, seed, sigma_max=sigma_max)
    h0 = initial_state(H, seed)
    fwd = rnn.forward(p, xs, activation=activation, h0=h0)
    fprime = rnn.ACTIVATIONS[activation].df_from_output(fwd.fa)  # (T, 1, H)
    direct = ((fwd.outs - ys) @ p.V)[:, 0]  # ∂L_t/∂h_t = Vᵀ e_t, (T, H)
    S = state_sensitivities(fwd, p.W, fprime)
    S_fd = trajectory_sensitivities_fd(p, xs, activation, h0)
    wrong = total_partial_double_sum(direct, p.W, fprime, S)
    terms = bptt.double_sum_terms(p, xs, ys, activation=activation, h0=h0)  # [t-1, k-1]
    right = terms.sum(axis=(0, 1))
    lag = np.subtract.outer(np.arange(T), np.arange(T))
    multiplicity = np.where(lag >= 0, lag + 1, 0)  # term (t, j) is counted t − j + 1 times
    overcounted = np.einsum("tk,tkpq->pq", multiplicity, terms)
    numeric = gradcheck.numerical_gradients(
        p, xs, ys, activation=activation, loss="mse", h0=h0, eps=FD_EPS
    )["W"]
    tied = bptt.gradients(p, xs, ys, activation=activation, h0=h0)
    rows: list[list[Cell]] = [
        [
            "immediate ∂⁺h_k/∂W (right)",
            float(np.linalg.norm(right)),
            relative_difference(right, numeric),
        ],
        [
            "total dh_k/dW (wrong)",
            float(np.linalg.norm(wrong)),
            relative_difference(wrong, numeric),
        ],
        ["BPTT recursion", float(np.linalg.norm(tied.W)), relative_difference(tied.W, numeric)],
    ]
    return Report(
        title=f"Immediate vs total partial in the double sum: T={T}, H={H}, {activation}",
        steps=[
            "Right: dL/dW = Σ_t Σ_{k≤t} (∂L_t/∂h_t)(∂h_t/∂h_k)(∂⁺h_k/∂W), where ∂⁺h_k/∂W holds "
            "h_{k−1} fixed: ∂⁺h_{k,i}/∂W_pq = f'(a_{k,i}) 1[i = p] h_{k−1,q}.",
            "Wrong: put the total derivative S_k = dh_k/dW there, from forward mode "
            "S_k = diag(f'(a_k))(∂⁺a_k/∂W + W S_{k−1}), S_0 = 0.",
            "S_k already sums every path from W into h_k, so the wrong sum counts the path "
            "(t, j) once for each k with j ≤ k ≤ t: t − j + 1 times instead of once.",
            "Reference: central differences of L in every entry of W.",
        ],
        scalars=[
            scalar(
                "relative_error_wrong",
                relative_difference(wrong, right),
                note="‖wrong − right‖ / ‖right‖",
            ),
            scalar(
                "relative_error_wrong_fd",
                relative_difference(wrong, numeric),
                note="total-derivative double sum vs finite differences",
            ),
            scalar(
                "relative_error_right_fd",
                relative_difference(right, numeric),
                note="immediate-partial double sum vs finite differences",
            ),
            scalar(
                "overcount_identity_error",
                float(np.max(np.abs(wrong - overcounted))),
                note="max |wrong − Σ_{t,j} (t − j + 1)·term(t, j)|",
            ),
            scalar(
                "sensitivity_fd_error",
                float(np.max(np.abs(S - S_fd))),
                note="forward-mode dh_k/dW vs central differences of the trajectory",
            ),
            scalar(
                "norm_ratio",
                float(np.linalg.norm(wrong)) / float(np.linalg.norm(right) or 1.0),
                note="‖wrong‖ / ‖right‖",
            ),
            scalar(
                "max_multiplicity", T, note="the immediate term of h_1 is counted T times by L_T"
            ),
        ],
        tables=[
            Table("dL/dW three ways", ["double sum with", "‖dL/dW‖", "relative error vs FD"], rows),
            Table(
                "dL/dW row by row" + (" (first 4 rows)" if H > 4 else ""),
                ["row", "immediate (right)", "total (wrong)", "finite differences"],
                [
                    [i, vec(right[i], 3), vec(wrong[i], 3), vec(numeric[i], 3)]
                    for i in range(min(H, 4))
                ],
            ),
        ],
        warnings=list(tied.warnings),
    )
