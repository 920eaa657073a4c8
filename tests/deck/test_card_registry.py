"""The card-type table: one `CardType` per type, and a new type is one more entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from studyapp.deck import DeckError, fields, grade_response, load_deck
from studyapp.deck.cards import CARD_TYPES, CardType, Verdict, card_type
from studyapp.deck.cards.base import Reader, require
from studyapp.deck.fields import Where
from studyapp.deck.model import Card
from studyapp.deck.showing import prepare

NAMES = [
    "flashcard", "choice", "multi", "truefalse", "numeric", "order", "cloze", "bigo", "formula",
]  # fmt: skip
KINDS = {"choice", "multi", "order", "text", "self"}


def test_one_entry_per_type_and_each_owns_its_model():
    assert list(CARD_TYPES) == NAMES
    for name, kind in CARD_TYPES.items():
        assert kind.name == name
        assert kind.response_kind in KINDS
        assert kind.model.__dataclass_fields__["type"].default == name
        if kind.shuffled is not None:
            assert kind.shuffled in kind.model.__dataclass_fields__
    assert CARD_TYPES["order"].always_shuffled and not CARD_TYPES["choice"].always_shuffled


def test_only_the_cloze_type_draws_a_gap():
    prompt = "BPTT stores every {{gap}} state."
    assert CARD_TYPES["cloze"].show_question(prompt) == "BPTT stores every `_____` state."
    assert CARD_TYPES["choice"].show_question(prompt) == prompt


@dataclass(frozen=True, kw_only=True)
class EchoCard(Card):
    """A card type made up for this test: type back the word."""

    type: str = "echo"
    word: str

    def answer_text(self) -> str:
        return self.word


def read_echo(r: Reader, table: Mapping[str, Any], where: Where, common: dict) -> Card | None:
    word = fields.text(r, table, "word", where, required=True, example="hidden")
    return None if word is None else EchoCard(word=word, **common)


def grade_echo(card: EchoCard, response: Any, expected: float | None) -> Verdict:
    require(response, str, "the typed word")
    right = response.strip() == card.word
    return Verdict(right, None, card.word, "same word" if right else "another word")


ECHO = CardType(
    name="echo", model=EchoCard, keys=("word",), read=read_echo, grade=grade_echo,
    response_kind="text",
)  # fmt: skip

ECHO_DECK = """
[[card]]
id = "say"
type = "echo"
prompt = "Say hidden."
word = "hidden"
explanation = "The word."
tags = ["bptt"]
[card.engine]
experiment = "test.fixture_power"
"""


def test_a_new_type_is_one_table_entry(fixture_experiments, write_deck, monkeypatch):
    with pytest.raises(DeckError, match="unknown card type 'echo'"):
        load_deck(write_deck(ECHO_DECK))
    monkeypatch.setitem(CARD_TYPES, "echo", ECHO)
    card = load_deck(write_deck(ECHO_DECK)).card("say")
    assert isinstance(card, EchoCard) and card_type(card) is ECHO
    assert grade_response(card, " hidden").right
    assert grade_response(card, "input").correct_answer == "hidden"
    assert prepare(card).question == "Say hidden."
    with pytest.raises(DeckError, match="unknown key 'back' in a echo card"):
        load_deck(write_deck(ECHO_DECK.replace('word = "hidden"', 'word = "x"\nback = "y"')))
