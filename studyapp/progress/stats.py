"""Study statistics computed from the progress store.

    stats = compute_stats(store, decks, now)     # decks: the loaded decks (for topics, due)
    stats.to_dict()                              # JSON-ready

Definitions (days are the learner's calendar days: `zone`, None for this machine's local
time):
- activity: reviews and quiz answers per day over the last `days` days (oldest first).
- true retention: passed / total over reviews of cards in the Review state, where passed is
  any rating but Again (Anki's "true retention"); all time and over the last `days` days.
- forecast: FSRS reviews due on each of the next 14 days for the loaded decks' cards; day 0
  (today) includes everything already overdue.
- accuracy: correct / total quiz answers, per deck id and per deck topic.
- streak: consecutive days with at least one review or answer, ending today (or ending
  yesterday, if nothing was studied yet today: the streak is still alive).
- orphaned decks: ids with history in the store but not among the loaded decks (renamed or
  deleted decks: their history is kept, never silently dropped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from studyapp.deck.model import Deck
from studyapp.progress.store import Store
from studyapp.progress.timeutil import day_start, local_day, utc

FORECAST_DAYS = 14
UNKNOWN_TOPIC = "unknown"


@dataclass(frozen=True)
class Ratio:
    """`hits` out of `total`; `rate` is None when there is nothing to divide."""

    hits: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.hits / self.total if self.total else None

    def to_dict(self) -> dict[str, Any]:
        return {"hits": self.hits, "total": self.total, "rate": self.rate}


@dataclass(frozen=True)
class DayActivity:
    day: date
    reviews: int
    answers: int


@dataclass(frozen=True)
class Stats:
    generated_at: datetime
    activity: tuple[DayActivity, ...]
    total_reviews: int
    total_answers: int
    true_retention: Ratio
    true_retention_recent: Ratio
    forecast: tuple[tuple[date, int], ...]
    accuracy_by_deck: dict[str, Ratio]
    accuracy_by_topic: dict[str, Ratio]
    streak_days: int
    orphaned_decks: tuple[str, ...]
    edited_cards: int

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: dates as ISO strings, ratios as {hits, total, rate}."""
        return {
            "generated_at": self.generated_at.isoformat(),
            "activity": [
                {"day": a.day.isoformat(), "reviews": a.reviews, "answers": a.answers}
                for a in self.activity
            ],
            "total_reviews": self.total_reviews,
            "total_answers": self.total_answers,
            "true_retention": self.true_retention.to_dict(),
            "true_retention_recent": self.true_retention_recent.to_dict(),
            "forecast": [{"day": d.isoformat(), "due": n} for d, n in self.forecast],
            "accuracy_by_deck": {k: v.to_dict() for k, v in self.accuracy_by_deck.items()},
            "accuracy_by_topic": {k: v.to_dict() for k, v in self.accuracy_by_topic.items()},
            "streak_days": self.streak_days,
            "orphaned_decks": list(self.orphaned_decks),
            "edited_cards": self.edited_cards,
        }


def streak(active_days: set[date], today: date) -> int:
    """Consecutive active days ending today, or ending yesterday if today is not active."""
    day = today if today in active_days else today - timedelta(days=1)
    count = 0
    while day in active_days:
        count += 1
        day -= timedelta(days=1)
    return count


def due_forecast(
    store: Store,
    decks: Sequence[Deck],
    now: datetime,
    days: int = FORECAST_DAYS,
    zone: tzinfo | None = None,
) -> tuple[tuple[date, int], ...]:
    """Reviews due per day (in `zone`) for the next `days` days; day 0 includes overdue
    cards."""
    today = local_day(now, zone)
    counts = [0] * days
    schedules = store.schedules()
    for deck in decks:
        for card in deck.cards:
            state = schedules.get((deck.id, card.id))
            if state is None:
                continue
            offset = max(0, (local_day(state.due, zone) - today).days)
            if offset < days:
                counts[offset] += 1
    return tuple((today + timedelta(days=i), counts[i]) for i in range(days))


def compute_stats(
    store: Store,
    decks: Sequence[Deck],
    now: datetime,
    days: int = 30,
    zone: tzinfo | None = None,
) -> Stats:
    """Every statistic of the module docstring, as of `now` (timezone-aware UTC), with
    days in `zone` (None: this machine's local time)."""
    now = utc(now)
    today = local_day(now, zone)
    reviews = store.reviews_per_day(zone)
    answers = store.answers_per_day(zone)
    activity = tuple(
        DayActivity(day, reviews.get(day, 0), answers.get(day, 0))
        for day in (today - timedelta(days=i) for i in range(days - 1, -1, -1))
    )
    window_start = day_start(today - timedelta(days=days - 1), zone)

    topics = {deck_id: info.topic for deck_id, info in store.decks().items()}
    topics.update({deck.id: deck.topic for deck in decks})
    by_deck = {deck_id: Ratio(*counts) for deck_id, counts in store.answer_counts().items()}
    by_topic: dict[str, Ratio] = {}
    for deck_id, ratio in by_deck.items():
        topic = topics.get(deck_id, UNKNOWN_TOPIC)
        old = by_topic.get(topic, Ratio(0, 0))
        by_topic[topic] = Ratio(old.hits + ratio.hits, old.total + ratio.total)

    loaded = {deck.id for deck in decks}
    return Stats(
        generated_at=now,
        activity=activity,
        total_reviews=sum(reviews.values()),
        total_answers=sum(answers.values()),
        true_retention=Ratio(*store.retention_counts()),
        true_retention_recent=Ratio(*store.retention_counts(since=window_start)),
        forecast=due_forecast(store, decks, now, zone=zone),
        accuracy_by_deck=dict(sorted(by_deck.items())),
        accuracy_by_topic=dict(sorted(by_topic.items())),
        streak_days=streak(set(reviews) | set(answers), today),
        orphaned_decks=tuple(sorted(store.deck_ids_with_history() - loaded)),
        edited_cards=len({(e.deck_id, e.card_id) for e in store.edits()}),
    )
