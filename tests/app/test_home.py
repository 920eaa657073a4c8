"""Home: decks listed with their figures; a broken deck shown with its error; stats on a
fresh store."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from studyapp.ui.screens.home import HomeScreen
from studyapp.ui.widgets.count_bars import CountBars
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
        # new, learning, review, cards, last quiz
        assert flash[1:] == ["1", "0", "0", "1", "—"]
        assert quiz[1:] == ["2", "0", "0", "2", "—"]


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
        assert not screen.query(NormPlot) and not screen.query(CountBars)
        notes = [str(widget.render()) for widget in screen.query(".stats-empty")]
        assert notes[0].startswith("No quiz answers yet")
        assert notes[1] == "No flashcard review in the last 30 days."
        assert notes[2] == "No quiz answer in the last 30 days."
        assert notes[3].startswith("No reviewed card falls due")
        summary = str(screen.query_one("#stats-summary", Static).render())
        assert "True retention: — all time" in summary
        note = str(screen.query_one("#stats-retention-note", Static).render())
        assert "not rated Again" in note  # the "—" is explained where it stands


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


async def test_a_foreign_progress_file_is_left_alone_unless_the_learner_agrees(tmp_path, deck_dir):
    from studyapp.progress.store import FILE_NAME
    from studyapp.ui.app import create_app

    data = tmp_path / "data"
    data.mkdir()
    foreign = data / FILE_NAME
    foreign.write_text("my own notes, not a database\n", encoding="utf-8")

    refused = create_app(data_dir=data, deck_paths=[deck_dir])
    async with refused.run_test(size=(80, 24)) as pilot:
        await refused.workers.wait_for_complete()
        await pilot.pause()
        error = str(refused.screen.query_one("#store-error", Static).render())
        assert refused.store is None and "--rename-unreadable" in error
    assert foreign.read_text(encoding="utf-8") == "my own notes, not a database\n"

    agreed = create_app(data_dir=data, deck_paths=[deck_dir], rename_unreadable=True)
    async with agreed.run_test(size=(80, 24)) as pilot:
        await agreed.workers.wait_for_complete()
        await pilot.pause()
        assert agreed.store is not None and agreed.store.moved_aside is not None
        moved = agreed.store.moved_aside
        assert not agreed.screen.query_one("#store-error").display
    assert moved.read_text(encoding="utf-8") == "my own notes, not a database\n"
    assert moved.name.startswith(f"{FILE_NAME}.unreadable-")


def test_the_cli_flag_reaches_the_app(monkeypatch, tmp_path):
    from studyapp.cli import main
    from studyapp.ui.app import StudyApp

    seen: list[bool] = []
    monkeypatch.setattr(StudyApp, "run", lambda self: seen.append(self.rename_unreadable))
    main(["--data-dir", str(tmp_path), "--rename-unreadable"])
    main(["--data-dir", str(tmp_path), "open", str(tmp_path)])
    assert seen == [True, False]


async def test_home_counts_follow_the_flashcard_queue_and_explain_the_new_card_limit(
    make_app, tmp_path
):
    from studyapp.progress.scheduler import ReviewScheduler

    settings = tmp_path / "settings.toml"
    settings.write_text("new_cards_per_day = 1\n", encoding="utf-8")
    app = make_app(settings_path=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#decks", DataTable)
        table.move_cursor(row=table.get_row_index("apptest"))
        await pilot.pause()
        # 2 unseen cards, 1 new a day: New shows 1, as the flashcard queue holds 1
        assert table.get_row("apptest")[1:4] == ["1", "0", "0"]
        deck = app.deck("apptest")
        queue = ReviewScheduler(app.store, deck, **app.scheduler_options()).due_cards(app.now())
        assert len(queue) == 1
        about = str(app.screen.query_one("#deck-about", Static).render())
        assert "Due now: 1 flashcard(s): 1 new, 0 in learning, 0 to review" in about
        assert "New shows 1 of the 2 cards never studied: at most 1 new cards a day" in about
        # the quiz's "Due now" scope is the same queue
        await pilot.press("enter")
        await pilot.pause()
        from textual.widgets import OptionList

        scope = app.screen.query_one("#quiz-scope", OptionList)
        labels = [str(scope.get_option_at_index(i).prompt) for i in range(scope.option_count)]
        assert "Due now (flashcard schedule) (1 card)" in labels


async def test_home_shows_the_highlighted_decks_description(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#decks", DataTable)
        for deck in app.decks:
            table.move_cursor(row=table.get_row_index(deck.id))
            await pilot.pause()
            about = str(app.screen.query_one("#deck-about", Static).render())
            assert about.startswith(deck.description.strip())
