"""What the screens read from the running app, as a typed protocol.

`StudyApp` satisfies it; screens receive it in their constructor instead of reaching for
`self.app`, so a screen can be built over any object giving these (a test double included)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from engine.registry import Experiment
    from studyapp.deck.loader import DeckError
    from studyapp.deck.model import Deck
    from studyapp.progress.store import Store
    from studyapp.settings import Settings


class StudyContext(Protocol):
    """The loaded decks, their load failures, the progress store, the clock, when this
    sitting started (how far back undo reaches), the learner's settings (and any problem
    reading them) and the solver's experiments."""

    @property
    def decks(self) -> Sequence[Deck]: ...
    @property
    def failures(self) -> Sequence[DeckError]: ...
    @property
    def deck_paths(self) -> Sequence[Path]: ...
    @property
    def store(self) -> Store | None: ...
    @property
    def store_error(self) -> str | None: ...
    @property
    def loaded(self) -> bool: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def sitting_started(self) -> datetime: ...
    @property
    def settings_path(self) -> Path | None: ...
    @property
    def settings_problems(self) -> Sequence[str]: ...

    def scheduler_options(self) -> dict[str, Any]:
        """The learner's scheduling settings as `ReviewScheduler` keyword arguments."""
        ...

    def theme_names(self) -> list[str]:
        """The themes the learner can choose, sorted."""
        ...

    def apply_settings(self, settings: Settings) -> None:
        """Use and save `settings` (OSError if the settings file cannot be written)."""
        ...

    def now(self) -> datetime:
        """The current time (UTC; injected so tests can fix it)."""
        ...

    def experiments(self) -> list[Experiment]:
        """The experiments the solver lists."""
        ...
