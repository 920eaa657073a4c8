"""Plots are right at the first paint at any terminal size, and several series differ
without colour (a marker each, in the plot and in the legend)."""

from __future__ import annotations

import pytest
from app_support import screen_text
from textual.app import App, ComposeResult
from textual_hires_canvas import Canvas

from engine.report import Series
from studyapp.ui.widgets.norm_plot import MARKERS, NormPlot, marker_indices

# A y label long enough to need a margin wider than PlotWidget's default (the case that
# used to be drawn with the old canvas sizes until a resize).
LONG_Y_LABEL = "‖∂h_T/∂h_k‖₂ spectral norm"


def norm_series(label: str, rate: float, log_y: bool = True) -> Series:
    return Series(
        label,
        [float(k) for k in range(31)],
        [rate**k for k in range(31)],
        plot="norms",
        x_label="lag k",
        y_label=LONG_Y_LABEL,
        log_y=log_y,
    )


class PlotApp(App):
    def __init__(self, series: list[Series]) -> None:
        super().__init__()
        self.series = series

    def compose(self) -> ComposeResult:
        yield NormPlot(self.series, id="plot")


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_first_paint_uses_the_final_canvas_sizes(size):
    app = PlotApp([norm_series("tanh", 0.5)])
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        plot = app.query_one(NormPlot)
        for canvas in plot.query(Canvas):
            assert canvas._canvas_size == canvas.size, canvas.id
        text = screen_text(app)
        # decades of 0.5^k for k = 0..30 (down to 9.3e-10): whole labels, not "1", "1e"
        assert "1e-3" in text or "1e-4" in text
        assert "1e-9" in text or "1e-8" in text
        # the plot's right border is drawn: the frame is not clipped on the right
        assert any(line.rstrip().endswith(("┫", "┃", "┣", "┛", "┓")) for line in text.splitlines())


async def test_several_series_have_distinct_markers_in_the_plot_and_legend():
    app = PlotApp([norm_series("tanh", 0.5), norm_series("relu", 0.8)])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        legend = [line for line in text.splitlines() if "tanh" in line or "relu" in line]
        assert any(f"{MARKERS[0]}" in line and "tanh" in line for line in legend)
        assert any(f"{MARKERS[1]}" in line and "relu" in line for line in legend)
        assert text.count(MARKERS[0]) > 2 and text.count(MARKERS[1]) > 2


def test_marker_indices_spread_over_the_curve_and_include_its_end():
    assert list(marker_indices(31)) == [0, 6, 12, 18, 24, 30]
    assert list(marker_indices(3)) == [0, 1, 2]
    assert list(marker_indices(0)) == []
