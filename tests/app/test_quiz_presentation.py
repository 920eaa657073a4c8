"""How the quiz and flashcards present a sitting, driven through the real app: the learner's
settings reach them (shuffled by default), the correct answer beside a wrong one for every
card type, a self-graded card's verdict in view, undo (ctrl+z) of quiz answers and of
ratings, experiments opened before answering, and the smaller presentation fixes."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import DECAY, FIXED_NOW, SLOW, key_for, option_texts
from test_card_types import TYPES_DECK
from textual.widgets import Static

from studyapp.progress.store import Store
from studyapp.settings import Settings
from studyapp.ui.app import create_app
from studyapp.ui.screens.flashcards import FlashcardScreen
from studyapp.ui.screens.leave_retry import LeaveRetryScreen
from studyapp.ui.screens.quiz import QuizScreen
from studyapp.ui.screens.solver import SolverScreen
from studyapp.ui.widgets.engine_panel import EnginePanel
from studyapp.ui.widgets.report_view import ReportView

EXPERIMENT_DECK = f'''
[deck]
id = "lab"
title = "Lab deck"
description = "A card that asks to run its experiment."
topic = "vanishing"
version = 1
authors = ["tests"]
tags = ["test"]

[[card]]
id = "run-it"
type = "numeric"
prompt = "Run the experiment with rho = 0.5 and 4 steps: what is the final value?"
explanation = "0.5^4."
answer = 0.0625
tags = ["lab"]
[card.engine]
experiment = "{DECAY}"
params = {{ rho = 0.5, steps = 4 }}
answer = "final"

[[card]]
id = "plain"
type = "truefalse"
prompt = "rho^k shrinks for rho = 0.5."
answer = true
explanation = "It halves."
tags = ["lab"]
[card.engine]
experiment = "{DECAY}"
params = {{ rho = 0.5, steps = 4 }}
'''


async def settle(app, pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def deck_files(tmp_path: Path) -> dict[str, Path]:
    files = {"types": TYPES_DECK, "lab": EXPERIMENT_DECK}
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / f"{name}.toml"
        paths[name].write_text(text, encoding="utf-8")
    return paths


@pytest.fixture
def app_with(tmp_path: Path, deck_files):
    """An app over one test deck with the given settings (fixed clock, test theme)."""

    def make(deck: str, settings: Settings | None = None):
        app = create_app(
            data_dir=tmp_path / "data",
            deck_paths=[deck_files[deck]],
            now=lambda: FIXED_NOW,
            experiment_names=(DECAY, SLOW),
            settings=settings,
        )
        app.animation_level = "none"
        return app

    return make


async def quiz(app, pilot, deck: str) -> QuizScreen:
    await settle(app, pilot)
    app.open_quiz(deck)
    await settle(app, pilot)
    assert isinstance(app.screen, QuizScreen)
    return app.screen


async def reach(app, pilot, screen: QuizScreen, card_id: str) -> None:
    """Skip the cards before `card_id` (cards are shuffled)."""
    while screen.session.current.card.id != card_id:
        screen.session.advance()
        screen.load_card()
        await settle(app, pilot)


def shown(screen, selector: str) -> str:
    """The text a Static shows (a Rich table drawn at 78 columns)."""
    content = screen.query_one(selector, Static).content
    if isinstance(content, str):
        return content
    console = screen.app.console
    lines = console.render_lines(content, console.options.update(width=78), pad=False)
    return "\n".join("".join(s.text for s in line).rstrip() for line in lines)


def stored(app, deck_id: str) -> list[tuple[str, bool]]:
    with Store.open(app.data_dir) as store:
        return [(a.card_id, a.correct) for a in store.answers(deck_id)]


# ---- settings reach the quiz and the flashcards


async def test_the_quiz_shuffles_by_default_and_follows_the_settings(app_with):
    app = app_with("types")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await quiz(app, pilot, "types")
        assert screen.session.shuffle and screen.session.shuffle_choices
        ids = [item.card.id for item in screen.session.items]
        assert ids != ["multi", "order", "tf", "gap", "cost", "card"]  # seeded: not deck order
        multi = next(i for i in screen.session.items if i.card.id == "multi")
        assert multi.choice_order != (0, 1, 2)  # the right answers are not simply first
    app = app_with("types", Settings(shuffle_cards=False, shuffle_choices=False))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await quiz(app, pilot, "types")
        assert [item.card.id for item in screen.session.items][:2] == ["multi", "order"]
        assert option_texts(screen.query_one("#answer"))[0] == "keeps the direction"


async def test_flashcards_take_the_scheduler_settings(app_with):
    app = app_with("types", Settings(new_cards_per_day=2))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_flashcards("types")
        await settle(app, pilot)
        assert isinstance(app.screen, FlashcardScreen)
        assert len(app.screen.queue) == 2  # the learner's new-card limit, not the default 20


def test_the_cli_passes_the_loaded_settings_and_theme_to_the_app(tmp_path, monkeypatch):
    from studyapp import cli
    from studyapp.ui import app as app_module

    config = tmp_path / "settings.toml"
    config.write_text('theme = "nord"\n[quiz]\nshuffle_cards = false\n', encoding="utf-8")
    made: dict = {}

    class Ran:
        def run(self) -> None:
            made["ran"] = True

    def fake_create_app(**kwargs):
        made.update(kwargs)
        return Ran()

    real_create_app = app_module.create_app
    monkeypatch.setattr(app_module, "create_app", fake_create_app)
    assert cli.main(["--config", str(config), "--data-dir", str(tmp_path / "d")]) == 0
    assert made["ran"] and made["settings_path"] == config
    app = real_create_app(
        data_dir=tmp_path / "d", deck_paths=[], theme=made["theme"], settings_path=config
    )
    assert app.initial_theme == "nord"
    assert app.settings.shuffle_cards is False and app.settings.shuffle_choices is True


# ---- the correct answer after every wrong one


async def test_a_wrong_order_shows_the_right_order_beside_it_with_misplaced_steps_marked(app_with):
    app = app_with("types")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await quiz(app, pilot, "types")
        await reach(app, pilot, screen, "order")
        given = [screen.query_one("#answer").steps[s] for s in screen.query_one("#answer").order]
        assert given != ["forward pass", "loss", "backward pass"]  # always shown shuffled
        await pilot.press("enter")
        await settle(app, pilot)
        assert shown(screen, "#quiz-verdict").startswith("✗ Not quite")
        table = shown(screen, "#quiz-correction")
        assert "Your order" in table and "Right order" in table
        for position, step in enumerate(["forward pass", "loss", "backward pass"], 1):
            assert f"{position}. {step}" in table
        for position, step in enumerate(given, 1):
            mark = "✓" if step == ["forward pass", "loss", "backward pass"][position - 1] else "✗"
            assert f"{mark} {position}. {step}" in table
        assert "belongs at" in table


async def test_a_wrong_multi_marks_each_choice_right_wrong_or_missed(app_with):
    app = app_with("types")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await quiz(app, pilot, "types")
        await reach(app, pilot, screen, "multi")
        widget = screen.query_one("#answer")
        await pilot.press(
            key_for(widget, "keeps the direction"), key_for(widget, "clips each entry")
        )
        assert sorted(widget.selected) == ["clips each entry", "keeps the direction"]
        assert "[x]" in str(
            widget.get_option_at_index(int(key_for(widget, "clips each entry")) - 1).prompt
        )
        await pilot.press("enter")
        await settle(app, pilot)
        lines = shown(screen, "#quiz-correction").splitlines()
        assert "✓ [x] right:  keeps the direction" in lines
        assert "✗ [x] wrong:  clips each entry" in lines
        assert "✗ [ ] missed: scales every entry alike" in lines


async def test_wrong_choice_and_typed_answers_show_the_right_one(app_with):
    app = app_with("types", Settings(shuffle_cards=False))  # tf, gap, cost in deck order
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await quiz(app, pilot, "types")
        await reach(app, pilot, screen, "tf")
        await pilot.press("f")  # t/f answer true/false cards
        await settle(app, pilot)
        assert shown(screen, "#quiz-verdict") == "✗ Not quite — the statement is true"
        assert shown(screen, "#quiz-correction") == "Your answer: false\nRight answer: True"
        await reach(app, pilot, screen, "gap")
        await pilot.press(*"cell", "enter")
        await settle(app, pilot)
        assert shown(screen, "#quiz-correction") == "Your answer: cell\nA model answer: hidden"
        await pilot.press("n")
        await settle(app, pilot)
        await reach(app, pilot, screen, "cost")
        await pilot.press("enter")  # empty: said, not silently ignored
        await settle(app, pilot)
        assert shown(screen, "#quiz-error") == "Type an answer first, then press enter."
        assert screen.grade is None


async def test_a_right_answer_shows_no_correction(app_with):
    app = app_with("types")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await quiz(app, pilot, "types")
        await reach(app, pilot, screen, "tf")
        await pilot.press("t")
        await settle(app, pilot)
        assert shown(screen, "#quiz-verdict") == "✓ Right — the statement is true"
        assert not screen.query_one("#quiz-correction").display


# ---- a flashcard inside a quiz


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_self_graded_verdict_is_in_view_without_scrolling(app_with, size):
    app = app_with("types")
    async with app.run_test(size=size) as pilot:
        screen = await quiz(app, pilot, "types")
        await reach(app, pilot, screen, "card")
        await pilot.press("space")
        await settle(app, pilot)
        footer_actions = [b.binding.action for b in screen.active_bindings.values()]
        assert "reveal" not in footer_actions  # "space Show back" left the footer
        await pilot.press("1")
        await settle(app, pilot)
        verdict = screen.query_one("#quiz-verdict")
        assert str(verdict.render()) == "✓ You knew it (self-graded)"
        viewport = screen.query_one("#quiz").region
        assert viewport.contains_region(verdict.region)
        back = screen.query_one("#self-grade-back")
        assert back.region.height <= 4  # sized to its two lines, not the screen
        assert "1 right so far" in str(screen.query_one("#quiz-progress").render())


# ---- undo


async def test_ctrl_z_takes_quiz_answers_back_one_by_one(app_with):
    app = app_with("types")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await quiz(app, pilot, "types")
        first, second = (item.card.id for item in screen.session.items[:2])
        for _ in range(2):
            kind = screen.session.current.card.id
            if kind == "card":
                await pilot.press("space", "1")
            elif kind == "tf":
                await pilot.press("t")
            elif kind == "gap":
                await pilot.press(*"x", "enter")
            elif kind == "cost":
                await pilot.press(*"O(T)", "enter")
            else:
                await pilot.press("enter")
            await settle(app, pilot)
            await pilot.press("n")
            await settle(app, pilot)
        assert [card for card, _ in stored(app, "types")] == [first, second]
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert screen.session.current.card.id == second and screen.grade is None
        assert [card for card, _ in stored(app, "types")] == [first]
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert screen.session.current.card.id == first
        assert stored(app, "types") == []
        assert "0 right so far" in str(screen.query_one("#quiz-progress").render())


async def test_ctrl_z_undoes_ratings_exactly_even_after_leaving_flashcards(app_with):
    app = app_with("types")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_flashcards("types")
        await settle(app, pilot)
        screen = app.screen
        first = screen.card.id
        await pilot.press("space", "3")
        await settle(app, pilot)
        second = screen.card.id
        await pilot.press("space", "1")
        await settle(app, pilot)
        with Store.open(app.data_dir) as store:
            assert len(store.reviews("types")) == 2
            before = store.fsrs_card("types", first)
        await pilot.press("escape")
        await settle(app, pilot)
        app.open_flashcards("types")  # a new screen: undo still reaches the sitting's ratings
        await settle(app, pilot)
        screen = app.screen
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert screen.card.id == second  # back in front, to be rated again
        with Store.open(app.data_dir) as store:
            assert [r.card_id for r in store.reviews("types")] == [first]
            assert store.fsrs_card("types", second) is None  # new again, exactly
            assert store.fsrs_card("types", first) == before
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        with Store.open(app.data_dir) as store:
            assert store.reviews("types") == [] and store.fsrs_card("types", first) is None
        assert screen.card.id == first
        footer_actions = [b.binding.action for b in screen.active_bindings.values()]
        assert "undo" in footer_actions


# ---- experiments before answering


async def test_a_card_asking_to_run_its_experiment_opens_it_before_answering(app_with):
    app = app_with("lab")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await quiz(app, pilot, "lab")
        await reach(app, pilot, screen, "run-it")
        assert "opens it in the solver" in shown(screen, "#quiz-experiment")
        await pilot.press("f3")  # the answer box has the focus: e would be typed
        await settle(app, pilot)
        assert isinstance(app.screen, SolverScreen)
        assert app.screen.current.name == DECAY
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen and screen.grade is None
        await reach_next_unanswered(app, pilot, screen, "plain")
        assert not screen.query_one("#quiz-experiment").display
        await pilot.press("e")  # not before answering a card that does not ask for it
        await settle(app, pilot)
        assert app.screen is screen


async def reach_next_unanswered(app, pilot, screen, card_id: str) -> None:
    if screen.session.current.card.id != card_id:
        screen.session.advance()
        if screen.session.finished:
            screen.session.index = 0
        screen.load_card()
        await settle(app, pilot)
    await reach(app, pilot, screen, card_id)


# ---- the smaller items


async def test_the_summary_says_1_card_and_esc_in_a_retry_asks_first(app_with):
    app = app_with("lab")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await quiz(app, pilot, "lab")
        for _ in range(2):
            if screen.session.current.card.id == "plain":
                await pilot.press("f")  # wrong
            else:
                await pilot.press(*"0.0625", "enter")  # right
            await settle(app, pilot)
            assert f"{screen.session.score.correct} right so far" in str(
                screen.query_one("#quiz-progress").render()
            )
            await pilot.press("n")
            await settle(app, pilot)
        assert "(2 cards)" in str(screen.query_one("#quiz-progress").render())
        await pilot.press("r")
        await settle(app, pilot)
        await pilot.press("f")  # the retry: wrong again
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        summary = str(screen.query_one("#quiz-progress").render())
        assert "0 right of 1 answered (1 card)." in summary
        assert len(stored(app, "lab")) == 3
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LeaveRetryScreen)
        await pilot.press("escape")  # stay
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("escape", "d")  # take the retry back and leave
        await settle(app, pilot)
        assert not isinstance(app.screen, (QuizScreen, LeaveRetryScreen))
        assert len(stored(app, "lab")) == 2  # Home's "Last quiz" keeps the full quiz


async def test_scalar_names_never_break_mid_word_at_80_columns(app_with):
    app = app_with("lab")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_solver(DECAY, {"rho": 0.5, "steps": 4})
        await settle(app, pilot)
        view = app.screen.query_one(ReportView)
        text = "\n".join(strip.text for strip in view.query_one("ReportText").lines(40))
        for name in ("final", "rho"):
            assert any(line.startswith(name) for line in text.splitlines())
        from studyapp.ui.widgets.report_view import ShownTable, rich_table

        table = ShownTable(
            "",
            ["name", "value", "unit", "note"],
            [["max_abs_difference", "0", "", "Σ_t ε_t h_{t−1}ᵀ vs bptt.gradients (rounding)"]],
        )
        lines = app.console.render_lines(rich_table(table), app.console.options.update(width=50))
        rendered = ["".join(segment.text for segment in line) for line in lines]
        assert any("max_abs_difference" in line for line in rendered), rendered


async def test_the_solver_greys_the_previous_report_while_a_new_run_computes(app_with):
    app = app_with("lab")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_solver(DECAY, {"rho": 0.5, "steps": 4})
        await settle(app, pilot)
        panel = app.screen.query_one(EnginePanel)
        old = panel.query_one(ReportView)
        panel.run(SLOW, {"ticks": 500})
        await pilot.pause()
        assert panel.has_class("-running") and old.is_attached
        assert "previous run" in str(panel.query_one("#engine-status").render())
        assert panel.query_one("#engine-body").styles.opacity < 1
        panel.cancel()
        await settle(app, pilot)
        assert panel.query_one("#engine-body").styles.opacity == 1


async def test_the_back_of_a_multi_card_in_flashcards_is_a_list_under_its_heading(app_with):
    app = app_with("types")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.open_flashcards("types")
        await settle(app, pilot)
        screen = app.screen
        while screen.card is not None and screen.card.id != "multi":
            await pilot.press("space", "4")
            await settle(app, pilot)
        await pilot.press("space")
        await settle(app, pilot)
        back = screen.query_one("#flash-back-text").source
        assert back.startswith(
            "**Answer:**\n\n- keeps the direction\n- scales every entry alike\n\n"
        ), back
