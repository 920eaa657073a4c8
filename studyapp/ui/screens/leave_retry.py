"""Asked on leaving a retry of the missed cards with answers given: keep the retry's answers
(Home's "Last quiz" then shows the retry's score) or take them back (it keeps the full
quiz's score). Dismissed with "keep", "discard", or None to stay in the quiz."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label


class LeaveRetryScreen(ModalScreen["str | None"]):
    """k: keep the retry's answers, d: take them back, escape: stay."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "dismiss('keep')", "Keep and leave"),
        Binding("d", "dismiss('discard')", "Take back and leave"),
        Binding("escape", "dismiss(None)", "Stay"),
    ]

    def __init__(self, correct: int, answered: int) -> None:
        super().__init__()
        self.correct = correct
        self.answered = answered

    def compose(self) -> ComposeResult:
        with Vertical(id="leave-retry"):
            yield Label("Leave the retry?", classes="heading")
            yield Label(
                f'Home\'s "Last quiz" will show this retry ({self.correct}/{self.answered})'
                " instead of the full quiz's score.",
                markup=False,
            )
            yield Label("k: keep these answers and leave", markup=False)
            yield Label(
                "d: take these answers back and leave (the quiz's score stays)", markup=False
            )
            yield Label("escape: stay in the retry", markup=False)
