"""BLAS threads: configure() sets, validates and works from any thread; results do not
depend on the thread count (exactly in float64; to float32 rounding in float32, where
OpenBLAS's threaded sgemm sums in another order)."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from engine_problems import make_problem

from engine import bptt, registry, rnn, threads, training

pytestmark = pytest.mark.skipif(
    not threads._blas_libraries(), reason="no BLAS library that threadpoolctl can control"
)


@pytest.fixture
def restore_threads():
    before = threads.blas_threads()
    yield
    threads.configure(before)


def test_configure_sets_the_count_blas_reports(restore_threads):
    assert threads.configure(2) == 2
    assert threads.blas_threads() == 2
    assert threads.configure(1) == 1
    assert threads.blas_threads() == 1


def test_worker_threads_can_configure_after_the_main_thread(restore_threads):
    """threadpoolctl lets only the first Python thread change OpenBLAS's count unless
    control is handed back: the app configures on the main thread, then in workers."""
    threads.configure(2)  # on the main thread
    seen: list[int] = []

    def worker(count: int) -> None:  # like a Textual thread worker
        threads.configure(count)
        seen.append(threads.blas_threads())

    for count in (1, 2):  # two new worker threads in turn
        thread = threading.Thread(target=worker, args=(count,))
        thread.start()
        thread.join(5)
    threads.configure(1)
    assert seen == [1, 2]
    assert threads.blas_threads() == 1


def test_configure_defaults_to_the_users_variable(restore_threads, monkeypatch):
    for variable in threads.USER_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert threads.configure() == 1
    assert threads.blas_threads() == 1
    monkeypatch.delenv("OMP_NUM_THREADS")
    monkeypatch.setattr(threads.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert threads.configure() == threads.usable_cores()


@pytest.mark.parametrize(
    ("cores", "load", "expected"), [(2, 0.2, 2), (2, 1.3, 1), (2, 5.0, 1), (8, 2.6, 5)]
)
def test_idle_cores_leave_out_the_busy_ones(monkeypatch, cores, load, expected):
    monkeypatch.setattr(threads, "usable_cores", lambda: cores)
    monkeypatch.setattr(threads.os, "getloadavg", lambda: (load, load, load))
    assert threads.idle_cores() == expected


def test_idle_cores_without_a_load_average_are_all_cores(monkeypatch):
    def unavailable():
        raise OSError("no load average")

    monkeypatch.setattr(threads.os, "getloadavg", unavailable)
    assert threads.idle_cores() == threads.usable_cores()


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_configure_refuses_bad_counts(bad, restore_threads):
    with pytest.raises((ValueError, TypeError)):
        threads.configure(bad)


def _gradients_with(count: int, dtype: type) -> dict[str, np.ndarray]:
    threads.configure(count)
    prob = make_problem(T=30, B=48, D=40, H=96, O=24, dtype=dtype)
    grads = bptt.gradients(prob.p, prob.xs, prob.ys, h0=prob.h0).as_dict()
    grads["chunked_W"] = bptt.chunked_gradients(prob.p, prob.xs, prob.ys, 7, h0=prob.h0).W
    grads["windowed_W"] = bptt.gradients(prob.p, prob.xs, prob.ys, truncate=5, h0=prob.h0).W
    return grads


def test_float64_gradients_are_identical_with_one_and_two_threads(restore_threads):
    one = _gradients_with(1, np.float64)
    two = _gradients_with(2, np.float64)
    for name in one:
        assert np.array_equal(one[name], two[name]), name


def test_float32_gradients_agree_to_rounding_with_one_and_two_threads(restore_threads):
    one = _gradients_with(1, np.float32)
    two = _gradients_with(2, np.float32)
    for name in one:
        scale = float(np.max(np.abs(one[name])))
        assert np.max(np.abs(one[name] - two[name])) <= 1e-4 * scale, name


def test_training_and_an_experiment_are_identical_with_one_and_two_threads(restore_threads):
    def run(count: int):
        threads.configure(count)
        xs, ys = training.toy_task(20, 8, 3, 2, seed=1)
        p = rnn.init(3, 64, 2, scheme="singular", scale=2.0, seed=1)
        result = training.train(p, xs, ys, steps=5, lr=0.1, clip=1.0)
        return result.losses, result.grad_norms, registry.run("clipping.training").to_json()

    one, two = run(1), run(2)
    assert np.array_equal(one[0], two[0])
    assert np.array_equal(one[1], two[1])
    assert one[2] == two[2]
