"""Fixtures for the app tests: the test experiments in the registry, small decks in a tmp
dir, and an app factory with a tmp data dir, a fixed clock and a fixed theme."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_support import (
    BROKEN_DECK,
    EXPERIMENTS,
    FIXED_NOW,
    FLASH_DECK,
    QUIZ_DECK,
    TEST_EXPERIMENTS,
    THEME,
    calls,
    slow_started,
)

from engine import registry
from studyapp.ui.app import StudyApp, create_app


@pytest.fixture(autouse=True)
def test_experiments(monkeypatch):
    """For one test, the registry holds exactly the test experiments (and is restored
    afterwards), so the app tests never depend on the bundled experiments."""
    monkeypatch.setattr(
        registry, "default_registry", registry.Registry(experiments=TEST_EXPERIMENTS)
    )
    calls.clear()
    slow_started.clear()
    return TEST_EXPERIMENTS


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    """A folder with two good decks and one broken deck."""
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "apptest.toml").write_text(QUIZ_DECK, encoding="utf-8")
    (folder / "appflash.toml").write_text(FLASH_DECK, encoding="utf-8")
    (folder / "broken.toml").write_text(BROKEN_DECK, encoding="utf-8")
    return folder


@pytest.fixture
def make_app(tmp_path: Path, deck_dir: Path):
    """Factory of apps over the test decks, progress in a tmp dir, fixed clock and theme;
    settings from `settings_path` when given (else the defaults, never the learner's)."""

    def make(paths: list[Path] | None = None, settings_path: Path | None = None) -> StudyApp:
        app = create_app(
            data_dir=tmp_path / "data",
            deck_paths=paths if paths is not None else [deck_dir],
            theme=THEME,
            now=lambda: FIXED_NOW,
            experiment_names=EXPERIMENTS,
            settings_path=settings_path,
        )
        app.animation_level = "none"
        return app

    return make
