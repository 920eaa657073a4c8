"""Fixtures for the progress tests: small decks built from the deck model, and a store."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from studyapp.deck.cards import ChoiceCard, FlashcardCard, NumericCard, TrueFalseCard
from studyapp.deck.model import Deck
from studyapp.progress.store import Store

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)


def flashcards(n: int, prefix: str = "c") -> tuple[FlashcardCard, ...]:
    return tuple(
        FlashcardCard(id=f"{prefix}{i}", prompt=f"front {i}", explanation="why", back=f"back {i}")
        for i in range(n)
    )


def make_deck(deck_id: str = "bptt", cards=None, topic: str = "bptt") -> Deck:
    return Deck(
        id=deck_id,
        title=f"Deck {deck_id}",
        description="",
        topic=topic,
        version=1,
        authors=(),
        tags=(),
        cards=tuple(cards) if cards is not None else flashcards(5),
        path=Path(f"{deck_id}.toml"),
    )


def quiz_cards() -> tuple:
    """A choice, a true/false, a numeric card and a tagged flashcard, none engine-backed."""
    return (
        ChoiceCard(
            id="clip-rule",
            prompt="Which clipping rescales the whole gradient?",
            explanation="global norm",
            tags=("clipping",),
            choices=("value", "global norm", "none"),
            answer="global norm",
        ),
        TrueFalseCard(
            id="tanh-bound",
            prompt="tanh' <= 1",
            explanation="max at 0",
            tags=("vanishing",),
            answer=True,
        ),
        NumericCard(
            id="sigmoid-power",
            prompt="0.25^5?",
            explanation="sigmoid' <= 1/4",
            tags=("vanishing",),
            answer=0.25**5,
        ),
        FlashcardCard(
            id="bptt-def",
            prompt="What is BPTT?",
            explanation="unrolled backprop",
            tags=("bptt",),
            back="backprop through the unrolled graph",
        ),
    )


@pytest.fixture
def store(tmp_path):
    opened = Store.open(tmp_path / "data")
    yield opened
    opened.close()
