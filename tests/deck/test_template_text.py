"""No template text ever reaches the learner: drawn values fill their `{name}` slots in every
text (and keep the braces of maths grouping), the loader refuses a slot it cannot fill, and
every card of every bundled deck, rendered on every draw, shows no `{`-leftover."""

from __future__ import annotations

import itertools
import re

import pytest

from engine.report import Report, Scalar
from studyapp.deck.cards import card_type
from studyapp.deck.loader import DeckError, load_deck
from studyapp.deck.placeholders import (
    placeholders,
    substitute_values,
    unknown_slots,
    value_text,
)
from studyapp.deck.showing import Showing, after_answer_fields, draw, prepare, shown_prompt
from studyapp.paths import bundled_deck_files
from studyapp.ui.summary import markdown_words, summary_line

# A slot or placeholder left in shown text: `{{`, `}}`, or `{word}` not after ^, _ or $.
LEFTOVER = re.compile(r"\{\{|\}\}|(?<![\^_$])\{[A-Za-z_][A-Za-z0-9_]*\}")


def test_substitution_keeps_maths_braces_and_fills_slots_once():
    values = {"T": 10, "k": 2.5, "name": "{k}"}
    assert substitute_values("Σ_{t=1}^{T} L_t for T = {T}", values) == "Σ_{t=1}^{10} L_t for T = 10"
    assert substitute_values("h_{k} and {k}", values) == "h_{2.5} and 2.5"
    # one pass: a value that looks like a slot is not filled again
    assert substitute_values("{name}", values) == "{k}"
    # not drawn: left alone (maths grouping), placeholders untouched
    assert substitute_values("x^{N} {{= final}}", values) == "x^{N} {{= final}}"
    assert unknown_slots("x^{N}, h_{t}, {steps} and {T}", {"T"}) == ["{steps}"]


def test_every_shown_text_gets_the_drawn_values(fixture_experiments, write_deck):
    path = write_deck(
        """
        [[card]]
        id = "drawn"
        type = "numeric"
        prompt = "Σ_{t=1}^{steps} ρ^t for ρ = {rho}?"
        hint = "There are {steps} terms."
        explanation = "With {steps} steps the sum is {{= value:.3g}}."
        tags = ["t"]
        [card.random]
        steps = { choices = [3, 7] }
        rho = { choices = [0.5] }
        [card.engine]
        experiment = "test.fixture_power"
        params = { rho = 0.5, steps = 3 }
        answer = "value"
        """
    )
    card = load_deck(path).card("drawn")
    showing = prepare(card, 0)
    steps = showing.values["steps"]
    assert showing.question.startswith(f"Σ_{{t=1}}^{{{steps}}} ρ^t for ρ = 0.5?")
    assert showing.hint == f"There are {steps} terms."
    assert showing.explanation.startswith(f"With {steps} steps the sum is ")
    assert not LEFTOVER.search(showing.explanation)


def test_the_loader_refuses_a_slot_it_cannot_fill(fixture_experiments, write_deck):
    path = write_deck(
        """
        [[card]]
        id = "leaky"
        type = "flashcard"
        prompt = "What is Σ_{t=1}^{T} over {sigma_max}?"
        back = "It depends on {steps}."
        explanation = "Braces after ^ are maths: x^{T}."
        tags = ["t"]
        """
    )
    with pytest.raises(DeckError) as error:
        load_deck(path)
    messages = [issue.message for issue in error.value.issues]
    assert any("'{sigma_max}' names no drawn value" in m for m in messages), messages
    assert any("'{steps}' names no drawn value" in m for m in messages), messages
    assert len(messages) == 2  # ^{T} is maths, not a slot


def draws(card) -> list[dict[str, object]]:
    """Every draw of `card`: each combination of its choice parameters, and each range
    parameter at both ends and at the value seed 0 draws."""
    specs = card.random_params()
    if not specs:
        return [{}]
    first = draw(card, 0)
    options = []
    for spec in specs:
        if spec.choices is not None:
            options.append(list(spec.choices))
        else:
            ends = [spec.minimum, spec.maximum]
            ends = [int(v) for v in ends] if spec.integer else ends
            options.append([*ends, first[spec.name]])
    names = [spec.name for spec in specs]
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*options)]


def full_report(card) -> Report:
    """A Report holding every scalar the card's texts name (so every placeholder fills)."""
    names = {
        item.name
        for _, text in after_answer_fields(card)
        for item in placeholders(text)
        if item.problem is None
    }
    return Report("all scalars", scalars=[Scalar(name, 1.25) for name in sorted(names)])


def shown_texts(showing: Showing) -> list[str]:
    card = showing.card
    texts = [showing.question, showing.hint, showing.explanation, showing.answer_text()]
    texts.extend(f.text for f in showing.feedback)
    if showing.back is not None:
        texts.append(showing.back)
    shuffled = card_type(card).shuffled
    if shuffled:
        texts.extend(getattr(card, shuffled))
    return texts


BUNDLED = [load_deck(path) for path in bundled_deck_files()]


@pytest.mark.parametrize("deck", BUNDLED, ids=[deck.id for deck in BUNDLED])
def test_every_bundled_card_renders_without_template_leftovers(deck):
    rendered = 0
    for card in deck.cards:
        for values in draws(card):
            for report in (None, full_report(card)):
                params = {**dict(card.engine.params), **values} if card.engine else {}
                showing = Showing(
                    card,
                    0,
                    substitute_values(card.prompt, values),
                    params,
                    card.given_answer(),
                    report,
                    values,
                )
                for text in shown_texts(showing):
                    leftover = LEFTOVER.search(text)
                    assert leftover is None, (card.id, values, leftover.group(0), text)
                for name, value in values.items():  # maths braces kept around a value
                    for mark in "^_":
                        if f"{mark}{{{name}}}" in card.prompt:
                            assert f"{mark}{{{value_text(value)}}}" in showing.question
                rendered += 1
        for seed in range(3):
            line = summary_line(card, seed)
            assert LEFTOVER.search(line) is None and "**" not in line, (card.id, line)
            assert LEFTOVER.search(shown_prompt(card, seed)) is None
    assert rendered >= 2 * len(deck.cards)


def test_summary_lines_are_plain_words():
    assert markdown_words("You **require** `clip_grad_norm_` and\n*one* [link](x)") == (
        "You require clip_grad_norm_ and one link"
    )
