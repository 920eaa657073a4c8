"""Shared fixtures for the experiment tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from engine import registry
from engine.report import Report

# Long experiments run at their cheapest settings here, never at their defaults.
CHEAP_LONG: dict[str, dict[str, Any]] = {
    "symbolic.derive": {"T": 2, "matrix": False},
    "complexity.scaling": {"T_max": 64, "H_max": 32, "repeats": 1, "methods": False},
    "complexity.rtrl_cost": {"H_max": 16, "bptt_H_max": 64, "T": 4, "repeats": 1},
}
# Long experiments that time the wall clock: their numbers differ from run to run.
TIMED = (
    "complexity.scaling",
    "complexity.rtrl_cost",
    "bptt.checkpointing",
    "complexity.stacked_bidirectional",
)


@pytest.fixture
def run() -> Callable[..., Report]:
    """registry.run, with a long experiment's cheap settings under the given params."""

    def run_experiment(name: str, **params: Any) -> Report:
        return registry.run(name, {**CHEAP_LONG.get(name, {}), **params})

    return run_experiment
