"""Quiz sessions: a graded run through a deck (or several, or a filtered subset).

    session = QuizSession(deck, store, shuffle=True, shuffle_choices=True, seed=7)
    while not session.finished:
        item = session.current                 # QuizItem: deck, card, seed, choice_order
        showing = session.showing              # deck.showing.prepare(card, seed): may run the
                                               # engine, so call it from a worker thread
        verdict = session.answer(response)     # grades, then commits the answer to the store
        session.advance()
    session.score, session.missed              # Score(correct, answered, total), [QuizItem]
    again = session.retry_missed()             # a new session over the missed cards
    session.take_back()                        # undo the latest answer, back to its card

Responses are what `studyapp.deck.grading.grade_response` takes, independent of the
display order: choice: the chosen choice's text; multi: the list of ticked choice texts;
order: the step texts in the learner's order; flashcard/truefalse: bool; numeric/cloze/bigo:
the typed str. `item.choice_order` is the order to DISPLAY the card type's shuffled field
(choices, or the steps of an order card, always shuffled): display position p shows
`card.choices[item.choice_order[p]]`. Numeric cards are graded against `showing.expected`
(the engine's value for engine-backed or randomised cards). An unreadable response raises
`AnswerError` and records nothing.

Filters, each giving the cards (or decks) to pass as `QuizSession(..., cards=...)`:
`with_tags(cards, *tags)`, `in_topic(decks, topic)`, `missed_last_time(store, deck)`,
`due_now(store, deck, now)`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studyapp.deck.cards import Verdict, card_type
from studyapp.deck.grading import grade_response
from studyapp.deck.model import Card, Deck
from studyapp.deck.showing import Showing, prepare
from studyapp.progress.scheduler import ReviewScheduler
from studyapp.progress.store import Store
from studyapp.progress.timeutil import now_utc, utc


@dataclass(frozen=True)
class QuizItem:
    """One card of a session: its deck, the showing seed, and the display order of its
    choices or steps (original indices)."""

    deck: Deck
    card: Card
    seed: int
    choice_order: tuple[int, ...]


@dataclass(frozen=True)
class Score:
    correct: int
    answered: int
    total: int

    @property
    def fraction(self) -> float | None:
        """correct / answered, or None before any answer."""
        return self.correct / self.answered if self.answered else None


def _choice_order(card: Card, rng: random.Random, shuffle_choices: bool) -> tuple[int, ...]:
    """Display order of the card type's shuffled field (choices, steps): shuffled always
    when the order is the question (never the answer itself when avoidable), otherwise
    when asked."""
    kind = card_type(card)
    if kind.shuffled is None:
        return ()
    order = list(range(len(getattr(card, kind.shuffled))))
    if kind.always_shuffled or shuffle_choices:
        rng.shuffle(order)
        if kind.always_shuffled and len(order) > 1 and order == sorted(order):
            order = order[1:] + order[:1]
    return tuple(order)


def _items(
    decks: Sequence[Deck],
    cards: Iterable[Card] | None,
    *,
    shuffle: bool,
    shuffle_choices: bool,
    seed: int,
) -> list[QuizItem]:
    """The session's items, in deck order (or seeded-shuffled)."""
    if cards is None:
        pairs = [(deck, card) for deck in decks for card in deck.cards]
    else:
        owner = {id(card): deck for deck in decks for card in deck.cards}
        pairs = []
        for card in cards:
            if id(card) not in owner:
                raise ValueError(f"card {card.id!r} is not in the session's decks")
            pairs.append((owner[id(card)], card))
    items = []
    for deck, card in pairs:
        rng = random.Random(f"{seed}\x00{deck.id}\x00{card.id}")
        showing_seed = rng.randrange(2**31)
        items.append(QuizItem(deck, card, showing_seed, _choice_order(card, rng, shuffle_choices)))
    if shuffle:
        random.Random(seed).shuffle(items)
    return items


class QuizSession:
    """A graded pass over cards; every answer is committed to `store` as it is given."""

    def __init__(
        self,
        decks: Deck | Sequence[Deck],
        store: Store,
        *,
        cards: Iterable[Card] | None = None,
        shuffle: bool = False,
        shuffle_choices: bool = False,
        seed: int = 0,
        now: datetime | None = None,
    ) -> None:
        self.decks: tuple[Deck, ...] = (decks,) if isinstance(decks, Deck) else tuple(decks)
        self.store = store
        self.shuffle = shuffle
        self.shuffle_choices = shuffle_choices
        self.seed = seed
        moment = utc(now) if now is not None else now_utc()  # suspended/buried as of then
        hidden = {(d.id, c) for d in self.decks for c in store.hidden_cards(d.id, moment)}
        self.items: tuple[QuizItem, ...] = tuple(
            item
            for item in _items(
                self.decks, cards, shuffle=shuffle, shuffle_choices=shuffle_choices, seed=seed
            )
            if (item.deck.id, item.card.id) not in hidden  # suspended or buried cards
        )
        self.index = 0
        self.grades: dict[int, Verdict] = {}  # item index -> verdict on its answer
        self._showings: dict[int, Showing] = {}
        self._session_id: int | None = None
        self._answer_ids: dict[int, int] = {}  # item index -> stored answer row id

    @property
    def finished(self) -> bool:
        return self.index >= len(self.items)

    @property
    def current(self) -> QuizItem:
        """The item being asked (IndexError once the session is finished)."""
        if self.finished:
            raise IndexError("the quiz session is finished")
        return self.items[self.index]

    @property
    def showing(self) -> Showing:
        """The current card prepared for showing (cached; may run the engine)."""
        if self.index not in self._showings:
            item = self.current
            self._showings[self.index] = prepare(item.card, item.seed)
        return self._showings[self.index]

    @property
    def current_grade(self) -> Verdict | None:
        """The verdict on the current item, once answered."""
        return self.grades.get(self.index)

    def answer(self, response: Any, now: datetime | None = None) -> Verdict:
        """Grade `response` for the current card and commit it (one transaction).

        Raises AnswerError (nothing recorded) for a response that cannot be read,
        and RuntimeError if the current card was already answered.
        """
        if self.index in self.grades:
            raise RuntimeError("this card was already answered; call advance()")
        item, showing = self.current, self.showing
        result = grade_response(item.card, response, expected=showing.expected)
        moment = utc(now) if now is not None else now_utc()
        if self._session_id is None:
            deck_ids = tuple(dict.fromkeys(i.deck.id for i in self.items))
            self._session_id = self.store.start_quiz(deck_ids, self.seed, len(self.items), moment)
        self._answer_ids[self.index] = self.store.record_answer(
            self._session_id,
            item.deck.id,
            item.card.id,
            item.card.content_hash(),
            correct=result.right,
            response=response,
            answered_at=moment,
        )
        self.grades[self.index] = result
        return result

    def take_back(self) -> QuizItem | None:
        """Undo the latest answer of this session: its stored row is removed (one
        transaction), its grade forgotten, and the session returns to that card. None if
        nothing is left to take back."""
        if not self._answer_ids:
            return None
        index = max(self._answer_ids, key=self._answer_ids.__getitem__)
        self.store.undo_answer(self._answer_ids.pop(index))
        del self.grades[index]
        self.index = index
        return self.items[index]

    def advance(self) -> None:
        """Move to the next card (an unanswered card counts as skipped)."""
        if not self.finished:
            self.index += 1

    @property
    def score(self) -> Score:
        correct = sum(v.right for v in self.grades.values())
        return Score(correct=correct, answered=len(self.grades), total=len(self.items))

    @property
    def missed(self) -> list[QuizItem]:
        """Items answered wrongly, in session order."""
        return [self.items[i] for i in sorted(self.grades) if not self.grades[i].right]

    @property
    def skipped(self) -> list[QuizItem]:
        """Items passed (by `advance`) without an answer."""
        return [
            self.items[i] for i in range(min(self.index, len(self.items))) if i not in self.grades
        ]

    def retry_missed(self) -> QuizSession:
        """A new session over the missed cards, with the same shuffle settings."""
        return QuizSession(
            self.decks,
            self.store,
            cards=[item.card for item in self.missed],
            shuffle=self.shuffle,
            shuffle_choices=self.shuffle_choices,
            seed=self.seed + 1,
        )


def with_tags(cards: Iterable[Card], *tags: str) -> list[Card]:
    """The cards carrying at least one of `tags`."""
    wanted = set(tags)
    return [card for card in cards if wanted.intersection(card.tags)]


def in_topic(decks: Iterable[Deck], topic: str) -> list[Deck]:
    """The decks whose `topic` is `topic`."""
    return [deck for deck in decks if deck.topic == topic]


def missed_last_time(store: Store, deck: Deck) -> list[Card]:
    """The deck's cards whose most recent quiz answer was wrong."""
    latest = store.last_answer_correct(deck.id)
    return [card for card in deck.cards if latest.get(card.id) is False]


def due_now(store: Store, deck: Deck, now: datetime, **scheduler_options: Any) -> list[Card]:
    """Exactly the flashcard queue at `now` (due cards, then new ones within today's limit),
    so "Due now" counts what Home and flashcard mode count; pass the same options as they
    do (`Settings.scheduler_options()`)."""
    by_id = {card.id: card for card in deck.cards}
    queue = ReviewScheduler(store, deck, **scheduler_options).due_cards(now)
    return [by_id[card.id] for card in queue]
