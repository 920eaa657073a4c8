"""Home: the decks with their new / learning / review counts (the flashcard queue, as Anki
shows them), card count and last quiz score; the highlighted deck's description and what
its counts mean; decks that failed to load, each with its first error; the way into every
other screen."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static

from studyapp.ui.messages import (
    ChooseQuiz,
    OpenBrowser,
    OpenFlashcards,
    OpenSettings,
    OpenSolver,
    OpenStats,
)
from studyapp.ui.plain import plain, plain_rich

if TYPE_CHECKING:
    from studyapp.deck.loader import DeckError
    from studyapp.deck.model import Deck
    from studyapp.progress.scheduler import DueCounts
    from studyapp.progress.store import Store
    from studyapp.ui.context import StudyContext

COLUMNS = ("Deck", "New", "Learn", "Review", "Cards", "Quiz")


def unseen_cards(store: Store, deck: Deck, now: datetime) -> int:
    """Cards of `deck` never reviewed as flashcards (suspended and buried ones left out)."""
    states = store.schedules(deck.id)
    hidden = store.hidden_cards(deck.id, now)
    return sum((deck.id, c.id) not in states and c.id not in hidden for c in deck.cards)


def queue_note(counts: DueCounts, unseen: int, new_per_day: int) -> str:
    """What the highlighted deck's counts mean, the new-card limit included."""
    lines = [
        f"Due now: {counts.total} flashcard(s): {counts.new} new, {counts.learning} in"
        f" learning, {counts.review} to review (f studies them)."
    ]
    if unseen > counts.new:
        lines.append(
            f"New shows {counts.new} of the {unseen} cards never studied: at most"
            f" {new_per_day} new cards a day (o: settings)."
        )
    return "\n".join(lines)


def last_quiz_score(store: Store, deck_id: str) -> str:
    """`right/answered` in the deck's most recent quiz session, or "—"."""
    answers = store.answers(deck_id)
    if not answers:
        return "—"
    last = answers[-1].session_id
    session = [a for a in answers if a.session_id == last]
    return f"{sum(a.correct for a in session)}/{len(session)}"


def first_error(failure: DeckError) -> str:
    """`file.toml:line:col: message` for the failure's first issue (file name only, so
    it fits the screen; the full path is in `studyapp check`)."""
    if not failure.issues:
        return f"{failure.path.name}: {failure}"
    issue = failure.issues[0]
    more = f" (+{len(failure.issues) - 1} more)" if len(failure.issues) > 1 else ""
    return f"{issue.path.name}:{issue.line}:{issue.col}: {issue.message}{more}"


class HomeScreen(Screen):
    """The deck table (filled once the app has loaded the decks); enter starts a quiz on
    the highlighted deck."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "quiz", "Quiz", priority=True),
        Binding("f", "flashcards", "Flashcards"),
        Binding("s", "solver", "Solver"),
        Binding("t", "stats", "Stats"),
        Binding("b", "browse", "Browse"),
        Binding("o", "settings", "Settings"),
    ]

    def __init__(self, context: StudyContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="home"):
            yield Label("Decks", classes="heading")
            yield Static("loading the decks …", id="decks-loading", markup=False, classes="muted")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="decks")
            yield Static("", id="deck-about", markup=False)
            yield Static("", id="store-error", markup=False, classes="error")
            yield Label("Decks that failed to load", id="failures-heading", classes="heading")
            yield VerticalScroll(id="failures")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "home"
        table = self.query_one("#decks", DataTable)
        table.add_columns(*COLUMNS)
        self.query_one("#failures-heading").display = False
        self.query_one("#store-error").display = False
        table.focus()
        if self.context.loaded:
            self.show_decks()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Quiz and flashcards need a deck: shown dimmed while there is none."""
        if action in ("quiz", "flashcards", "browse"):
            return True if self.context.decks else None
        return True

    def show_decks(self) -> None:
        """Fill the deck table, the failures and the store error from the context."""
        loading = self.query_one("#decks-loading", Static)
        loading.display = not self.context.decks
        if not self.context.decks:
            folders = ", ".join(str(path) for path in self.context.deck_paths)
            loading.update(plain(f"No deck loaded from {folders}: add .toml deck files there."))
        self.refresh_bindings()
        self.fill()
        failures = self.query_one("#failures")
        for failure in self.context.failures:
            failures.mount(Static(plain(first_error(failure)), markup=False, classes="failure"))
        self.query_one("#failures-heading").display = bool(self.context.failures)
        error = self.query_one("#store-error", Static)
        error.display = self.context.store_error is not None
        if self.context.store_error:
            error.update(plain(f"Progress cannot be saved: {self.context.store_error}"))

    def on_screen_resume(self) -> None:
        if self.context.loaded:
            self.fill()

    def fill(self) -> None:
        """(Re)write one row per deck: title, cards, due now, last quiz score."""
        table = self.query_one("#decks", DataTable)
        row = table.cursor_row
        table.clear()
        for deck in self.context.decks:
            table.add_row(*self.row(deck), key=deck.id)
        if self.context.decks:
            table.move_cursor(row=min(row, len(self.context.decks) - 1))
        self.describe()

    def counts(self, deck: Deck) -> DueCounts | None:
        """The deck's flashcard queue now, under the learner's settings (None: no store)."""
        from studyapp.progress.scheduler import ReviewScheduler

        store = self.context.store
        if store is None:
            return None
        options = self.context.scheduler_options()
        return ReviewScheduler(store, deck, **options).counts(self.context.now())

    def row(self, deck: Deck) -> tuple[Text, str, str, str, str, str]:
        counts = self.counts(deck)
        store = self.context.store
        if counts is None or store is None:
            new = learning = review = score = "—"
        else:
            new, learning, review = str(counts.new), str(counts.learning), str(counts.review)
            score = last_quiz_score(store, deck.id)
        return plain_rich(deck.title), new, learning, review, str(len(deck.cards)), score

    @on(DataTable.RowHighlighted, "#decks")
    def _row_highlighted(self) -> None:
        self.describe()

    def describe(self) -> None:
        """Show the highlighted deck's description and what its counts mean."""
        about = self.query_one("#deck-about", Static)
        deck_id = self.selected_deck()
        about.display = deck_id is not None
        if deck_id is None:
            return
        deck = next(d for d in self.context.decks if d.id == deck_id)
        parts = [deck.description.strip()] if deck.description.strip() else []
        counts = self.counts(deck)
        store = self.context.store
        if counts is not None and store is not None:
            unseen = unseen_cards(store, deck, self.context.now())
            parts.append(queue_note(counts, unseen, self.context.settings.new_cards_per_day))
        about.update(plain("\n".join(parts)))

    def selected_deck(self) -> str | None:
        table = self.query_one("#decks", DataTable)
        if not self.context.decks:
            return None
        return self.context.decks[table.cursor_row].id

    @on(DataTable.RowSelected, "#decks")
    def _row_chosen(self) -> None:
        self.action_quiz()

    def action_quiz(self) -> None:
        deck_id = self.selected_deck()
        if deck_id is not None:
            self.post_message(ChooseQuiz(deck_id))

    def action_flashcards(self) -> None:
        deck_id = self.selected_deck()
        if deck_id is not None and self._can_save():
            self.post_message(OpenFlashcards(deck_id))

    def action_solver(self) -> None:
        self.post_message(OpenSolver())

    def action_stats(self) -> None:
        if self._can_save():
            self.post_message(OpenStats())

    def action_browse(self) -> None:
        if self.context.decks and self._can_save():
            self.post_message(OpenBrowser())

    def action_settings(self) -> None:
        self.post_message(OpenSettings())

    def _can_save(self) -> bool:
        if self.context.store is None:
            self.notify("progress store unavailable", severity="error")
            return False
        return True
