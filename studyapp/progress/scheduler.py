"""Flashcard review with FSRS (the `fsrs` package, v6): due queue, ratings, intervals.

    sched = ReviewScheduler(store, deck, desired_retention=0.9, new_per_day=20)
    sched = ReviewScheduler(store, deck, **settings.scheduler_options())  # learner's settings
    queue = sched.due_cards(now)                 # deck cards to review now, in order
    sched.preview(card, now)                     # {Rating.Again: timedelta(minutes=1), ...}
    format_interval(sched.preview(card, now)[Rating.Good])   # "10m", "3d", "2.1mo" (buttons)
    sched.rate(card, Rating.Good, now, duration_ms=4200)     # records it, returns fsrs.Card

Every card works here (the prompt is the front; answer + explanation the back). The FSRS
card id is `fsrs_card_id(deck.id, card.id)`, a stable 63-bit integer from a SHA-256 of the
two ids, never fsrs's time-based default. Fuzzing is off, so a sequence of ratings gives
exactly the due dates `fsrs.Scheduler(desired_retention=r, enable_fuzzing=False)` gives.

The queue leaves out suspended and buried cards (`Store.set_suspended`, `Store.bury`):
cards already reviewed whose due time has come (earliest first), then cards
never reviewed, in deck order, up to `new_per_day` minus the new cards of this deck already
introduced today (the day in `zone`; None, the default, is local time). When that is
empty, learning/relearning cards due within `learn_ahead` (default 20 minutes, Anki's
learn-ahead limit) are shown early instead.
`now` is always a timezone-aware UTC datetime.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Generic, TypeVar

import fsrs
from fsrs import Rating
from fsrs.scheduler import DEFAULT_PARAMETERS

from studyapp.progress.store import CardLike, DeckLike, Store
from studyapp.progress.timeutil import day_bounds, utc

RATINGS: tuple[Rating, ...] = (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)

CardT = TypeVar("CardT", bound=CardLike)


def fsrs_card_id(deck_id: str, card_id: str) -> int:
    """Stable positive 63-bit id: the first 8 bytes of sha256(deck id NUL card id), top bit
    cleared."""
    digest = hashlib.sha256(f"{deck_id}\x00{card_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & (2**63 - 1)


def format_interval(interval: timedelta) -> str:
    """Anki-style short text for an interval: 45s, 10m, 5h, 3d, 2.1mo, 1.5y."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return f"{round(seconds)}s"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


@dataclass(frozen=True)
class DueCounts:
    """How many cards the deck's queue holds now: new (never reviewed, within today's
    limit), learning (Learning/Relearning state, due) and review (Review state, due)."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


class ReviewScheduler(Generic[CardT]):
    """FSRS scheduling for one deck, reading and writing progress through `store`; the
    queue holds the deck's own card objects (`CardT`)."""

    def __init__(
        self,
        store: Store,
        deck: DeckLike[CardT],
        *,
        desired_retention: float = 0.9,
        new_per_day: int = 20,
        learn_ahead: timedelta = timedelta(minutes=20),
        zone: tzinfo | None = None,
        learning_steps: Sequence[timedelta] = (timedelta(minutes=1), timedelta(minutes=10)),
        parameters: Sequence[float] | None = None,
    ) -> None:
        if not 0 < desired_retention < 1:
            raise ValueError(f"desired_retention must be in (0, 1), got {desired_retention}")
        if new_per_day < 0:
            raise ValueError(f"new_per_day must be >= 0, got {new_per_day}")
        if learn_ahead < timedelta(0):
            raise ValueError(f"learn_ahead must be >= 0, got {learn_ahead}")
        self.store = store
        self.deck = deck
        self.new_per_day = new_per_day
        self.learn_ahead = learn_ahead
        self.zone = zone  # whose day the new-card limit counts (None: local time)
        self.fsrs = fsrs.Scheduler(
            parameters=tuple(parameters) if parameters is not None else DEFAULT_PARAMETERS,
            desired_retention=desired_retention,
            learning_steps=tuple(learning_steps),
            enable_fuzzing=False,
        )

    def card_state(self, card: CardT) -> fsrs.Card:
        """The card's FSRS state: stored, or a fresh card (state Learning, step 0) with the
        derived id if it was never reviewed."""
        stored = self.store.fsrs_card(self.deck.id, card.id)
        return stored if stored is not None else self._fresh(card)

    def _fresh(self, card: CardT) -> fsrs.Card:
        return fsrs.Card(card_id=fsrs_card_id(self.deck.id, card.id))

    def _queue(self, now: datetime) -> tuple[list[CardT], int, list[CardT]]:
        """(due reviewed cards, earliest due first; how many of them are in the Learning or
        Relearning state; new cards within today's limit, in deck order)."""
        now = utc(now)
        states = self.store.schedules(self.deck.id)
        due: list[tuple[datetime, int, CardT]] = []
        new: list[CardT] = []
        ahead: list[tuple[datetime, int, CardT]] = []
        hidden = self.store.hidden_cards(self.deck.id, now)  # suspended or buried
        for position, card in enumerate(self.deck.cards):
            if card.id in hidden:
                continue
            state = states.get((self.deck.id, card.id))
            if state is None:
                new.append(card)
            elif state.due <= now:
                due.append((state.due, position, card))
            elif state.state != fsrs.State.Review and state.due <= now + self.learn_ahead:
                ahead.append((state.due, position, card))
        start, end = day_bounds(now, self.zone)
        introduced = self.store.new_cards_reviewed(self.deck.id, start, end)
        allowance = max(0, self.new_per_day - introduced)
        if not due and not new[:allowance]:
            due = ahead  # nothing else to study: show learning steps early, as Anki does
        learning = sum(
            states[(self.deck.id, card.id)].state != fsrs.State.Review for _, _, card in due
        )
        return (
            [card for _, _, card in sorted(due, key=lambda item: item[:2])],
            learning,
            new[:allowance],
        )

    def due_cards(self, now: datetime) -> list[CardT]:
        """Cards to review now: due learning/relearning and review cards (earliest due
        first), then new cards in deck order within today's new-card limit; if there are
        none, the learning cards due within `learn_ahead`."""
        due, _, new = self._queue(now)
        return due + new

    def counts(self, now: datetime) -> DueCounts:
        """The sizes of the queue `due_cards(now)` returns, by kind."""
        due, learning, new = self._queue(now)
        return DueCounts(new=len(new), learning=learning, review=len(due) - learning)

    def preview(self, card: CardT, now: datetime) -> dict[Rating, timedelta]:
        """The interval each rating would give the card if rated at `now` (nothing stored)."""
        now = utc(now)
        state = self.card_state(card)
        return {
            rating: self.fsrs.review_card(state, rating, review_datetime=now)[0].due - now
            for rating in RATINGS
        }

    def rate(
        self, card: CardT, rating: Rating, now: datetime, duration_ms: int | None = None
    ) -> fsrs.Card:
        """Review the card with `rating` at `now`: one committed transaction holding the
        review log and the card's new FSRS state, which is returned."""
        now = utc(now)
        rating = Rating(rating)
        with self.store.transaction():
            stored = self.store.fsrs_card(self.deck.id, card.id)
            before = stored if stored is not None else self._fresh(card)
            after, log = self.fsrs.review_card(
                before, rating, review_datetime=now, review_duration=duration_ms
            )
            self.store.record_review(
                self.deck.id,
                card.id,
                card.content_hash(),
                before,
                after,
                log,
                is_new=stored is None,
            )
        return after
