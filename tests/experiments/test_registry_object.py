"""The Registry as an object, strict typed parameters, text parsing for the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine import registry
from engine.registry import Param, ParamError, Registry
from engine.report import Report, Scalar

REPO = Path(__file__).resolve().parents[2]


def _own() -> Registry:
    own = Registry()

    @own.experiment(
        "test.square",
        topic="test",
        summary="x squared",
        params=(
            Param("x", int, 2, "base", minimum=0, maximum=10),
            Param("scale", float, 1.0, "factor", minimum=0.0, maximum=5.0),
            Param("negate", bool, False, "flip the sign"),
        ),
    )
    def square(x: int, scale: float, negate: bool) -> Report:
        value = -scale * x * x if negate else scale * x * x
        return Report("square", scalars=[Scalar("value", value)])

    return own


def test_an_own_registry_runs_its_experiments_and_leaves_the_default_alone():
    own = _own()
    assert own.names() == ["test.square"]
    assert own.run("test.square", {"x": 3, "scale": 2}).scalar("value") == 18.0
    assert "test.square" not in registry.names()
    with pytest.raises(registry.UnknownExperiment, match=r"did you mean test\.square"):
        own.get("test.squar")


def test_registering_a_name_twice_or_a_default_out_of_bounds_is_a_bug():
    own = _own()
    with pytest.raises(RuntimeError, match="twice"):
        own.experiment("test.square", topic="t", summary="s")(lambda: Report("x"))
    bad = Param("n", int, 99, "count", minimum=0, maximum=5)
    with pytest.raises(ParamError):
        own.experiment("test.bad", topic="t", summary="s", params=(bad,))(lambda n: Report("x"))


def test_copy_holds_the_bundled_experiments_and_takes_more():
    own = registry.default_registry.copy()
    own.experiment("test.extra", topic="t", summary="s")(lambda: Report("extra"))
    assert set(registry.names()) < set(own.names())


@pytest.mark.parametrize(
    ("key", "value", "type_name"),
    [
        ("x", "5", "str"),
        ("x", True, "bool"),
        ("x", 2.5, "float"),
        ("scale", "1.5", "str"),
        ("negate", "true", "str"),
        ("negate", 1, "int"),
        ("x", None, "NoneType"),
    ],
)
def test_typed_values_of_the_wrong_type_are_refused_with_both_types_named(key, value, type_name):
    with pytest.raises(ParamError) as err:
        _own().run("test.square", {key: value})
    kind = {"x": "int", "scale": "float", "negate": "bool"}[key]
    assert f"expected {kind}, got {type_name}" in str(err.value)


def test_typed_values_of_the_right_type_are_taken():
    own = _own()
    assert own.validate("test.square", {"x": 4.0, "scale": 3, "negate": True}) == {
        "x": 4,
        "scale": 3.0,
        "negate": True,
    }


def test_text_is_converted_only_by_parse():
    own = _own()
    assert own.parse("test.square", {"x": " 7 ", "scale": "0.5", "negate": "yes"}) == {
        "x": 7,
        "scale": 0.5,
        "negate": True,
    }
    for texts in ({"x": "11"}, {"x": "seven"}, {"scale": "nan"}, {"negate": "maybe"}):
        with pytest.raises(ParamError):
            own.parse("test.square", texts)
    with pytest.raises(ParamError, match=r"x='9 \* 9' is invalid"):
        own.parse("test.square", {"x": "9 * 9"})


def test_huge_values_and_names_give_a_short_error_not_a_traceback():
    own = _own()
    with pytest.raises(ParamError, match="integer of about 5001 digits"):
        own.run("test.square", {"x": 10**5000})
    with pytest.raises(ParamError, match="scale=<integer of about 401 digits>"):
        own.run("test.square", {"scale": 10**400})
    with pytest.raises(ParamError) as err:
        own.run("test.square", {"y" * 100_000: 1})
    assert len(str(err.value)) < 400
    with pytest.raises(ParamError):
        own.parse("test.square", {"x": "9" * 5000})


@pytest.mark.parametrize("command", ["list", "run bptt.worked_example"])
def test_output_into_a_closed_pipe_ends_quietly(command):
    """`| true` closes the pipe before Python writes: no BrokenPipeError traceback."""
    done = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m engine {command} | true; echo "${{PIPESTATUS[0]}}"'],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.strip() == "0"
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


@pytest.mark.parametrize("name", registry.names())
def test_every_typed_parameter_refuses_its_default_written_as_a_string(name):
    exp = registry.get(name)
    for p in exp.params:
        if p.kind is str:
            continue
        text = str(p.default).lower() if p.kind is bool else str(p.default)
        with pytest.raises(ParamError, match=f"expected {p.kind.__name__}, got str"):
            registry.validate(name, {p.name: text})
        assert registry.parse(name, {p.name: text})[p.name] == p.default
