"""Choice cards cannot be answered by position: in the TOML itself the right option sits at
different positions across cards, and the right options of multi cards are not always the
first ones (the app shuffles too, but a deck must not depend on it)."""

from __future__ import annotations

from collections import Counter

from studyapp.deck.cards import ChoiceCard, MultiCard
from studyapp.deck.loader import load_decks
from studyapp.paths import bundled_decks_dir


def test_right_choice_positions_vary():
    result = load_decks([bundled_decks_dir()])
    positions: Counter[int] = Counter()
    multi_prefix = multi_total = 0
    for deck in result.decks:
        for card in deck.cards:
            if isinstance(card, ChoiceCard):
                positions[card.choices.index(card.answer)] += 1
            if isinstance(card, MultiCard):
                multi_total += 1
                indices = sorted(card.choices.index(a) for a in card.answers)
                multi_prefix += indices == list(range(len(indices)))
    total = sum(positions.values())
    assert total >= 20
    assert len(positions) >= 4, positions
    assert max(positions.values()) <= 0.4 * total, positions
    assert positions[0] <= 0.4 * total, positions
    assert multi_prefix <= 0.5 * multi_total, (multi_prefix, multi_total)
