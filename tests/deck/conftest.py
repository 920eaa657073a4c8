"""Test-only experiments (registered for one test, removed afterwards) and deck helpers."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine import registry
from engine.report import Report, Scalar

POWER = "test.fixture_power"
CRASH = "test.fixture_crash"
NAN = "test.fixture_nan"
ODD = "test.fixture_odd"


def _power(rho: float, steps: int, mode: str) -> Report:
    """value = rho**steps (an independent, obvious reference)."""
    return Report(
        f"rho^steps ({mode})",
        scalars=[Scalar("value", rho**steps), Scalar("steps", steps)],
    )


def _odd(steps: int) -> Report:
    """half = steps/2 always; `odd_only` exists only when steps is odd."""
    scalars = [Scalar("half", steps / 2)]
    if steps % 2:
        scalars.append(Scalar("odd_only", steps))
    return Report("odd steps", scalars=scalars)


def _crash(rho: float) -> Report:
    raise ZeroDivisionError("boom")


def _nan(rho: float) -> Report:
    return Report("nan", scalars=[Scalar("value", math.nan)])


@pytest.fixture
def fixture_experiments(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """For one test, the default registry is a copy of the bundled one plus the test
    experiments (the bundled registry itself is never changed)."""
    own = registry.default_registry.copy()
    rho = registry.Param("rho", float, 0.5, "base", minimum=0.0, maximum=2.0)
    specs: list[tuple[str, tuple[registry.Param, ...], Callable[..., Report]]] = [
        (
            POWER,
            (
                rho,
                registry.Param("steps", int, 10, "exponent", minimum=1, maximum=50),
                registry.Param("mode", str, "a", "label", choices=("a", "b")),
            ),
            _power,
        ),
        (CRASH, (rho,), _crash),
        (NAN, (rho,), _nan),
        (ODD, (registry.Param("steps", int, 3, "count", minimum=1, maximum=50),), _odd),
    ]
    for name, params, func in specs:
        own.experiment(name, topic="general", summary="test fixture", params=params)(func)
    monkeypatch.setattr(registry, "default_registry", own)
    yield


HEADER = """\
[deck]
id = "fixture"
title = "Fixture deck"
description = "Every card type."
topic = "general"
version = 2
authors = ["tests"]
tags = ["fixture"]
"""


@pytest.fixture
def write_deck(tmp_path: Path) -> Callable[..., Path]:
    """write_deck(body, name=..., header=True) -> path of a deck file in tmp_path."""

    def write(body: str, name: str = "deck.toml", header: bool = True) -> Path:
        text = (HEADER + "\n" if header else "") + textwrap.dedent(body)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
