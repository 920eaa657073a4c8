"""An engine Report as HTML for an Anki card back: scalars and tables as HTML tables,
series as inline SVG line plots. Every text is HTML-escaped."""

from __future__ import annotations

import math
from html import escape

from engine.report import Report, Series, format_scalar

SVG_WIDTH, SVG_HEIGHT, MARGIN = 360, 180, 30


def _cell(value: object) -> str:
    return escape(format_scalar(value))


def scalars_table(report: Report) -> str:
    """The Report's scalars as a name | value | unit | note table ('' when none)."""
    if not report.scalars:
        return ""
    rows = "".join(
        f"<tr><td>{escape(s.name)}</td><td>{_cell(s.value)}</td>"
        f"<td>{escape(s.unit)}</td><td>{escape(s.note)}</td></tr>"
        for s in report.scalars
    )
    head = "<tr><th>scalar</th><th>value</th><th>unit</th><th>note</th></tr>"
    return f'<table class="report-scalars">{head}{rows}</table>'


def data_tables(report: Report) -> str:
    """Each of the Report's tables with its title as caption."""
    parts = []
    for table in report.tables:
        head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>" for row in table.rows
        )
        parts.append(
            f'<table class="report-table"><caption>{escape(table.title)}</caption>'
            f"<tr>{head}</tr>{rows}</table>"
        )
    return "".join(parts)


def _transform(value: float, log: bool) -> float | None:
    if not math.isfinite(value) or (log and value <= 0):
        return None
    return math.log10(value) if log else value


def series_svg(plot: str, curves: list[Series]) -> str:
    """Curves sharing one plot as an SVG polyline chart: x and y mapped linearly (y as
    log10 y when the series asks for a log axis) into the plot box."""
    log = any(s.log_y for s in curves)
    points = [[(x, _transform(y, log)) for x, y in zip(s.x, s.y, strict=False)] for s in curves]
    finite = [(x, y) for pts in points for x, y in pts if y is not None and math.isfinite(x)]
    if not finite:
        return ""
    x_lo, x_hi = min(p[0] for p in finite), max(p[0] for p in finite)
    y_lo, y_hi = min(p[1] for p in finite), max(p[1] for p in finite)
    x_span, y_span = (x_hi - x_lo) or 1.0, (y_hi - y_lo) or 1.0
    inner_w, inner_h = SVG_WIDTH - 2 * MARGIN, SVG_HEIGHT - 2 * MARGIN
    colours = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")
    lines = []
    for i, (series, pts) in enumerate(zip(curves, points, strict=True)):
        coords = " ".join(
            f"{MARGIN + (x - x_lo) / x_span * inner_w:.1f},"
            f"{SVG_HEIGHT - MARGIN - (y - y_lo) / y_span * inner_h:.1f}"
            for x, y in pts
            if y is not None and math.isfinite(x)
        )
        colour = colours[i % len(colours)]
        lines.append(
            f'<polyline fill="none" stroke="{colour}" points="{coords}">'
            f"<title>{escape(series.label)}</title></polyline>"
        )
    y_label = curves[0].y_label + (" (log10)" if log else "")
    title = plot or curves[0].label
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SVG_WIDTH}" height="{SVG_HEIGHT}" '
        f'role="img"><title>{escape(title)}</title>'
        f'<rect x="{MARGIN}" y="{MARGIN}" width="{inner_w}" height="{inner_h}" '
        f'fill="none" stroke="#888"/>{"".join(lines)}'
        f'<text x="{MARGIN}" y="{MARGIN - 8}" font-size="11">{escape(title)}: '
        f"{escape(y_label)} {_cell(y_lo)}…{_cell(y_hi)}</text>"
        f'<text x="{MARGIN}" y="{SVG_HEIGHT - 8}" font-size="11">'
        f"{escape(curves[0].x_label)} {_cell(x_lo)}…{_cell(x_hi)}</text></svg>"
    )


def plots(report: Report) -> str:
    """One SVG per plot name (series without a plot name get their own)."""
    groups: dict[str, list[Series]] = {}
    for i, series in enumerate(report.series):
        groups.setdefault(series.plot or f"#{i}", []).append(series)
    return "".join(
        series_svg(name if not name.startswith("#") else "", s) for name, s in groups.items()
    )


def report_html(report: Report) -> str:
    """The whole Report: title, scalars, tables, plots, formulas and warnings."""
    formulas = "".join(
        f"<p>{escape(f.name)}:</p><pre>{escape(f.text)}</pre>" for f in report.formulas
    )
    warnings = "".join(f'<p class="warning">{escape(w)}</p>' for w in report.warnings)
    return (
        f'<div class="engine-report"><h4>{escape(report.title)}</h4>'
        f"{scalars_table(report)}{data_tables(report)}{plots(report)}{formulas}{warnings}</div>"
    )
