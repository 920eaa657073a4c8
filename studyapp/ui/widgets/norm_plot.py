"""The one module that knows textual-plot: curves of Report series, log10 where hinted.

A series with `log_y` is drawn as y' = log10(y) (non-positive values dropped) on an axis
whose ticks sit at integer decades and read `1e-6`, `1e-3`, ... (`DecadeFormatter`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rich.markup import escape
from textual_plot import AxisFormatter, HiResMode, NumericAxisFormatter, PlotWidget
from textual_plot.plot_widget import LegendLocation

from engine.report import Series

MARGIN_LEFT = 10  # PlotWidget's default: room for the tick labels
COUNT_LIMIT = 10_000  # integer series below this get integer ticks (labels stay short)
LEGEND_BOX = 0.4  # the share of each axis a corner legend may cover
# Line colours cycled over the series of one plot (theme-independent named colours).
LINE_STYLES = ("cyan", "magenta", "yellow", "green", "red", "blue")
# Marker characters cycled with the colours, so the series of one plot (and their legend
# entries) differ without colour too.
MARKERS = ("●", "▲", "■", "◆", "✚", "✖")
MARKS_PER_CURVE = 6  # markers placed along each curve of a multi-series plot


class IntegerTicks(AxisFormatter):
    """Ticks at the integers of the axis range (counts), labelled as integers."""

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        """Integers k with min_ <= k <= max_, thinned to at most `max_ticks` by keeping
        the multiples of a step (so 0, i.e. 1e0 on a log axis, is a tick when in range)."""
        low, high = math.ceil(min_), math.floor(max_)
        if high < low:
            return [float(round((min_ + max_) / 2))]
        step = max(1, math.ceil((high - low + 1) / max(max_ticks, 1)))
        first = math.ceil(low / step) * step
        return [float(k) for k in range(first, high + 1, step)]

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        return [str(round(t)) for t in ticks]


class DecadeFormatter(IntegerTicks):
    """Ticks at integer decades k of a log10 axis, labelled `1ek`."""

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        """`1e{k}` for each decade k (`1` for k = 0)."""
        return ["1" if round(t) == 0 else f"1e{round(t)}" for t in ticks]


def log10_points(x: Sequence[float], y: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """(x, log10 y) for the points with finite y > 0 (a log axis cannot show the rest)."""
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    keep = np.isfinite(ys) & (ys > 0) & np.isfinite(xs)
    return xs[keep], np.log10(ys[keep])


def emptiest_corner(curves: Sequence[tuple[np.ndarray, np.ndarray]]) -> LegendLocation:
    """The corner whose LEGEND_BOX × LEGEND_BOX box (in axis-normalised units) holds the
    fewest points of `curves`; ties keep the order top right, top left, bottom right,
    bottom left."""
    if not curves:
        return LegendLocation.TOPRIGHT
    x = np.concatenate([c[0] for c in curves])
    y = np.concatenate([c[1] for c in curves])

    def unit(v: np.ndarray) -> np.ndarray:
        span = np.ptp(v)
        return (v - v.min()) / span if span > 0 else np.full_like(v, 0.5)

    u, w = unit(x), unit(y)
    right, left = u >= 1 - LEGEND_BOX, u <= LEGEND_BOX
    top, bottom = w >= 1 - LEGEND_BOX, w <= LEGEND_BOX
    counts = {
        LegendLocation.TOPRIGHT: np.sum(top & right),
        LegendLocation.TOPLEFT: np.sum(top & left),
        LegendLocation.BOTTOMRIGHT: np.sum(bottom & right),
        LegendLocation.BOTTOMLEFT: np.sum(bottom & left),
    }
    return min(counts, key=lambda corner: counts[corner])


def marker_indices(count: int, marks: int = MARKS_PER_CURVE) -> np.ndarray:
    """About `marks` evenly spaced indices into a curve of `count` points, always
    including the last (the line's end carries its marker)."""
    if count <= 0:
        return np.zeros(0, dtype=int)
    return np.unique(np.linspace(0, count - 1, min(count, marks)).round().astype(int))


def y_label_text(series: Sequence[Series], log_y: bool) -> str:
    """The y axis label: the first series' label, with "(log scale)" on a log axis."""
    if not series:
        return ""
    return series[0].y_label + (" (log scale)" if log_y else "")


def left_margin(y_label: str) -> int:
    """Columns left of the axis: room for the tick labels and for the y label, which is
    centred two columns left of the axis."""
    return max(MARGIN_LEFT, len(y_label) // 2 + 2)


class NormPlot(PlotWidget):
    """Curves sharing one pair of axes; log10 y with decade labels when `log_y`.

    The left margin is fixed in the constructor, before the first layout: PlotWidget sizes
    its canvases only when it is itself laid out again, so a margin changed after that
    (it re-lays out the inner grid only) left the canvases at their old sizes: tick labels
    clipped to `1`, `1e` and the plot cut on the right until the terminal was resized."""

    def __init__(self, series: Sequence[Series], *, title: str = "", id: str | None = None) -> None:
        super().__init__(id=id, allow_pan_and_zoom=True)
        self.series = list(series)
        self.log_y = any(s.log_y for s in self.series)
        self.title = title
        self.set_reactive(
            PlotWidget.margin_left, left_margin(y_label_text(self.series, self.log_y))
        )

    def y_formatter(self) -> AxisFormatter:
        """Decades on a log axis, integers for small counts, plain numbers otherwise."""
        if self.log_y:
            return DecadeFormatter()
        values = [y for series in self.series for y in series.y]
        if values and all(abs(y) < COUNT_LIMIT and y == round(y) for y in values):
            return IntegerTicks()
        return NumericAxisFormatter()

    def on_mount(self) -> None:
        # PlotWidget's own on_mount (dispatched after this one) clears the plot: draw later.
        self.call_after_refresh(self.draw)

    def draw(self) -> None:
        """Plot every series (hi-res braille lines) with axis labels; with several series,
        each also gets its own marker along the line and at its end, and a legend (marker,
        label) in the corner the curves leave emptiest."""
        self.clear()
        self.set_y_formatter(self.y_formatter())
        curves: list[tuple[np.ndarray, np.ndarray]] = []
        for index, series in enumerate(self.series):
            if self.log_y:
                x, y = log10_points(series.x, series.y)
            else:
                x, y = np.asarray(series.x, dtype=float), np.asarray(series.y, dtype=float)
            if x.size == 0:
                continue
            curves.append((x, y))
            style = LINE_STYLES[index % len(LINE_STYLES)]
            several = len(self.series) > 1
            self.plot(
                x,
                y,
                line_style=style,
                hires_mode=HiResMode.BRAILLE,
                label=None if several else series.label,
            )
            if several:
                marks = marker_indices(x.size)
                self.scatter(
                    x[marks],
                    y[marks],
                    marker=MARKERS[index % len(MARKERS)],
                    marker_style=style,
                    label=series.label,
                )
        if self.series:
            self.set_xlabel(escape(self.series[0].x_label))
            self.set_ylabel(escape(y_label_text(self.series, self.log_y)))
        self.show_legend(emptiest_corner(curves), is_visible=len(self.series) > 1)
