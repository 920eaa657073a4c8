"""The review log in the FSRS optimizer's CSV format (fsrs-optimizer "Review Logs
Schema"): card_id, review_time (Unix milliseconds), review_rating (1 Again .. 4 Easy),
review_state (the card's state when reviewed: 0 New, 1 Learning, 2 Review,
3 Relearning), review_duration (milliseconds; empty when not measured)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from studyapp.progress.store import ReviewRecord, Store

COLUMNS = ("card_id", "review_time", "review_rating", "review_state", "review_duration")
NEW_STATE = 0


def revlog_row(review: ReviewRecord, fsrs_card_id: int) -> tuple[int, int, int, int, str]:
    """One review as a CSV row (the FSRS card id keys all reviews of one card)."""
    state = NEW_STATE if review.is_new else int(review.state_before)
    duration = "" if review.duration_ms is None else str(review.duration_ms)
    millis = round(review.reviewed_at.timestamp() * 1000)
    return (fsrs_card_id, millis, int(review.rating), state, duration)


def write_revlog(store: Store, out: Path) -> int:
    """Write every review in time order to `out` (temp file + rename); the row count."""
    ids = {key: card.card_id for key, card in store.schedules().items()}
    rows = [revlog_row(r, ids[(r.deck_id, r.card_id)]) for r in store.reviews()]
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return len(rows)
