"""Home: decks listed with their figures; a broken deck shown with its error; stats on a
fresh store."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from studyapp.ui.screens.home import HomeScreen
from studyapp.ui.widgets.norm_plot import NormPlot


async def test_broken_deck_listed_with_its_error_while_others_work(make_app, deck_dir):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#decks", DataTable)
        titles = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert titles == ["App flash deck", "App test deck"]
        failures = [str(w.render()) for w in app.screen.query(".failure").results(Static)]
        assert len(failures) == 1
        assert failures[0].startswith("broken.toml:4:")
        assert "invalid TOML" in failures[0]
        assert app.screen.query_one("#failures-heading").display


async def test_home_shows_card_count_and_due_cards(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#decks", DataTable)
        flash = table.get_row("appflash")
        quiz = table.get_row("apptest")
        assert flash[1:] == ["1", "1", "—"]  # 1 card, 1 due (new), no quiz yet
        assert quiz[1:] == ["2", "2", "—"]


async def test_no_failures_heading_when_every_deck_loads(make_app, deck_dir):
    app = make_app([deck_dir / "apptest.toml"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.screen.query(".failure")
        assert not app.screen.query_one("#failures-heading").display


async def test_help_opens_and_closes(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_stats_on_a_fresh_store_say_so_instead_of_drawing_empty_plots(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "StatsScreen"
        assert not screen.query(NormPlot)
        notes = [str(widget.render()) for widget in screen.query(".stats-empty")]
        assert notes[0].startswith("No quiz answers yet")
        assert notes[1] == "No reviews or quiz answers in the last 30 days."
        assert notes[2].startswith("No reviewed card falls due")


async def test_no_deck_says_where_decks_go_and_dims_quiz_and_flashcards(make_app, tmp_path):
    empty = tmp_path / "no-decks"
    empty.mkdir()
    app = make_app([empty])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        note = str(screen.query_one("#decks-loading", Static).render())
        assert note.startswith("No deck loaded from") and "no-decks" in note
        assert screen.check_action("quiz", ()) is None
        assert screen.check_action("flashcards", ()) is None
        await pilot.press("enter", "f")
        await pilot.pause()
        assert app.screen is screen
