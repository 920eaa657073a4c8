"""Quiz flows driven through the real app: choice right and wrong, numeric within and
outside tolerance, unparseable input, the engine panel, and opening the solver."""

from __future__ import annotations

from app_support import DECAY, calls, key_for, option_texts, scalar_cells
from textual.widgets import Input, OptionList, Static

from studyapp.progress.store import Store
from studyapp.ui.screens.quiz import QuizScreen
from studyapp.ui.screens.solver import SolverScreen
from studyapp.ui.widgets.engine_panel import EnginePanel


async def settle(app, pilot) -> None:
    """Let screen switches, workers and the messages they post all finish."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def start_quiz(app, pilot) -> QuizScreen:
    await pilot.pause()
    app.open_quiz("apptest")
    await settle(app, pilot)
    assert isinstance(app.screen, QuizScreen)
    return app.screen


async def answer_pick(app, pilot, screen, choice: str = "It vanishes") -> None:
    """Answer the choice card with `choice` (by its text: choices are shuffled)."""
    await pilot.press(key_for(screen.query_one("#answer", OptionList), choice))
    await settle(app, pilot)


async def reach(app, pilot, screen, card_id: str) -> None:
    """Answer the cards before `card_id` rightly (cards are shuffled) until it is asked."""
    while screen.session.current.card.id != card_id:
        if screen.session.current.card.id == "pick":
            await answer_pick(app, pilot, screen)
        else:
            await pilot.press(*"0.0625", "enter")
            await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def stored_answers(app) -> list[tuple[str, bool, object]]:
    with Store.open(app.data_dir) as store:
        return [(a.card_id, a.correct, a.response) for a in store.answers("apptest")]


async def test_choice_right_shows_explanation_and_engine_numbers(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quiz(app, pilot)
        await reach(app, pilot, screen, "pick")
        choices = screen.query_one("#answer", OptionList)
        assert "It stays [constant]" in option_texts(choices)  # brackets literal
        await answer_pick(app, pilot, screen, "It vanishes")
        assert text_of(screen, "#quiz-verdict").startswith("✓ Right")
        assert not screen.query_one("#quiz-feedback").display
        panel = screen.query_one(EnginePanel)
        assert panel.experiment == DECAY
        assert scalar_cells(panel)["final"] == "0.0625"  # 0.5^4, computed by the engine
        assert stored_answers(app)[-1] == ("pick", True, "It vanishes")


async def test_choice_wrong_shows_targeted_feedback(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quiz(app, pilot)
        await reach(app, pilot, screen, "pick")
        await answer_pick(app, pilot, screen, "It explodes")
        assert text_of(screen, "#quiz-verdict").startswith("✗ Not quite")
        assert "It vanishes" in text_of(screen, "#quiz-verdict")
        assert screen.query_one("#quiz-feedback").source == "Only for rho > 1."
        assert stored_answers(app)[-1] == ("pick", False, "It explodes")


async def answer_numeric(app, pilot, screen, typed: str) -> None:
    await reach(app, pilot, screen, "power")
    field = screen.query_one("#answer", Input)
    assert field.has_focus
    await pilot.press(*typed, "enter")
    await settle(app, pilot)


async def test_numeric_within_tolerance_is_right(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quiz(app, pilot)
        await answer_numeric(app, pilot, screen, "1/16.01")  # rel. error 6e-4 < rtol 1e-3
        assert text_of(screen, "#quiz-verdict").startswith("✓ Right")
        assert stored_answers(app)[-1][:2] == ("power", True)


async def test_numeric_outside_tolerance_is_wrong(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quiz(app, pilot)
        await answer_numeric(app, pilot, screen, "0.063")  # rel. error 8e-3 > rtol 1e-3
        assert text_of(screen, "#quiz-verdict").startswith("✗ Not quite")
        assert stored_answers(app)[-1][:2] == ("power", False)


async def test_unparseable_numeric_answer_is_explained_and_not_recorded(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quiz(app, pilot)
        await answer_numeric(app, pilot, screen, "1/0")
        assert text_of(screen, "#quiz-error")
        assert not screen.query_one("#quiz-result").display
        assert "power" not in [a[0] for a in stored_answers(app)]
        field = screen.query_one("#answer", Input)
        field.value = ""
        await pilot.press(*"0.0625", "enter")
        await settle(app, pilot)
        assert text_of(screen, "#quiz-verdict").startswith("✓ Right")


async def test_open_solver_from_an_answer_shows_the_cards_numbers(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quiz(app, pilot)
        await reach(app, pilot, screen, "pick")
        await answer_pick(app, pilot, screen)
        runs = calls[DECAY]
        await pilot.press("e")
        await settle(app, pilot)
        solver = app.screen
        assert isinstance(solver, SolverScreen)
        assert solver.current is not None and solver.current.name == DECAY
        assert solver.query_one("#param-rho", Input).value == "0.5"
        assert solver.query_one("#param-steps", Input).value == "4"
        assert scalar_cells(solver.query_one(EnginePanel))["final"] == "0.0625"
        assert calls[DECAY] == runs + 1
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen


async def test_finishing_shows_score_and_retry_missed(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_quiz(app, pilot)
        for _ in range(2):
            if screen.session.current.card.id == "pick":
                await answer_pick(app, pilot, screen, "It explodes")  # wrong
            else:
                await pilot.press(*"0.0625", "enter")  # right
                await settle(app, pilot)
            await pilot.press("n")
            await settle(app, pilot)
        summary = str(screen.query_one("#quiz-progress").render())
        assert "1 right of 2 answered" in summary
        # the missed card by its prompt (brackets literal), never by its internal id
        assert "What does rho^k do for rho = 0.5 as k grows? (h[t-1] stays" in summary
        assert "pick" not in summary
        await pilot.press("r")
        await settle(app, pilot)
        assert screen.session is not None and screen.session.score.total == 1
        assert screen.session.current.card.id == "pick"
