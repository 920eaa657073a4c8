"""Which card of a deck an author is editing: the first card whose content changed
between two versions of the deck (a new card counts as changed)."""

from __future__ import annotations

from studyapp.deck.model import Card, Deck


def changed_card(before: Deck | None, after: Deck) -> Card | None:
    """The first card of `after` that is new or edited since `before`; None if none."""
    old = {card.id: card.content_hash() for card in before.cards} if before else {}
    for card in after.cards:
        if old.get(card.id) != card.content_hash():
            return card
    return None
