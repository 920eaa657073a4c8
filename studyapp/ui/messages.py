"""Messages shared by more than one screen, and the navigation requests the App handles.

Screens never open other screens themselves: they post one of the `Open*` messages, which
bubble to `StudyApp` (its `@on` handlers push the screen)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from textual.message import Message

from studyapp.deck.showing import Showing

if TYPE_CHECKING:
    from studyapp.progress.quiz import QuizSession


class Prepared(Message):
    """A card's showing is ready (posted by a screen's prepare worker)."""

    def __init__(self, showing: Showing) -> None:
        super().__init__()
        self.showing = showing


class OpenQuiz(Message):
    """Start a quiz over a deck: the whole deck in order, or the given session."""

    def __init__(self, deck_id: str, session: QuizSession | None = None) -> None:
        super().__init__()
        self.deck_id = deck_id
        self.session = session


class ChooseQuiz(Message):
    """Ask for a quiz's scope and shuffling over a deck, then start it."""

    def __init__(self, deck_id: str) -> None:
        super().__init__()
        self.deck_id = deck_id


class OpenFlashcards(Message):
    """Review a deck's due cards."""

    def __init__(self, deck_id: str) -> None:
        super().__init__()
        self.deck_id = deck_id


class OpenSolver(Message):
    """Open the solver, on `experiment` with `params` when given."""

    def __init__(
        self, experiment: str | None = None, params: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__()
        self.experiment = experiment
        self.params = None if params is None else dict(params)


class OpenStats(Message):
    """Show the progress statistics."""


class OpenBrowser(Message):
    """Show every card of every deck in the card browser."""


class OpenSettings(Message):
    """Show the settings screen."""
