"""The studyapp Textual application and its factory.

`create_app(data_dir=..., deck_paths=...)` builds the app with everything injected (data
directory, deck paths, theme, clock, experiments shown in the solver), so tests and the
benchmark never touch the learner's real data.

Launch stays short: Home paints first; the decks (whose validation imports the engine's
experiments, hence numpy) load in a thread worker and fill Home when ready (`DecksLoaded`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.worker import Worker, WorkerState

from studyapp.settings import LoadedSettings, Settings, load_settings, save_settings
from studyapp.ui.commands import StudyCommands
from studyapp.ui.messages import (
    ChooseQuiz,
    OpenBrowser,
    OpenFlashcards,
    OpenQuiz,
    OpenSettings,
    OpenSolver,
    OpenStats,
)

if TYPE_CHECKING:
    from engine.registry import Experiment
    from studyapp.deck.loader import DeckError
    from studyapp.deck.model import Deck
    from studyapp.progress.quiz import QuizSession
    from studyapp.progress.store import Store

DEFAULT_THEME = "textual-dark"

# Imported in a worker once the decks are listed, so opening the first card is quick.
WARM_MODULES = ("studyapp.ui.screens.quiz", "studyapp.ui.screens.flashcards")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class DecksLoaded(Message):
    """The loading worker's result: decks, load failures, the store (or why not)."""

    decks: list[Deck]
    failures: list[DeckError]
    store: Store | None = None
    store_error: str | None = None


class StudyApp(App):
    """Home, quiz, flashcards, solver and stats over decks, progress and the engine.

    It is the screens' `StudyContext` (decks, failures, store, clock, settings, the start
    of this sitting) and opens
    the screen a posted `OpenQuiz`/`ChooseQuiz`/`OpenFlashcards`/`OpenSolver`/`OpenStats`/
    `OpenBrowser`/`OpenSettings` asks for."""

    TITLE = "studyapp"
    CSS_PATH: ClassVar[list[str]] = ["app.tcss", "widgets.tcss", "screens.tcss"]
    COMMANDS = App.COMMANDS | {StudyCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(
        self,
        *,
        data_dir: Path,
        deck_paths: Sequence[Path],
        theme: str | None = None,
        now: Callable[[], datetime] = utc_now,
        experiment_names: Sequence[str] | None = None,
        configure_threads: bool = False,
        rename_unreadable: bool = False,
        settings_path: Path | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        self.settings_path = None if settings_path is None else Path(settings_path)
        loaded = (
            LoadedSettings(settings or Settings())
            if self.settings_path is None
            else load_settings(self.settings_path)
        )
        self.settings: Settings = loaded.settings
        self.settings_problems: list[str] = list(loaded.problems)
        self.configure_threads = configure_threads
        self.rename_unreadable = rename_unreadable
        self.data_dir = Path(data_dir)
        self.deck_paths = [Path(p) for p in deck_paths]
        self.initial_theme = theme or self.settings.theme
        self.now = now
        self.experiment_names = None if experiment_names is None else list(experiment_names)
        self.decks: list[Deck] = []
        self.failures: list[DeckError] = []
        self.store: Store | None = None
        self.store_error: str | None = None
        self.loaded = False
        self.sitting_started = now()  # undo reaches back to here, across screens

    def experiments(self) -> list[Experiment]:
        """The experiments the solver lists (all registered ones unless restricted)."""
        from engine import registry

        if self.experiment_names is None:
            return registry.all_experiments()
        return [registry.get(name) for name in self.experiment_names]

    def deck(self, deck_id: str) -> Deck:
        return next(d for d in self.decks if d.id == deck_id)

    def on_mount(self) -> None:
        from studyapp.ui.screens.home import HomeScreen

        if self.initial_theme not in self.available_themes:
            self.settings_problems.append(
                f"unknown theme {self.initial_theme!r}; the default ({DEFAULT_THEME}) is used"
            )
            self.initial_theme = DEFAULT_THEME
        self.theme = self.initial_theme
        self.push_screen(HomeScreen(self))
        for problem in self.settings_problems:
            self.notify(f"settings: {problem}", severity="warning", timeout=15, markup=False)
        self.load()

    def scheduler_options(self) -> dict[str, Any]:
        """The learner's scheduling settings as `ReviewScheduler` keyword arguments."""
        return self.settings.scheduler_options()

    def theme_names(self) -> list[str]:
        return sorted(self.available_themes)

    def apply_settings(self, settings: Settings) -> None:
        """Use `settings` from now on and save them to the settings file (atomically;
        OSError if it cannot be written). Without a settings file they last this run."""
        if self.settings_path is not None:
            save_settings(settings, self.settings_path)
        self.settings = settings
        self.settings_problems = []
        if settings.theme in self.available_themes:
            self.theme = settings.theme

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load(self) -> None:
        """Worker thread: set the engine's BLAS threads (when asked: it loads numpy, which
        the decks' validation needs anyway), load every deck (failures kept with their
        errors), open the progress store and register the decks in it (so stats keep a
        deck's title and topic after its file is gone)."""
        if self.configure_threads:
            from engine import threads

            threads.configure()
        from studyapp.deck.loader import load_decks
        from studyapp.progress.store import Store, StoreError

        result = load_decks([p for p in self.deck_paths if p.exists()])
        decks = sorted(result.decks, key=lambda d: d.title.lower())
        store, store_error = None, None
        try:
            store = Store.open(self.data_dir, move_aside=self.rename_unreadable)
            for deck in decks:
                store.register_deck(deck, self.now())
        except StoreError as error:
            store_error = str(error)
        self.post_message(DecksLoaded(decks, list(result.failures), store, store_error))

    @work(thread=True, exit_on_error=False, group="warm")
    def warm_up(self) -> None:
        """Worker thread: import the card screens ahead of their first use."""
        import importlib

        for module in WARM_MODULES:
            importlib.import_module(module)

    @on(DecksLoaded)
    def _decks_loaded(self, message: DecksLoaded) -> None:
        from studyapp.ui.screens.home import HomeScreen

        self.decks, self.failures = message.decks, message.failures
        self.store, self.store_error = message.store, message.store_error
        self.loaded = True
        if self.store is not None and self.store.moved_aside is not None:
            self.notify(
                f"The unreadable progress file was renamed to {self.store.moved_aside.name}; "
                "a new store was started.",
                severity="warning",
                timeout=15,
                markup=False,
            )
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.show_decks()
        self.call_after_refresh(self.warm_up)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "load" and event.state == WorkerState.ERROR and not self.loaded:
            self.notify(
                f"the decks could not be loaded: {event.worker.error}",
                severity="error",
                markup=False,
            )
            self.post_message(DecksLoaded([], [], None, "not opened: loading failed"))

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()

    def action_help(self) -> None:
        from studyapp.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    @on(OpenQuiz)
    def _open_quiz(self, message: OpenQuiz) -> None:
        self.open_quiz(message.deck_id, message.session)

    @on(ChooseQuiz)
    def _choose_quiz(self, message: ChooseQuiz) -> None:
        self.choose_quiz(message.deck_id)

    @on(OpenFlashcards)
    def _open_flashcards(self, message: OpenFlashcards) -> None:
        self.open_flashcards(message.deck_id)

    @on(OpenSolver)
    def _open_solver(self, message: OpenSolver) -> None:
        self.open_solver(message.experiment, message.params)

    @on(OpenStats)
    def _open_stats(self, message: OpenStats) -> None:
        self.open_stats()

    @on(OpenBrowser)
    def _open_browser(self, message: OpenBrowser) -> None:
        self.open_browser()

    @on(OpenSettings)
    def _open_settings(self, message: OpenSettings) -> None:
        self.open_settings()

    def open_quiz(self, deck_id: str, session: QuizSession | None = None) -> None:
        """Quiz over `deck_id`: the whole deck (shuffled as the settings say), or the given
        QuizSession."""
        from studyapp.ui.screens.quiz import QuizScreen

        self.push_screen(QuizScreen(self.deck(deck_id), self, session))

    def choose_quiz(self, deck_id: str) -> None:
        """Ask for the quiz's scope and shuffling, then start it (enter: whole deck)."""
        from studyapp.ui.screens.quiz_options import QuizOptionsScreen

        def start(session: QuizSession | None) -> None:
            if session is not None:
                self.open_quiz(deck_id, session)

        self.push_screen(QuizOptionsScreen(self.deck(deck_id), self), start)

    def open_flashcards(self, deck_id: str) -> None:
        from studyapp.ui.screens.flashcards import FlashcardScreen

        if not self._store_open():
            return
        self.push_screen(FlashcardScreen(self.deck(deck_id), self))

    def open_solver(
        self, experiment: str | None = None, params: dict[str, Any] | None = None
    ) -> None:
        from studyapp.ui.screens.solver import SolverScreen

        self.push_screen(SolverScreen(self.experiments(), experiment, params))

    def open_stats(self) -> None:
        from studyapp.ui.screens.stats import StatsScreen

        if self._store_open():
            self.push_screen(StatsScreen(self))

    def open_browser(self) -> None:
        """Every card of every deck in a table (suspend and bury need the store)."""
        from studyapp.ui.screens.browser import BrowserScreen

        if self._store_open():
            self.push_screen(BrowserScreen(self))

    def open_settings(self) -> None:
        from studyapp.ui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen(self))

    def _store_open(self) -> bool:
        """Flashcards and stats read and write progress: refused (with a notice) without
        a store."""
        if self.store is None:
            self.notify("progress store unavailable", severity="error")
            return False
        return True


def create_app(
    *,
    data_dir: Path,
    deck_paths: Sequence[Path],
    theme: str | None = None,
    now: Callable[[], datetime] = utc_now,
    experiment_names: Sequence[str] | None = None,
    configure_threads: bool = False,
    rename_unreadable: bool = False,
    settings_path: Path | None = None,
    settings: Settings | None = None,
) -> StudyApp:
    """The app over `deck_paths` (files or folders) with progress kept in `data_dir`;
    `configure_threads` sets the engine's BLAS threads (`engine.threads.configure()`);
    `rename_unreadable` lets a file at the store's path that is not a studyapp store be
    renamed aside (the learner's consent) instead of leaving progress unsaved;
    `settings_path` is the settings file read at start and written by the settings screen
    (None: `settings` or the defaults, changes kept for this run only); `theme` overrides
    the settings' theme."""
    return StudyApp(
        data_dir=data_dir,
        deck_paths=deck_paths,
        theme=theme,
        now=now,
        experiment_names=experiment_names,
        configure_threads=configure_threads,
        rename_unreadable=rename_unreadable,
        settings_path=settings_path,
        settings=settings,
    )
