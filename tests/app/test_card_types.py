"""The quiz input of every card type driven by keys (multi, order, true/false, cloze,
big-O, flashcard self-grade), quiz options and hints, flashcard mode on quiz cards, and
a card rated Again coming back in the same sitting."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import FLASH_DECK, key_for, key_not_for
from textual.widgets import Checkbox, Input, Static

from studyapp.progress.store import Store
from studyapp.ui.screens.flashcards import FlashcardScreen
from studyapp.ui.screens.quiz import QuizScreen
from studyapp.ui.screens.quiz_options import QuizOptionsScreen

TYPES_DECK = """
[deck]
id = "types"
title = "Card types"
description = "One card of each typed input."
topic = "bptt"
version = 1
authors = ["tests"]
tags = ["test"]

[[card]]
id = "multi"
type = "multi"
prompt = "Which are true of global-norm clipping?"
choices = ["keeps the direction", "scales every entry alike", "clips each entry"]
answers = ["keeps the direction", "scales every entry alike"]
explanation = "One coefficient for the whole gradient."
tags = ["clipping"]

[[card]]
id = "order"
type = "order"
prompt = "Order the steps of BPTT."
steps = ["forward pass", "loss", "backward pass"]
explanation = "The backward pass needs the stored states."
hint = "What does the backward pass need?"

[[card]]
id = "tf"
type = "truefalse"
prompt = "BPTT stores every hidden state."
answer = true
explanation = "The backward recursion reads them."

[[card]]
id = "gap"
type = "cloze"
prompt = "BPTT stores every {{gap}} state."
answers = ["hidden"]
explanation = "O(T·H) memory."

[[card]]
id = "cost"
type = "bigo"
prompt = "Time of one BPTT pass over T steps with H hidden units?"
answer = "O(T*H^2)"
variables = ["T", "H"]
explanation = "T steps of an H×H product."

[[card]]
id = "card"
type = "flashcard"
prompt = "What does truncation drop?"
back = "Gradient paths\\nlonger than **k** steps."
explanation = "Contributions with t - s >= k."
"""


async def settle(app, pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def types_deck(tmp_path: Path) -> Path:
    path = tmp_path / "types.toml"
    path.write_text(TYPES_DECK, encoding="utf-8")
    return path


def verdict(screen) -> str:
    return str(screen.query_one("#quiz-verdict", Static).render())


def stored(app, deck_id: str) -> list[tuple[str, bool]]:
    with Store.open(app.data_dir) as store:
        return [(a.card_id, a.correct) for a in store.answers(deck_id)]


async def start(app, pilot, deck_id: str = "types") -> QuizScreen:
    await settle(app, pilot)
    app.open_quiz(deck_id)
    await settle(app, pilot)
    assert isinstance(app.screen, QuizScreen)
    return app.screen


async def next_card(app, pilot) -> None:
    await pilot.press("n")
    await settle(app, pilot)


async def answer_multi(app, pilot, screen) -> None:
    """The right two choices: one by its number key, one by highlight and space."""
    widget = screen.query_one("#answer")
    await pilot.press(key_for(widget, "keeps the direction"))
    widget.highlighted = int(key_for(widget, "scales every entry alike")) - 1
    await pilot.press("space", "enter")


async def answer_order(app, pilot, screen) -> None:
    """h shows the hint; shift+up/down move steps into order, enter submits."""
    await pilot.press("h")
    await settle(app, pilot)
    assert "What does the backward pass need?" in str(
        screen.query_one("#quiz-hint", Static).render()
    )
    order = list(screen.query_one("#answer").order)
    for target in range(3):  # selection sort with key presses
        here = order.index(target)
        screen.query_one("#answer").highlighted = here
        await pilot.press(*(["shift+up"] * (here - target)))
        order = list(screen.query_one("#answer").order)
    assert order == [0, 1, 2]
    await pilot.press("enter")


async def answer_tf(app, pilot, screen) -> None:
    """true/false: f answers false (wrong: the statement is true)."""
    await pilot.press("f")


async def answer_gap(app, pilot, screen) -> None:
    await pilot.press(*"hidden", "enter")


async def answer_cost(app, pilot, screen) -> None:
    """big-O: an unparseable answer is explained and not recorded, then a right one."""
    await pilot.press(*"O(T*H^", "enter")
    await settle(app, pilot)
    assert str(screen.query_one("#quiz-error", Static).render())
    assert not screen.query_one("#quiz-result").display
    assert "cost" not in [card for card, _ in stored(app, "types")]
    screen.query_one("#answer", Input).value = ""
    await pilot.press(*"O(H^2*T)", "enter")


async def answer_card(app, pilot, screen) -> None:
    """flashcard in a quiz: grading keys do nothing before space shows the back."""
    await pilot.press("1")
    await settle(app, pilot)
    assert screen.grade is None
    back = screen.query_one("#self-grade-back")
    assert not back.display
    await pilot.press("space")
    await settle(app, pilot)
    assert back.display and back.source.strip() == "Gradient paths\nlonger than **k** steps."
    await pilot.press("2")


ANSWERS = {
    "multi": (answer_multi, True),
    "order": (answer_order, True),
    "tf": (answer_tf, False),
    "gap": (answer_gap, True),
    "cost": (answer_cost, True),
    "card": (answer_card, False),
}


async def test_every_typed_input_by_keys(make_app, types_deck):
    app = make_app([types_deck])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        asked = []
        while not screen.session.finished:
            card_id = screen.session.current.card.id
            asked.append(card_id)
            answer, right = ANSWERS[card_id]
            await answer(app, pilot, screen)
            await settle(app, pilot)
            assert verdict(screen).startswith("✓" if right else "✗"), (
                card_id,
                verdict(screen),
            )
            await next_card(app, pilot)
    assert sorted(asked) == sorted(ANSWERS)
    assert stored(app, "types") == [(card_id, ANSWERS[card_id][1]) for card_id in asked]


async def test_quiz_options_enter_starts_the_whole_deck(make_app, types_deck, tmp_path):
    """In deck order when the learner's settings turn card shuffling off (it is on by
    default: see test_quiz_options_shuffle_by_default)."""
    settings = tmp_path / "settings.toml"
    settings.write_text("[quiz]\nshuffle_cards = false\n", encoding="utf-8")
    app = make_app([types_deck], settings_path=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, QuizOptionsScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        assert [item.card.id for item in screen.session.items][:2] == ["multi", "order"]
        assert not screen.session.shuffle


async def test_quiz_options_shuffle_by_default(make_app, types_deck):
    app = make_app([types_deck])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        labels = [str(box.label) for box in app.screen.query(Checkbox)]
        assert labels == ["Shuffle cards (c): on", "Shuffle choices (x): on"]
        await pilot.press("c")
        await settle(app, pilot)
        assert str(app.screen.query_one("#shuffle-cards", Checkbox).label).endswith(": off")
        await pilot.press("c", "enter")
        await settle(app, pilot)
        assert app.screen.session.shuffle


async def test_quiz_options_tag_scope_and_shuffle(make_app, types_deck):
    app = make_app([types_deck])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        options = app.screen
        cards, choices = (
            options.query_one(f"#shuffle-{n}", Checkbox) for n in ("cards", "choices")
        )
        # on by default, and the state is written out, not only coloured
        assert cards.value and choices.value
        assert str(cards.label) == "Shuffle cards (c): on"
        await pilot.press("c")
        assert not cards.value and str(cards.label) == "Shuffle cards (c): off"
        await pilot.press("c")
        assert cards.value and str(cards.label) == "Shuffle cards (c): on"
        await pilot.press("c", "x")  # both on by default: now off
        assert not options.query_one("#shuffle-cards", Checkbox).value
        assert not options.query_one("#shuffle-choices", Checkbox).value
        await pilot.press("c", "x")
        assert options.query_one("#shuffle-cards", Checkbox).value
        assert options.query_one("#shuffle-choices", Checkbox).value
        # whole deck, missed last time (none: disabled), due now (the flashcard queue:
        # the new cards), tag: clipping
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, QuizScreen) and screen.session is not None
        assert [item.card.id for item in screen.session.items] == ["multi"]
        assert screen.session.shuffle and screen.session.shuffle_choices


async def test_missed_last_time_scope_after_a_quiz(make_app, deck_dir):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot, "apptest")
        if screen.session.current.card.id != "pick":
            await pilot.press(*"0.0625", "enter", "n")
            await settle(app, pilot)
        await pilot.press(key_not_for(screen.query_one("#answer"), "It vanishes"))  # wrong
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        app.choose_quiz("apptest")
        await settle(app, pilot)
        assert "Missed last time (1 card)" in str(
            app.screen.query_one("#quiz-scope").get_option("missed").prompt
        )
        await pilot.press("down", "enter")
        await settle(app, pilot)
        screen = app.screen
        assert [item.card.id for item in screen.session.items] == ["pick"]


async def test_flashcard_mode_shows_the_answer_of_a_quiz_card(make_app, deck_dir):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_flashcards("apptest")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, FlashcardScreen) and screen.card is not None
        assert screen.card.id == "pick"
        await pilot.press("space")
        await settle(app, pilot)
        back = screen.query_one("#flash-back-text")
        assert "It vanishes" in back.source
        assert "It halves at every step." in back.source


async def test_again_comes_back_in_the_same_sitting(make_app, tmp_path):
    path = tmp_path / "one.toml"
    path.write_text(FLASH_DECK, encoding="utf-8")
    app = make_app([path])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_flashcards("appflash")
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("space", "1")  # Again
        await settle(app, pilot)
        assert screen.card is not None and screen.card.id == "front"
        assert screen.reviewed == 1
        await pilot.press("space", "4")  # Easy: days away
        await settle(app, pilot)
        assert screen.card is None
        assert "No cards due" in str(screen.query_one("#flash-progress").render())


async def test_a_cloze_gap_is_a_blank_in_the_quiz_and_in_flashcards(make_app, types_deck):
    blank = "BPTT stores every `_____` state."
    app = make_app([types_deck])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot)
        while screen.session.current.card.id != "gap":
            screen.session.advance()
            screen.load_card()
            await settle(app, pilot)
        assert screen.query_one("#quiz-prompt").source == blank
        app.pop_screen()
        await settle(app, pilot)
        app.open_flashcards("types")
        await settle(app, pilot)
        screen = app.screen
        while screen.card is not None and screen.card.id != "gap":
            await pilot.press("space", "4")
            await settle(app, pilot)
        assert screen.query_one("#flash-front").source == blank
