"""Quiz: one card at a time, the input its type needs, then the verdict, the correct
answer beside the learner's after a wrong one, the targeted feedback, the explanation and
the engine panel computing the experiment behind it. `ctrl+z` takes answers back, one at a
time, as far back as the session goes (as Anki's undo). A card whose prompt asks the
learner to run or read an experiment opens it with `e` before it is answered.

Preparing a showing may run the engine (engine-backed numeric answers, and the Report
whose scalars fill the `{{= scalar}}` placeholders of the explanation), so it happens in
a thread worker too; the UI thread only grades and displays.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Markdown, Static
from textual.worker import Worker, WorkerState

from studyapp.deck.cards import card_type
from studyapp.deck.grading import AnswerError, Verdict
from studyapp.deck.model import Card, Deck
from studyapp.deck.showing import Showing, with_texts
from studyapp.progress.quiz import QuizSession
from studyapp.progress.store import StoreError
from studyapp.ui.correction import correction, verdict_line
from studyapp.ui.messages import OpenSolver, Prepared
from studyapp.ui.plain import deck_markdown, markdown_source, plain
from studyapp.ui.screens.leave_retry import LeaveRetryScreen
from studyapp.ui.summary import summary_line
from studyapp.ui.widgets.answer_input import Answered, NotAnswered, answer_input
from studyapp.ui.widgets.engine_panel import EnginePanel

if TYPE_CHECKING:
    from studyapp.ui.context import StudyContext


ASKS_FOR_EXPERIMENT = re.compile(
    r"\brun (the|it|this)\b|\bworked example\b|\bexperiment\b|\bseed\b", re.IGNORECASE
)


def asks_for_experiment(card: Card) -> bool:
    """Whether `card`'s prompt asks the learner to run or read its linked experiment
    ("run the worked example with seed 1", "the truncation experiment ..."), so the
    experiment may be opened before answering."""
    return card.engine is not None and ASKS_FOR_EXPERIMENT.search(card.prompt) is not None


def cards_text(count: int) -> str:
    """`1 card`, `2 cards`."""
    return f"{count} card{'' if count == 1 else 's'}"


class QuizScreen(Screen):
    """A quiz session over one deck."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back"),
        Binding("n,enter", "next", "Next card", key_display="n"),
        Binding("e,f3", "solver", "Open in solver", key_display="e/F3"),
        Binding("r", "retry", "Retry missed"),
        Binding("h,f2", "hint", "Hint", key_display="h/F2"),
        Binding("ctrl+z", "undo", "Undo", priority=True),
    ]

    def __init__(
        self, deck: Deck, context: StudyContext, session: QuizSession | None = None
    ) -> None:
        super().__init__()
        self.deck = deck
        self.context = context
        self.session = session
        self.showing: Showing | None = None
        self.grade: Verdict | None = None
        self.response: Any = None
        self.retrying = False  # a retry of the missed cards: its score replaces Home's

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="quiz"):
            yield Label("", id="quiz-progress", markup=False)
            yield deck_markdown("quiz-prompt")
            yield Static("", id="quiz-experiment", markup=False)
            yield Static("", id="quiz-hint", markup=False)
            yield Vertical(id="quiz-answer")
            yield Static("", id="quiz-error", markup=False, classes="error")
            with Vertical(id="quiz-result"):
                yield Static("", id="quiz-verdict", markup=False)
                yield Static("", id="quiz-correction", markup=False)
                yield deck_markdown("quiz-feedback")
                yield deck_markdown("quiz-explanation")
                yield EnginePanel(id="quiz-engine")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = plain(f"quiz · {self.deck.title}").plain
        if self.session is None:
            settings = self.context.settings
            store = self.context.store
            assert store is not None, "the app opens a quiz only with a progress store"
            self.session = QuizSession(
                self.deck,
                store,
                shuffle=settings.shuffle_cards,
                shuffle_choices=settings.shuffle_choices,
                seed=int(self.context.now().timestamp()),
                now=self.context.now(),
            )
        self.load_card()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        answered = self.grade is not None
        finished = self.session is not None and self.session.finished
        if action == "next":
            return answered and not finished
        if action == "solver":
            showing = self.showing
            if showing is None or showing.card.engine is None:
                return False
            return answered or asks_for_experiment(showing.card)
        if action == "undo":
            return self.session is not None and bool(self.session.grades)
        if action == "retry":
            return finished and bool(self.session and self.session.missed)
        if action == "hint":
            return not answered and self.showing is not None and bool(self.showing.card.hint)
        return True

    def load_card(self) -> None:
        """Show the current card (prepared in a worker), or the summary when done."""
        assert self.session is not None
        self.grade, self.showing, self.response = None, None, None
        self.query_one("#quiz-result").display = False
        self.query_one("#quiz-hint").display = False
        self.query_one("#quiz-experiment").display = False
        self.query_one("#quiz-error", Static).update("")
        answer = self.query_one("#quiz-answer")
        answer.display, answer.disabled = True, False
        self.refresh_bindings()
        if self.session.finished:
            self.show_summary()
            return
        self.show_progress()
        self._prepare()

    def show_progress(self) -> None:
        """`Card i of n · type · k right so far` (k counts the answer just given)."""
        assert self.session is not None
        score = self.session.score
        self.query_one("#quiz-progress", Label).update(
            plain(
                f"Card {self.session.index + 1} of {score.total}"
                f" · {self.session.current.card.type} · {score.correct} right so far"
            )
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="prepare")
    def _prepare(self) -> None:
        assert self.session is not None
        self.post_message(Prepared(with_texts(self.session.showing)))

    @on(Prepared)
    async def _prepared(self, message: Prepared) -> None:
        self.showing = message.showing
        await self.query_one("#quiz-prompt", Markdown).update(
            markdown_source(message.showing.question)
        )
        if asks_for_experiment(message.showing.card):
            experiment = self.query_one("#quiz-experiment", Static)
            experiment.update(
                "This card is about an experiment: e (F3 while typing) opens it in the solver."
            )
            experiment.display = True
        holder = self.query_one("#quiz-answer")
        await holder.remove_children()
        assert self.session is not None
        widget = answer_input(
            message.showing.card, self.session.current.choice_order, back=message.showing.back
        )
        await holder.mount(widget)
        widget.focus()
        self.refresh_bindings()
        await self._prepare_result(message.showing)

    async def _prepare_result(self, showing: Showing) -> None:
        """While the question is up: lay out the (hidden) explanation and compute the
        engine's Report ahead, so the answer shows them at once."""
        await self.query_one("#quiz-explanation", Markdown).update(
            markdown_source(showing.explanation)
        )
        link = showing.card.engine
        if link is not None and showing.report is None:
            self.query_one(EnginePanel).prefetch(link.experiment, showing.params)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "prepare" and event.state == WorkerState.ERROR:
            self.query_one("#quiz-error", Static).update(
                plain(f"this card could not be prepared: {event.worker.error}")
            )

    @on(NotAnswered)
    def _not_answered(self, message: NotAnswered) -> None:
        message.stop()
        self.query_one("#quiz-error", Static).update(plain(message.reason))

    @on(Answered)
    async def _answered(self, message: Answered) -> None:
        message.stop()
        if self.session is None or self.showing is None or self.grade is not None:
            return
        try:
            grade = self.session.answer(message.response, self.context.now())
        except AnswerError as error:
            self.query_one("#quiz-error", Static).update(plain(str(error)))
            return
        except StoreError as error:  # disk full, store locked or read-only: say so, go on
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return
        self.grade, self.response = grade, message.response
        self.show_progress()
        await self.show_result(grade)

    async def show_result(self, grade: Verdict) -> None:
        """Verdict, targeted feedback, explanation, and the engine panel filling in."""
        assert self.showing is not None
        card = self.showing.card
        self.query_one("#quiz-error", Static).update("")
        self.query_one("#quiz-answer").disabled = True
        self.query_one("#quiz-experiment").display = False
        verdict = self.query_one("#quiz-verdict", Static)
        self_graded = card_type(card).response_kind == "self"
        assert self.session is not None
        shown = correction(
            card,
            self.response,
            grade,
            self.session.current.choice_order,
            self.showing.answer_text(),
        )
        # the correction below states the right answer: the verdict line need not repeat it
        repeated = (
            shown is not None
            and card_type(card).response_kind == "choice"
            and grade.correct_answer in grade.detail
        )
        verdict.update(plain(verdict_line(grade, self_graded, detail=not repeated)))
        verdict.set_class(grade.correct, "-right")
        verdict.set_class(not grade.correct, "-wrong")
        corrected = self.query_one("#quiz-correction", Static)
        corrected.update(shown if shown is not None else "")
        corrected.display = shown is not None
        feedback = self.query_one("#quiz-feedback", Markdown)
        await feedback.update(
            markdown_source(self.showing.render(grade.feedback)) if grade.feedback else ""
        )
        feedback.display = bool(grade.feedback)
        self.query_one("#quiz-result").display = True
        panel = self.query_one(EnginePanel)
        if card.engine is not None:
            digits = self.showing.answer_digits()  # the answer shown as precisely as asked
            if self.showing.report is not None:
                report = self.showing.report
                await panel.show(
                    card.engine.experiment, self.showing.params, report, precise=digits
                )
            else:
                panel.run(card.engine.experiment, self.showing.params, precise=digits)
        self.query_one("#quiz").focus()
        self.refresh_bindings()
        self.call_after_refresh(self._verdict_in_view)

    def _verdict_in_view(self) -> None:
        """Scroll only as far as needed to show the verdict and the correction after it
        (the verdict at the top when both do not fit), so no answer leaves the learner
        looking at empty rows."""
        scroll = self.query_one("#quiz", VerticalScroll)
        correction = self.query_one("#quiz-correction")
        if correction.display:
            scroll.scroll_to_widget(correction, animate=False)
        scroll.scroll_to_widget(self.query_one("#quiz-verdict"), animate=False)

    @on(EnginePanel.Shown)
    async def _report_shown(self, message: EnginePanel.Shown) -> None:
        """A long experiment's Report arrived after the answer: fill the placeholders of
        the explanation and the feedback from it."""
        showing, grade = self.showing, self.grade
        if showing is None or grade is None or not showing.needs_report:
            return
        if message.params != showing.params:
            return  # the learner re-ran it with other parameters
        self.showing = showing = showing.with_report(message.report)
        await self.query_one("#quiz-explanation", Markdown).update(
            markdown_source(showing.explanation)
        )
        if grade.feedback:
            await self.query_one("#quiz-feedback", Markdown).update(
                markdown_source(showing.render(grade.feedback))
            )

    async def action_next(self) -> None:
        if self.session is None or self.grade is None:
            return
        await self.query_one(EnginePanel).clear()
        self.session.advance()
        self.load_card()

    async def action_undo(self) -> None:
        """Take back the latest answer of this session (its stored answer removed) and
        ask its card again; repeated, it goes further back."""
        if self.session is None:
            return
        try:
            item = self.session.take_back()
        except StoreError as error:
            self.notify(str(error), title="Not undone", severity="error", markup=False)
            return
        if item is None:
            self.notify("Nothing to undo in this quiz.")
            return
        await self.query_one(EnginePanel).clear()
        self.notify(f"Undone: your answer to card {self.session.index + 1}.")
        self.load_card()

    def action_leave(self) -> None:
        """Back to Home; in a retry with answers given, first ask whether its score may
        replace the full quiz's as Home's "Last quiz"."""
        if not (self.retrying and self.session is not None and self.session.grades):
            self.app.pop_screen()
            return

        def chosen(choice: str | None) -> None:
            if choice == "discard" and self.session is not None:
                try:
                    while self.session.take_back() is not None:
                        pass
                except StoreError as error:
                    self.notify(str(error), title="Not undone", severity="error", markup=False)
                    return
            if choice in ("keep", "discard"):
                self.app.pop_screen()

        score = self.session.score
        self.app.push_screen(LeaveRetryScreen(score.correct, score.answered), chosen)

    def action_hint(self) -> None:
        """Show the card's hint (h, or F2 while typing an answer)."""
        if self.grade is None and self.showing is not None and self.showing.card.hint:
            hint = self.query_one("#quiz-hint", Static)
            hint.update(plain(f"Hint: {self.showing.hint}"))
            hint.display = True

    def action_solver(self) -> None:
        if self.showing is not None and self.showing.card.engine is not None:
            self.post_message(OpenSolver(self.showing.card.engine.experiment, self.showing.params))

    async def action_retry(self) -> None:
        if self.session is None or not self.session.finished or not self.session.missed:
            return
        self.session = self.session.retry_missed()
        self.retrying = True
        self.load_card()

    def show_summary(self) -> None:
        assert self.session is not None
        self.query_one("#quiz-answer").display = False
        self.query_one("#quiz-prompt", Markdown).update("")
        missed = self.session.missed
        score = self.session.score
        lines = [
            f"Finished: {score.correct} right of {score.answered} answered"
            f" ({cards_text(score.total)})."
        ]
        if missed:
            lines.append("Missed:")
            lines.extend(f"  • {summary_line(item.card, item.seed)}" for item in missed)
            lines.append("r: retry the missed cards · escape: back to the decks")
        else:
            lines.append("No card missed. escape: back to the decks")
        self.query_one("#quiz-progress", Label).update(plain("\n".join(lines)))
