"""Deck text is plain text everywhere: a deck whose every text field holds Textual markup,
an `@click` action and a closing tag with no opening one is loaded and shown through every
screen (home, quiz options, quiz, flashcards, solver, stats, command palette); each field
appears literally, the screen carries no click action of the deck's, and the action never
runs. Escape sequences are removed by `studyapp.text.terminal_safe` (unit tests below) and
never reach the terminal from the CLI (`studyapp decks`, `studyapp check`)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_support import DECAY, FIXED_NOW
from textual.command import CommandPalette
from textual.widgets import Input, Markdown

from studyapp.text import terminal_safe
from studyapp.ui.app import StudyApp
from studyapp.ui.plain import highlighted, plain
from studyapp.ui.screens.flashcards import FlashcardScreen
from studyapp.ui.screens.quiz import QuizScreen
from studyapp.ui.screens.quiz_options import QuizOptionsScreen
from studyapp.ui.screens.solver import SolverScreen
from studyapp.ui.screens.stats import StatsScreen

ACTION = "[@click=app.screenshot('pwned.svg','{dir}')]go[/]"
CLOSER = "[/x]"


def hostile(field: str, folder: Path) -> str:
    """A field's text: its name, an @click action aimed at `folder`, a stray closing tag."""
    return f"{field} {ACTION.format(dir=folder.as_posix())} {CLOSER} [b]B[/b]"


def hostile_deck(folder: Path) -> str:
    h = lambda field: hostile(field, folder).replace('"', '\\"')  # noqa: E731
    return f'''
[deck]
id = "hostile"
title = "{h("TITLE")}"
description = "{h("DESCRIPTION")}"
topic = "vanishing"
version = 1
authors = ["{h("AUTHOR")}"]
tags = ["test"]

[[card]]
id = "pick"
type = "choice"
prompt = "{h("PROMPT")}"
explanation = "{h("EXPLANATION")}"
hint = "{h("HINT")}"
choices = ["{h("RIGHT")}", "{h("WRONG")}"]
answer = "{h("RIGHT")}"
[card.engine]
experiment = "{DECAY}"
params = {{ rho = 0.5, steps = 4 }}
[[card.feedback]]
answer = "{h("WRONG")}"
text = "{h("FEEDBACK")}"

[[card]]
id = "flash"
type = "flashcard"
prompt = "{h("FRONT")}"
back = "{h("BACK")}"
explanation = "{h("BACKNOTE")}"
'''


@pytest.fixture
def bait() -> Iterator[Path]:
    """The folder the deck's @click action would write its screenshot into (a short path,
    so each field fits one line of the screen)."""
    with tempfile.TemporaryDirectory(prefix="b") as folder:
        yield Path(folder)


@pytest.fixture
def hostile_app(tmp_path: Path, bait: Path, monkeypatch):
    decks = tmp_path / "hostile-decks"
    decks.mkdir()
    (decks / "hostile.toml").write_text(hostile_deck(bait), encoding="utf-8")
    ran: list[tuple] = []

    def spy(self, *args) -> None:
        ran.append(args)

    monkeypatch.setattr(StudyApp, "action_screenshot", spy)
    app = StudyApp(
        data_dir=tmp_path / "data",
        deck_paths=[decks],
        theme="textual-dark",
        now=lambda: FIXED_NOW,
        experiment_names=[DECAY],
    )
    app.animation_level = "none"
    app.ran = ran  # type: ignore[attr-defined]
    return app


async def settle(app, pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def screen_text_and_actions(app) -> tuple[str, list[str]]:
    """The active screen as text, and every `@click` action its cells carry."""
    strips = app.screen._compositor.render_strips()
    actions = [
        str(segment.style.meta["@click"])
        for strip in strips
        for segment in strip
        if segment.style is not None and "@click" in segment.style.meta
    ]
    text = "\n".join(strip.text for strip in strips).replace("\xa0", " ")
    return text, actions


async def assert_literal(app, pilot, *fields: str) -> None:
    """Each field's text is on screen with its brackets; no cell carries the deck's click
    action; the action has not run."""
    text, actions = screen_text_and_actions(app)
    for _ in range(50):  # a loaded machine may need more frames before the screen is drawn
        if all(f"{field} [@click=app.screenshot(" in text for field in fields):
            break
        await pilot.pause(0.05)
        text, actions = screen_text_and_actions(app)
    for field in fields:
        assert f"{field} [@click=app.screenshot(" in text, (field, text)
        assert "[/x]" in text
    assert not [a for a in actions if "screenshot" in a], actions
    assert app.ran == []


async def test_every_screen_shows_deck_text_literally_and_runs_no_action(hostile_app, bait: Path):
    app = hostile_app
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        assert [d.id for d in app.decks] == ["hostile"], app.failures
        await assert_literal(app, pilot, "TITLE")

        await pilot.press("enter")  # quiz options
        await settle(app, pilot)
        assert isinstance(app.screen, QuizOptionsScreen)
        await assert_literal(app, pilot, "TITLE")
        await pilot.press("enter")  # whole deck
        await settle(app, pilot)
        assert isinstance(app.screen, QuizScreen)
        assert app.screen.sub_title is not None and CLOSER in app.screen.sub_title
        await pilot.press("h")
        await settle(app, pilot)
        await assert_literal(app, pilot, "PROMPT", "HINT", "RIGHT", "WRONG")
        await pilot.press("2")  # the wrong choice: verdict, feedback, explanation
        await settle(app, pilot)
        await assert_literal(app, pilot, "FEEDBACK", "EXPLANATION")
        await pilot.press("n")
        await settle(app, pilot)
        await assert_literal(app, pilot, "FRONT")
        await pilot.press("space")
        await settle(app, pilot)
        await pilot.press("2")  # did not know it
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await assert_literal(app, pilot, "PROMPT", "FRONT")  # the summary: missed prompts

        app.pop_screen()
        await settle(app, pilot)
        app.open_flashcards("hostile")
        await settle(app, pilot)
        assert isinstance(app.screen, FlashcardScreen)
        await assert_literal(app, pilot, "PROMPT")
        await pilot.press("space")
        await settle(app, pilot)
        await assert_literal(app, pilot, "EXPLANATION")
        await pilot.press("3")
        await settle(app, pilot)
        await assert_literal(app, pilot, "FRONT")
        await pilot.press("space")
        await settle(app, pilot)
        await assert_literal(app, pilot, "BACK", "BACKNOTE")
        await pilot.press("escape")
        await settle(app, pilot)

        app.open_stats()
        await settle(app, pilot)
        assert isinstance(app.screen, StatsScreen)
        await assert_literal(app, pilot, "TITLE")
        await pilot.press("escape")
        await settle(app, pilot)

        app.open_solver(DECAY)
        await settle(app, pilot)
        assert isinstance(app.screen, SolverScreen)
        await pilot.press("escape")
        await settle(app, pilot)

        app.action_command_palette()
        await settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one(Input).cursor_blink = False
        await pilot.press(*"TITLE")
        await settle(app, pilot)
        await assert_literal(app, pilot, "Quiz: TITLE", "Flashcards: TITLE")
        await pilot.press("enter")  # the highlighted hit opens its deck, nothing else runs
        await settle(app, pilot)
        assert isinstance(app.screen, QuizScreen | FlashcardScreen)
    assert app.ran == []
    assert list(bait.iterdir()) == []


async def clicked_links(app, pilot, boxes) -> list[str]:
    """The URLs the app was asked to open after a link click in each of `boxes`."""
    opened: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)
    for box in boxes:
        box.post_message(Markdown.LinkClicked(box, "https://example.invalid/"))
    await settle(app, pilot)
    return opened


async def test_a_link_in_deck_markdown_never_opens_a_browser(hostile_app):
    app = hostile_app
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter", "enter")  # quiz options, then the whole deck
        await settle(app, pilot)
        assert isinstance(app.screen, QuizScreen)
        quiz_boxes = list(app.screen.query(Markdown))
        assert len(quiz_boxes) == 3 and await clicked_links(app, pilot, quiz_boxes) == []
        app.pop_screen()
        app.open_flashcards("hostile")
        await settle(app, pilot)
        assert isinstance(app.screen, FlashcardScreen)
        card_boxes = list(app.screen.query(Markdown))
        assert len(card_boxes) == 2 and await clicked_links(app, pilot, card_boxes) == []
        control = Markdown("")  # Textual's default opens links: the check can fail
        await app.screen.mount(control)
        assert await clicked_links(app, pilot, [control]) == ["https://example.invalid/"]


def test_terminal_safe_removes_escape_sequences_and_controls():
    osc_title = "\x1b]0;owned\x07"
    clear = "\x1b[2J\x1b[H"
    c1_csi = "\x9b31m"
    text = f"A{osc_title}B{clear}C{c1_csi}D\x00\x08\x7fE\tF\nG\x1bc"
    assert terminal_safe(text) == "ABCDE\tF\nG"
    assert terminal_safe("h[t-1] [@click=x]y[/]") == "h[t-1] [@click=x]y[/]"


def test_plain_content_keeps_brackets_and_has_no_actions():
    content = plain("[@click=app.screenshot()]x[/] [/x]\x1b[2J")
    assert content.plain == "[@click=app.screenshot()]x[/] [/x]"
    assert all("@click" not in str(span.style) for span in content.spans)


def test_palette_highlight_is_plain():
    from textual.fuzzy import Matcher

    content = highlighted(Matcher("x"), "Quiz: [/x] [@click=app.quit]x[/]")
    assert content.plain == "Quiz: [/x] [@click=app.quit]x[/]"


@pytest.mark.parametrize("command", [["decks"], ["check", "--no-engine"]])
def test_cli_writes_no_escape_bytes(tmp_path: Path, command: list[str]):
    """A deck titled with an OSC and a CSI sequence, listed or checked from the CLI: the
    output holds no ESC (or C1 CSI) byte, whether the loader accepts the deck or not."""
    decks = tmp_path / "data" / "decks"
    decks.mkdir(parents=True)
    engine_link = f'[card.engine]\nexperiment = "{DECAY}"\nparams = {{ rho = 0.5, steps = 4 }}\n'
    deck = (
        hostile_deck(tmp_path)
        .replace(engine_link, "")  # the test experiment is not registered in a subprocess
        .replace('title = "TITLE', 'title = "\\u001b]0;owned\\u0007\\u001b[2J\\u009b31mTITLE')
    )
    path = decks / "hostile.toml"
    path.write_text(deck, encoding="utf-8")
    args = [*command, str(path)] if command[0] == "check" else command
    done = subprocess.run(
        [sys.executable, "-m", "studyapp", "--data-dir", str(tmp_path / "data"), *args],
        capture_output=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert b"Traceback" not in output, output
    if command[0] == "decks":
        assert b"hostile.toml" in output, output  # listed, loaded or refused
    assert b"\x1b" not in output and "\x9b".encode() not in output, output
