"""The Report: the plain-data result of every experiment.

One model, three views: text for the terminal (`engine.render`), JSON (here), and
Textual widgets in the app. Everything is built from str, float, int, bool and lists,
so the JSON round trip is exact (floats are written with repr precision; non-finite
values are written as the JSON extensions NaN/Infinity that Python reads back).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

Cell = str | float | int | bool

SIGNIFICANT_DIGITS = 7


def format_scalar(value: object) -> str:
    """The one way a number of a Report is shown (terminal, JSON view, app): ints in full,
    bools as 0/1, floats in SIGNIFICANT_DIGITS significant digits, scientific below 1e-3
    and from 1e6 up, nan/inf/-inf by name; anything else as str()."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, float):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
        return f"{value:.{SIGNIFICANT_DIGITS - 1}e}"
    return f"{value:.{SIGNIFICANT_DIGITS}g}"


@dataclass
class Scalar:
    """A named number: `value` in `unit`, with a one-line `note`."""

    name: str
    value: float | int
    unit: str = ""
    note: str = ""


@dataclass
class Table:
    """A table with named columns; every row has one cell per column."""

    title: str
    columns: list[str]
    rows: Sequence[Sequence[Cell]]


@dataclass
class Series:
    """A curve y(x). Series sharing `plot` are drawn on the same axes; `log_y` asks
    for a logarithmic y axis (e.g. gradient norm against the time lag)."""

    label: str
    x: list[float]
    y: list[float]
    plot: str = ""
    x_label: str = ""
    y_label: str = ""
    log_y: bool = False


@dataclass
class Formula:
    """A formula as unicode text (e.g. from `sympy.pretty`)."""

    name: str
    text: str


@dataclass
class Report:
    """Everything an experiment shows: worked steps, scalars, tables, series,
    formulas and warnings (overflow, NaN, cancelled work)."""

    title: str
    steps: list[str] = field(default_factory=list)
    scalars: list[Scalar] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    formulas: list[Formula] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def scalar(self, name: str) -> float | int:
        """The value of the scalar called `name` (KeyError listing the names if absent)."""
        for item in self.scalars:
            if item.name == name:
                return item.value
        known = ", ".join(s.name for s in self.scalars) or "none"
        raise KeyError(f"report {self.title!r} has no scalar {name!r} (has: {known})")

    def scalar_names(self) -> list[str]:
        return [s.name for s in self.scalars]

    def plot_groups(self) -> list[tuple[str, list[Series]]]:
        """The series drawn together: those sharing a `plot` key share axes (titled by
        the key), in order of first appearance; a series without a key is a plot of its
        own, titled by its label."""
        groups: dict[str, list[Series]] = {}
        for index, item in enumerate(self.series):
            key = item.plot or f"\0{index}"  # never equal to a deck-visible key
            groups.setdefault(key, []).append(item)
        return [(members[0].plot or members[0].label, members) for members in groups.values()]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            title=data["title"],
            steps=list(data.get("steps", [])),
            scalars=[Scalar(**s) for s in data.get("scalars", [])],
            tables=[Table(**t) for t in data.get("tables", [])],
            series=[Series(**s) for s in data.get("series", [])],
            formulas=[Formula(**f) for f in data.get("formulas", [])],
            warnings=list(data.get("warnings", [])),
        )

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Report:
        return cls.from_dict(json.loads(text))
