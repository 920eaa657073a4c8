"""One showing of a card: random parameters drawn (seeded) and the answer resolved.

For a randomised numeric card, each value is drawn from its declared range with
`random.Random(f"{card.id}|{seed}")` (floats rounded to 3 significant digits so the
prompt can show them exactly), substituted into the engine params and the prompt's
`{name}` slots of every text it shows (prompt, hint, explanation, back, feedback), and
the answer recomputed with `registry.run`.

Texts shown after answering (explanation, flashcard back, feedback) may hold
`{{= scalar}}` placeholders, filled from the card's own Report: `Showing.render` and
the properties below use the Report the showing has, and `with_report` attaches one
computed later. `prepare` never runs the engine just to fill placeholders;
`with_texts` does, for quick experiments, so the texts are ready when the answer is given.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from typing import Any

from engine import registry
from engine.report import Report
from studyapp.deck.cards import card_type
from studyapp.deck.model import Card, Feedback, RandomParam
from studyapp.deck.placeholders import has_placeholders, render_text, substitute_values

__all__ = [
    "Showing",
    "ShowingError",
    "after_answer_fields",
    "draw",
    "engine_answer",
    "prepare",
    "render_text",
    "shown_prompt",
    "with_texts",
]


class ShowingError(RuntimeError):
    """The engine could not produce a card's answer (unknown experiment, bad params,
    a crash, a missing or non-finite scalar). The message says which."""


@dataclass(frozen=True)
class Showing:
    """A card as shown once: prompt with drawn values, engine params, the numeric
    answer (`expected`), the card's Report once known (`prepare` fills it only when
    the answer needed it; `with_report` attaches one computed later) and the drawn
    `values` filled into every text shown."""

    card: Card
    seed: int
    prompt: str
    params: dict[str, Any]
    expected: float | None
    report: Report | None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def question(self) -> str:
        """The prompt as the learner sees it (Markdown): drawn values in, shown as its
        card type shows questions (a cloze gap drawn as a blank)."""
        return card_type(self.card).show_question(self.prompt, self.card)

    def answer_text(self) -> str:
        """The correct answer as text, with the resolved number for numeric cards
        (and a flashcard's back with its placeholders filled)."""
        return self.render(self.card.answer_for(self.expected))

    def answer_digits(self) -> dict[str, int]:
        """{answer scalar: significant digits} for a card whose engine scalar is its
        answer: the engine panel shows that scalar with this many digits, so the number
        shown is accepted (empty for other cards)."""
        link = self.card.engine
        if link is None or link.answer is None or self.expected is None:
            return {}
        return {link.answer: self.card.answer_digits(self.expected)}

    def render(self, text: str) -> str:
        """`text` (e.g. a grade's feedback) with `{{= scalar}}` filled from this Report
        and the drawn values in its `{name}` slots."""
        return substitute_values(render_text(text, self.report), self.values)

    @property
    def hint(self) -> str:
        """The card's hint with the drawn values in ("" when it has none)."""
        return substitute_values(self.card.hint or "", self.values)

    @property
    def explanation(self) -> str:
        """The card's explanation, placeholders filled (`…` while the Report is unknown)."""
        return self.render(self.card.explanation)

    @property
    def back(self) -> str | None:
        """A flashcard's back, placeholders filled; None for card types without one."""
        if "back" not in card_type(self.card).after_answer:
            return None
        return self.render(self.card.back)

    @property
    def feedback(self) -> tuple[Feedback, ...]:
        """The card's targeted feedback entries with their texts rendered."""
        return tuple(replace(f, text=self.render(f.text)) for f in self.card.feedback)

    @property
    def needs_report(self) -> bool:
        """Whether a text shown after answering waits for the Report (see `with_report`)."""
        texts = (text for _, text in after_answer_fields(self.card))
        return self.report is None and any(map(has_placeholders, texts))

    def with_report(self, report: Report) -> Showing:
        """This showing with `report` (run with `self.params`) as its Report."""
        return replace(self, report=report)


def after_answer_fields(card: Card) -> list[tuple[tuple[str | int, ...], str]]:
    """The texts of `card` shown after answering (explanation, back, feedback texts),
    each with its key path in the card's table."""
    fields: list[tuple[tuple[str | int, ...], str]] = [(("explanation",), card.explanation)]
    fields.extend(((name,), getattr(card, name)) for name in card_type(card).after_answer)
    fields.extend((("feedback", j, "text"), f.text) for j, f in enumerate(card.feedback))
    return fields


def _draw_one(spec: RandomParam, rng: random.Random) -> Any:
    """One value: a choice, an integer in [min, max], or a float in [min, max] rounded
    to 3 significant digits (and kept inside the range)."""
    if spec.choices is not None:
        return rng.choice(spec.choices)
    low, high = spec.minimum or 0.0, spec.maximum or 0.0  # both set by the loader
    if spec.integer:
        return rng.randint(int(low), int(high))
    value = float(f"{rng.uniform(low, high):.3g}")
    return min(max(value, low), high)


def draw(card: Card, seed: int) -> dict[str, Any]:
    """The random parameter values of `card` for showing `seed` (empty if none)."""
    specs = card.random_params()
    rng = random.Random(f"{card.id}|{seed}")
    return {spec.name: _draw_one(spec, rng) for spec in specs}


def shown_prompt(card: Card, seed: int) -> str:
    """The question of `card` as showing `seed` shows it (drawn values in, shown as its
    type shows questions), without running the engine."""
    return card_type(card).show_question(substitute_values(card.prompt, draw(card, seed)))


def run_link(card: Card, params: dict[str, Any]) -> tuple[Report, float | None]:
    """Run the card's experiment; also return its answer scalar (numeric cards)."""
    link = card.engine
    if link is None:
        raise ShowingError(f"card {card.id!r} has no engine link")
    try:
        report = registry.run(link.experiment, params)
    except registry.ExperimentError as exc:
        raise ShowingError(f"card {card.id!r}: {exc}") from exc
    except Exception as exc:  # a crashing experiment must not take the app down
        message = f"card {card.id!r}: {link.experiment} failed: {type(exc).__name__}: {exc}"
        raise ShowingError(message) from exc
    if link.answer is None:
        return report, None
    try:
        value = float(report.scalar(link.answer))
    except KeyError as exc:
        raise ShowingError(f"card {card.id!r}: {exc.args[0]}") from exc
    if not math.isfinite(value):
        raise ShowingError(f"card {card.id!r}: scalar {link.answer!r} is {value}")
    return report, value


def prepare(card: Card, seed: int = 0) -> Showing:
    """The showing of `card` for `seed`; runs the engine only when the answer needs it."""
    values = draw(card, seed)
    params = _params(card, values)
    report = None
    expected = card.given_answer()
    if card.answer_from_engine() and card.engine and card.engine.answer:
        report, expected = run_link(card, params)
    prompt = substitute_values(card.prompt, values)
    return Showing(card, seed, prompt, params, expected, report, values)


def _params(card: Card, values: dict[str, Any]) -> dict[str, Any]:
    """The card's engine params with the drawn `values` in."""
    return {**dict(card.engine.params), **values} if card.engine else {}


def engine_answer(card: Card, values: dict[str, Any] | None = None) -> float | None:
    """The numeric answer of `card` for the drawn `values` (None: its first draw), run
    by the engine when the card takes it from there; None for non-numeric cards."""
    if not (card.answer_from_engine() and card.engine and card.engine.answer):
        return card.given_answer()
    _, value = run_link(card, _params(card, draw(card, 0) if values is None else values))
    return value


def with_texts(showing: Showing) -> Showing:
    """`showing` with its Report attached when a text shown after answering needs it and
    the card's experiment is quick (not `long`); otherwise `showing` unchanged (the caller
    attaches the Report with `with_report` once it has computed it)."""
    link = showing.card.engine
    if not showing.needs_report or link is None or registry.get(link.experiment).long:
        return showing
    report, _ = run_link(showing.card, showing.params)
    return showing.with_report(report)
