"""The validated deck model: frozen dataclasses built only by the loader.

Every card type carries the common fields of `Card`; each type's own model (its
type-specific fields, `content/README.md`) lives in its module of `studyapp.deck.cards`.
Nothing here imports the engine or sympy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

GAP = "{{gap}}"  # the gap a cloze prompt holds exactly once (content/README.md)


def with_blank(prompt: str, blank: str = "_____") -> str:
    """`prompt` with its cloze gap marker shown as `blank`."""
    return prompt.replace(GAP, blank)


ENGINE_PLACEHOLDER = "computed by the engine"


@dataclass(frozen=True)
class EngineLink:
    """The experiment behind a card: `registry.run(experiment, params)`; for numeric
    cards `answer` names the Report scalar holding the answer."""

    experiment: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    answer: str | None = None


@dataclass(frozen=True)
class Feedback:
    """Targeted feedback shown when the learner gives `answer`."""

    answer: str | float | bool
    text: str


@dataclass(frozen=True)
class RandomParam:
    """An engine parameter drawn on each showing: uniform in [minimum, maximum]
    (integers when `integer`), or one of `choices`."""

    name: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] | None = None
    integer: bool = False


def _canonical(value: Any) -> Any:
    """`value` as plain JSON data (dataclasses, mappings and tuples flattened)."""
    if isinstance(value, (EngineLink, Feedback, RandomParam)):
        return {f.name: _canonical(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_canonical(v) for v in value]
    return value


@dataclass(frozen=True, kw_only=True)
class Card:
    """Fields common to every card type. `line` is the card's `[[card]]` line."""

    id: str
    type: str
    prompt: str
    explanation: str
    hint: str | None = None
    tags: tuple[str, ...] = ()
    engine: EngineLink | None = None
    feedback: tuple[Feedback, ...] = ()
    line: int = 0

    def content_hash(self) -> str:
        """sha256 hex of the card's content (everything but its source line)."""
        data = {f.name: _canonical(getattr(self, f.name)) for f in fields(self) if f.name != "line"}
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def answer_text(self) -> str:
        """The correct answer as display text."""
        raise NotImplementedError

    def answer_for(self, expected: float | None) -> str:
        """The correct answer as display text for a showing whose numeric answer is
        `expected` (None: not numeric, or not known)."""
        return self.answer_text()

    def answer_digits(self, expected: float) -> int:
        """The significant digits a numeric answer `expected` is shown with so that it
        is accepted (6 unless the card's precision needs more)."""
        return 6

    def random_params(self) -> tuple[RandomParam, ...]:
        """The engine parameters drawn on each showing (none unless the type has them)."""
        return ()

    def given_answer(self) -> float | None:
        """The numeric answer written in the deck (None for other types)."""
        return None

    def answer_from_engine(self) -> bool:
        """Whether the answer is computed by the engine for each showing."""
        return False


@dataclass(frozen=True)
class Deck:
    """One validated deck file."""

    id: str
    title: str
    description: str
    topic: str
    version: int
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    cards: tuple[Card, ...]
    path: Path

    def card(self, card_id: str) -> Card:
        """The card called `card_id` (KeyError if the deck has none)."""
        for card in self.cards:
            if card.id == card_id:
                return card
        raise KeyError(f"deck {self.id!r} has no card {card_id!r}")


def format_number(value: float, unit: str = "") -> str:
    """`value` with 6 significant digits, and its unit if any."""
    text = f"{value:.6g}"
    return f"{text} {unit}" if unit else text
