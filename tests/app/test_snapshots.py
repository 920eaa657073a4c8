"""Snapshots of every screen at 80x24 in the test theme (update with --snapshot-update
after reading snapshot_report.html). Deterministic: fixed clock, theme, size, decks and
experiments; no animation; no blinking cursor; workers awaited before capture."""

from __future__ import annotations

from app_support import DECAY, LARGE, SLOW, TERMINAL, key_for
from test_card_types import TYPES_DECK
from textual.widgets import Input


async def settle(pilot) -> None:
    """Wait for screen switches and workers; stop every cursor blinking."""
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    for field in app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_home(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=TERMINAL, run_before=settle)


def test_home_large(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=LARGE, run_before=settle)


def test_help(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=TERMINAL, run_before=run_before)


def test_quiz_question(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("down", "enter")  # "App test deck" is second (sorted by title)
        await settle(pilot)
        await pilot.press("enter")  # quiz options: the whole deck
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=TERMINAL, run_before=run_before)


def test_quiz_options(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=TERMINAL, run_before=run_before)


def test_quiz_answered_wrong_with_engine_panel(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.open_quiz("apptest")
        await settle(pilot)
        screen = pilot.app.screen
        while screen.session.current.card.id != "pick":  # cards are shuffled
            screen.session.advance()
            screen.load_card()
            await settle(pilot)
        await pilot.press(key_for(screen.query_one("#answer"), "It explodes"))
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=TERMINAL, run_before=run_before)


def wrong_answer_to(card_id: str, keys: tuple[str, ...]):
    """run_before: quiz the types deck, skip to `card_id`, press `keys` (texts are
    pressed as the number key of the choice showing them)."""

    async def run_before(pilot):
        await settle(pilot)
        pilot.app.open_quiz("types")
        await settle(pilot)
        screen = pilot.app.screen
        while screen.session.current.card.id != card_id:
            screen.session.advance()
            screen.load_card()
            await settle(pilot)
        widget = screen.query_one("#answer")
        for key in keys:
            await pilot.press(key if len(key) == 1 or key == "enter" else key_for(widget, key))
        await settle(pilot)

    return run_before


def types_app(make_app, tmp_path):
    path = tmp_path / "types.toml"
    path.write_text(TYPES_DECK, encoding="utf-8")
    return make_app([path])


def test_quiz_wrong_order_beside_the_right_order(snap_compare, make_app, tmp_path):
    run_before = wrong_answer_to("order", ("enter",))
    assert snap_compare(
        types_app(make_app, tmp_path), terminal_size=TERMINAL, run_before=run_before
    )


def test_quiz_wrong_multi_marks_each_choice(snap_compare, make_app, tmp_path):
    run_before = wrong_answer_to("multi", ("keeps the direction", "clips each entry", "enter"))
    assert snap_compare(
        types_app(make_app, tmp_path), terminal_size=TERMINAL, run_before=run_before
    )


def test_flashcard_flipped(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=TERMINAL, run_before=run_before)


def test_solver_with_invalid_param(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.open_solver(DECAY, {"rho": 0.8, "steps": 12})
        await settle(pilot)
        field = pilot.app.screen.query_one("#param-steps", Input)
        field.value = "99"
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=TERMINAL, run_before=run_before)


def test_solver_long_experiment_done(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.open_solver(SLOW, {"ticks": 2})
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=TERMINAL, run_before=run_before)


def review_one_card_then_open_stats():
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.open_flashcards("appflash")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("3", "escape")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)

    return run_before


def test_stats_after_a_review(snap_compare, make_app):
    """Bars of reviews, the forecast, and the calendar (changed on purpose: bars and a
    heat-map replace the activity plot)."""
    run_before = review_one_card_then_open_stats()
    assert snap_compare(make_app(), terminal_size=TERMINAL, run_before=run_before)


def test_stats_after_a_review_large(snap_compare, make_app):
    run_before = review_one_card_then_open_stats()
    assert snap_compare(make_app(), terminal_size=LARGE, run_before=run_before)


async def open_browser_table(pilot) -> None:
    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)
    await pilot.press("down")  # from the search box to the table
    await settle(pilot)


def test_browser(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=TERMINAL, run_before=open_browser_table)


def test_browser_large(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=LARGE, run_before=open_browser_table)


async def open_settings(pilot) -> None:
    await settle(pilot)
    await pilot.press("o")
    await settle(pilot)


def test_settings(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=TERMINAL, run_before=open_settings)


def test_settings_large(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=LARGE, run_before=open_settings)
