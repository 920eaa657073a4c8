"""`studyapp stats --revlog FILE.csv`: the review log in the FSRS optimizer's columns."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone

import fsrs
from fsrs import Rating

from studyapp.cli import main
from studyapp.progress.store import Store

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)


def test_revlog_columns_and_rows(tmp_path, capsys):
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    expected = []
    with Store.open(tmp_path) as store:
        for card_key, fsrs_id, ratings in (
            ("c1", 11, (Rating.Good, Rating.Again, Rating.Good)),
            ("c2", 22, (Rating.Easy,)),
        ):
            card = fsrs.Card(card_id=fsrs_id)
            when = T0
            for n, rating in enumerate(ratings):
                state_before = 0 if n == 0 else int(card.state)
                after, log = scheduler.review_card(card, rating, when, review_duration=1500 + n)
                store.record_review("d", card_key, "h", card, after, log, is_new=n == 0)
                expected.append(
                    [
                        str(fsrs_id),
                        str(int(when.timestamp() * 1000)),
                        str(int(rating)),
                        str(state_before),
                        str(1500 + n),
                    ]
                )
                card, when = after, after.due + timedelta(hours=1)
    out = tmp_path / "revlog.csv"
    assert main(["--data-dir", str(tmp_path), "stats", "--revlog", str(out)]) == 0
    assert f"wrote {out}: 4 reviews" in capsys.readouterr().out
    with out.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["card_id", "review_time", "review_rating", "review_state", "review_duration"]
    assert sorted(rows[1:], key=lambda r: int(r[1])) == sorted(expected, key=lambda r: int(r[1]))
    # rows are in time order; c1 is New (0) at its first review, then Learning (1)
    # (Good on a new card enters the first learning step)
    assert [int(r[1]) for r in rows[1:]] == sorted(int(r[1]) for r in rows[1:])
    c1 = [r for r in rows[1:] if r[0] == "11"]
    assert [r[3] for r in c1][:2] == ["0", "1"]


def test_revlog_without_any_store_writes_the_header(tmp_path, capsys):
    out = tmp_path / "empty.csv"
    assert main(["--data-dir", str(tmp_path / "none"), "stats", "--revlog", str(out)]) == 0
    assert out.read_text().splitlines() == [
        "card_id,review_time,review_rating,review_state,review_duration"
    ]
