"""Stats from the store, checked against hand-counted histories; and `studyapp stats`."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import fsrs
from fsrs import Rating

from studyapp.cli import main
from studyapp.progress.quiz import QuizSession
from studyapp.progress.scheduler import ReviewScheduler
from studyapp.progress.stats import compute_stats, streak
from studyapp.progress.store import Store

from .conftest import T0, flashcards, make_deck, quiz_cards

DAY = timedelta(days=1)


def test_streak_counts_consecutive_days_ending_today_or_yesterday():
    today = date(2026, 3, 10)
    days = {today - timedelta(days=i) for i in (0, 1, 2, 4)}
    assert streak(days, today) == 3
    assert streak(days - {today}, today) == 2  # nothing yet today: yesterday's run counts
    assert streak({today - timedelta(days=2)}, today) == 0
    assert streak(set(), today) == 0


def test_empty_store(store):
    stats = compute_stats(store, [make_deck()], T0, zone=timezone.utc)
    assert stats.total_reviews == stats.total_answers == stats.streak_days == 0
    assert stats.true_retention.rate is None
    assert [n for _, n in stats.forecast] == [0] * 14
    assert len(stats.activity) == 30 and stats.activity[-1].day == T0.date()
    assert json.loads(json.dumps(stats.to_dict()))["streak_days"] == 0


def test_stats_from_a_known_history(store):
    deck = make_deck(cards=flashcards(4))
    sched = ReviewScheduler(store, deck)
    a, b, c, _never_reviewed = deck.cards
    # day 0: three new cards; Easy sends a and b to the Review state
    sched.rate(a, Rating.Easy, T0)
    sched.rate(b, Rating.Easy, T0)
    sched.rate(c, Rating.Again, T0)
    due_a = sched.card_state(a).due
    due_b = sched.card_state(b).due
    # reviews of Review-state cards: a passes (Good), b lapses (Again) -> retention 1/2
    sched.rate(a, Rating.Good, due_a)
    sched.rate(b, Rating.Again, due_b)
    last = max(due_a, due_b)

    quiz_deck = make_deck("quiz", cards=quiz_cards(), topic="vanishing")
    session = QuizSession(quiz_deck, store)
    session.answer("global norm", now=last)  # right
    session.advance()
    session.answer(False, now=last)  # wrong

    now = last + timedelta(hours=1)
    stats = compute_stats(store, [deck, quiz_deck], now, zone=timezone.utc)
    assert stats.total_reviews == 5 and stats.total_answers == 2
    assert (stats.true_retention.hits, stats.true_retention.total) == (1, 2)
    assert stats.true_retention.rate == 0.5
    per_day = {x.day: (x.reviews, x.answers) for x in stats.activity}
    assert per_day[T0.date()] == (3, 0)
    assert sum(r for r, _ in per_day.values()) == 5
    assert per_day[last.date()][1] == 2
    # accuracy
    assert stats.accuracy_by_deck["quiz"].to_dict() == {"hits": 1, "total": 2, "rate": 0.5}
    assert stats.accuracy_by_topic == {"vanishing": stats.accuracy_by_deck["quiz"]}
    # forecast: every reviewed card (never the unreviewed one) by its due day; day 0
    # includes the overdue card c
    expected = [0] * 14
    for card in (a, b, c):
        offset = max(0, (sched.card_state(card).due.date() - now.date()).days)
        if offset < 14:
            expected[offset] += 1
    assert [n for _, n in stats.forecast] == expected
    assert expected[0] >= 1  # c was due a minute after T0
    assert stats.forecast[0][0] == now.date()


def test_days_are_the_learners_days(store):
    """23:30 and 00:30 UTC are two UTC days but one day at UTC+2 (01:30 and 02:30)."""
    deck = make_deck(cards=flashcards(2))
    sched = ReviewScheduler(store, deck)
    late = datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc)
    sched.rate(deck.cards[0], Rating.Good, late)
    sched.rate(deck.cards[1], Rating.Good, late + timedelta(hours=1))
    now = late + timedelta(hours=2)
    plus_two = timezone(timedelta(hours=2))
    local = compute_stats(store, [deck], now, zone=plus_two)
    assert [(x.day, x.reviews) for x in local.activity if x.reviews] == [(date(2026, 3, 3), 2)]
    assert local.streak_days == 1 and local.activity[-1].day == date(2026, 3, 3)
    in_utc = compute_stats(store, [deck], now, zone=timezone.utc)
    assert [x.reviews for x in in_utc.activity if x.reviews] == [1, 1]
    assert in_utc.streak_days == 2
    assert store.reviews_per_day(timezone(timedelta(hours=5, minutes=45))) == {
        date(2026, 3, 3): 2  # 05:15 and 06:15 in Nepal
    }


def test_streak_and_activity_from_reviews(store):
    deck = make_deck(cards=flashcards(3))
    sched = ReviewScheduler(store, deck)
    for offset in (0, 1, 2):
        sched.rate(deck.cards[offset], Rating.Good, T0 + offset * DAY)
    stats = compute_stats(store, [deck], T0 + 2 * DAY, zone=timezone.utc)
    assert stats.streak_days == 3
    assert compute_stats(store, [deck], T0 + 3 * DAY, zone=timezone.utc).streak_days == 3
    assert compute_stats(store, [deck], T0 + 4 * DAY, zone=timezone.utc).streak_days == 0


def test_history_of_removed_decks_is_reported_not_dropped(store):
    deck = make_deck("old-name", cards=flashcards(2))
    store.register_deck(deck, T0)
    ReviewScheduler(store, deck).rate(deck.cards[0], Rating.Good, T0)
    session = QuizSession(deck, store)
    session.answer(True, now=T0)
    stats = compute_stats(store, [make_deck("new-name")], T0)
    assert stats.orphaned_decks == ("old-name",)
    assert stats.total_reviews == 1
    # accuracy still counted, under the topic remembered from the store
    assert stats.accuracy_by_deck["old-name"].total == 1
    assert "bptt" in stats.accuracy_by_topic
    # the orphan's schedule is not in the forecast of loaded decks
    assert sum(n for _, n in stats.forecast) == 0


def test_recent_retention_uses_the_window(store):
    card = fsrs.Card(card_id=1)
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card, log = scheduler.review_card(card, Rating.Easy, T0)
    store.record_review("d", "c", "h", fsrs.Card(card_id=1), card, log, is_new=True)
    review_time = card.due
    after, log = scheduler.review_card(card, Rating.Again, review_time)
    store.record_review("d", "c", "h", card, after, log, is_new=False)
    now = review_time + 40 * DAY
    stats = compute_stats(store, [], now, zone=timezone.utc)
    assert stats.true_retention.to_dict() == {"hits": 0, "total": 1, "rate": 0.0}
    assert stats.true_retention_recent.total == 0


def test_stats_command_text_and_json(isolated_data_dir, capsys):
    deck = make_deck("somedeck", cards=flashcards(1))
    with Store.open(isolated_data_dir) as store:
        ReviewScheduler(store, deck).rate(deck.cards[0], Rating.Good, T0)
    assert main(["stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_reviews"] == 1
    assert data["orphaned_decks"] == ["somedeck"]
    assert len(data["forecast"]) == 14
    assert main(["stats"]) == 0
    text = capsys.readouterr().out
    assert "1 flashcard reviews" in text and "somedeck" in text


def test_stats_command_with_data_dir_flag_creates_nothing(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path / "elsewhere"), "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_reviews"] == 0
    assert not (tmp_path / "elsewhere").exists()
    deck = make_deck("d", cards=flashcards(1))
    with Store.open(tmp_path / "elsewhere") as store:
        ReviewScheduler(store, deck).rate(deck.cards[0], Rating.Good, T0)
    assert main(["--data-dir", str(tmp_path / "elsewhere"), "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total_reviews"] == 1


def test_stats_command_reports_a_foreign_file(tmp_path, capsys):
    path = tmp_path / "progress.sqlite3"
    path.write_text("not a database\n")
    assert main(["--data-dir", str(tmp_path), "stats"]) == 1
    err = capsys.readouterr().err
    assert "not a SQLite database" in err and "left untouched" in err
    assert path.read_text() == "not a database\n"
