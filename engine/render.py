"""Report → plain terminal text, readable in 80 columns.

Sections in order: title, worked steps, scalars (`name = value unit  — note`), tables,
one compact character plot per `plot` group of series (log-scaled y where any series
of the group asks for it), formulas, warnings.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from engine.report import Cell, Report, Scalar, Series, Table, format_scalar

WIDTH = 80
PLOT_HEIGHT = 10
MARKERS = "*o+x#@%&"


def number(value: float | int) -> str:
    """A number as every view shows it: `report.format_scalar`."""
    return format_scalar(value)


def render(report: Report, width: int = WIDTH) -> str:
    """The whole report as text lines no wider than `width` (plots and tables fit too)."""
    parts = [_title(report.title, width)]
    if report.steps:
        parts.append(_section("Steps", _steps(report.steps, width)))
    if report.scalars:
        parts.append(_section("Results", _scalars(report.scalars, width)))
    for table in report.tables:
        parts.append(_section(table.title, _table(table, width)))
    for group, series in report.plot_groups():
        parts.append(_section(group, plot(series, width)))
    for formula in report.formulas:
        parts.append(_section(formula.name, formula.text.splitlines()))
    if report.warnings:
        lines = [w for text in report.warnings for w in _wrap("! " + text, width, "  ")]
        parts.append(_section("Warnings", lines))
    return "\n\n".join("\n".join(p) for p in parts) + "\n"


def _title(title: str, width: int) -> list[str]:
    lines = _wrap(title, width)
    return [*lines, "=" * min(width, max(len(line) for line in lines))]


def _section(name: str, lines: list[str]) -> list[str]:
    return [name, "-" * min(len(name), WIDTH), *lines]


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    return textwrap.wrap(text, width, subsequent_indent=indent) or [""]


def _steps(steps: Sequence[str], width: int) -> list[str]:
    lines: list[str] = []
    for i, step in enumerate(steps, 1):
        prefix = f"{i:>2}. "
        lines += _wrap(prefix + step, width, " " * len(prefix))
    return lines


def _scalars(scalars: Sequence[Scalar], width: int) -> list[str]:
    name_width = min(max(len(s.name) for s in scalars), 28)
    lines = []
    for s in scalars:
        head = f"{s.name:<{name_width}} = {number(s.value)}"
        if s.unit:
            head += f" {s.unit}"
        if s.note:
            lines += _wrap(f"{head}  — {s.note}", width, " " * (name_width + 3))
        else:
            lines.append(head)
    return lines


def _cell(value: Cell) -> str:
    return number(value) if isinstance(value, (int, float)) else str(value)


def _table(table: Table, width: int) -> list[str]:
    """Columns padded to their widest cell. Columns that do not fit in `width` continue
    in further blocks below, each repeating the first (key) column."""
    cells = [[_cell(v) for v in row] for row in table.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(table.columns)]
    blocks: list[list[int]] = [[0]]
    used = widths[0]
    for i in range(1, len(widths)):
        if used + 2 + widths[i] > width and len(blocks[-1]) > 1:
            blocks.append([0])
            used = widths[0]
        blocks[-1].append(i)
        used += 2 + widths[i]
    out: list[str] = []
    for block in blocks:
        if out:
            out.append("")

        def line(row: Sequence[str], block: list[int] = block) -> str:
            return "  ".join(row[i].rjust(widths[i]) for i in block)[:width]

        out.append(line(table.columns))
        out.append(line(["-" * w for w in widths]))
        out += [line(row) for row in cells]
    return out


def plot(series: Sequence[Series], width: int = WIDTH, height: int = PLOT_HEIGHT) -> list[str]:
    """A character plot of several curves on shared axes; log10 y if any series has log_y.

    Points that cannot be drawn (non-finite, or ≤ 0 on a log axis) are skipped and counted.
    """
    log_y = any(s.log_y for s in series)

    def transform(x: float, y: float) -> float | None:
        if not (math.isfinite(x) and math.isfinite(y)) or (log_y and y <= 0):
            return None
        return math.log10(y) if log_y else y

    points = [
        [(x, ty) for x, y in zip(s.x, s.y, strict=True) if (ty := transform(x, y)) is not None]
        for s in series
    ]
    skipped = sum(len(s.x) for s in series) - sum(len(p) for p in points)
    flat = [pt for pts in points for pt in pts]
    if not flat:
        return ["(nothing to plot: no finite points)"]
    xs, ys = [p[0] for p in flat], [p[1] for p in flat]
    x_lo, x_hi, y_lo, y_hi = min(xs), max(xs), min(ys), max(ys)
    if y_hi == y_lo:
        y_lo, y_hi = y_lo - 0.5, y_hi + 0.5
    if x_hi == x_lo:
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5

    def y_text(v: float) -> str:
        return number(10**v) if log_y else number(v)

    label_width = max(len(y_text(y_hi)), len(y_text(y_lo)))
    cols = max(width - label_width - 2, 10)
    grid = [[" "] * cols for _ in range(height)]
    for marker, pts in zip(MARKERS * len(points), points, strict=False):
        for x, y in pts:
            col = round((x - x_lo) / (x_hi - x_lo) * (cols - 1))
            row = height - 1 - round((y - y_lo) / (y_hi - y_lo) * (height - 1))
            grid[row][col] = marker
    lines: list[str] = []
    for r, marks in enumerate(grid):
        label = y_text(y_hi) if r == 0 else y_text(y_lo) if r == height - 1 else ""
        lines.append(f"{label:>{label_width}} |{''.join(marks)}".rstrip())
    lines.append(" " * label_width + " +" + "-" * cols)
    left, right = number(x_lo), number(x_hi)
    axis = left + right.rjust(cols - len(left))
    lines.append(" " * (label_width + 2) + axis)
    first = series[0]
    axes = f"x: {first.x_label or 'x'}   y: {first.y_label or 'y'}" + (
        " (log scale)" if log_y else ""
    )
    lines += _wrap(axes, width)
    markers = MARKERS * len(series)
    legend = "   ".join(f"{m} {s.label}" for m, s in zip(markers, series, strict=False))
    lines += _wrap(legend, width)
    if skipped:
        lines.append(f"({skipped} points not drawn: non-finite or ≤ 0 on a log axis)")
    return lines
