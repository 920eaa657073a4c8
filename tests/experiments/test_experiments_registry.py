"""Every registered experiment: declared properly, runs at defaults and at its bounds,
round-trips through JSON, is deterministic, and refuses bad parameters."""

from __future__ import annotations

import math
import re

import pytest

from engine import registry
from engine.report import Report

from .conftest import CHEAP_LONG, TIMED

REQUIRED = {
    "bptt.worked_example",
    "bptt.double_sum",
    "bptt.gradcheck",
    "bptt.rtrl_vs_bptt",
    "bptt.truncation",
    "symbolic.derive",
    "vanishing.jacobian_norms",
    "vanishing.sigmoid_bound",
    "vanishing.init_compare",
    "vanishing.residual",
    "vanishing.rescale_share",
    "clipping.by_norm",
    "clipping.by_value",
    "clipping.per_tensor",
    "clipping.training",
    "complexity.scaling",
    "complexity.rtrl_cost",
    "bptt.weight_tying",
    "bptt.immediate_partial",
}
NAMES = registry.names()
SHORT = [n for n in NAMES if not registry.get(n).long]
SNAKE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")  # snake_case; maths letters may be capitals (dW, T)


def test_every_required_experiment_is_registered():
    assert set(NAMES) >= REQUIRED, REQUIRED - set(NAMES)
    assert registry.get("complexity.scaling").long
    assert registry.get("complexity.rtrl_cost").long


@pytest.mark.parametrize("name", NAMES)
def test_declaration_is_complete(name):
    exp = registry.get(name)
    assert exp.topic and exp.summary
    for p in exp.params:
        assert p.help, f"{name}.{p.name} has no help"
        if p.kind in (int, float) and p.choices is None:
            assert p.minimum is not None and p.maximum is not None, f"{name}.{p.name} unbounded"


def _scalars_ok(report: Report) -> None:
    names = report.scalar_names()
    assert names, "no scalars"
    assert len(names) == len(set(names)), "duplicate scalar names"
    for s in report.scalars:
        assert SNAKE.match(s.name), s.name
        assert isinstance(s.value, (int, float)) and not isinstance(s.value, bool)


@pytest.mark.parametrize("name", NAMES)
def test_runs_at_defaults_and_round_trips(run, name):
    report = run(name)
    _scalars_ok(report)
    text = report.to_json()
    assert Report.from_json(text).to_json() == text


def _corner(exp: registry.Experiment, end: str) -> dict:
    values = {}
    for p in exp.params:
        if p.choices is not None:
            values[p.name] = p.choices[0 if end == "min" else -1]
        elif p.kind in (int, float):
            values[p.name] = p.minimum if end == "min" else p.maximum
            values[p.name] = p.kind(values[p.name])
    return values


@pytest.mark.parametrize("end", ["min", "max"])
@pytest.mark.parametrize("name", SHORT)
def test_runs_at_all_bounds_together(run, name, end):
    exp = registry.get(name)
    report = run(name, **_corner(exp, end))
    _scalars_ok(report)
    text = report.to_json()
    assert Report.from_json(text).to_json() == text


@pytest.mark.parametrize("name", SHORT)
def test_runs_at_each_single_bound(run, name):
    exp = registry.get(name)
    for p in exp.params:
        ends = p.choices or ((p.minimum, p.maximum) if p.kind in (int, float) else (True, False))
        for value in ends:
            report = run(name, **{p.name: p.kind(value)})
            assert report.scalars, f"{name} with {p.name}={value}"


@pytest.mark.parametrize("name", [n for n in NAMES if n not in TIMED])
def test_same_parameters_give_byte_identical_json(run, name):
    assert run(name).to_json() == run(name).to_json()


@pytest.mark.parametrize(
    "name", [n for n in SHORT if "seed" in registry.get(n).defaults() and n not in TIMED]
)
def test_seed_changes_random_experiments_only_through_the_seed(run, name):
    assert run(name, seed=5).to_json() == run(name, seed=5).to_json()


@pytest.mark.parametrize("name", NAMES)
def test_out_of_range_values_name_parameter_value_and_range(name):
    exp = registry.get(name)
    bounded = [p for p in exp.params if p.kind in (int, float) and p.choices is None]
    for p in bounded:
        too_big = p.maximum + (1 if p.kind is int else abs(p.maximum) * 0.5 + 1)
        with pytest.raises(registry.ParamError) as err:
            registry.run(name, {**CHEAP_LONG.get(name, {}), p.name: too_big})
        message = str(err.value)
        assert p.name in message and repr(too_big) in message
        assert p.allowed() in message
        assert p.allowed().endswith(f"[{p._bound(p.minimum)}, {p._bound(p.maximum)}]")
    for p in (q for q in exp.params if q.choices is not None):
        with pytest.raises(registry.ParamError, match=p.name):
            registry.run(name, {p.name: "no-such-choice"})


@pytest.mark.parametrize(
    ("name", "params", "fragment"),
    [
        ("bptt.truncation", {"k": "two"}, "k='two'"),
        ("bptt.truncation", {"k": 2.5}, "k=2.5"),
        ("bptt.truncation", {"k": True}, "k=True"),
        ("vanishing.jacobian_norms", {"sigma_max": math.nan}, "sigma_max=nan"),
        ("vanishing.jacobian_norms", {"sigma_max": "inf"}, "sigma_max='inf'"),
        ("clipping.by_norm", {"max_norm": 0.0}, "max_norm=0.0"),
        ("clipping.by_norm", {"max_norm": -1}, "max_norm=-1"),
        ("bptt.gradcheck", {"loss": "hinge"}, "one of 'mse', 'xent'"),
        ("bptt.rtrl_vs_bptt", {"immediate_term": "maybe"}, "true or false"),
    ],
)
def test_wrong_types_and_values_are_refused(name, params, fragment):
    with pytest.raises(registry.ParamError) as err:
        registry.run(name, params)
    assert fragment in str(err.value)


def test_unknown_parameter_suggests_the_nearest():
    with pytest.raises(registry.ParamError) as err:
        registry.run("vanishing.sigmoid_bound", {"step": 5})
    assert "unknown parameter" in str(err.value)
    assert "did you mean steps" in str(err.value)


def test_unknown_experiment_suggests_names():
    with pytest.raises(registry.UnknownExperiment) as err:
        registry.run("bptt.gradchek")
    assert "bptt.gradcheck" in err.value.suggestions
    assert "did you mean" in str(err.value)
    with pytest.raises(registry.UnknownExperiment):
        registry.get("os.system")
