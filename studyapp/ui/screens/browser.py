"""The card browser: every card of every deck in one table, filtered as you type and
sorted by any column; from a row: preview it, open its experiment, suspend / unsuspend
it, bury it until tomorrow (Anki's terms; the flashcard queue and quizzes honour them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from studyapp.ui.browser_rows import (
    COLUMNS,
    BrowserRow,
    browser_rows,
    filter_rows,
    sort_rows,
    tomorrow,
)
from studyapp.ui.messages import OpenSolver
from studyapp.ui.plain import plain, plain_rich

if TYPE_CHECKING:
    from studyapp.deck.model import Card
    from studyapp.ui.context import StudyContext

COLUMN_KEYS = [key for key, _ in COLUMNS]


def preview_text(row: BrowserRow) -> str:
    """The card as plain text: deck, type, tags, state, prompt, answer, explanation."""
    card: Card = row.card
    lines = [
        f"{row.deck} · {card.type} · {card.id}",
        f"tags: {row.tags or '—'}   state: {row.state}   due: {row.due}",
        "",
        card.prompt.strip(),
        "",
        f"Answer: {card.answer_text()}",
    ]
    if card.explanation.strip():
        lines += ["", card.explanation.strip()]
    if card.engine is not None:
        lines += ["", f"Experiment: {card.engine.experiment} (e opens it)"]
    return "\n".join(lines)


class CardPreview(ModalScreen[None]):
    """One card's text, shown plain (escape closes)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Close")]

    def __init__(self, row: BrowserRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="card-preview"):
            yield Static(plain(preview_text(self.row)), markup=False, id="card-preview-text")
        yield Footer()


class BrowserScreen(Screen):
    """Search box (type to filter over prompt and tags) above the table of every card."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("enter", "preview", "Preview", priority=True),
        Binding("e", "experiment", "Experiment"),
        Binding("s", "suspend", "Suspend"),
        Binding("minus", "bury", "Bury", key_display="-"),
        Binding("o", "sort", "Sort"),
    ]

    def __init__(self, context: StudyContext) -> None:
        super().__init__()
        self.context = context
        self.rows: list[BrowserRow] = []
        self.shown: list[BrowserRow] = []
        self.sort_column = "deck"
        self.reverse = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="type to filter by prompt and tags", id="browser-search")
        yield Static("", id="browser-status", markup=False)
        yield DataTable(cursor_type="row", zebra_stripes=True, id="browser-table")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "browse cards"
        table = self.query_one("#browser-table", DataTable)
        for key, title in COLUMNS:
            table.add_column(title, key=key)
        self.reload()
        self.query_one("#browser-search", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Row actions work while the table has the focus (in the search box, keys type):
        listed dimmed otherwise."""
        if action in ("experiment", "suspend", "bury", "sort"):
            return True if self.focused is self.query_one("#browser-table") else None
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def reload(self) -> None:
        """Re-read every card's schedule and flags, then show them."""
        store = self.context.store
        assert store is not None, "the app opens the browser only with a progress store"
        self.rows = browser_rows(self.context.decks, store, self.context.now())
        self.show_rows()

    def show_rows(self) -> None:
        """Fill the table with the rows matching the search, in the chosen order (the
        highlighted card stays highlighted when it is still shown)."""
        table = self.query_one("#browser-table", DataTable)
        current = self.current()
        query = self.query_one("#browser-search", Input).value
        self.shown = sort_rows(filter_rows(self.rows, query), self.sort_column, self.reverse)
        table.clear()
        for row in self.shown:
            table.add_row(*(plain_rich(str(getattr(row, k))) for k in COLUMN_KEYS), key=row.key)
        if current is not None and current.key in {row.key for row in self.shown}:
            table.move_cursor(row=table.get_row_index(current.key))
        order = "descending" if self.reverse else "ascending"
        title = dict(COLUMNS)[self.sort_column]
        self.query_one("#browser-status", Static).update(
            plain(f"{len(self.shown)} of {len(self.rows)} cards · by {title}, {order} · ↓ table")
        )

    def current(self) -> BrowserRow | None:
        table = self.query_one("#browser-table", DataTable)
        if not self.shown or table.row_count == 0:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    @on(Input.Changed, "#browser-search")
    def _search(self) -> None:
        self.show_rows()

    def on_key(self, event: events.Key) -> None:
        """Down from the search box goes to the table."""
        if event.key == "down" and self.focused is self.query_one("#browser-search"):
            event.stop()
            self.query_one("#browser-table", DataTable).focus()

    @on(DataTable.HeaderSelected, "#browser-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        """A click on a column title sorts by it; on the same title, reverses."""
        key = str(event.column_key.value)
        self.reverse = not self.reverse if key == self.sort_column else False
        self.sort_column = key
        self.show_rows()

    @on(DataTable.RowSelected, "#browser-table")
    def _row_chosen(self) -> None:
        """A click on the highlighted row previews it."""
        self.action_preview()

    def action_search(self) -> None:
        self.query_one("#browser-search", Input).focus()

    def action_sort(self) -> None:
        """Sort by the next column (after the last: the first, reversed)."""
        index = COLUMN_KEYS.index(self.sort_column) + 1
        if index == len(COLUMN_KEYS):
            index, self.reverse = 0, not self.reverse
        self.sort_column = COLUMN_KEYS[index]
        self.show_rows()

    def action_preview(self) -> None:
        """Preview the highlighted card; from the search box, go to the table first."""
        table = self.query_one("#browser-table", DataTable)
        if self.focused is not table:
            table.focus()
            return
        row = self.current()
        if row is not None:
            self.app.push_screen(CardPreview(row))

    def action_experiment(self) -> None:
        row = self.current()
        if row is None:
            return
        if row.card.engine is None:
            self.notify("This card has no experiment.", markup=False)
            return
        self.post_message(OpenSolver(row.card.engine.experiment, row.card.engine.params))

    def action_suspend(self) -> None:
        """Suspend the card (never scheduled or quizzed), or unsuspend it."""
        row = self.current()
        store = self.context.store
        if row is None or store is None:
            return
        store.set_suspended(row.deck_id, row.card.id, not row.suspended)
        self.notify(
            f"{'Unsuspended' if row.suspended else 'Suspended'}: {row.card.id}", markup=False
        )
        self.reload()

    def action_bury(self) -> None:
        """Bury the card until the start of tomorrow (local time), or unbury it."""
        row = self.current()
        store = self.context.store
        if row is None or store is None:
            return
        until = None if row.buried else tomorrow(self.context.now())
        store.bury(row.deck_id, row.card.id, until)
        self.notify(
            f"{'Unburied' if row.buried else 'Buried until tomorrow'}: {row.card.id}", markup=False
        )
        self.reload()
