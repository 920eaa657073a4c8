"""Quiz: one card at a time, the input its type needs, then the verdict, the targeted
feedback, the explanation and the engine panel computing the experiment behind it.

Preparing a showing may run the engine (engine-backed numeric answers, and the Report
whose scalars fill the `{{= scalar}}` placeholders of the explanation), so it happens in
a thread worker too; the UI thread only grades and displays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Markdown, Static
from textual.worker import Worker, WorkerState

from studyapp.deck.grading import AnswerError, Verdict
from studyapp.deck.model import Deck, with_blank
from studyapp.deck.showing import Showing, with_texts
from studyapp.progress.quiz import QuizSession
from studyapp.progress.store import StoreError
from studyapp.ui.messages import OpenSolver, Prepared
from studyapp.ui.plain import markdown_source, plain
from studyapp.ui.widgets.answer_input import Answered, answer_input
from studyapp.ui.widgets.engine_panel import EnginePanel

if TYPE_CHECKING:
    from studyapp.ui.context import StudyContext


def first_line(text: str, width: int = 60) -> str:
    """The first line of `text`, cut to `width` characters."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def verdict_text(grade: Verdict) -> str:
    """`✓ Right.` or `✗ Not quite.` with the grader's one-line explanation."""
    detail = grade.detail or f"the answer is {grade.expected}"
    return f"{'✓ Right.' if grade.correct else '✗ Not quite.'} {detail}"


class QuizScreen(Screen):
    """A quiz session over one deck."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("n,enter", "next", "Next card", key_display="n"),
        Binding("e", "solver", "Open in solver"),
        Binding("r", "retry", "Retry missed"),
        Binding("h,f2", "hint", "Hint", key_display="h/F2"),
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

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="quiz"):
            yield Label("", id="quiz-progress", markup=False)
            yield Markdown("", id="quiz-prompt")
            yield Static("", id="quiz-hint", markup=False)
            yield Vertical(id="quiz-answer")
            yield Static("", id="quiz-error", markup=False, classes="error")
            with Vertical(id="quiz-result"):
                yield Static("", id="quiz-verdict", markup=False)
                yield Markdown("", id="quiz-feedback")
                yield Markdown("", id="quiz-explanation")
                yield EnginePanel(id="quiz-engine")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = plain(f"quiz · {self.deck.title}").plain
        if self.session is None:
            self.session = QuizSession(self.deck, self.context.store)
        self.load_card()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        answered = self.grade is not None
        finished = self.session is not None and self.session.finished
        if action == "next":
            return answered and not finished
        if action == "solver":
            return answered and self.showing is not None and self.showing.card.engine is not None
        if action == "retry":
            return finished and bool(self.session and self.session.missed)
        if action == "hint":
            return not answered and self.showing is not None and bool(self.showing.card.hint)
        return True

    def load_card(self) -> None:
        """Show the current card (prepared in a worker), or the summary when done."""
        assert self.session is not None
        self.grade, self.showing = None, None
        self.query_one("#quiz-result").display = False
        self.query_one("#quiz-hint").display = False
        self.query_one("#quiz-error", Static).update("")
        self.refresh_bindings()
        if self.session.finished:
            self.show_summary()
            return
        score = self.session.score
        self.query_one("#quiz-progress", Label).update(
            plain(
                f"Card {self.session.index + 1} of {score.total}"
                f" · {self.session.current.card.type} · {score.correct} right so far"
            )
        )
        self._prepare()

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
        self.grade = grade
        await self.show_result(grade)

    async def show_result(self, grade: Verdict) -> None:
        """Verdict, targeted feedback, explanation, and the engine panel filling in."""
        assert self.showing is not None
        card = self.showing.card
        self.query_one("#quiz-error", Static).update("")
        self.query_one("#quiz-answer").disabled = True
        verdict = self.query_one("#quiz-verdict", Static)
        verdict.update(plain(verdict_text(grade)))
        verdict.set_class(grade.correct, "-right")
        verdict.set_class(not grade.correct, "-wrong")
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
        self.query_one("#quiz-answer").disabled = False
        self.session.advance()
        self.load_card()

    def action_hint(self) -> None:
        """Show the card's hint (h, or F2 while typing an answer)."""
        if self.grade is None and self.showing is not None and self.showing.card.hint:
            hint = self.query_one("#quiz-hint", Static)
            hint.update(plain(f"Hint: {self.showing.card.hint}"))
            hint.display = True

    def action_solver(self) -> None:
        if self.showing is not None and self.showing.card.engine is not None:
            self.post_message(OpenSolver(self.showing.card.engine.experiment, self.showing.params))

    async def action_retry(self) -> None:
        if self.session is None or not self.session.finished or not self.session.missed:
            return
        self.session = self.session.retry_missed()
        self.query_one("#quiz-answer").display = True
        self.load_card()

    def show_summary(self) -> None:
        assert self.session is not None
        self.query_one("#quiz-answer").display = False
        self.query_one("#quiz-prompt", Markdown).update("")
        missed = self.session.missed
        score = self.session.score
        lines = [
            f"Finished: {score.correct} right of {score.answered} answered ({score.total} cards)."
        ]
        if missed:
            lines.append("Missed:")
            lines.extend(f"  • {first_line(with_blank(item.card.prompt))}" for item in missed)
            lines.append("r: retry the missed cards · escape: back to the decks")
        else:
            lines.append("No card missed. escape: back to the decks")
        self.query_one("#quiz-progress", Label).update(plain("\n".join(lines)))
