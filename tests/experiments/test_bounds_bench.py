"""`python -m engine bench --bounds`: the corners of every experiment's bounds."""

from __future__ import annotations

from engine import bounds_bench, registry
from engine.cli import main
from engine.report import Report


def test_corners_cover_both_ends_and_each_parameter_alone():
    own = registry.Registry()
    own.experiment(
        "test.corner",
        topic="t",
        summary="s",
        params=(
            registry.Param("n", int, 2, "count", minimum=1, maximum=9),
            registry.Param("x", float, 0.5, "level", minimum=0.0, maximum=1.0),
            registry.Param("mode", str, "a", "mode", choices=("a", "b", "c")),
            registry.Param("flag", bool, False, "switch"),
        ),
    )(lambda n, x, mode, flag: Report("r"))
    corners = dict(bounds_bench.corners(own.get("test.corner")))
    assert corners["all min"] == {"n": 1, "x": 0.0, "mode": "a", "flag": False}
    assert corners["all max"] == {"n": 9, "x": 1.0, "mode": "c", "flag": True}
    assert corners["n max"] == {"n": 9} and corners["flag max"] == {"flag": True}
    for params in corners.values():
        own.validate("test.corner", params)  # every corner is in bounds


def test_bench_bounds_runs_and_reports_the_worst_case(capsys):
    assert main(["bench", "--bounds", "--only", "vanishing.spectrum"]) == 0
    out = capsys.readouterr().out
    assert "vanishing.spectrum" in out and "all max" in out
    assert "worst time:" in out and "worst memory:" in out and "runs over" in out


def test_bench_bounds_with_no_match_says_so(capsys):
    assert main(["bench", "--bounds", "--only", "no.such"]) == 1
    assert "no experiment" in capsys.readouterr().out
