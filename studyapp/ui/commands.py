"""Command palette provider: find a deck (quiz or flashcards), an experiment (solver), the
card browser or the settings.

Each command posts a navigation message (`OpenQuiz`, `OpenFlashcards`, `OpenSolver`,
`OpenBrowser`, `OpenSettings`) that the app handles; deck titles are shown as plain text
(`studyapp.ui.plain`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message

from studyapp.ui.messages import OpenBrowser, OpenFlashcards, OpenQuiz, OpenSettings, OpenSolver
from studyapp.ui.plain import highlighted, markup_escaped, plain

if TYPE_CHECKING:
    from studyapp.ui.context import StudyContext


class StudyCommands(Provider):
    """Every deck (quiz, flashcards), every experiment (solver), the card browser and the
    settings as commands."""

    def _post(self, make: Callable[[], Message]) -> None:
        self.app.post_message(make())

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        context: StudyContext = self.app  # type: ignore[assignment]
        yield (
            "Settings",
            "theme, quiz shuffling, desired retention, new cards per day, learning steps",
            partial(self._post, OpenSettings),
        )
        if context.decks and context.store is not None:
            yield (
                "Browse cards",
                "every card: search, preview, suspend, bury",
                partial(self._post, OpenBrowser),
            )
        for deck in context.decks:
            yield (
                f"Quiz: {deck.title}",
                f"{len(deck.cards)} cards",
                partial(self._post, partial(OpenQuiz, deck.id)),
            )
            yield (
                f"Flashcards: {deck.title}",
                "review the due cards",
                partial(self._post, partial(OpenFlashcards, deck.id)),
            )
        for experiment in context.experiments():
            yield (
                f"Solver: {experiment.name}",
                experiment.summary,
                partial(self._post, partial(OpenSolver, experiment.name)),
            )

    async def discover(self) -> Hits:
        for text, help_text, command in self._commands():
            yield DiscoveryHit(plain(text), command, text=text, help=markup_escaped(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, command in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, text),
                    command,
                    text=text,
                    help=markup_escaped(help_text),
                )
