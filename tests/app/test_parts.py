"""Small parts: the decade axis, log points, the command palette, `studyapp open`."""

from __future__ import annotations

import numpy as np
import pytest

from studyapp.cli import main
from studyapp.ui.commands import StudyCommands
from studyapp.ui.widgets.norm_plot import DecadeFormatter, log10_points


def test_decade_ticks_sit_on_integer_decades_and_read_1ek():
    formatter = DecadeFormatter()
    ticks = formatter.get_ticks(-6.4, 0.2)
    assert ticks == [-6.0, -5.0, -4.0, -3.0, -2.0, -1.0, 0.0]
    assert formatter.get_labels_for_ticks(ticks) == [
        "1e-6",
        "1e-5",
        "1e-4",
        "1e-3",
        "1e-2",
        "1e-1",
        "1",
    ]
    # thinned to multiples of the step, so the top decade 1e0 keeps its tick
    assert formatter.get_ticks(-40, 0, max_ticks=5) == [-36.0, -27.0, -18.0, -9.0, 0.0]
    assert formatter.get_ticks(-11.7, 0.0) == [-10.0, -8.0, -6.0, -4.0, -2.0, 0.0]


def test_log_points_drop_values_a_log_axis_cannot_show():
    x, y = log10_points([0, 1, 2, 3, 4], [100.0, 0.0, -1.0, float("nan"), 1e-3])
    assert x.tolist() == [0.0, 4.0]
    assert y.tolist() == pytest.approx([2.0, -3.0])


def test_open_refuses_a_missing_path(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["open", str(tmp_path / "nope.toml")])
    assert "no such file or folder" in str(stop.value)


async def test_palette_finds_decks_and_experiments(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        provider = StudyCommands(app.screen)
        found = [hit.text async for hit in provider.search("decay")]
        assert "Solver: apptest.decay" in found
        found = [hit.text async for hit in provider.search("flash deck")]
        assert "Flashcards: App flash deck" in found
        hits = [h async for h in provider.search("Quiz: App test")]
        (hit,) = [h for h in hits if h.text == "Quiz: App test deck"]
        hit.command()
        await pilot.pause()
        assert type(app.screen).__name__ == "QuizScreen"


def test_theme_option_is_validated_against_the_available_themes(capsys):
    from studyapp.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["--theme", "nord", "open", "deck.toml"]).theme == "nord"
    assert parser.parse_args(["open", "--theme", "gruvbox", "deck.toml"]).theme == "gruvbox"
    assert parser.parse_args([]).theme is None  # no --theme: the settings' theme is used
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["--theme", "no-such-theme"])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "unknown theme 'no-such-theme'" in error and "textual-light" in error


def test_solver_list_names_fit_the_sidebar():
    from engine.registry import Experiment
    from studyapp.ui.screens.solver import LIST_TEXT_WIDTH, short_name

    def named(name: str) -> Experiment:
        return Experiment(name, "bptt", "", (), lambda: None)

    assert short_name(named("bptt.worked_example")) == "worked_example"
    assert short_name(named("symbolic.derive")) == "symbolic.derive"
    long = short_name(named("bptt." + "x" * 40))
    assert len(long) == LIST_TEXT_WIDTH and long.endswith("…")


async def test_a_long_y_label_is_shown_whole():
    """textual-plot centres the y label two columns left of the axis; NormPlot widens
    its margin so a long label is not cut off on the left."""
    from textual.app import App
    from textual_hires_canvas import Canvas

    from engine.report import Series
    from studyapp.ui.widgets.norm_plot import NormPlot

    label = "‖∂h_T/∂h_k‖₂ measured along the sequence"
    series = Series("norm", [0.0, 1.0, 2.0], [1.0, 0.1, 0.01], y_label=label, log_y=True)

    class PlotApp(App):
        def compose(self):
            yield NormPlot([series], title="norm by lag")

    app = PlotApp()
    async with app.run_test(size=(80, 16)) as pilot:
        await pilot.pause()
        await pilot.pause()
        margin = app.query_one(NormPlot).query_one("#margin-top", Canvas)
        assert margin.render_line(0).text.strip() == f"{label} (log scale)"


def test_the_legend_goes_to_the_corner_the_curves_leave_empty():
    from textual_plot.plot_widget import LegendLocation

    from studyapp.ui.widgets.norm_plot import emptiest_corner

    lag = np.arange(61.0)
    decaying = (lag, -0.2 * lag)  # a log-norm falling with the lag: top left is full
    flat_at_top = (lag, np.zeros_like(lag))  # a bound of 1: the whole top edge is full
    assert emptiest_corner([decaying, flat_at_top]) is LegendLocation.BOTTOMLEFT
    days = np.arange(-29.0, 1.0)
    recent = (days, np.where(days > -3, 5.0, 0.0))  # activity in the last days only
    assert emptiest_corner([recent]) is LegendLocation.TOPLEFT
    assert emptiest_corner([]) is LegendLocation.TOPRIGHT
    assert emptiest_corner([(lag, -lag)]) is LegendLocation.TOPRIGHT  # ties: top right


def test_counts_get_integer_ticks_and_other_series_do_not():
    from textual_plot import NumericAxisFormatter

    from engine.report import Series
    from studyapp.ui.widgets.norm_plot import IntegerTicks, NormPlot

    def formatter(y, log_y=False):
        return NormPlot([Series("s", list(range(len(y))), y, log_y=log_y)]).y_formatter()

    counts = formatter([0.0, 1.0, 3.0])
    assert type(counts) is IntegerTicks
    assert counts.get_ticks(-0.15, 3.15) == [0.0, 1.0, 2.0, 3.0]
    assert counts.get_labels_for_ticks([0.0, 1.0, 2.0]) == ["0", "1", "2"]
    assert type(formatter([0.5, 1.0])) is NumericAxisFormatter
    assert type(formatter([0.0, 2e9])) is NumericAxisFormatter  # labels would not fit
    assert type(formatter([1.0, 10.0], log_y=True)) is DecadeFormatter


def test_help_says_where_the_learners_own_decks_go(capsys, monkeypatch):
    monkeypatch.setenv("STUDYAPP_DATA_DIR", "/srv/studydata")  # only named, never created
    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "Without a COMMAND, studyapp opens the app" in out
    assert "(now /srv/studydata/decks)" in out


def test_the_settings_theme_is_used_unless_theme_is_given(monkeypatch, tmp_path):
    from studyapp.cli import main
    from studyapp.ui.app import StudyApp

    config = tmp_path / "settings.toml"
    config.write_text('theme = "nord"\n', encoding="utf-8")
    seen: list[str] = []
    monkeypatch.setattr(StudyApp, "run", lambda self: seen.append(self.initial_theme))
    main(["--data-dir", str(tmp_path), "--config", str(config)])
    main(["--data-dir", str(tmp_path), "--config", str(config), "--theme", "gruvbox"])
    assert seen == ["nord", "gruvbox"]
