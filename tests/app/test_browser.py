"""The card browser: every card listed, type-to-filter over prompt and tags, sort by
column, preview, experiment, suspend/unsuspend and bury until tomorrow (honoured by the
flashcard queue), all driven through the real app."""

from __future__ import annotations

from app_support import DECAY, FIXED_NOW, QUIZ_DECK, screen_text
from textual.widgets import DataTable, Input, Static

from studyapp.progress.scheduler import ReviewScheduler
from studyapp.ui.browser_rows import tomorrow
from studyapp.ui.screens.browser import BrowserScreen, CardPreview
from studyapp.ui.screens.solver import SolverScreen

TAGGED_DECK = (
    QUIZ_DECK.replace('id = "apptest"', 'id = "tagged"')
    .replace('title = "App test deck"', 'title = "Tagged [deck]"')
    .replace('id = "power"\n', 'id = "power"\ntags = ["decay-rate", "arithmetic"]\n')
)


async def open_browser(app, pilot) -> BrowserScreen:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("b")
    await pilot.pause()
    assert isinstance(app.screen, BrowserScreen)
    return app.screen


def keys(table: DataTable) -> list[str]:
    return [str(row.key.value) for row in table.ordered_rows]


async def test_every_card_of_every_deck_is_listed_with_its_columns(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_browser(app, pilot)
        table = screen.query_one("#browser-table", DataTable)
        assert sorted(keys(table)) == ["appflash/front", "apptest/pick", "apptest/power"]
        titles = [str(column.label) for column in table.ordered_columns]
        assert titles == ["Deck", "Type", "Prompt", "Tags", "State", "Due", "Last result"]
        pick = [str(cell) for cell in table.get_row("apptest/pick")]
        assert pick[:2] == ["App test deck", "choice"]
        assert pick[2].startswith("What does rho^k do")
        assert pick[4:] == ["new", "new", "—"]


async def test_typing_filters_over_prompt_and_tags(make_app, deck_dir):
    (deck_dir / "tagged.toml").write_text(TAGGED_DECK, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_browser(app, pilot)
        table = screen.query_one("#browser-table", DataTable)
        assert screen.focused is screen.query_one("#browser-search", Input)
        await pilot.press(*"decay-rate")
        await pilot.pause()
        assert keys(table) == ["tagged/power"]  # a tag only that card has
        assert "Tagged [deck]" in screen_text(app)  # deck text shown literally
        await pilot.press(*["backspace"] * len("decay-rate"), *"clipping preserve")
        await pilot.pause()
        assert keys(table) == ["appflash/front"]  # words of the prompt, in any case
        status = str(screen.query_one("#browser-status", Static).render())
        assert status.startswith("1 of 5 cards")
        await pilot.press(*["backspace"] * len("clipping preserve"), *"no such words")
        await pilot.pause()
        assert keys(table) == []


async def test_sort_by_column_and_reverse_on_the_same_header(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_browser(app, pilot)
        table = screen.query_one("#browser-table", DataTable)
        await pilot.press("enter")  # from the search box to the table
        await pilot.pause()
        assert screen.focused is table
        assert keys(table) == ["appflash/front", "apptest/pick", "apptest/power"]
        await pilot.press("o")  # sort by the next column: Type
        await pilot.pause()
        assert screen.sort_column == "type"
        assert keys(table) == ["apptest/pick", "appflash/front", "apptest/power"]
        type_column = table.ordered_columns[1]
        table.post_message(DataTable.HeaderSelected(table, type_column.key, 1, type_column.label))
        await pilot.pause()
        assert screen.reverse and keys(table) == ["apptest/power", "appflash/front", "apptest/pick"]


async def test_suspend_and_bury_are_honoured_by_the_flashcard_queue(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_browser(app, pilot)
        table = screen.query_one("#browser-table", DataTable)
        deck = app.deck("apptest")
        queue = lambda: [c.id for c in ReviewScheduler(app.store, deck).due_cards(FIXED_NOW)]  # noqa: E731
        assert queue() == ["pick", "power"]
        await pilot.press("down")
        table.move_cursor(row=table.get_row_index("apptest/pick"))
        await pilot.press("s")
        await pilot.pause()
        assert str(table.get_row("apptest/pick")[4]) == "suspended · new"
        assert queue() == ["power"]
        table.move_cursor(row=table.get_row_index("apptest/power"))
        await pilot.press("minus")
        await pilot.pause()
        assert str(table.get_row("apptest/power")[4]) == "buried · new"
        assert queue() == []
        flags = app.store.card_flags("apptest")
        assert flags["power"].buried_until == tomorrow(FIXED_NOW)
        assert queue() == [] and [
            c.id for c in ReviewScheduler(app.store, deck).due_cards(tomorrow(FIXED_NOW))
        ] == ["power"]  # buried until tomorrow only; pick stays suspended
        # unsuspend and unbury: both back in the queue
        table.move_cursor(row=table.get_row_index("apptest/pick"))
        await pilot.press("s")
        table.move_cursor(row=table.get_row_index("apptest/power"))
        await pilot.press("minus")
        await pilot.pause()
        assert queue() == ["pick", "power"]
        assert str(table.get_row("apptest/pick")[4]) == "new"


async def test_preview_shows_the_card_as_plain_text_and_e_opens_its_experiment(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_browser(app, pilot)
        table = screen.query_one("#browser-table", DataTable)
        await pilot.press("down")
        table.move_cursor(row=table.get_row_index("apptest/pick"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CardPreview)
        text = str(app.screen.query_one("#card-preview-text", Static).render())
        assert "(h[t-1] stays literal)" in text and "Answer: It vanishes" in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("e")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SolverScreen)
        assert app.screen.query_one("#solver-title").render() is not None
        assert DECAY in screen_text(app)


async def test_the_palette_opens_the_browser_and_the_footer_lists_its_keys(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Browse cards")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("down")
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        for key in ("Preview", "Experiment", "Suspend", "Bury", "Sort", "Search"):
            assert key in footer
