"""Quiz sessions: grading through the deck graders, recording, shuffles, filters, retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fsrs import Rating

from engine import registry
from studyapp.deck.cards import NumericCard, OrderCard
from studyapp.deck.grading import AnswerError
from studyapp.deck.model import EngineLink, RandomParam
from studyapp.progress.quiz import (
    QuizSession,
    due_now,
    in_topic,
    missed_last_time,
    with_tags,
)
from studyapp.progress.scheduler import ReviewScheduler

from .conftest import T0, flashcards, make_deck, quiz_cards

ORDER = OrderCard(
    id="proof",
    prompt="Order the derivation",
    explanation="chain rule first",
    steps=("a_t = ...", "h_t = f(a_t)", "o_t = V h_t", "L = sum"),
)


def run_through(session: QuizSession, responses: dict) -> None:
    """Answer each card from `responses` (by card id) at one-minute intervals."""
    minute = 0
    while not session.finished:
        card = session.current.card
        if card.id in responses:
            session.answer(responses[card.id], now=T0 + timedelta(minutes=minute))
            minute += 1
        session.advance()


def test_whole_deck_graded_scored_and_recorded(store):
    deck = make_deck(cards=quiz_cards())
    session = QuizSession(deck, store)
    assert [i.card.id for i in session.items] == [c.id for c in deck.cards]
    assert session.current.card.id == "clip-rule"
    wrong = session.answer("value", now=T0)
    assert not wrong.correct and wrong.expected == "global norm"
    with pytest.raises(RuntimeError, match="already answered"):
        session.answer("global norm", now=T0)
    session.advance()
    assert session.answer(True, now=T0).correct  # tanh' <= 1
    session.advance()
    assert session.answer("1/1024", now=T0).correct  # 0.25^5 typed as a fraction
    session.advance()
    assert not session.answer(False, now=T0).correct  # flashcard: did not know it
    session.advance()
    assert session.finished
    assert (session.score.correct, session.score.answered, session.score.total) == (2, 4, 4)
    assert session.score.fraction == 0.5
    assert [i.card.id for i in session.missed] == ["clip-rule", "bptt-def"]
    stored = store.answers(deck.id)
    assert [(a.card_id, a.correct) for a in stored] == [
        ("clip-rule", False),
        ("tanh-bound", True),
        ("sigmoid-power", True),
        ("bptt-def", False),
    ]
    assert stored[2].response == "1/1024"
    assert stored[0].content_hash == deck.cards[0].content_hash()


def test_unparseable_answer_raises_and_records_nothing(store):
    deck = make_deck(cards=quiz_cards()[2:3])  # the numeric card
    session = QuizSession(deck, store)
    with pytest.raises(AnswerError):
        session.answer("1/0", now=T0)
    assert store.answers() == []
    assert session.answer("0.0009765625", now=T0).correct
    assert len(store.answers()) == 1


def test_skipped_cards_are_neither_right_nor_missed(store):
    deck = make_deck(cards=quiz_cards())
    session = QuizSession(deck, store)
    session.advance()
    session.answer(False, now=T0)
    session.advance()
    assert [i.card.id for i in session.skipped] == ["clip-rule"]
    assert [i.card.id for i in session.missed] == ["tanh-bound"]
    assert session.score.total == 4 and session.score.answered == 1


def test_retry_missed_runs_only_the_missed_cards(store):
    deck = make_deck(cards=quiz_cards())
    session = QuizSession(deck, store)
    run_through(
        session, {"clip-rule": "value", "tanh-bound": True, "sigmoid-power": "1", "bptt-def": True}
    )
    assert [i.card.id for i in session.missed] == ["clip-rule", "sigmoid-power"]
    retry = session.retry_missed()
    assert [i.card.id for i in retry.items] == ["clip-rule", "sigmoid-power"]
    run_through(retry, {"clip-rule": "global norm", "sigmoid-power": "1/1024"})
    assert retry.missed == [] and retry.score.correct == 2
    assert retry.retry_missed().items == ()
    sessions = {a.session_id for a in store.answers()}
    assert len(sessions) == 2


def test_shuffle_is_seeded_and_choices_map_back(store):
    deck = make_deck(cards=(*quiz_cards(), *flashcards(12)))
    a = QuizSession(deck, store, shuffle=True, shuffle_choices=True, seed=5)
    b = QuizSession(deck, store, shuffle=True, shuffle_choices=True, seed=5)
    c = QuizSession(deck, store, shuffle=True, shuffle_choices=True, seed=6)
    order = [i.card.id for i in a.items]
    assert order == [i.card.id for i in b.items]
    assert order != [i.card.id for i in c.items]
    assert sorted(order) == sorted(card.id for card in deck.cards)
    assert [i.choice_order for i in a.items] == [i.choice_order for i in b.items]
    # answering by the displayed position of the right choice is graded correct
    while a.current.card.id != "clip-rule":
        a.advance()
    item = a.current
    assert sorted(item.choice_order) == [0, 1, 2]
    shown = [item.card.choices[i] for i in item.choice_order]
    position = shown.index("global norm")
    assert a.answer(shown[position], now=T0).correct


def test_choices_stay_in_order_unless_asked(store):
    deck = make_deck(cards=quiz_cards())
    session = QuizSession(deck, store, seed=3)
    assert session.items[0].choice_order == (0, 1, 2)
    assert session.items[1].choice_order == ()  # true/false has no choices


@pytest.mark.parametrize("seed", range(10))
def test_order_cards_are_always_shown_out_of_order(store, seed):
    session = QuizSession(make_deck(cards=(ORDER,)), store, seed=seed)
    shown = session.current.choice_order
    assert sorted(shown) == [0, 1, 2, 3] and list(shown) != [0, 1, 2, 3]
    assert session.answer(list(ORDER.steps), now=T0).correct
    session2 = QuizSession(make_deck(cards=(ORDER,)), store, seed=seed)
    assert not session2.answer([ORDER.steps[i] for i in shown], now=T0).correct


def test_filters_by_tag_topic_missed_and_due(store):
    deck = make_deck(cards=quiz_cards())
    other = make_deck("clip", cards=flashcards(2, "k"), topic="clipping")
    assert [c.id for c in with_tags(deck.cards, "vanishing")] == ["tanh-bound", "sigmoid-power"]
    assert [c.id for c in with_tags(deck.cards, "bptt", "clipping")] == ["clip-rule", "bptt-def"]
    assert in_topic([deck, other], "clipping") == [other]

    assert missed_last_time(store, deck) == []
    run_through(QuizSession(deck, store), {"clip-rule": "value", "tanh-bound": False})
    assert [c.id for c in missed_last_time(store, deck)] == ["clip-rule", "tanh-bound"]
    # answering right later clears it
    run_through(
        QuizSession(deck, store, cards=missed_last_time(store, deck)), {"clip-rule": "global norm"}
    )
    assert [c.id for c in missed_last_time(store, deck)] == ["tanh-bound"]

    scheduler = ReviewScheduler(store, deck)
    scheduler.rate(deck.cards[3], Rating.Again, T0)
    # "Due now" is the flashcard queue: due cards first, then new cards within the limit
    new_ones = [deck.cards[0], deck.cards[1], deck.cards[2]]
    assert due_now(store, deck, T0) == new_ones
    later = T0 + timedelta(minutes=1)
    assert due_now(store, deck, later) == [deck.cards[3], *new_ones]
    assert due_now(store, deck, later) == scheduler.due_cards(later)
    assert len(due_now(store, deck, later)) == scheduler.counts(later).total


def test_session_over_several_decks_and_a_subset(store):
    deck = make_deck(cards=quiz_cards())
    other = make_deck("clip", cards=flashcards(2, "k"), topic="clipping")
    session = QuizSession([deck, other], store, cards=[other.cards[1], deck.cards[1]])
    assert [(i.deck.id, i.card.id) for i in session.items] == [
        ("clip", "k1"),
        ("bptt", "tanh-bound"),
    ]
    session.answer(True, now=T0)
    assert store.answers()[0].deck_id == "clip"
    with pytest.raises(ValueError, match="not in the session's decks"):
        QuizSession(other, store, cards=[deck.cards[0]])


def test_finished_session_has_no_current_card(store):
    session = QuizSession(make_deck(cards=()), store)
    assert session.finished
    with pytest.raises(IndexError):
        _ = session.current


def test_engine_backed_randomised_card_is_graded_against_the_engine(store):
    """A numeric card whose answer is a Report scalar: the session grades against the value
    the engine computes for this showing's drawn parameters."""
    card = NumericCard(
        id="loss",
        prompt="Loss of the worked example with seed {seed}?",
        explanation="sum of the step losses",
        rtol=1e-6,
        random=(RandomParam(name="seed", choices=(0, 1, 2, 3, 4, 5, 6, 7)),),
        engine=EngineLink(experiment="bptt.worked_example", params={"seed": 0}, answer="loss"),
    )
    session = QuizSession(make_deck(cards=(card,)), store, seed=11)
    showing = session.showing
    assert showing is session.showing  # prepared once, cached
    drawn = showing.params["seed"]
    assert f"seed {drawn}?" in showing.prompt
    reference = registry.run("bptt.worked_example", {"seed": drawn}).scalar("loss")
    assert showing.expected == pytest.approx(reference, rel=1e-12)
    assert not session.answer(repr(reference * 1.01), now=T0).correct
    again = QuizSession(make_deck(cards=(card,)), store, seed=11)
    assert again.showing.params == showing.params  # same seed, same draw
    assert again.answer(repr(reference), now=T0).correct
