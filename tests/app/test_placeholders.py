"""Numbers quoted in explanations, feedback and flashcard backs come from the card's own
engine Report ({{= scalar}} placeholders), in the quiz and in flashcards."""

from __future__ import annotations

from app_support import DECAY, SLOW, key_for
from textual.widgets import Markdown

from studyapp.ui.screens.flashcards import FlashcardScreen
from studyapp.ui.screens.quiz import QuizScreen
from studyapp.ui.widgets.engine_panel import EnginePanel
from studyapp.ui.widgets.norm_plot import NormPlot
from studyapp.ui.widgets.report_view import ReportView

DECK = f'''
[deck]
id = "placeholders"
title = "Placeholder deck"
description = "Explanations quoting the engine."
topic = "vanishing"
version = 1
authors = ["tests"]
tags = ["test"]

[[card]]
id = "quoted"
type = "choice"
prompt = "What does rho^k do for rho = 0.5?"
explanation = "After 4 steps rho^k is {{{{= final}}}} (computed)."
choices = ["It vanishes", "It explodes"]
answer = "It vanishes"
[card.engine]
experiment = "{DECAY}"
params = {{ rho = 0.5, steps = 4 }}
[[card.feedback]]
answer = "It explodes"
text = "No: it is already {{{{= final:.2g}}}} after 4 steps."

[[card]]
id = "long-quoted"
type = "truefalse"
prompt = "A long run counts its ticks."
explanation = "It counted {{{{= ticks}}}} ticks."
answer = true
[card.engine]
experiment = "{SLOW}"
params = {{ ticks = 2 }}

[[card]]
id = "back-quoted"
type = "flashcard"
prompt = "What is 0.9^6?"
explanation = "Six factors of 0.9."
back = "About {{{{= final:.3g}}}}."
[card.engine]
experiment = "{DECAY}"
params = {{ rho = 0.9, steps = 6 }}
'''


async def settle(app, pilot) -> None:
    for _ in range(4):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def reach(app, pilot, screen, card_id: str) -> None:
    """Skip (n) the cards before `card_id` (cards are shuffled) until it is asked."""
    while screen.session.current.card.id != card_id:
        screen.session.advance()
        screen.load_card()
        await settle(app, pilot)


def markdown_source(screen, selector: str) -> str:
    return screen.query_one(selector, Markdown).source


async def make_quiz(make_app, tmp_path):
    path = tmp_path / "placeholders.toml"
    path.write_text(DECK, encoding="utf-8")
    return make_app([path])


async def test_quiz_explanation_and_feedback_quote_the_report(make_app, tmp_path):
    app = await make_quiz(make_app, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_quiz("placeholders")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        await reach(app, pilot, screen, "quoted")
        await pilot.press(key_for(screen.query_one("#answer"), "It explodes"))  # wrong
        await settle(app, pilot)
        assert markdown_source(screen, "#quiz-explanation") == (
            "After 4 steps rho^k is 0.0625 (computed)."
        )
        feedback = screen.query_one("#quiz-feedback", Markdown).source
        assert feedback == "No: it is already 0.062 after 4 steps."


async def test_long_experiment_fills_the_explanation_when_it_arrives(make_app, tmp_path):
    app = await make_quiz(make_app, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_quiz("placeholders")
        await settle(app, pilot)
        screen = app.screen
        await reach(app, pilot, screen, "long-quoted")
        assert "{{=" not in markdown_source(screen, "#quiz-explanation")
        await pilot.press("t")  # true
        await settle(app, pilot)
        assert markdown_source(screen, "#quiz-explanation") == "It counted 2 ticks."


async def test_flashcard_back_quotes_the_report(make_app, tmp_path):
    app = await make_quiz(make_app, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_flashcards("placeholders")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, FlashcardScreen)
        while screen.card is not None and screen.card.id != "back-quoted":
            await pilot.press("space", "4")
            await settle(app, pilot)
        await pilot.press("space")
        await settle(app, pilot)
        back = markdown_source(screen, "#flash-back-text")
        assert back.startswith(f"About {0.9**6:.3g}.")
        assert "{{=" not in back


async def test_report_computed_while_preparing_draws_its_plots(make_app, tmp_path):
    """The quoted card's Report comes with the prepared card, so its view is mounted
    visible (no Show event): the plots must still be drawn, and the panel's messages
    still reach the app."""
    app = await make_quiz(make_app, tmp_path)
    seen: list[str] = []

    def hook(message) -> None:
        if isinstance(message, (EnginePanel.Shown, ReportView.Plotted)):
            seen.append(type(message).__name__)

    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await pilot.pause()
        app.open_quiz("placeholders")
        await settle(app, pilot)
        screen = app.screen
        await reach(app, pilot, screen, "quoted")
        assert screen.showing is not None and screen.showing.report is not None
        await pilot.press("1")
        await settle(app, pilot)
        panel = screen.query_one(EnginePanel)
        assert len(panel.query(NormPlot)) == len(panel.query_one(ReportView).plots) >= 1
        assert sorted(seen) == ["Plotted", "Shown"]
