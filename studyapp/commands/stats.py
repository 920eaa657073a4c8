"""`studyapp stats [--json]`: study statistics from the progress store."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from studyapp.paths import bundled_decks_dir, data_dir, user_decks_dir
from studyapp.text import echo

if TYPE_CHECKING:
    from studyapp.progress.stats import Ratio, Stats


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("stats", help="show study statistics (reviews, retention, due)")
    parser.add_argument("--json", action="store_true", help="print the statistics as JSON")
    parser.add_argument(
        "--days", type=int, default=30, help="days of activity to show (default 30)"
    )
    parser.add_argument(
        "--revlog",
        metavar="FILE.csv",
        type=Path,
        help="write the review log in the FSRS optimizer's CSV columns (card_id, "
        "review_time, review_rating, review_state, review_duration) instead",
    )
    parser.set_defaults(handler=run)


def _percent(ratio: Ratio) -> str:
    return "n/a" if ratio.rate is None else f"{100 * ratio.rate:.1f}% ({ratio.hits}/{ratio.total})"


def format_stats(stats: Stats) -> str:
    """The statistics as plain text for the terminal."""
    lines = [
        f"studied: {stats.total_reviews} flashcard reviews, {stats.total_answers} quiz answers",
        f"streak: {stats.streak_days} day{'s' if stats.streak_days != 1 else ''}",
        f"true retention: {_percent(stats.true_retention)} all time, "
        f"{_percent(stats.true_retention_recent)} last {len(stats.activity)} days",
        "",
        "activity (local day: reviews / answers):",
    ]
    active = [a for a in stats.activity if a.reviews or a.answers]
    lines += [f"  {a.day}: {a.reviews} / {a.answers}" for a in active] or ["  none yet"]
    lines += ["", f"due in the next {len(stats.forecast)} days (today includes overdue):"]
    lines += [f"  {day}: {count}" for day, count in stats.forecast if count] or ["  nothing"]
    lines += ["", "quiz accuracy by deck:"]
    lines += [f"  {k}: {_percent(v)}" for k, v in stats.accuracy_by_deck.items()] or ["  none yet"]
    lines += ["quiz accuracy by topic:"]
    lines += [f"  {k}: {_percent(v)}" for k, v in stats.accuracy_by_topic.items()] or ["  none yet"]
    if stats.orphaned_decks:
        lines += [
            "",
            "history kept for decks not loaded now (renamed or removed): "
            + ", ".join(stats.orphaned_decks),
        ]
    if stats.edited_cards:
        lines += [f"cards edited since first studied: {stats.edited_cards}"]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from studyapp.deck.loader import load_decks
    from studyapp.progress.stats import compute_stats
    from studyapp.progress.store import FILE_NAME, Store, StoreError
    from studyapp.progress.timeutil import now_utc

    if args.days < 1:
        print("studyapp stats: --days must be at least 1", file=sys.stderr)
        return 2
    data = data_dir(getattr(args, "data_dir", None))
    deck_paths = [bundled_decks_dir()]
    if user_decks_dir(data).is_dir():
        deck_paths.append(user_decks_dir(data))
    loaded = load_decks(deck_paths)
    for failure in loaded.failures:
        echo(f"skipped deck: {failure}", file=sys.stderr)
    try:
        # nothing studied yet: report zeros from an empty in-memory store, create no file
        exists = (data / FILE_NAME).exists()
        store = Store.open(data, create=False) if exists else Store.in_memory()
    except StoreError as exc:
        echo(f"studyapp stats: {exc}", file=sys.stderr)
        return 1
    if args.revlog is not None:
        from studyapp.interop.revlog import write_revlog

        try:
            with store:
                count = write_revlog(store, args.revlog)
        except OSError as exc:
            print(f"studyapp stats: cannot write {args.revlog}: {exc.strerror}", file=sys.stderr)
            return 1
        print(f"wrote {args.revlog}: {count} reviews")
        return 0
    with store:
        stats = compute_stats(store, loaded.decks, now_utc(), days=args.days)
    if args.json:
        echo(json.dumps(stats.to_dict(), indent=2))
    else:
        echo(format_stats(stats))
    return 0
