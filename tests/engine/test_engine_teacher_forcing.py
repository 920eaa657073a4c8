"""Free-running gradients (output fed back) against central differences of a direct loop."""

from __future__ import annotations

import numpy as np
import pytest

from engine import rnn, teacher_forcing

EPS = 1e-6


def _problem(seed: int = 0):
    rng = np.random.default_rng(seed)
    H, O = 4, 2  # noqa: E741
    p = rnn.Params(
        U=rng.standard_normal((H, O)) * 0.5,
        W=rng.standard_normal((H, H)) * 0.4,
        V=rng.standard_normal((O, H)) * 0.5,
        b=0.1 * rng.standard_normal(H),
        c=np.zeros(O),
    )
    ys, y0 = rng.standard_normal((6, 3, O)), rng.standard_normal((3, O))
    return p, ys, y0


def _free_loss_by_loop(p: rnn.Params, ys: np.ndarray, y0: np.ndarray) -> float:
    """The free-running loss written step by step: x_1 = y_0, x_t = o_{t−1}."""
    h = np.zeros((y0.shape[0], p.W.shape[0]))
    x, total = y0, 0.0
    for y in ys:
        h = np.tanh(x @ p.U.T + h @ p.W.T + p.b)
        o = h @ p.V.T + p.c
        total += 0.5 * float(np.sum((o - y) ** 2))
        x = o
    return total


def test_free_running_loss_and_gradients_match_the_step_by_step_loop():
    p, ys, y0 = _problem()
    g = teacher_forcing.free_running(p, ys, y0)
    assert g.loss == pytest.approx(_free_loss_by_loop(p, ys, y0), rel=1e-12)
    for name in teacher_forcing.TRAINED:
        tensor = getattr(p, name)
        numeric = np.zeros_like(tensor)
        for index in np.ndindex(tensor.shape):
            keep = tensor[index]
            tensor[index] = keep + EPS
            upper = _free_loss_by_loop(p, ys, y0)
            tensor[index] = keep - EPS
            lower = _free_loss_by_loop(p, ys, y0)
            tensor[index] = keep
            numeric[index] = (upper - lower) / (2 * EPS)
        np.testing.assert_allclose(getattr(g, name), numeric, rtol=1e-6, atol=1e-8)


def test_generate_is_the_free_running_output_and_differs_from_teacher_forcing():
    p, ys, y0 = _problem(1)
    outs = teacher_forcing.generate(p, len(ys), y0)
    loss = 0.5 * float(np.sum((outs - ys) ** 2))
    assert loss == pytest.approx(teacher_forcing.free_running(p, ys, y0).loss, rel=1e-12)
    assert teacher_forcing.teacher_forced(p, ys, y0).loss != pytest.approx(loss)


def test_free_running_refuses_an_output_bias():
    p, ys, y0 = _problem()
    with pytest.raises(ValueError, match="output bias"):
        teacher_forcing.free_running(rnn.Params(p.U, p.W, p.V, p.b, p.c + 1), ys, y0)
