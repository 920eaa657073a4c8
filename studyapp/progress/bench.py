"""Benchmark the progress layer in a temporary directory (never in tests: timings are noisy).

    python -m studyapp.progress.bench [--cards 2000] [--reviews 2000]

Measures: the latency of one committed review (`ReviewScheduler.rate`, WAL with
synchronous=FULL, so it includes an fsync), of one quiz answer commit, of building the due
queue for a deck of `--cards` cards, of `compute_stats`, and of opening the store.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fsrs import Rating

from studyapp.deck.cards import FlashcardCard
from studyapp.deck.model import Deck
from studyapp.progress.scheduler import RATINGS, ReviewScheduler
from studyapp.progress.stats import compute_stats
from studyapp.progress.store import Store

START = datetime(2026, 1, 5, tzinfo=timezone.utc)


def _timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock milliseconds of `repeat` calls of `action`."""
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        action()
        times.append(1000 * (time.perf_counter() - begin))
    return times


def _line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"{name:<34} median {statistics.median(times):8.3f} ms   p95 {p95:8.3f} ms   n={len(times)}"
    )


def run(cards: int, reviews: int) -> list[str]:
    deck = Deck(
        "bench",
        "Benchmark",
        "",
        "general",
        1,
        (),
        (),
        tuple(
            FlashcardCard(id=f"c{i}", prompt=f"q{i}", explanation="e", back="b")
            for i in range(cards)
        ),
        Path("bench.toml"),
    )
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(tmp)
        sched = ReviewScheduler(store, deck, new_per_day=cards)
        steps = iter(range(reviews))

        def review() -> None:
            i = next(steps)
            card = deck.cards[i % cards]
            sched.rate(card, RATINGS[i % 4], START + timedelta(minutes=i))

        lines.append(_line("review commit (rate)", _timed(review, reviews)))
        session = store.start_quiz((deck.id,), 0, cards, START)
        answer_steps = iter(range(reviews))

        def answer() -> None:
            i = next(answer_steps)
            store.record_answer(
                session, deck.id, f"c{i % cards}", "h", correct=True, response=i, answered_at=START
            )

        lines.append(_line("quiz answer commit", _timed(answer, reviews)))
        later = START + timedelta(days=30)
        lines.append(
            _line(f"due queue ({cards} cards)", _timed(lambda: sched.due_cards(later), 20))
        )
        lines.append(
            _line("compute_stats", _timed(lambda: compute_stats(store, [deck], later), 20))
        )
        sched.rate(deck.cards[0], Rating.Good, later)
        store.close()
        lines.append(
            _line("Store.open (existing file)", _timed(lambda: Store.open(tmp).close(), 20))
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--reviews", type=int, default=2000)
    args = parser.parse_args()
    for line in run(args.cards, args.reviews):
        print(line)


if __name__ == "__main__":
    main()
