"""Loading good decks into the model; load_decks over files and directories; warnings."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from engine import registry
from studyapp.deck.cards import (
    BigOCard,
    ChoiceCard,
    ClozeCard,
    FlashcardCard,
    MultiCard,
    NumericCard,
    OrderCard,
    TrueFalseCard,
)
from studyapp.deck.checker import check_paths
from studyapp.deck.loader import DeckError, inspect_deck, load_deck, load_decks
from studyapp.deck.model import RandomParam
from studyapp.deck.showing import prepare
from tests.deck.conftest import HEADER
from tests.deck.decks import EVERY_TYPE

REPO = Path(__file__).resolve().parents[2]


def test_every_card_type_loads_into_the_model(fixture_experiments, write_deck):
    path = write_deck(EVERY_TYPE)
    deck = load_deck(path)
    assert (deck.id, deck.title, deck.topic, deck.version) == (
        "fixture",
        "Fixture deck",
        "general",
        2,
    )
    assert deck.authors == ("tests",) and deck.tags == ("fixture",) and deck.path == path
    kinds = [type(c) for c in deck.cards]
    assert kinds == [
        FlashcardCard, ChoiceCard, MultiCard, TrueFalseCard, NumericCard, NumericCard,
        OrderCard, ClozeCard, BigOCard,
    ]  # fmt: skip
    assert [c.type for c in deck.cards] == [
        "flashcard", "choice", "multi", "truefalse", "numeric", "numeric", "order", "cloze", "bigo",
    ]  # fmt: skip
    lines = path.read_text().split("\n")
    for card in deck.cards:
        assert lines[card.line - 1] == "[[card]]"
        assert lines[card.line] == f'id = "{card.id}"'

    pick = deck.card("pick")
    assert pick.choices == ("O(T*H^2)", "O(H^2)", "O(T^2*H^2)") and pick.answer == "O(T*H^2)"
    assert pick.hint == "Count the steps." and pick.tags == ("complexity",)
    assert pick.engine.experiment == "test.fixture_power"
    assert dict(pick.engine.params) == {"rho": 1.5, "steps": 3, "mode": "b"}
    assert pick.feedback[0].answer == "O(H^2)"

    num = deck.card("num")
    assert (num.answer, num.rtol, num.atol, num.sigfigs) == (0.0009765625, 1e-2, 0.0, None)
    assert num.engine.answer == "value"
    rand = deck.card("rand")
    assert rand.sigfigs == 3 and rand.answer is None
    assert rand.random == (
        RandomParam("rho", minimum=0.5, maximum=1.5),
        RandomParam("steps", choices=(2, 3, 4)),
    )
    assert deck.card("tf").answer is False
    assert deck.card("gap").answers == ("hidden", "h_t") and not deck.card("gap").case_sensitive
    assert deck.card("order-of").variables == ("T", "H", "D")
    with pytest.raises(KeyError):
        deck.card("absent")


def test_answer_text(fixture_experiments, write_deck):
    deck = load_deck(write_deck(EVERY_TYPE))
    texts = {c.id: c.answer_text() for c in deck.cards}
    assert texts["flash"] == "Backpropagation through time."
    assert texts["pick"] == "O(T*H^2)"
    assert texts["many"] == "- h_t\n- a_t"
    assert texts["tf"] == "False"
    assert texts["num"] == "0.000976562"
    assert texts["rand"] == "computed by the engine"
    assert texts["steps"] == "1. forward\n2. loss\n3. backward\n4. update"
    assert texts["gap"] == "hidden"
    assert texts["order-of"] == "O(T*(H^2 + H*D))"


def test_content_hash_is_stable_and_changes_with_content(fixture_experiments, write_deck):
    first = load_deck(write_deck(EVERY_TYPE, name="a.toml"))
    again = load_deck(write_deck("\n\n" + EVERY_TYPE, name="b.toml"))  # moved, not edited
    assert [c.content_hash() for c in first.cards] == [c.content_hash() for c in again.cards]
    assert all(re.fullmatch(r"[0-9a-f]{64}", c.content_hash()) for c in first.cards)
    assert len({c.content_hash() for c in first.cards}) == len(first.cards)
    edited = load_deck(write_deck(EVERY_TYPE.replace("Count the steps.", "Count!"), name="c.toml"))
    changed = [
        a.id
        for a, b in zip(first.cards, edited.cards, strict=True)
        if a.content_hash() != b.content_hash()
    ]
    assert changed == ["pick"]
    card = first.card("num")
    assert dataclasses.replace(card, rtol=0.5).content_hash() != card.content_hash()


def test_code_shaped_strings_are_just_text(fixture_experiments, write_deck, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hostile = '__import__("os").system("touch pwned")'
    body = EVERY_TYPE.replace('"What does BPTT stand for?"', f"'{hostile}'")
    body = body.replace('back = "Backpropagation through time."', "back = '{{7*7}} ${HOME}'")
    deck = load_deck(write_deck(body))
    assert deck.card("flash").prompt == hostile
    assert deck.card("flash").back == "{{7*7}} ${HOME}"
    assert not (tmp_path / "pwned").exists()


def test_load_decks_keeps_good_decks_and_collects_failures(fixture_experiments, tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "a.toml").write_text(HEADER + EVERY_TYPE, encoding="utf-8")
    (folder / "b.toml").write_text("not toml at all = = =", encoding="utf-8")
    other = HEADER.replace('id = "fixture"', 'id = "other"')
    (folder / "c.toml").write_text(other + EVERY_TYPE, encoding="utf-8")
    (folder / "notes.txt").write_text("ignored", encoding="utf-8")
    single = tmp_path / "dup.toml"
    single.write_text(HEADER + EVERY_TYPE, encoding="utf-8")
    result = load_decks([folder, single])
    assert [d.id for d in result.decks] == ["fixture", "other"]
    assert [f.path.name for f in result.failures] == ["b.toml", "dup.toml"]
    assert "invalid TOML" in str(result.failures[0])
    clash = result.failures[1].issues[0]
    assert "deck id 'fixture' is already used by" in clash.message
    assert clash.line == 2  # the id line of [deck]


def test_warnings_do_not_stop_loading(fixture_experiments, write_deck):
    path = write_deck(
        """
        [[card]]
        id = "bare"
        type = "truefalse"
        prompt = "No tags, no engine."
        explanation = "E"
        answer = true

        [[card]]
        id = "loose"
        type = "numeric"
        prompt = "Value of {rho}? (never shows steps)"
        explanation = "E"
        rtol = 1.0
        tags = ["t"]
        [card.engine]
        experiment = "test.fixture_power"
        answer = "value"
        [card.random]
        rho = { min = 0.5, max = 1.0 }
        steps = { min = 2, max = 4 }
        [[card.feedback]]
        answer = 0.5
        text = "no"

        [[card]]
        id = "stated"
        type = "numeric"
        prompt = "Half?"
        explanation = "E"
        answer = 0.5
        rtol = 0
        tags = ["t"]
        [card.engine]
        experiment = "test.fixture_power"

        [[card]]
        id = "tf-fb"
        type = "truefalse"
        prompt = "P"
        explanation = "E"
        answer = true
        tags = ["t"]
        [card.engine]
        experiment = "test.fixture_power"
        [[card.feedback]]
        answer = true
        text = "pointless"
        """
    )
    inspection = inspect_deck(path)
    assert inspection.deck is not None and not inspection.errors
    messages = [(i.line, i.message.split(";")[0].split(":")[0]) for i in inspection.issues]
    text = path.read_text().split("\n")

    def line_of(fragment: str, after: int = 0) -> int:
        return next(n for n, row in enumerate(text, 1) if n > after and fragment in row)

    expected = [
        (line_of('id = "bare"') - 1, "card has no tags"),
        (line_of('id = "bare"') - 1, "card has no [card.engine] link"),
        (line_of("rtol = 1.0"), "rtol = 1 accepts 0 as correct, so the card cannot fail"),
        (line_of("steps = { min"), "the prompt never shows {steps}"),
        (line_of("answer = 0.5", line_of('id = "stated"')), "the engine cannot verify this answer"),
        (line_of('id = "stated"') - 1, "rtol = 0 and atol = 0 accept only the exact float"),
        (line_of("answer = true", line_of("[[card.feedback]]", line_of('id = "tf-fb"'))),
         "feedback for the right answer is never shown"),
    ]  # fmt: skip
    assert sorted(messages) == sorted(expected)
    assert all(i.severity == "warning" for i in inspection.issues)
    assert load_deck(path).card("loose").random[1] == RandomParam("steps", 2, 4, integer=True)


def test_readme_example_deck_loads_and_shows_every_type(tmp_path):
    readme = (REPO / "content" / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- example-deck -->\s*```toml\n(.*?)```", readme, re.S)
    assert match, "content/README.md lost its complete example deck"
    path = tmp_path / "example.toml"
    path.write_text(match.group(1), encoding="utf-8")
    inspection = inspect_deck(path)
    assert not inspection.issues, [str(i) for i in inspection.issues]
    types = {card.type for card in inspection.deck.cards}
    assert types == {
        "flashcard",
        "choice",
        "multi",
        "truefalse",
        "numeric",
        "order",
        "cloze",
        "bigo",
    }
    assert [str(issue) for issue in check_paths([path]).issues] == []  # engine links run
    showing = prepare(inspection.deck.card("clip-keeps"))
    assert showing.with_report(registry.run("clipping.by_norm", showing.params)).explanation == (
        "‖g‖ = 13, so g is multiplied by 2/13 = 0.1538: one coefficient, same direction."
    )


def test_deck_error_lists_every_issue(fixture_experiments, write_deck):
    path = write_deck(EVERY_TYPE.replace('answer = "O(T*H^2)"', 'answer = "nope"').replace(
        'prompt = "Order the steps."', 'prompt = ""'
    ))  # fmt: skip
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    assert caught.value.path == path
    assert len(caught.value.issues) == 2
