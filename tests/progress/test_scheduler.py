"""FSRS review scheduling: same due dates as fsrs itself, the due queue, limits, UTC."""

from __future__ import annotations

import random
import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import fsrs
import pytest
from fsrs import Rating

from studyapp.progress.scheduler import (
    RATINGS,
    ReviewScheduler,
    format_interval,
    fsrs_card_id,
)
from studyapp.progress.store import Store

from .conftest import T0, flashcards, make_deck


def test_fsrs_card_id_is_stable_63_bit_and_distinct():
    assert fsrs_card_id("bptt", "c1") == fsrs_card_id("bptt", "c1")
    ids = {fsrs_card_id(d, c) for d in ("a", "b", "ab") for c in ("c1", "c2", "")}
    assert len(ids) == 9
    assert all(0 <= i < 2**63 for i in ids)
    # the separator matters: ("a", "bc") and ("ab", "c") are different cards
    assert fsrs_card_id("a", "bc") != fsrs_card_id("ab", "c")


@pytest.mark.parametrize("retention", [0.8, 0.9, 0.95])
@pytest.mark.parametrize("seed", range(4))
def test_rating_sequence_gives_the_same_due_dates_as_fsrs(store, seed, retention):
    """Random ratings at the due times (plus jitter) through the scheduler and through a
    bare fsrs.Scheduler produce identical cards, and the stored logs replay to them."""
    rng = random.Random(seed)
    deck = make_deck(cards=flashcards(1))
    (card,) = deck.cards
    ours = ReviewScheduler(store, deck, desired_retention=retention)
    reference = fsrs.Scheduler(desired_retention=retention, enable_fuzzing=False)
    ref_card = fsrs.Card(card_id=fsrs_card_id(deck.id, card.id))
    now = T0
    for _ in range(25):
        rating = rng.choice(RATINGS)
        got = ours.rate(card, rating, now, duration_ms=rng.randint(500, 9000))
        ref_card, _ = reference.review_card(ref_card, rating, review_datetime=now)
        assert got.due == ref_card.due
        assert got == ref_card
        assert ours.card_state(card) == ref_card
        now = ref_card.due + timedelta(hours=rng.uniform(0, 30))
    replayed = reference.reschedule_card(
        fsrs.Card(card_id=ref_card.card_id), store.review_logs(deck.id, card.id)
    )
    assert replayed.due == ref_card.due


def test_preview_matches_rating_and_stores_nothing(store):
    deck = make_deck(cards=flashcards(1))
    (card,) = deck.cards
    sched = ReviewScheduler(store, deck)
    preview = sched.preview(card, T0)
    assert set(preview) == set(RATINGS)
    assert preview[Rating.Again] == timedelta(minutes=1)  # first learning step
    assert preview[Rating.Again] < preview[Rating.Good] <= preview[Rating.Easy]
    assert store.reviews() == []
    after = sched.rate(card, Rating.Easy, T0)
    assert after.due - T0 == preview[Rating.Easy]
    # a review card: every rating's interval equals what rating would give
    later = after.due
    preview = sched.preview(card, later)
    direct = fsrs.Scheduler(enable_fuzzing=False)
    for rating in RATINGS:
        assert preview[rating] == direct.review_card(after, rating, later)[0].due - later
    assert preview[Rating.Hard] < preview[Rating.Good] < preview[Rating.Easy]


def test_due_queue_orders_due_cards_then_new_within_daily_limit(store):
    deck = make_deck(cards=flashcards(6))
    sched = ReviewScheduler(store, deck, new_per_day=3, zone=timezone.utc)
    cards = deck.cards
    assert sched.due_cards(T0) == list(cards[:3])
    sched.rate(cards[0], Rating.Again, T0)  # due in 1 minute
    sched.rate(cards[1], Rating.Easy, T0)  # due in days
    # two new cards introduced today; one more allowed
    assert sched.due_cards(T0) == [cards[2]]
    in_two_minutes = T0 + timedelta(minutes=2)
    assert sched.due_cards(in_two_minutes) == [cards[0], cards[2]]
    counts = sched.counts(in_two_minutes)
    assert (counts.new, counts.learning, counts.review, counts.total) == (1, 1, 0, 2)
    sched.rate(cards[2], Rating.Good, in_two_minutes)
    assert sched.due_cards(in_two_minutes) == [cards[0]]  # today's limit is used up
    # the next UTC day brings three more new cards
    tomorrow = T0.replace(hour=0, minute=5) + timedelta(days=1)
    queue = sched.due_cards(tomorrow)
    assert queue[-3:] == list(cards[3:6])
    assert cards[1] not in queue


def test_the_daily_new_card_limit_resets_at_the_learners_midnight(store):
    """T0 is 01:30 at UTC−8: that day ends at 08:00 UTC the next day, not at 00:00 UTC."""
    deck = make_deck(cards=flashcards(4))
    sched = ReviewScheduler(store, deck, new_per_day=2, zone=timezone(timedelta(hours=-8)))
    first, second, third, fourth = deck.cards
    sched.rate(first, Rating.Easy, T0)
    sched.rate(second, Rating.Easy, T0)
    utc_midnight = T0.replace(hour=0, minute=5) + timedelta(days=1)
    assert sched.counts(utc_midnight).new == 0  # still the same day at UTC−8
    local_midnight = T0.replace(hour=8, minute=5) + timedelta(days=1)
    assert sched.due_cards(local_midnight)[:2] == [third, fourth]
    assert (
        ReviewScheduler(store, deck, new_per_day=2, zone=timezone.utc).counts(utc_midnight).new == 2
    )


def test_learning_cards_are_shown_early_only_when_nothing_else_is_due(store):
    deck = make_deck(cards=flashcards(3))
    sched = ReviewScheduler(store, deck, new_per_day=2)
    first, second, _ = deck.cards
    sched.rate(first, Rating.Good, T0)  # learning step 2: due in 10 minutes
    assert sched.due_cards(T0) == [second]  # a new card is left: nothing shown early
    sched.rate(second, Rating.Again, T0)  # due in 1 minute; the new-card limit is reached
    assert sched.due_cards(T0) == [second, first]  # both within 20 minutes, earliest first
    assert sched.counts(T0).learning == 2
    strict = ReviewScheduler(store, deck, new_per_day=2, learn_ahead=timedelta(0))
    assert strict.due_cards(T0) == []
    assert strict.due_cards(T0 + timedelta(minutes=1)) == [second]
    easy = deck.cards[2]
    ReviewScheduler(store, deck, new_per_day=3).rate(easy, Rating.Easy, T0)
    assert easy not in sched.due_cards(T0)  # review cards are never shown early


def test_review_cards_come_due_earliest_first(store):
    deck = make_deck(cards=flashcards(3))
    sched = ReviewScheduler(store, deck)
    for card, rating in zip(deck.cards, (Rating.Easy, Rating.Hard, Rating.Good), strict=True):
        sched.rate(card, rating, T0)
    dues = {card.id: sched.card_state(card).due for card in deck.cards}
    far = T0 + timedelta(days=400)
    assert [c.id for c in sched.due_cards(far)] == sorted(dues, key=dues.get)
    counts = sched.counts(far)  # Hard and Good keep a new card in its learning steps
    assert (counts.new, counts.learning, counts.review) == (0, 2, 1)


def test_scheduler_is_per_deck(store):
    a = make_deck("a", cards=flashcards(2))
    b = make_deck("b", cards=flashcards(2))  # same card ids, different deck
    ReviewScheduler(store, a).rate(a.cards[0], Rating.Easy, T0)
    assert ReviewScheduler(store, b).due_cards(T0) == list(b.cards)
    assert store.fsrs_card("b", "c0") is None
    assert store.fsrs_card("a", "c0").card_id == fsrs_card_id("a", "c0")


def test_other_timezones_are_converted_and_naive_refused(store):
    deck = make_deck(cards=flashcards(1))
    (card,) = deck.cards
    sched = ReviewScheduler(store, deck)
    paris = T0.astimezone(ZoneInfo("Europe/Paris"))
    after = sched.rate(card, Rating.Good, paris)
    assert after.last_review == T0 and after.last_review.tzinfo == timezone.utc
    assert store.reviews()[0].reviewed_at.tzinfo == timezone.utc
    with pytest.raises(ValueError, match="naive"):
        sched.rate(card, Rating.Good, datetime(2026, 3, 2, 9, 30))
    with pytest.raises(ValueError, match="naive"):
        sched.due_cards(datetime(2026, 3, 2))


def test_bad_settings_are_refused(store):
    deck = make_deck()
    with pytest.raises(ValueError, match="desired_retention"):
        ReviewScheduler(store, deck, desired_retention=1.0)
    with pytest.raises(ValueError, match="new_per_day"):
        ReviewScheduler(store, deck, new_per_day=-1)
    with pytest.raises(ValueError, match="learn_ahead"):
        ReviewScheduler(store, deck, learn_ahead=timedelta(minutes=-1))


def test_progress_survives_reopening(tmp_path):
    deck = make_deck(cards=flashcards(2))
    with Store.open(tmp_path) as store:
        state = ReviewScheduler(store, deck).rate(deck.cards[0], Rating.Good, T0)
    with Store.open(tmp_path) as store:
        assert ReviewScheduler(store, deck).card_state(deck.cards[0]) == state


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (timedelta(seconds=30), "30s"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=5), "5h"),
        (timedelta(days=3), "3d"),
        (timedelta(days=63), "2.1mo"),
        (timedelta(days=548), "1.5y"),
    ],
)
def test_format_interval(interval, text):
    assert format_interval(interval) == text


def test_rating_an_edited_card_flags_the_edit_and_keeps_its_schedule(store):
    deck = make_deck(cards=flashcards(1))
    (card,) = deck.cards
    first = ReviewScheduler(store, deck).rate(card, Rating.Good, T0)
    edited = replace(card, back="a clearer back")
    edited_deck = make_deck(cards=(edited,))
    sched = ReviewScheduler(store, edited_deck)
    assert sched.card_state(edited) == first  # same (deck id, card id): history continues
    sched.rate(edited, Rating.Good, first.due)
    (edit,) = store.edits("bptt")
    assert (edit.old_hash, edit.new_hash) == (card.content_hash(), edited.content_hash())
    assert [r.content_hash for r in store.reviews()] == [
        card.content_hash(),
        edited.content_hash(),
    ]


def test_threads_sharing_one_store_lose_no_review(store):
    """The app rates from worker threads: concurrent use of one Store is serialised."""
    decks = [make_deck(f"d{i}", cards=flashcards(30)) for i in range(4)]

    def work(deck):
        sched = ReviewScheduler(store, deck)
        for step, card in enumerate(deck.cards):
            sched.rate(card, RATINGS[step % 4], T0 + timedelta(seconds=step))

    threads = [threading.Thread(target=work, args=(deck,)) for deck in decks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.reviews()) == 120
    assert len(store.schedules()) == 120
    assert store.integrity_check() == "ok"
