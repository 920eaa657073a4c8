"""Undo of ratings and quiz answers (exact FSRS state, across a restart), suspend and bury,
and the flashcard queue bringing an Again card back within the sitting."""

from __future__ import annotations

from datetime import timedelta, timezone

import fsrs
from fsrs import Rating

from studyapp.progress.quiz import QuizSession, due_now
from studyapp.progress.scheduler import ReviewScheduler
from studyapp.progress.store import Store
from studyapp.progress.timeutil import day_bounds
from tests.progress.conftest import T0, flashcards, make_deck, quiz_cards

MINUTE = timedelta(minutes=1)


def test_undo_restores_each_earlier_state_exactly(store):
    deck = make_deck(cards=flashcards(3))
    sched = ReviewScheduler(store, deck)
    card = deck.cards[0]
    states = [None]
    for i, rating in enumerate([Rating.Good, Rating.Again, Rating.Good, Rating.Easy]):
        sched.rate(card, rating, T0 + i * 11 * MINUTE)
        states.append(store.fsrs_card(deck.id, card.id).to_dict())
    sched.rate(deck.cards[1], Rating.Hard, T0 + 50 * MINUTE)
    # the other card's review is the latest: undone first, its card new again
    assert store.undo_last(T0).card_id == deck.cards[1].id
    assert store.fsrs_card(deck.id, deck.cards[1].id) is None
    for expected in reversed(states[:-1]):
        undone = store.undo_last(T0)
        assert (undone.kind, undone.card_id) == ("review", card.id)
        restored = store.fsrs_card(deck.id, card.id)
        assert (restored.to_dict() if restored else None) == expected
    assert store.reviews() == []
    assert store.undo_last(T0) is None
    assert sched.counts(T0).new == 3  # the card counts as new again


def test_undo_stops_at_the_start_of_the_sitting(store):
    deck = make_deck(cards=flashcards(2))
    sched = ReviewScheduler(store, deck)
    sched.rate(deck.cards[0], Rating.Good, T0)
    sitting = T0 + 60 * MINUTE
    sched.rate(deck.cards[1], Rating.Good, sitting + MINUTE)
    assert store.undo_last(sitting).card_id == deck.cards[1].id
    assert store.undo_last(sitting) is None
    assert [r.card_id for r in store.reviews()] == [deck.cards[0].id]


def test_undo_after_reopening_the_store_and_of_a_quiz_answer(tmp_path):
    deck = make_deck(cards=quiz_cards())
    with Store.open(tmp_path) as store:
        sched = ReviewScheduler(store, deck)
        sched.rate(deck.cards[3], Rating.Good, T0)
        before = store.fsrs_card(deck.id, deck.cards[3].id).to_dict()
        sched.rate(deck.cards[3], Rating.Again, T0 + 20 * MINUTE)
        session = QuizSession(deck, store, shuffle=False)
        session.answer("global norm", now=T0 + 30 * MINUTE)
    with Store.open(tmp_path) as store:  # a restart
        undone = store.undo_last(T0)
        assert (undone.kind, undone.card_id) == ("answer", deck.cards[0].id)
        assert store.answers() == []
        assert store.undo_last(T0).kind == "review"
        assert store.fsrs_card(deck.id, deck.cards[3].id).to_dict() == before
        assert len(store.reviews()) == 1
    with Store.open(tmp_path) as store:
        assert store.fsrs_card(deck.id, deck.cards[3].id).to_dict() == before


def test_suspend_and_bury_hide_cards_from_queue_and_quiz(store):
    deck = make_deck(cards=flashcards(4))
    sched = ReviewScheduler(store, deck)
    store.set_suspended(deck.id, "c1", True)
    # buried at 23:30 learner time (UTC+2): back at the learner's next midnight
    zone = timezone(timedelta(hours=2))
    evening = T0.replace(hour=21)
    tomorrow = day_bounds(evening, zone)[1]
    assert tomorrow == T0.replace(hour=22, minute=0)
    store.bury(deck.id, "c2", tomorrow)
    assert [c.id for c in sched.due_cards(evening)] == ["c0", "c3"]
    assert sched.counts(evening).new == 2
    assert sorted(i.card.id for i in QuizSession(deck, store, now=evening).items) == ["c0", "c3"]
    assert [c.id for c in due_now(store, deck, evening)] == ["c0", "c3"]
    assert [c.id for c in due_now(store, deck, evening, new_per_day=1)] == ["c0"]
    assert [c.id for c in sched.due_cards(tomorrow)] == ["c0", "c2", "c3"]
    assert sorted(i.card.id for i in QuizSession(deck, store, now=tomorrow).items) == [
        "c0",
        "c2",
        "c3",
    ]
    store.set_suspended(deck.id, "c1", False)
    assert [c.id for c in sched.due_cards(tomorrow)] == ["c0", "c1", "c2", "c3"]
    store.bury(deck.id, "c2", None)
    assert store.card_flags(deck.id)["c2"].buried_until is None
    assert store.hidden_cards(deck.id, evening) == set()


def test_again_comes_back_after_its_step_not_after_all_new_cards(store):
    deck = make_deck(cards=flashcards(21))
    sched = ReviewScheduler(store, deck, new_per_day=20)
    now = T0
    first = sched.due_cards(now)[0]
    sched.rate(first, Rating.Again, now)
    step = sched.fsrs.learning_steps[0]
    seen = []
    while (queue := sched.due_cards(now)) and queue[0] is not first:
        sched.rate(queue[0], Rating.Good, now)
        seen.append(queue[0].id)
        now += timedelta(seconds=15)
    assert queue and queue[0] is first
    # back as soon as its learning step passed: 4 new cards at 15 s each, not 19
    assert now - T0 >= step and len(seen) == step // timedelta(seconds=15)
    assert fsrs.State(store.fsrs_card(deck.id, first.id).state) == fsrs.State.Learning


def test_a_quiz_session_takes_back_its_answers_one_by_one(store):
    deck = make_deck(cards=quiz_cards())
    session = QuizSession(deck, store, shuffle=False)
    assert session.take_back() is None
    session.answer("value", now=T0)  # choice card, wrong
    session.advance()
    session.answer(True, now=T0 + MINUTE)  # true/false card
    session.advance()
    assert session.score.answered == 2 and session.index == 2
    item = session.take_back()
    assert item.card.id == deck.cards[1].id and session.index == 1
    assert session.current_grade is None and session.score.answered == 1
    assert [a.card_id for a in store.answers()] == [deck.cards[0].id]
    session.answer(False, now=T0 + 2 * MINUTE)  # answered again, differently
    assert [a.response for a in store.answers()] == ["value", False]
    assert session.take_back().card.id == deck.cards[1].id
    assert session.take_back().card.id == deck.cards[0].id
    assert store.answers() == [] and session.take_back() is None
    assert session.missed == []
