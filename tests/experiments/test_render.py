"""Report → text: 80 columns, scalars, tables that wrap, plots (log y), warnings."""

from __future__ import annotations

import math

import pytest

from engine import registry
from engine.render import number, plot, render
from engine.report import Formula, Report, Scalar, Series, Table


def test_number_format():
    assert number(13.0) == "13"
    assert number(9.765625e-4) == "9.765625e-04"
    assert number(304.4816395) == "304.4816"  # one formatter everywhere: 7 significant digits
    assert number(-1234567.0) == "-1.234567e+06"
    assert number(True) == "1" and number(math.nan) == "nan"
    assert number(7) == "7"
    assert number(math.inf) == "inf"


def test_every_section_is_rendered():
    report = Report(
        title="T",
        steps=["first step", "second step"],
        scalars=[Scalar("cosine", 0.92468, "", "per-tensor"), Scalar("angle", 5.65, "°")],
        tables=[Table("tab", ["a", "b"], [[1, "x"], [2.5, "y"]])],
        series=[Series("s", [0.0, 1.0, 2.0], [1.0, 0.1, 0.01], plot="p", log_y=True)],
        formulas=[Formula("f", "x = y")],
        warnings=["overflow"],
    )
    text = render(report)
    for fragment in (
        " 1. first step",
        "cosine = 0.92468  — per-tensor",
        "angle  = 5.65 °",
        "tab",
        "2.5  y",
        "x = y",
        "! overflow",
        "(log scale)",
    ):
        assert fragment in text, fragment


def test_log_plot_spans_the_decades():
    lines = plot([Series("decay", [0, 1, 2, 3], [1.0, 1e-3, 1e-6, 1e-9], log_y=True)])
    assert lines[0].lstrip().startswith("1 |*")
    assert lines[9].startswith("1.000000e-09 |") and lines[9].endswith("*")
    assert all(len(line) <= 80 for line in lines)


def test_plot_skips_points_it_cannot_draw():
    lines = plot([Series("s", [0, 1, 2, 3], [1.0, 0.0, math.nan, 10.0], log_y=True)])
    assert "(2 points not drawn" in lines[-1]
    assert plot([Series("s", [0.0], [math.inf])]) == ["(nothing to plot: no finite points)"]


def test_wide_table_continues_below_with_the_key_column():
    table = Table(
        "wide", ["key"] + [f"column{i}" for i in range(12)], [["row"] + [123456.789] * 12]
    )
    text = render(Report("w", tables=[table]))
    assert all(len(line) <= 80 for line in text.splitlines())
    assert text.count("key") >= 2 and "column11" in text


@pytest.mark.parametrize("name", [n for n in registry.names() if not registry.get(n).long])
def test_every_experiment_renders_in_80_columns(name):
    text = render(registry.run(name))
    too_wide = [line for line in text.splitlines() if len(line) > 80]
    assert not too_wide, too_wide
