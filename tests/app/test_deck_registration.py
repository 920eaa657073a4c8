"""Loading decks registers them in the progress store, so statistics keep a deck's title
and topic after its file is gone."""

from __future__ import annotations

from app_support import FIXED_NOW, QUIZ_DECK

from studyapp.deck.loader import load_deck
from studyapp.progress.quiz import QuizSession
from studyapp.progress.stats import compute_stats
from studyapp.progress.store import Store


async def settle(app, pilot) -> None:
    """Let the loading worker and the messages it posts finish."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def test_loaded_decks_are_registered_and_outlive_their_file(make_app, tmp_path):
    deck_file = tmp_path / "only" / "apptest.toml"
    deck_file.parent.mkdir()
    deck_file.write_text(QUIZ_DECK, encoding="utf-8")
    app = make_app([deck_file.parent])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.store is not None
        info = app.store.decks()["apptest"]
        assert (info.title, info.topic) == ("App test deck", "vanishing")
        synced = app.store.register_deck(app.decks[0], FIXED_NOW)
        assert synced.new == () and synced.missing == ()  # every card already registered

    # one answer on the deck, then its file is deleted
    with Store.open(tmp_path / "data") as store:
        deck = load_deck(deck_file)
        session = QuizSession(deck, store)
        session.answer("It vanishes", now=FIXED_NOW)
    deck_file.unlink()
    app = make_app([deck_file.parent])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.decks == []
        info = app.store.decks()["apptest"]
        assert (info.title, info.topic) == ("App test deck", "vanishing")
        stats = compute_stats(app.store, app.decks, FIXED_NOW)
        assert set(stats.accuracy_by_topic) == {"vanishing"}  # not "unknown"
