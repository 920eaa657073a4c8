"""Flashcards: the due queue of one deck (FSRS). Front, space to flip, the back with the
engine panel, and ratings 1-4 each showing the interval it would give. The queue is asked
again after every rating, so a card rated Again comes back in the same sitting (the
scheduler shows learning cards due within its learn-ahead window once nothing else is due).
The scheduler takes the learner's settings (retention, new cards per day, learning steps).
`ctrl+z` undoes the latest rating (or quiz answer) of this sitting, as Anki's undo does,
restoring the card's schedule exactly; again and again, as far back as the sitting goes.

Each card is prepared as a `Showing` in a thread worker: random parameters drawn, the
numeric answer and the `{{= scalar}}` placeholders of the back resolved by the engine."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from fsrs import Rating
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, Markdown
from textual.worker import Worker, WorkerState

from studyapp.deck.model import Card, Deck
from studyapp.deck.showing import Showing, prepare, with_texts
from studyapp.progress.scheduler import RATINGS, ReviewScheduler, format_interval
from studyapp.progress.store import StoreError
from studyapp.ui.messages import OpenSolver, Prepared
from studyapp.ui.plain import deck_markdown, markdown_source, plain
from studyapp.ui.widgets.engine_panel import EnginePanel

if TYPE_CHECKING:
    from studyapp.ui.context import StudyContext

RATING_NAMES = {rating: rating.name for rating in RATINGS}


def back_text(showing: Showing) -> str:
    """The back of any card: a flashcard's back, else the answer (a list of answers or
    steps under its own heading line, so the Markdown list stays a list), then the
    explanation (placeholders filled from the showing's Report)."""
    if showing.back is not None:
        answer = showing.back
    else:
        text = showing.answer_text()
        answer = f"**Answer:**\n\n{text}" if "\n" in text else f"**Answer:** {text}"
    return f"{answer}\n\n{showing.explanation}"


class FlashcardScreen(Screen):
    """Review the deck's due cards one by one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("space", "flip", "Flip"),
        Binding("1", "rate(1)", "Again", show=False),
        Binding("2", "rate(2)", "Hard", show=False),
        Binding("3", "rate(3)", "Good", show=False),
        Binding("4", "rate(4)", "Easy", show=False),
        Binding("e", "solver", "Open in solver"),
        Binding("ctrl+z", "undo", "Undo", priority=True),
    ]

    def __init__(self, deck: Deck, context: StudyContext) -> None:
        super().__init__()
        self.deck = deck
        self.context = context
        self.queue: list[Card] = []
        self.showing: Showing | None = None
        self.flipped = False
        self.reviewed = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="flash"):
            yield Label("", id="flash-progress", markup=False)
            yield deck_markdown("flash-front")
            with Vertical(id="flash-back"):
                yield deck_markdown("flash-back-text")
                with Horizontal(id="flash-ratings"):
                    for rating in RATINGS:
                        yield Button("", id=f"rate-{int(rating)}", compact=True)
                yield EnginePanel(id="flash-engine")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = plain(f"flashcards · {self.deck.title}").plain
        store = self.context.store
        assert store is not None, "the app opens flashcards only with a progress store"
        self.store = store
        self.scheduler = ReviewScheduler(
            store, self.deck, **self.context.settings.scheduler_options()
        )
        self.queue = list(self.scheduler.due_cards(self.context.now()))
        self.show_front()

    @property
    def card(self) -> Card | None:
        return self.queue[0] if self.queue else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "flip":
            return self.showing is not None and not self.flipped
        if action == "rate":
            return self.flipped
        if action == "solver":
            return self.flipped and self.card is not None and self.card.engine is not None
        return True

    def show_front(self) -> None:
        """The next due card's front, or the end of the queue."""
        self.flipped, self.showing = False, None
        self.query_one("#flash-back").display = False
        card = self.card
        progress = self.query_one("#flash-progress", Label)
        if card is None:
            progress.update(f"No cards due in this deck. Reviewed {self.reviewed} now.")
            self.query_one("#flash-front", Markdown).update("")
        else:
            progress.update(f"{len(self.queue)} due · reviewed {self.reviewed} · space: flip")
            self._prepare(card, self.reviewed)
        self.query_one("#flash").focus()
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="prepare")
    def _prepare(self, card: Card, seed: int) -> None:
        self.post_message(Prepared(with_texts(prepare(card, seed))))

    @on(Prepared)
    async def _prepared(self, message: Prepared) -> None:
        showing = message.showing
        if showing.card is not self.card:
            return  # rated meanwhile
        self.showing = showing
        await self.query_one("#flash-front", Markdown).update(markdown_source(showing.question))
        link = showing.card.engine
        if link is not None and showing.report is None:
            self.query_one(EnginePanel).prefetch(link.experiment, showing.params)
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "prepare" and event.state == WorkerState.ERROR:
            self.query_one("#flash-progress", Label).update(
                plain(f"this card could not be prepared: {event.worker.error}")
            )

    async def action_flip(self) -> None:
        card, showing = self.card, self.showing
        if card is None or showing is None or self.flipped:
            return
        self.flipped = True
        await self.query_one("#flash-back-text", Markdown).update(
            markdown_source(back_text(showing))
        )
        intervals = self.scheduler.preview(card, self.context.now())
        for rating in RATINGS:
            label = f"{int(rating)} {RATING_NAMES[rating]} · {format_interval(intervals[rating])}"
            self.query_one(f"#rate-{int(rating)}", Button).label = label
        self.query_one("#flash-back").display = True
        panel = self.query_one(EnginePanel)
        if card.engine is not None and showing.report is not None:
            await panel.show(card.engine.experiment, showing.params, showing.report)
        elif card.engine is not None:
            panel.run(card.engine.experiment, showing.params)
        self.refresh_bindings()

    @on(EnginePanel.Shown)
    async def _report_shown(self, message: EnginePanel.Shown) -> None:
        """A long experiment's Report arrived after the flip: fill the back's placeholders."""
        showing = self.showing
        if showing is None or not self.flipped or not showing.needs_report:
            return
        if message.params == showing.params:
            self.showing = showing = showing.with_report(message.report)
            await self.query_one("#flash-back-text", Markdown).update(
                markdown_source(back_text(showing))
            )

    @on(Button.Pressed, "#flash-ratings Button")
    async def _rating_clicked(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        await self.action_rate(int(event.button.id.removeprefix("rate-")))

    async def action_rate(self, rating: int) -> None:
        card = self.card
        if card is None or not self.flipped:
            return
        try:
            self.scheduler.rate(card, Rating(rating), self.context.now())
        except StoreError as error:  # disk full, store locked or read-only: say so, go on
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return
        self.reviewed += 1
        await self.query_one(EnginePanel).clear()
        self.queue = list(self.scheduler.due_cards(self.context.now()))  # Again comes back
        self.show_front()

    async def action_undo(self) -> None:
        """Undo the latest rating (or quiz answer) of this sitting; an undone rating of
        this deck puts its card back in front, to be rated again."""
        try:
            undone = self.store.undo_last(self.context.sitting_started)
        except StoreError as error:
            self.notify(str(error), title="Not undone", severity="error", markup=False)
            return
        if undone is None:
            self.notify("Nothing to undo in this sitting.")
            return
        await self.query_one(EnginePanel).clear()
        self.queue = list(self.scheduler.due_cards(self.context.now()))
        card = next((c for c in self.deck.cards if c.id == undone.card_id), None)
        if undone.kind == "review" and undone.deck_id == self.deck.id and card is not None:
            self.reviewed = max(0, self.reviewed - 1)
            self.queue = [card, *(c for c in self.queue if c.id != card.id)]
            self.notify("Rating undone: the card is back, rate it again.")
        else:
            what = "rating" if undone.kind == "review" else "quiz answer"
            self.notify(f"Undone: a {what} on {undone.card_id} ({undone.deck_id}).", markup=False)
        self.show_front()

    def action_solver(self) -> None:
        showing = self.showing
        if self.flipped and showing is not None and showing.card.engine is not None:
            self.post_message(OpenSolver(showing.card.engine.experiment, showing.params))
