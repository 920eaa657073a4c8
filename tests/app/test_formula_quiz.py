"""The quiz with formula cards (a right answer typed in another notation, a wrong one
matched to its feedback by equivalence) and a numeric card whose precision is stated in
the question and whose answer scalar the engine panel shows with the digits it needs."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import DECAY, scalar_cells
from textual.widgets import Input, Markdown, Static

from studyapp.progress.store import Store
from studyapp.ui.screens.quiz import QuizScreen
from studyapp.ui.widgets.engine_panel import EnginePanel

FORMULA_DECK = f"""
[deck]
id = "formulas"
title = "Formulas"
topic = "bptt"

[[card]]
id = "jacobian"
type = "formula"
prompt = "One backward step multiplies by ∂h_t/∂h_{{t−1}} = {{{{gap}}}}."
answer = "diag(f'(a_t)) W"
symbols = {{ W = "H×H", "a_{{t}}" = "H", "f'" = "elementwise" }}
explanation = "The chain rule through h_t = f(a_t)."
tags = ["jacobian"]

[[card]]
id = "again"
type = "formula"
prompt = "And for the step before, ∂h_{{t−1}}/∂h_{{t−2}} = {{{{gap}}}}."
answer = "diag(f'(a_(t-1))) W"
symbols = {{ W = "H×H", "a_{{t-1}}" = "H", "f'" = "elementwise" }}
explanation = "The same form one step earlier."
tags = ["jacobian"]

[[card.feedback]]
answer = "W"
text = "Only for a linear RNN."

[[card]]
id = "decay"
type = "numeric"
prompt = "What is rho^steps?"
sigfigs = 9
explanation = "Multiply once."
tags = ["decay"]
[card.engine]
experiment = "{DECAY}"
params = {{ rho = 0.9999999, steps = 1 }}
answer = "final"
"""


async def settle(app, pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def formula_deck(tmp_path: Path) -> Path:
    path = tmp_path / "formulas.toml"
    path.write_text(FORMULA_DECK, encoding="utf-8")
    return path


def verdict(screen) -> str:
    return str(screen.query_one("#quiz-verdict", Static).render())


async def type_answer(app, pilot, screen, text: str) -> None:
    screen.query_one("#answer", Input).value = text
    await pilot.press("enter")
    await settle(app, pilot)


async def test_formula_answers_and_the_precision_of_a_number(make_app, formula_deck):
    app = make_app([formula_deck])
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        app.open_quiz("formulas")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        prompt = screen.query_one("#quiz-prompt", Markdown).source
        assert prompt == "One backward step multiplies by ∂h_t/∂h_{t−1} = `_____`."
        # right in another notation: a typographic prime, a star, a braced index
        await pilot.click("#answer")
        await pilot.press(*"diag(f′(a_{t}))*W", "enter")
        await settle(app, pilot)
        assert verdict(screen).startswith("✓ Right"), verdict(screen)
        await pilot.press("n")
        await settle(app, pilot)
        # wrong, and 2W − W is matched to the feedback written for W
        await type_answer(app, pilot, screen, "2W - W")
        assert verdict(screen).startswith("✗ Not quite"), verdict(screen)
        assert screen.grade.correct_answer == "diag(f'(a_(t-1))) W"
        assert screen.query_one("#quiz-feedback", Markdown).source == "Only for a linear RNN."
        await pilot.press("n")
        await settle(app, pilot)
        # numeric: the question states the precision; the panel shows the answer scalar
        # with enough digits (0.9999999 would be 1 at 6 digits), and that number is right
        prompt = screen.query_one("#quiz-prompt", Markdown).source
        assert prompt.endswith("*Give the answer to 9 significant figures.*")
        await type_answer(app, pilot, screen, "1")
        assert verdict(screen).startswith("✗ Not quite"), verdict(screen)
        assert "0.9999999" in verdict(screen)
        shown = scalar_cells(screen.query_one(EnginePanel))
        assert shown["final"] == "0.9999999"
        assert shown["rho"] == "1"  # other scalars keep 6 digits
    with Store.open(app.data_dir) as store:
        assert [(a.card_id, a.correct) for a in store.answers("formulas")] == [
            ("jacobian", True),
            ("again", False),
            ("decay", False),
        ]
