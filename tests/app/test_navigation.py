"""Navigation by messages: each `Open*` message posted from a screen opens its screen on
the App; flashcards and stats are refused with a notice when no progress store is open;
screens read the app only through the `StudyContext` they are given."""

from __future__ import annotations

import ast
from pathlib import Path

from app_support import DECAY

from studyapp.progress.store import FILE_NAME
from studyapp.ui.app import create_app
from studyapp.ui.messages import ChooseQuiz, OpenFlashcards, OpenQuiz, OpenSolver, OpenStats
from studyapp.ui.screens.flashcards import FlashcardScreen
from studyapp.ui.screens.home import HomeScreen
from studyapp.ui.screens.quiz import QuizScreen
from studyapp.ui.screens.quiz_options import QuizOptionsScreen
from studyapp.ui.screens.solver import SolverScreen
from studyapp.ui.screens.stats import StatsScreen

SCREENS = Path(__file__).parents[2] / "studyapp" / "ui" / "screens"


async def settle(app, pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def test_each_message_posted_by_a_screen_opens_its_screen(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        cases = [
            (OpenQuiz("apptest"), QuizScreen),
            (ChooseQuiz("apptest"), QuizOptionsScreen),
            (OpenFlashcards("appflash"), FlashcardScreen),
            (OpenSolver(DECAY, {"rho": 0.25, "steps": 3}), SolverScreen),
            (OpenStats(), StatsScreen),
        ]
        for message, screen_type in cases:
            assert isinstance(app.screen, HomeScreen)
            app.screen.post_message(message)
            await settle(app, pilot)
            assert isinstance(app.screen, screen_type), (message, app.screen)
            app.pop_screen()
            await settle(app, pilot)


async def test_flashcards_and_stats_need_a_store(tmp_path, deck_dir):
    data = tmp_path / "data"
    data.mkdir()
    (data / FILE_NAME).write_text("not a database\n", encoding="utf-8")
    app = create_app(data_dir=data, deck_paths=[deck_dir])
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        assert app.store is None
        for message in (OpenFlashcards("appflash"), OpenStats()):
            app.screen.post_message(message)
            await settle(app, pilot)
            assert isinstance(app.screen, HomeScreen)
        notes = [n.message for n in app._notifications]
        assert notes.count("progress store unavailable") == 2


def test_screens_import_neither_the_app_nor_read_its_state():
    for path in sorted(SCREENS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module is not None
        }
        assert "studyapp.ui.app" not in imported, path.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "app"
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id == "self"
            ):
                assert node.attr not in {"store", "decks", "now", "failures", "loaded"}, (
                    path.name,
                    node.attr,
                )
                assert not node.attr.startswith(("open_", "choose_")), (path.name, node.attr)
