"""Gated cells against vanishing gradients: the LSTM's cell path, the forget-gate bias, the
GRU's update gate as a leaky unit, and gradient checks of both cells."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from engine import gradcheck, gru, lstm, rnn, vanishing
from engine.experiments.common import (
    class_targets,
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

TOPIC = "gated"
D_IN = 4  # input size of every cell compared on the same inputs
SWEEP = tuple(float(bias) for bias in range(-4, 5))  # gate biases swept: −4, −3, …, 4
AGREEMENT = 0.1  # relative difference counted as agreement


def forget_gates(p: lstm.Params, xs: np.ndarray) -> np.ndarray:
    """f_t along batch item 0 from h_0 = c_0 = 0, shape (T, H) (the LSTM forward pass)."""
    H = p.sizes[1]
    return np.asarray(lstm.forward(p, xs[:, :1]).gates[:, 0, H : 2 * H], dtype=np.float64)


def update_gates(p: gru.Params, xs: np.ndarray) -> np.ndarray:
    """z_t along batch item 0 from h_0 = 0, shape (T, H) (the GRU forward pass)."""
    H = p.sizes[1]
    return np.asarray(gru.forward(p, xs[:, :1]).gates[:, 0, H : 2 * H], dtype=np.float64)


def gate_product_norms(gates: np.ndarray) -> np.ndarray:
    """‖diag(Π_{t=k+1..T} g_t)‖₂ = max_i Π_{t=k+1..T} g_{t,i} for k = 0..T (1 at k = T):
    the norm of a product of diagonal Jacobians, indexed like `jacobian_norms`."""
    T, H = gates.shape
    products = np.ones((T + 1, H))
    for k in range(T - 1, -1, -1):
        products[k] = products[k + 1] * gates[k]
    largest: np.ndarray = products.max(axis=1)
    return largest


def reach(norms: np.ndarray, threshold: float) -> int:
    """The largest lag L = T − k such that every norm at lags 0..L is ≥ `threshold`
    (norms indexed by k = 0..T); T when the norm never falls below it."""
    by_lag = np.asarray(norms)[::-1]
    below = np.flatnonzero(~(by_lag >= threshold))  # NaN counts as below
    return int(below[0]) - 1 if below.size else len(by_lag) - 1


def _lstm(H: int, seed: int, forget_bias: float, wh_scale: float = 1.0) -> lstm.Params:
    """The seeded LSTM (D = D_IN, one output) with b_f = `forget_bias`, Wh scaled."""
    p = lstm.init(D_IN, H, 1, seed=seed, forget_bias=forget_bias)
    return lstm.Params(Wx=p.Wx, Wh=wh_scale * p.Wh, b=p.b, V=p.V, c=p.c)


def _bias_name(bias: float) -> str:
    """−4 → "minus_4", 0 → "0", 4 → "plus_4" (a snake_case scalar suffix)."""
    if bias == 0:
        return "0"
    return f"{'minus' if bias < 0 else 'plus'}_{abs(bias):g}"


def _threshold_param() -> Param:
    return float_param(
        "threshold", 1e-3, 1e-12, 0.5, "reach = largest lag whose Jacobian norm stays ≥ this"
    )


def _t_param(default: int, most: int = 200) -> Param:
    return int_param("T", default, 1, most, "sequence length = the largest lag T − k", "steps")


def _h_param(default: int = 8, most: int = 32) -> Param:
    return int_param("H", default, 1, most, "hidden units")


@experiment(
    "gated.lstm_vs_rnn",
    topic=TOPIC,
    summary="Elman, LSTM and GRU: Jacobian norms by lag",
    params=(
        _t_param(50),
        _h_param(),
        float_param("forget_bias", 1.0, -8.0, 8.0, "LSTM forget-gate bias b_f"),
        float_param("wh_scale", 1.0, 0.0, 2.0, "LSTM: recurrent weights Wh multiplied by this"),
        float_param("sigma_max", 1.0, 0.0, 4.0, "Elman: W = σ_max·Q, Q orthogonal"),
        _threshold_param(),
        seed_param(),
    ),
)
def lstm_vs_rnn(
    T: int,
    H: int,
    forget_bias: float,
    wh_scale: float,
    sigma_max: float,
    threshold: float,
    seed: int,
) -> Report:
    xs = inputs(T, 1, D_IN, seed)
    elman = vanishing.jacobian_norms(
        rnn.init(D_IN, H, 1, scheme="orthogonal", scale=sigma_max, seed=seed), xs
    )
    cell = _lstm(H, seed, forget_bias, wh_scale)
    lstm_norms = lstm.jacobian_norms(cell, xs)
    forgets = forget_gates(cell, xs)
    product = gate_product_norms(forgets)
    curves = {
        "elman": np.asarray(elman, dtype=np.float64),
        "lstm_h": np.asarray(lstm_norms["h"], dtype=np.float64),
        "lstm_c": np.asarray(lstm_norms["c"], dtype=np.float64),
        "gru": np.asarray(gru.jacobian_norms(gru.init(D_IN, H, 1, seed=seed), xs)),
    }
    labels = {
        "elman": "Elman ‖∂h_T/∂h_k‖",
        "lstm_h": "LSTM ‖∂h_T/∂h_k‖",
        "lstm_c": "LSTM ‖∂c_T/∂c_k‖",
        "gru": "GRU ‖∂h_T/∂h_k‖",
    }
    with np.errstate(all="ignore"):
        ratio = curves["lstm_c"] / product
    agreement = reach(1.0 - np.abs(ratio - 1.0), 1.0 - AGREEMENT)
    reaches = {key: reach(norms, threshold) for key, norms in curves.items()}
    rows: list[list[Cell]] = [
        [labels[key], float(norms[0]), reaches[key]] for key, norms in curves.items()
    ]
    rows.append(["max_i Π f (carousel alone)", float(product[0]), reach(product, threshold)])
    return Report(
        title=f"Elman, LSTM and GRU on the same inputs: T={T}, H={H}, b_f={forget_bias:g}",
        steps=[
            "Elman: ∂h_t/∂h_{t−1} = diag(tanh'(a_t)) W, a product of T − k such factors "
            f"(W = {sigma_max:g}·Q, Q orthogonal).",
            "LSTM (Hochreiter & Schmidhuber 1997): c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t, so the "
            "direct cell path has ∂c_t/∂c_{t−1} = diag(f_t): no weight matrix and no squashing "
            "derivative, the constant error carousel gated by f. Along it alone, "
            "‖∂c_T/∂c_k‖₂ = max_i Π_{t=k+1..T} f_t,i, the product of the forget gates.",
            "The measured ‖∂c_T/∂c_k‖₂ also counts the paths that leave the cell through "
            "h_t = o_t ⊙ tanh(c_t) and come back through the gates (via Wh). At lag 1 the two "
            "agree exactly; the longer the lag, the more such paths add up. With wh_scale = 0 "
            "there are none and the norm is exactly the forget-gate product.",
            "GRU (Cho et al. 2014): h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}, an identity path "
            "scaled by the update gate z (its bias 0 here, so z ≈ 0.5).",
            f"Reach: the largest lag at which a norm stays ≥ {threshold:g} (T if it never "
            "falls below).",
        ],
        scalars=[
            *[
                scalar(f"{key}_norm_at_max_lag", float(norms[0]), note=f"lag T = {T}")
                for key, norms in curves.items()
            ],
            scalar("forget_product_at_max_lag", float(product[0]), note="max_i Π_t f_t,i"),
            scalar(
                "cell_to_product_ratio_at_max_lag",
                float(ratio[0]),
                note="‖∂c_T/∂c_0‖ / max_i Π f: > 1 when the paths through h add",
            ),
            scalar(
                "forget_product_agreement_lag",
                agreement,
                "steps",
                f"largest lag up to which ‖∂c_T/∂c_k‖ is within {AGREEMENT:.0%} of the product",
            ),
            scalar(
                "cell_product_gap_at_lag_1",
                abs(float(ratio[T - 1]) - 1.0),
                note="|ratio − 1| at lag 1, where the two are the same max_i f_T,i",
            ),
            scalar("mean_forget_gate", float(forgets.mean()), note="mean f over steps and units"),
            *[scalar(f"{key}_reach", reaches[key], "steps") for key in curves],
        ],
        tables=[Table("At the largest lag", ["path", f"norm at lag {T}", "reach"], rows)],
        series=[
            *[
                lag_series(labels[key], norms, "norm by lag", "norm")
                for key, norms in curves.items()
            ],
            lag_series("max_i Π f (forget gates)", product, "norm by lag", "norm"),
        ],
    )


@experiment(
    "gated.forget_bias",
    topic=TOPIC,
    summary="LSTM forget-gate bias b_f vs gradient reach",
    params=(_t_param(50, 150), _h_param(8, 32), _threshold_param(), seed_param()),
)
def forget_bias(T: int, H: int, threshold: float, seed: int) -> Report:
    xs = inputs(T, 1, D_IN, seed)
    rows: list[list[Cell]] = []
    reaches: dict[float, int] = {}
    curves: dict[float, np.ndarray] = {}
    for bias in SWEEP:
        cell = _lstm(H, seed, bias)
        norms = np.asarray(lstm.jacobian_norms(cell, xs)["c"], dtype=np.float64)
        reaches[bias], curves[bias] = reach(norms, threshold), norms
        forgets = forget_gates(cell, xs)
        rows.append(
            [
                bias,
                1.0 / (1.0 + math.exp(-bias)),
                float(forgets.mean()),
                float(norms[0]),
                reach(gate_product_norms(forgets), threshold),
                reaches[bias],
            ]
        )
    extremes = [SWEEP[0], 0.0, SWEEP[-1]]
    return Report(
        title=f"Forget-gate bias sweep: T={T}, H={H}, threshold {threshold:g}",
        steps=[
            "On the direct cell path ∂c_T/∂c_k = Π_{t=k+1..T} diag(f_t), f_t = σ(… + b_f); "
            "the measured norm adds the paths through h and the gates.",
            "A negative b_f closes the gates (f ≈ σ(b_f) ≈ 0.02 at −4): the product and the "
            "gradient vanish within a few steps. A positive b_f opens them (f ≈ 0.98 at +4): "
            "the cell carries the gradient over many steps.",
            "Jozefowicz et al. (2015) found that a forget-gate bias of 1 lets the LSTM match "
            "the GRU on most of their tasks; chrono initialisation (Tallec & Ollivier 2018) "
            "draws b_f so that 1/(1 − f) spans the time scales of the task.",
            f"Reach: the largest lag with ‖∂c_T/∂c_k‖₂ ≥ {threshold:g}; a reach of T = {T} "
            "means the norm never fell below the threshold within the sequence.",
            *_growth_note(curves[SWEEP[-1]], SWEEP[-1]),
        ],
        scalars=[
            *[
                scalar(f"reach_bias_{_bias_name(b)}", reaches[b], "steps", f"b_f = {b:g}")
                for b in extremes
            ],
            *[
                scalar(f"mean_forget_bias_{_bias_name(b)}", float(row[2]), note=f"b_f = {b:g}")
                for b, row in zip(SWEEP, rows, strict=True)
                if b in extremes
            ],
            scalar("reach_capped_at_T", T, "steps", "the largest reach measurable"),
        ],
        tables=[
            Table(
                "Reach against the forget-gate bias",
                ["b_f", "σ(b_f)", "mean f", f"‖∂c_T/∂c_0‖ (lag {T})", "reach of Π f", "reach"],
                rows,
            )
        ],
        series=[
            Series(
                "reach",
                list(SWEEP),
                [float(reaches[b]) for b in SWEEP],
                plot="reach against b_f",
                x_label="forget-gate bias b_f",
                y_label="reach (steps)",
            ),
            *[
                lag_series(f"b_f = {b:g}", curves[b], "‖∂c_T/∂c_k‖ by lag", "‖∂c_T/∂c_k‖₂")
                for b in extremes
            ],
        ],
    )


def _growth_note(norms: np.ndarray, bias: float) -> list[str]:
    """A step saying so when ‖∂c_T/∂c_k‖ exceeds 1 (the gradient grows) at b_f = `bias`."""
    peak = float(np.nanmax(norms))
    if not peak > 1.0:
        return []
    return [
        f"At b_f = {bias:g} the norm reaches {peak:.3g} > 1: the forget-gate product is at "
        "most 1, so the growth comes from the paths through h and the gates. Open gates "
        "remove vanishing on the cell path; they do not rule out exploding."
    ]


@experiment(
    "gated.gru_update_gate",
    topic=TOPIC,
    summary="GRU update gate z as a leaky unit: reach vs mean z",
    params=(_t_param(50, 150), _h_param(8, 32), _threshold_param(), seed_param()),
)
def gru_update_gate(T: int, H: int, threshold: float, seed: int) -> Report:
    xs = inputs(T, 1, D_IN, seed)
    rows: list[list[Cell]] = []
    means: dict[float, float] = {}
    reaches: dict[float, int] = {}
    for bias in SWEEP:
        cell = gru.init(D_IN, H, 1, seed=seed, update_bias=bias)
        norms = np.asarray(gru.jacobian_norms(cell, xs), dtype=np.float64)
        gates = update_gates(cell, xs)
        means[bias], reaches[bias] = float(gates.mean()), reach(norms, threshold)
        leaky = reach(gate_product_norms(gates), threshold)
        rows.append([bias, means[bias], 1.0 / (1.0 - means[bias]), leaky, reaches[bias]])
    extremes = [SWEEP[0], 0.0, SWEEP[-1]]
    summary: list[Scalar] = []
    for b in extremes:
        summary += [
            scalar(f"mean_z_bias_{_bias_name(b)}", means[b], note=f"z bias {b:g}"),
            scalar(f"reach_bias_{_bias_name(b)}", reaches[b], "steps", f"z bias {b:g}"),
        ]
    return Report(
        title=f"GRU update gate as a leaky unit: T={T}, H={H}, threshold {threshold:g}",
        steps=[
            "h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1} (Cho et al. 2014): each unit is a leaky "
            "integrator whose leak rate 1 − z_t is learned and input-dependent.",
            "A leaky unit with constant z keeps a fraction z of its state per step: its memory "
            "lasts about 1/(1 − z) steps, and ∂h_T/∂h_k = z^(T−k) on the direct path.",
            "The z bias b_xz sets the mean of z; the table shows the measured "
            "reach of ‖∂h_T/∂h_k‖₂ next to the reach of the direct path max_i Π z_t,i alone "
            "(the n and r terms add to it).",
            f"Reach: the largest lag with the norm ≥ {threshold:g}; at most T = {T}.",
        ],
        scalars=summary,
        tables=[
            Table(
                "Reach against the mean update gate",
                ["z bias", "mean z", "1/(1 − mean z)", "reach of Π z", "reach"],
                rows,
            )
        ],
        series=[
            Series(
                "reach",
                [means[b] for b in SWEEP],
                [float(reaches[b]) for b in SWEEP],
                plot="reach against mean z",
                x_label="mean update gate z",
                y_label="reach (steps)",
            )
        ],
    )


LossFn = Callable[[dict[str, np.ndarray]], float]


def _central_differences(
    loss_of: LossFn, tensors: dict[str, np.ndarray], eps: float
) -> dict[str, np.ndarray]:
    """∂L/∂θ_i ≈ (L(θ + ε e_i) − L(θ − ε e_i)) / 2ε for every entry of every tensor."""
    result = {}
    for name, tensor in tensors.items():
        grad = np.zeros_like(tensor)
        for index in np.ndindex(tensor.shape):
            shifted = {**tensors, name: tensor.copy()}
            shifted[name][index] = tensor[index] + eps
            upper = loss_of(shifted)
            shifted[name][index] = tensor[index] - eps
            grad[index] = (upper - loss_of(shifted)) / (2 * eps)
        result[name] = grad
    return result


GC_B, GC_D, GC_O = 2, 2, 3  # batch, input and output sizes of the gradient check


@experiment(
    "gated.gradcheck",
    topic=TOPIC,
    summary="LSTM and GRU BPTT vs central differences",
    params=(
        int_param("T", 4, 1, 8, "sequence length", "steps"),
        int_param("H", 2, 1, 6, "hidden units"),
        Param("loss", str, "mse", "loss summed over time", choices=rnn.LOSSES),
        float_param("eps", 1e-6, 1e-9, 1e-3, "finite-difference step ε"),
        seed_param(),
    ),
)
def gated_gradcheck(T: int, H: int, loss: str, eps: float, seed: int) -> Report:
    xs = inputs(T, GC_B, GC_D, seed)
    ys = class_targets(T, GC_B, GC_O, seed) if loss == "xent" else mse_targets(T, GC_B, GC_O, seed)
    rng = np.random.default_rng([seed, 3])
    h0, c0 = 0.5 * rng.standard_normal((GC_B, H)), 0.5 * rng.standard_normal((GC_B, H))

    def lstm_params(t: dict[str, np.ndarray]) -> lstm.Params:
        return lstm.Params(Wx=t["Wx"], Wh=t["Wh"], b=t["b"], V=t["V"], c=t["c"])

    def gru_params(t: dict[str, np.ndarray]) -> gru.Params:
        return gru.Params(Wx=t["Wx"], Wh=t["Wh"], bx=t["bx"], bh=t["bh"], V=t["V"], c=t["c"])

    tensors = {
        "lstm": {**_tensors(lstm.init(GC_D, H, GC_O, seed=seed)), "h0": h0, "c0": c0},
        "gru": {**_tensors(gru.init(GC_D, H, GC_O, seed=seed)), "h0": h0},
    }
    analytic = {
        "lstm": lstm.gradients(lstm_params(tensors["lstm"]), xs, ys, loss=loss, h0=h0, c0=c0),
        "gru": gru.gradients(gru_params(tensors["gru"]), xs, ys, loss=loss, h0=h0),
    }
    loss_of: dict[str, LossFn] = {
        "lstm": lambda t: lstm.sequence_loss(lstm_params(t), xs, ys, loss, t["h0"], t["c0"]),
        "gru": lambda t: gru.sequence_loss(gru_params(t), xs, ys, loss, t["h0"]),
    }
    rows: list[list[Cell]] = []
    scalars: list[Scalar] = []
    worst: dict[str, float] = {}
    for cell, values in tensors.items():
        numeric = _central_differences(loss_of[cell], values, eps)
        exact = {name: np.asarray(getattr(analytic[cell], name)) for name in values}
        errors = gradcheck.relative_errors(exact, numeric)
        worst[cell] = max(errors.values())
        for name, error in errors.items():
            shape = "×".join(map(str, exact[name].shape))
            rows.append([cell.upper(), name, shape, float(np.linalg.norm(exact[name])), error])
            scalars.append(scalar(f"{cell}_relative_error_{name}", error))
    return Report(
        title=f"LSTM and GRU gradient check: T={T}, H={H}, B={GC_B}, D={GC_D}, O={GC_O}, {loss}",
        steps=[
            "Analytic: one BPTT pass through each cell gives the gradient of every parameter "
            "and of the initial state(s) h_0 (and c_0 for the LSTM).",
            f"Numeric: (L(θ + ε e_i) − L(θ − ε e_i)) / 2ε for every entry, ε = {eps:g}, "
            "from the cell's forward pass alone (no backward pass involved).",
            "Relative error per tensor: ‖a − n‖ / (‖a‖ + ‖n‖); central differences are "
            "accurate to O(ε²), so about 1e-8 or less means the backward pass is right.",
        ],
        scalars=[
            scalar("worst_relative_error", max(worst.values()), note="over both cells"),
            scalar("lstm_worst_relative_error", worst["lstm"]),
            scalar("gru_worst_relative_error", worst["gru"]),
            *scalars,
        ],
        tables=[
            Table(
                "Per parameter",
                ["cell", "tensor", "shape", "‖analytic‖", "relative error"],
                rows,
            )
        ],
    )


def _tensors(p: lstm.Params | gru.Params) -> dict[str, np.ndarray]:
    """The parameter tensors of `p` as float64 copies."""
    return {name: np.array(value, dtype=np.float64) for name, value in p.as_dict().items()}
