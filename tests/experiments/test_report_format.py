"""The Report owns how its numbers are written and which series share a plot."""

from __future__ import annotations

import math

from engine.report import Report, Series, format_scalar


def test_format_scalar_rules():
    assert format_scalar(3) == "3"
    assert format_scalar(10**30) == str(10**30)
    assert format_scalar(False) == "0"
    assert format_scalar(0.0) == "0"
    assert format_scalar(0.1 + 0.2) == "0.3"
    assert format_scalar(2 / 3) == "0.6666667"
    assert format_scalar(2.5e-4) == "2.500000e-04"
    assert format_scalar(-3.0e7) == "-3.000000e+07"
    assert format_scalar(math.inf) == "inf" and format_scalar(-math.inf) == "-inf"
    assert format_scalar("text") == "text"


def _series(label: str, plot: str = "") -> Series:
    return Series(label, [0.0, 1.0], [1.0, 2.0], plot=plot)


def test_plot_groups_share_axes_by_key_and_keep_unkeyed_series_apart():
    report = Report(
        "r",
        series=[
            _series("a", "norms"),
            _series("b"),
            _series("c", "norms"),
            _series("b"),  # same label, no key: still its own plot
        ],
    )
    groups = report.plot_groups()
    assert [(title, [s.label for s in members]) for title, members in groups] == [
        ("norms", ["a", "c"]),
        ("b", ["b"]),
        ("b", ["b"]),
    ]
    assert Report("empty").plot_groups() == []
