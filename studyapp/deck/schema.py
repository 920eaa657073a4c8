"""Validation of parsed TOML data into the deck model (the rules of content/README.md).

`validate(data, index, path, limits)` checks every table and card, collects every
issue (one bad card never hides the rest) and returns the Deck only when there is
no error. It is composed of an `IssueCollector` (every problem at file:line:col) and
the reader functions of `fields` (typed values), `engine_links` (the experiment and its
bounds) and `cards` (each type's own keys, reader and answer).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from studyapp.deck import engine_links, fields, placeholders
from studyapp.deck.cards import CARD_TYPES
from studyapp.deck.collector import IssueCollector
from studyapp.deck.fields import Limits, Where, did_you_mean, short
from studyapp.deck.issues import Issue
from studyapp.deck.locate import SourceIndex
from studyapp.deck.model import Card, Deck

TOPICS = ("bptt", "vanishing", "clipping", "complexity", "initialisation", "general")
DECK_KEYS = ("id", "title", "description", "topic", "version", "authors", "tags")
COMMON_KEYS = ("id", "type", "prompt", "explanation", "hint", "tags", "engine", "feedback")


class DeckReader:
    """Turns one parsed file into a Deck: the [deck] table and every [[card]], reading
    values with the typed readers of `fields` and `engine_links` and each card type's own
    reader, all reporting into one `IssueCollector`."""

    def __init__(self, issues: IssueCollector):
        self.issues = issues
        self.card_lines: list[int] = []

    def deck(self, data: Mapping[str, Any], path: Path) -> Deck | None:
        for key in data:
            if key not in ("deck", "card"):
                self.issues.error(
                    (key,),
                    f"unknown top-level key {short(key)}{did_you_mean(key, ('deck', 'card'))}; "
                    "a deck file holds one [deck] table and [[card]] tables",
                )
        header = self.deck_table(data.get("deck"))
        cards = self.cards(data.get("card"))
        if header is None or cards is None or self.issues.error_count():
            return None
        return Deck(cards=cards, path=path, **header)

    def deck_table(self, table: Any) -> dict[str, Any] | None:
        where: Where = ("deck",)
        if table is None:
            self.issues.error(
                (), 'missing [deck] table; start the file with [deck] and id = "...", title = "..."'
            )
            return None
        if not isinstance(table, dict):
            self.issues.error(where, "deck must be a table: write [deck] on its own line")
            return None
        fields.unknown_keys(self.issues, table, where, DECK_KEYS, "[deck]")
        deck_id = fields.identifier(self.issues, table, "id", where)
        title = fields.text(
            self.issues, table, "title", where, required=True, example="Gradient clipping"
        )
        description = fields.text(
            self.issues, table, "description", where, required=False, allow_empty=True
        )
        topic = fields.text(self.issues, table, "topic", where, required=True, example="bptt")
        if topic is not None and topic not in TOPICS:
            self.issues.error(
                (*where, "topic"),
                f"unknown topic {short(topic)}{did_you_mean(topic, TOPICS)}; "
                f"use one of {', '.join(TOPICS)}",
            )
        version = fields.integer(self.issues, table, "version", where, low=1, high=10**6)
        authors = fields.string_list(self.issues, table, "authors", where, required=False)
        tags = fields.string_list(self.issues, table, "tags", where, required=False, distinct=True)
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
            self.issues.error(("deck",), "the deck has no cards; add at least one [[card]] table")
            return None
        if not isinstance(value, list):
            self.issues.error(
                ("card",), "cards are written [[card]] (double brackets), one per card, not [card]"
            )
            return None
        max_cards = self.issues.limits.max_cards
        if len(value) > max_cards:
            self.issues.error(
                ("card", max_cards),
                f"the deck has {len(value):,} cards; the limit is {max_cards:,}: "
                "split it into several decks",
            )
            value = value[:max_cards]
        self.card_lines = self.issues.index.card_lines(len(value))
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
            self.issues.error(
                ("card",), f"card {i + 1} must be a table: write it as a [[card]] section"
            )
            return None
        errors_before = self.issues.error_count()
        line = self.card_lines[i]
        card_id = fields.identifier(self.issues, table, "id", where)
        if card_id is not None:
            if card_id in first_line:
                self.issues.error(
                    (*where, "id"),
                    f"duplicate card id {short(card_id)}: the card at line {first_line[card_id]} "
                    "already uses it; give every card its own id",
                )
            else:
                first_line[card_id] = line
        kind = fields.text(self.issues, table, "type", where, required=True, example="choice")
        if kind is not None and kind not in CARD_TYPES:
            self.issues.error(
                (*where, "type"),
                f"unknown card type {short(kind)}{did_you_mean(kind, tuple(CARD_TYPES))}; "
                f"use one of {', '.join(CARD_TYPES)}",
            )
            kind = None
        if kind is not None:
            self.card_keys(table, where, kind)
        common = {
            "id": card_id,
            "prompt": fields.text(
                self.issues, table, "prompt", where, required=True, example="The question?"
            ),
            "explanation": fields.text(
                self.issues,
                table,
                "explanation",
                where,
                required=True,
                example="Why the answer is right.",
            ),
            "hint": fields.text(self.issues, table, "hint", where, required=False),
            "tags": fields.string_list(
                self.issues, table, "tags", where, required=False, distinct=True
            )
            or (),
            "engine": engine_links.engine(
                self.issues, table, where, None if kind is None else CARD_TYPES[kind]
            ),
            "line": line,
        }
        if "tags" not in table:
            self.issues.warn(where, 'card has no tags; add e.g. tags = ["clipping"] to group cards')
        if "engine" not in table:
            self.issues.warn(
                where,
                "card has no [card.engine] link; add one after the card: [card.engine] with "
                'experiment = "NAME" (`python -m engine list` shows every name) to link the '
                "experiment that demonstrates the answer",
            )
        self.placeholder_fields(table, where, kind)
        if kind is None:
            return None
        card = CARD_TYPES[kind].read(self.issues, table, where, common)
        if card is None or self.issues.error_count() > errors_before:
            return None
        return card

    def placeholder_fields(self, table: Mapping[str, Any], where: Where, kind: str | None) -> None:
        """Check every `{{= scalar}}` placeholder of the card: well formed, only in texts
        shown after answering, and only in a card with an engine link to fill it."""
        before = [(key, table.get(key)) for key in ("prompt", "hint")]
        after: list[tuple[Where, object]] = [(("explanation",), table.get("explanation"))]
        if kind is not None:
            after.extend(((name,), table.get(name)) for name in CARD_TYPES[kind].after_answer)
        entries = table.get("feedback")
        if isinstance(entries, list):
            after.extend(
                (("feedback", j, "text"), entry.get("text"))
                for j, entry in enumerate(entries)
                if isinstance(entry, dict)
            )
        drawn = table.get("random")
        names = frozenset(drawn) if isinstance(drawn, dict) else frozenset()
        for path, text in [((key,), text) for key, text in before] + after:
            self.value_slots(text, (*where, *path), names)
        for key, text in before:
            for item, line, col in self.placeholders_at(text, (*where, key)):
                self.issues.report_at(
                    line,
                    col,
                    f"placeholder {short(item.source)} in {key}: placeholders are filled in "
                    "after answering, so only explanation, back and feedback text may hold "
                    "them; write the number, or move it to the explanation",
                )
        for path, text in after:
            for item, line, col in self.placeholders_at(text, (*where, *path)):
                if item.problem is not None:
                    self.issues.report_at(line, col, item.problem)
                elif "engine" not in table:
                    self.issues.report_at(
                        line,
                        col,
                        f"placeholder {short(item.source)} is filled from the card's engine "
                        "Report, and this card has none: add [card.engine] with an experiment "
                        f"whose Report has the scalar {item.name!r} (`python -m engine run "
                        "NAME` lists them), or write the number as text",
                    )

    def value_slots(self, text: Any, where: Where, names: frozenset[str]) -> None:
        """An error for each `{name}` slot of `text` naming no drawn value of the card:
        it could never be filled, so the learner would see the braces."""
        if not isinstance(text, str):
            return
        slots = placeholders.unknown_slots(text, names)
        if not slots:
            return
        drawn = f"its drawn values are {', '.join(sorted(names))}" if names else "it draws none"
        positions = self.issues.index.find_each(slots, *where)
        for slot, (line, col) in zip(slots, positions, strict=True):
            self.issues.report_at(
                line,
                col,
                f"{short(slot)} names no drawn value of this card ({drawn}), so it would "
                "be shown as written; add it under [card.random], or write the text without "
                "braces (braces right after ^ or _ group maths and are kept)",
            )

    def placeholders_at(
        self, text: Any, where: Where
    ) -> list[tuple[placeholders.Placeholder, int, int]]:
        """The placeholders of `text` (if it is text) with their source line and column."""
        if not isinstance(text, str) or not placeholders.has_placeholders(text):
            return []
        found = placeholders.placeholders(text)
        positions = self.issues.index.find_each([item.source for item in found], *where)
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
            self.issues.error((*where, key), f"unknown key {short(key)} in a {kind} card{hint}")


def validate(
    data: Mapping[str, Any], index: SourceIndex, path: Path, limits: Limits
) -> tuple[Deck | None, list[Issue]]:
    """The Deck (None if any error) and every issue found, in source order."""
    issues = IssueCollector(index, path, limits)
    deck = DeckReader(issues).deck(data, path)
    return deck, issues.sorted_issues()
