"""Child process for the reliability tests: records reviews (or answers) in a loop.

    python writer.py DATA_DIR NAME COUNT KIND [barrier]

After each committed record it prints `<kind> <row id>` and flushes, so the parent knows
exactly which records the store has acknowledged. COUNT 0 means: until killed. With
`barrier`, it prints `ready` once the store is open and waits for a line on stdin.
KIND `undo` records COUNT reviews, prints `rated`, then undoes them one by one, printing
`undone <row id>` after each committed undo.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from itertools import count
from pathlib import Path

from fsrs import Rating

from studyapp.deck.cards import FlashcardCard
from studyapp.deck.model import Deck
from studyapp.progress.scheduler import ReviewScheduler
from studyapp.progress.store import Store

START = datetime(2026, 3, 2, tzinfo=timezone.utc)
RATINGS = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)


def main(data: str, name: str, limit: int, kind: str, barrier: bool) -> None:
    cards = tuple(
        FlashcardCard(id=f"{name}-{i}", prompt="p", explanation="e", back="b") for i in range(40)
    )
    deck = Deck("crash", "Crash", "", "general", 1, (), (), cards, Path("crash.toml"))
    store = Store.open(data)
    scheduler = ReviewScheduler(store, deck, new_per_day=10_000)
    session = store.start_quiz((deck.id,), 0, len(cards), START) if kind == "answer" else 0
    if barrier:
        print("ready", flush=True)
        sys.stdin.readline()
    if kind == "undo":
        undo_all(store, scheduler, cards, limit)
        return
    steps = count() if limit == 0 else range(limit)
    for i in steps:
        card = cards[i % len(cards)]
        now = START + timedelta(minutes=i)
        if kind == "review":
            scheduler.rate(card, RATINGS[i % 4], now, duration_ms=i)
            row = store.reviews(deck.id, card.id)[-1].id
        else:
            row = store.record_answer(
                session, deck.id, card.id, "h", correct=i % 3 > 0, response=i, answered_at=now
            )
        print(f"{kind} {row}", flush=True)
    store.close()


def undo_all(store: Store, scheduler: ReviewScheduler, cards: tuple, limit: int) -> None:
    """Rate `limit` times over 10 cards (each card several times), then undo everything."""
    for i in range(limit):
        scheduler.rate(cards[i % 10], RATINGS[(i * 7) % 4], START + timedelta(minutes=i))
    print("rated", flush=True)
    while (undone := store.undo_last(START)) is not None:
        print(f"undone {undone.record_id}", flush=True)
    store.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:] == ["barrier"])
