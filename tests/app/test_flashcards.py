"""Flashcards: flip, rate, and the FSRS state lands in the store."""

from __future__ import annotations

import fsrs
from app_support import DECAY, FIXED_NOW, scalar_cells
from textual.widgets import Button

from studyapp.progress.scheduler import fsrs_card_id
from studyapp.progress.store import Store
from studyapp.ui.screens.flashcards import FlashcardScreen
from studyapp.ui.widgets.engine_panel import EnginePanel


async def settle(app, pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def test_flip_and_rate_stores_the_fsrs_state(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_flashcards("appflash")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, FlashcardScreen)
        assert not screen.query_one("#flash-back").display
        await pilot.press("3")  # rating before flipping does nothing
        await pilot.press("space")
        await settle(app, pilot)
        assert screen.query_one("#flash-back").display
        assert str(screen.query_one("#rate-3", Button).label) == "3 Good · 10m"
        panel = screen.query_one(EnginePanel)
        assert panel.experiment == DECAY
        assert scalar_cells(panel)["final"] == f"{0.9**6:.6g}"
        await pilot.press("3")  # Good: a learning step of 10 min, within the learn-ahead
        await settle(app, pilot)
        assert screen.card is not None and screen.card.id == "front"
        await pilot.press("escape")

    deck = app.deck("appflash")
    card = deck.card("front")
    expected, _ = fsrs.Scheduler(enable_fuzzing=False).review_card(
        fsrs.Card(card_id=fsrs_card_id(deck.id, card.id)),
        fsrs.Rating.Good,
        review_datetime=FIXED_NOW,
    )
    with Store.open(app.data_dir) as store:
        stored = store.fsrs_card("appflash", "front")
        reviews = store.reviews("appflash")
    assert stored is not None
    assert stored.state == expected.state
    assert stored.due == expected.due
    assert [(r.card_id, r.rating, r.reviewed_at) for r in reviews] == [
        ("front", fsrs.Rating.Good, FIXED_NOW)
    ]


async def test_a_store_that_cannot_save_is_reported_and_the_app_goes_on(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_flashcards("appflash")
        await settle(app, pilot)
        screen = app.screen
        app.store.read_only = "progress.sqlite3 cannot be written (read-only file or folder)."
        await pilot.press("space")
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        notes = [n.message for n in app._notifications]
        assert any("cannot be written" in note for note in notes), notes
        assert app.is_running and screen.reviewed == 0
        app.store.read_only = None  # writable again
        await pilot.press("3")
        await settle(app, pilot)
        assert screen.reviewed == 1
        await pilot.press("escape")


async def test_a_file_where_the_data_folder_should_be_still_shows_the_decks(make_app, tmp_path):
    (tmp_path / "data").write_text("not a folder")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.loaded and app.store is None
        assert "is a file, not a folder" in app.store_error
        assert "--data-dir" in app.store_error
        assert [deck.id for deck in app.decks]  # the decks are there all the same
    assert (tmp_path / "data").read_text() == "not a folder"
