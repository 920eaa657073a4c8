"""Validation of parsed TOML data into the deck model (the rules of content/README.md).

`validate(data, index, path, limits)` checks every table and card, collects every
issue (one bad card never hides the rest) and returns the Deck only when there is
no error. The readers it builds on: `fields` (typed values), `engine_links` (the
experiment and its bounds) and `cards` (each type's own keys, reader and answer).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from studyapp.deck import placeholders
from studyapp.deck.cards import CARD_TYPES
from studyapp.deck.engine_links import EngineLinkReader
from studyapp.deck.fields import Limits, Where, did_you_mean, short
from studyapp.deck.issues import Issue
from studyapp.deck.locate import SourceIndex
from studyapp.deck.model import Card, Deck

TOPICS = ("bptt", "vanishing", "clipping", "complexity", "initialisation", "general")
DECK_KEYS = ("id", "title", "description", "topic", "version", "authors", "tags")
COMMON_KEYS = ("id", "type", "prompt", "explanation", "hint", "tags", "engine", "feedback")


class DeckReader(EngineLinkReader):
    """Turns one parsed file into a Deck: the [deck] table and every [[card]]."""

    def __init__(self, index: SourceIndex, path: Path, limits: Limits):
        super().__init__(index, path, limits)
        self.card_lines: list[int] = []

    def deck(self, data: Mapping[str, Any], path: Path) -> Deck | None:
        for key in data:
            if key not in ("deck", "card"):
                self.error(
                    (key,),
                    f"unknown top-level key {short(key)}{did_you_mean(key, ('deck', 'card'))}; "
                    "a deck file holds one [deck] table and [[card]] tables",
                )
        header = self.deck_table(data.get("deck"))
        cards = self.cards(data.get("card"))
        if header is None or cards is None or self.error_count():
            return None
        return Deck(cards=cards, path=path, **header)

    def deck_table(self, table: Any) -> dict[str, Any] | None:
        where: Where = ("deck",)
        if table is None:
            self.error(
                (), 'missing [deck] table; start the file with [deck] and id = "...", title = "..."'
            )
            return None
        if not isinstance(table, dict):
            self.error(where, "deck must be a table: write [deck] on its own line")
            return None
        self.unknown_keys(table, where, DECK_KEYS, "[deck]")
        deck_id = self.identifier(table, "id", where)
        title = self.text(table, "title", where, required=True, example="Gradient clipping")
        description = self.text(table, "description", where, required=False, allow_empty=True)
        topic = self.text(table, "topic", where, required=True, example="bptt")
        if topic is not None and topic not in TOPICS:
            self.error(
                (*where, "topic"),
                f"unknown topic {short(topic)}{did_you_mean(topic, TOPICS)}; "
                f"use one of {', '.join(TOPICS)}",
            )
        version = self.integer(table, "version", where, low=1, high=10**6)
        authors = self.string_list(table, "authors", where, required=False)
        tags = self.string_list(table, "tags", where, required=False, distinct=True)
        if deck_id is None or title is None or topic is None:
            return None
        return {
            "id": deck_id,
            "title": title,
            "description": description or "",
            "topic": topic,
            "version": 1 if version is None else version,
            "authors": authors or (),
            "tags": tags or (),
        }

    def cards(self, value: Any) -> tuple[Card, ...] | None:
        if value is None:
            self.error(("deck",), "the deck has no cards; add at least one [[card]] table")
            return None
        if not isinstance(value, list):
            self.error(
                ("card",), "cards are written [[card]] (double brackets), one per card, not [card]"
            )
            return None
        if len(value) > self.limits.max_cards:
            self.error(
                ("card", self.limits.max_cards),
                f"the deck has {len(value):,} cards; the limit is {self.limits.max_cards:,}: "
                "split it into several decks",
            )
            value = value[: self.limits.max_cards]
        self.card_lines = self.index.card_lines(len(value))
        cards: list[Card] = []
        first_line: dict[str, int] = {}
        for i, table in enumerate(value):
            card = self.card(i, table, first_line)
            if card is not None:
                cards.append(card)
        return tuple(cards)

    # ---- one card

    def card(self, i: int, table: Any, first_line: dict[str, int]) -> Card | None:
        where: Where = ("card", i)
        if not isinstance(table, dict):
            self.error(("card",), f"card {i + 1} must be a table: write it as a [[card]] section")
            return None
        errors_before = self.error_count()
        line = self.card_lines[i]
        card_id = self.identifier(table, "id", where)
        if card_id is not None:
            if card_id in first_line:
                self.error(
                    (*where, "id"),
                    f"duplicate card id {short(card_id)}: the card at line {first_line[card_id]} "
                    "already uses it; give every card its own id",
                )
            else:
                first_line[card_id] = line
        kind = self.text(table, "type", where, required=True, example="choice")
        if kind is not None and kind not in CARD_TYPES:
            self.error(
                (*where, "type"),
                f"unknown card type {short(kind)}{did_you_mean(kind, tuple(CARD_TYPES))}; "
                f"use one of {', '.join(CARD_TYPES)}",
            )
            kind = None
        if kind is not None:
            self.card_keys(table, where, kind)
        common = {
            "id": card_id,
            "prompt": self.text(table, "prompt", where, required=True, example="The question?"),
            "explanation": self.text(
                table, "explanation", where, required=True, example="Why the answer is right."
            ),
            "hint": self.text(table, "hint", where, required=False),
            "tags": self.string_list(table, "tags", where, required=False, distinct=True) or (),
            "engine": self.engine(table, where, None if kind is None else CARD_TYPES[kind]),
            "line": line,
        }
        if "tags" not in table:
            self.warn(where, 'card has no tags; add e.g. tags = ["clipping"] to group cards')
        if "engine" not in table:
            self.warn(
                where,
                "card has no [card.engine] link; link the experiment that demonstrates the answer",
            )
        self.placeholder_fields(table, where, kind)
        if kind is None:
            return None
        card = CARD_TYPES[kind].read(self, table, where, common)
        if card is None or self.error_count() > errors_before:
            return None
        return card

    def placeholder_fields(self, table: Mapping[str, Any], where: Where, kind: str | None) -> None:
        """Check every `{{= scalar}}` placeholder of the card: well formed, only in texts
        shown after answering, and only in a card with an engine link to fill it."""
        before = [(key, table.get(key)) for key in ("prompt", "hint")]
        after = [(("explanation",), table.get("explanation"))]
        if kind is not None:
            after.extend(((name,), table.get(name)) for name in CARD_TYPES[kind].after_answer)
        entries = table.get("feedback")
        if isinstance(entries, list):
            after.extend(
                (("feedback", j, "text"), entry.get("text"))
                for j, entry in enumerate(entries)
                if isinstance(entry, dict)
            )
        for key, text in before:
            for item, line, col in self.placeholders_at(text, (*where, key)):
                self.report_at(
                    line,
                    col,
                    f"placeholder {short(item.source)} in {key}: placeholders are filled in "
                    "after answering, so only explanation, back and feedback text may hold "
                    "them; write the number, or move it to the explanation",
                )
        for path, text in after:
            for item, line, col in self.placeholders_at(text, (*where, *path)):
                if item.problem is not None:
                    self.report_at(line, col, item.problem)
                elif "engine" not in table:
                    self.report_at(
                        line,
                        col,
                        f"placeholder {short(item.source)} is filled from the card's engine "
                        "Report, and this card has none: add [card.engine] with an experiment "
                        f"whose Report has the scalar {item.name!r} (`python -m engine run "
                        "NAME` lists them), or write the number as text",
                    )

    def placeholders_at(
        self, text: Any, where: Where
    ) -> list[tuple[placeholders.Placeholder, int, int]]:
        """The placeholders of `text` (if it is text) with their source line and column."""
        if not isinstance(text, str) or not placeholders.has_placeholders(text):
            return []
        found = placeholders.placeholders(text)
        positions = self.index.find_each([item.source for item in found], *where)
        return [(item, line, col) for item, (line, col) in zip(found, positions, strict=True)]

    def card_keys(self, table: Mapping[str, Any], where: Where, kind: str) -> None:
        allowed = COMMON_KEYS + CARD_TYPES[kind].keys
        for key in table:
            if key in allowed:
                continue
            owners = [name for name, other in CARD_TYPES.items() if key in other.keys]
            every_key = sorted({k for t in CARD_TYPES.values() for k in t.keys} - set(allowed))
            if owners:
                hint = f"; it belongs to {'/'.join(owners)} cards"
            elif near := did_you_mean(key, allowed):
                hint = near
            elif near := did_you_mean(key, every_key):
                hint = f"{near} (not a key of {kind} cards)"
            else:
                hint = f"; allowed keys: {', '.join(allowed)}"
            self.error((*where, key), f"unknown key {short(key)} in a {kind} card{hint}")


def validate(
    data: Mapping[str, Any], index: SourceIndex, path: Path, limits: Limits
) -> tuple[Deck | None, list[Issue]]:
    """The Deck (None if any error) and every issue found, in source order."""
    validator = DeckReader(index, path, limits)
    deck = validator.deck(data, path)
    issues = sorted(validator.issues, key=lambda issue: (issue.line, issue.col))
    return deck, issues
