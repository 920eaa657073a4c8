"""`studyapp watch`: an author's live preview of one deck file.

On every save (watchfiles) the deck is re-checked in a thread (schema, then every
engine link and numeric answer) and the screen shows the issues at file:line and a
preview of the card under edit (the first new or changed card) with its engine panel.
A save that breaks the deck shows its errors and keeps the last good preview. Deck
text is shown as plain text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import ClassVar

import watchfiles
from textual import work
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Static

from studyapp.deck.checker import check_paths
from studyapp.deck.issues import Issue
from studyapp.deck.loader import inspect_deck
from studyapp.deck.model import Card, Deck
from studyapp.deck.showing import ShowingError, prepare, with_texts
from studyapp.interop.deck_changes import changed_card
from studyapp.ui.widgets.engine_panel import EnginePanel

UI_STYLES = Path(__file__).resolve().parent.parent / "ui" / "widgets.tcss"
DEBOUNCE_MS = 200


@dataclass(frozen=True)
class CheckResult:
    """One check of the deck file: the deck (None when it has errors), every issue, and
    the card to preview with its text (None: keep the current preview)."""

    deck: Deck | None
    issues: tuple[Issue, ...]
    card: Card | None = None
    preview: str = ""


def check_deck(path: Path, before: Deck | None) -> CheckResult:
    """Schema check, then (for a valid deck) the engine checks of `studyapp check`; the
    card to preview is the first one new or changed since `before` (the first card of
    the deck on the first check)."""
    inspection = inspect_deck(path)
    deck = inspection.deck
    if deck is None:
        return CheckResult(None, tuple(inspection.issues))
    result = check_paths([path], run_engine=True, draws=1)
    card = changed_card(before, deck)
    if before is None and card is None and deck.cards:
        card = deck.cards[0]
    preview = card_preview(card) if card is not None else ""
    return CheckResult(deck, tuple(result.issues), card, preview)


def card_preview(card: Card) -> str:
    """The card as the learner meets it, as plain text: question, answer, explanation
    (its engine placeholders filled for a quick experiment)."""
    try:
        showing = with_texts(prepare(card, seed=0))
    except ShowingError as exc:
        return f"{card.id} ({card.type}, line {card.line})\n\nengine error: {exc}"
    parts = [f"{card.id} ({card.type}, line {card.line})", "", showing.question]
    choices = getattr(card, "choices", ())
    parts += [f"  {i}. {choice}" for i, choice in enumerate(choices, 1)]
    parts += ["", f"answer: {showing.answer_text()}", "", showing.explanation.strip()]
    return "\n".join(parts)


class WatchApp(App):
    """Re-check and preview `path` on every save."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["watch_app.tcss", UI_STYLES]
    TITLE = "studyapp watch"
    BINDINGS: ClassVar = [("r", "recheck", "Check now"), ("q", "quit", "Quit")]

    class Checked(Message):
        """A finished check of the deck file."""

        def __init__(self, result: CheckResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self, path: Path, *, watch: bool = True) -> None:
        super().__init__()
        self.path = path
        self.watch_files = watch
        self.deck: Deck | None = None
        self.card: Card | None = None
        self.checks = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="watch-status", markup=False)
        with VerticalScroll(id="watch-issues-box"):
            yield Static("", id="watch-issues", markup=False)
        with VerticalScroll(id="watch-preview-box"):
            yield Static("no card yet", id="watch-preview", markup=False)
            yield EnginePanel(id="watch-engine")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = str(self.path)
        self.query_one("#watch-issues-box").border_title = "issues (file:line:col)"
        self.query_one("#watch-preview-box").border_title = "card under edit"
        self.action_recheck()
        if self.watch_files:
            self.watch_deck()

    @work(exclusive=True, group="watch-files", exit_on_error=False)
    async def watch_deck(self) -> None:
        """Re-check after every change to the deck file (until the app quits)."""
        name = self.path.name

        def is_deck(_change: watchfiles.Change, path: str) -> bool:
            return Path(path).name == name

        # the folder, not the file: editors that save by renaming a new file over the old
        # one would end a watch on the file itself
        changes = watchfiles.awatch(
            self.path.parent, watch_filter=is_deck, debounce=DEBOUNCE_MS, step=50, recursive=False
        )
        async for _ in changes:
            self.action_recheck()

    def action_recheck(self) -> None:
        self.query_one("#watch-status", Static).update(f"checking {self.path} …")
        self._check()

    @work(thread=True, exclusive=True, group="watch-check", exit_on_error=False)
    def _check(self) -> None:
        self.post_message(self.Checked(check_deck(self.path, self.deck)))

    def on_watch_app_checked(self, message: Checked) -> None:
        result = message.result
        self.checks += 1
        errors = [i for i in result.issues if i.severity == "error"]
        warnings = len(result.issues) - len(errors)
        lines = [str(issue) for issue in result.issues] or ["no issues"]
        self.query_one("#watch-issues", Static).update("\n".join(lines))
        state = "last good preview kept" if result.deck is None and self.card else "ok"
        self.query_one("#watch-status", Static).update(
            f"check {self.checks}: {len(errors)} errors, {warnings} warnings"
            + (f" ({state})" if errors else "")
        )
        if result.deck is None:
            return
        self.deck = result.deck
        if result.card is not None:
            self.show_card(result.card, result.preview)

    def show_card(self, card: Card, preview: str) -> None:
        self.card = card
        self.query_one("#watch-preview", Static).update(preview)
        panel = self.query_one("#watch-engine", EnginePanel)
        if card.engine is None:
            self.call_later(panel.clear)
            return
        try:
            params = prepare(card, seed=0).params
        except ShowingError:
            return
        panel.run(card.engine.experiment, params)
