"""The card browser's rows: one per card of every deck, with its schedule and flags.

    rows = browser_rows(decks, store, now)
    shown = sort_rows(filter_rows(rows, "clip"), "due", reverse=False)

`state` is the card's flashcard state (new, learning, review, relearning), prefixed by
"suspended" or "buried" when the learner hid it; `due` is when the flashcard queue shows
it next (new cards: "new"); `last` is the latest of its last review rating and its last
quiz answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import fsrs

from studyapp.deck.model import Card, Deck
from studyapp.progress.scheduler import format_interval
from studyapp.progress.store import Store
from studyapp.progress.timeutil import day_bounds, utc

PROMPT_WIDTH = 36
STATE_NAMES = {
    fsrs.State.Learning: "learning",
    fsrs.State.Review: "review",
    fsrs.State.Relearning: "relearning",
}
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
# The columns: (key, title); the keys are BrowserRow fields.
COLUMNS = (
    ("deck", "Deck"),
    ("type", "Type"),
    ("prompt", "Prompt"),
    ("tags", "Tags"),
    ("state", "State"),
    ("due", "Due"),
    ("last", "Last result"),
)


@dataclass(frozen=True)
class BrowserRow:
    """One card as the browser lists it; `due_at` (None for new cards) orders `due`."""

    deck_id: str
    card: Card
    deck: str
    type: str
    prompt: str
    tags: str
    state: str
    due: str
    last: str
    due_at: datetime | None
    suspended: bool
    buried: bool

    @property
    def key(self) -> str:
        return f"{self.deck_id}/{self.card.id}"


def one_line(text: str, width: int = PROMPT_WIDTH) -> str:
    """`text` on one line (whitespace runs collapsed), cut to `width` with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def due_text(due: datetime, now: datetime) -> str:
    """ "now" when due, else "in 10m", "in 3.0d" ..."""
    return "now" if due <= now else f"in {format_interval(due - now)}"


def deck_rows(deck: Deck, store: Store, now: datetime) -> Iterable[BrowserRow]:
    now = utc(now)
    states = store.schedules(deck.id)
    flags = store.card_flags(deck.id)
    last: dict[str, tuple[datetime, str]] = {}
    for review in store.reviews(deck.id):
        last[review.card_id] = (review.reviewed_at, RATING_NAMES[int(review.rating)])
    for answer in store.answers(deck.id):
        seen = last.get(answer.card_id)
        if seen is None or answer.answered_at >= seen[0]:
            verdict = "right (quiz)" if answer.correct else "wrong (quiz)"
            last[answer.card_id] = (answer.answered_at, verdict)
    for card in deck.cards:
        state = states.get((deck.id, card.id))
        flag = flags.get(card.id)
        suspended = bool(flag and flag.suspended)
        buried = bool(flag and flag.buried_until is not None and flag.buried_until > now)
        base = "new" if state is None else STATE_NAMES[state.state]
        hidden = "suspended · " if suspended else "buried · " if buried else ""
        yield BrowserRow(
            deck_id=deck.id,
            card=card,
            deck=deck.title,
            type=card.type,
            prompt=one_line(card.prompt),
            tags=" ".join(card.tags),
            state=hidden + base,
            due="new" if state is None else due_text(utc(state.due), now),
            last=last.get(card.id, (now, "—"))[1],
            due_at=None if state is None else utc(state.due),
            suspended=suspended,
            buried=buried,
        )


def browser_rows(decks: Sequence[Deck], store: Store, now: datetime) -> list[BrowserRow]:
    """Every card of every deck, in deck then card order."""
    return [row for deck in decks for row in deck_rows(deck, store, now)]


def filter_rows(rows: Sequence[BrowserRow], query: str) -> list[BrowserRow]:
    """The rows whose prompt or tags contain every word of `query` (case-insensitive)."""
    words = query.lower().split()
    return [
        row
        for row in rows
        if all(w in f"{row.card.prompt} {' '.join(row.card.tags)}".lower() for w in words)
    ]


def sort_rows(rows: Sequence[BrowserRow], column: str, reverse: bool = False) -> list[BrowserRow]:
    """`rows` ordered by `column` (a COLUMNS key); by due time for "due", new cards last."""
    if column == "due":
        far = datetime.max.replace(tzinfo=None)

        def due_key(row: BrowserRow) -> tuple[bool, datetime]:
            moment = row.due_at.replace(tzinfo=None) if row.due_at else far
            return (row.due_at is None, moment)

        return sorted(rows, key=due_key, reverse=reverse)
    return sorted(rows, key=lambda row: str(getattr(row, column)).lower(), reverse=reverse)


def tomorrow(now: datetime) -> datetime:
    """The start of the learner's next calendar day (local time): "bury until tomorrow"."""
    return day_bounds(now, None)[1]
