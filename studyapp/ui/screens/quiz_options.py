"""Quiz options: which cards (the whole deck, missed last time, due now, or one tag) and
whether to shuffle the cards and the choices (as the learner's settings say at first; each
switch says "on" or "off" in words, not only by its colour). Enter on the first line starts
the whole deck.

Dismissed with the QuizSession to run, or None when the learner backs out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Label, OptionList
from textual.widgets.option_list import Option

from studyapp.deck.model import Card, Deck
from studyapp.progress.quiz import QuizSession, due_now, missed_last_time, with_tags
from studyapp.ui.plain import plain

if TYPE_CHECKING:
    from studyapp.ui.context import StudyContext


def count_text(count: int) -> str:
    """`1 card`, `2 cards`."""
    return f"{count} card{'' if count == 1 else 's'}"


def scopes(context: StudyContext, deck: Deck) -> dict[str, tuple[str, list[Card]]]:
    """Scope id -> (label, its cards) for each scope a quiz over `deck` can have."""
    found = {"all": ("Whole deck", list(deck.cards))}
    store = context.store
    if store is not None:
        found["missed"] = ("Missed last time", missed_last_time(store, deck))
        due = due_now(store, deck, context.now(), **context.scheduler_options())
        found["due"] = ("Due now (flashcard schedule)", due)
    for tag in sorted({tag for card in deck.cards for tag in card.tags}):
        found[f"tag:{tag}"] = (f"Tag: {tag}", with_tags(deck.cards, tag))
    return found


def switch_label(name: str, on: bool) -> str:
    """`name: on` or `name: off`."""
    return f"{name}: {'on' if on else 'off'}"


class QuizOptionsScreen(ModalScreen["QuizSession | None"]):
    """Scope list (enter starts), shuffle switches (c: cards, x: choices)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Back"),
        Binding("c", "toggle('#shuffle-cards')", "Shuffle cards"),
        Binding("x", "toggle('#shuffle-choices')", "Shuffle choices"),
    ]

    def __init__(self, deck: Deck, context: StudyContext) -> None:
        super().__init__()
        self.deck = deck
        self.context = context
        self.scopes = scopes(context, deck)

    def compose(self) -> ComposeResult:
        with Vertical(id="quiz-options"):
            yield Label(plain(f"Quiz: {self.deck.title}"), classes="heading")
            yield OptionList(*self._options(), id="quiz-scope")
            settings = self.context.settings
            yield Checkbox(
                switch_label("Shuffle cards (c)", settings.shuffle_cards),
                settings.shuffle_cards,
                id="shuffle-cards",
                compact=True,
            )
            yield Checkbox(
                switch_label("Shuffle choices (x)", settings.shuffle_choices),
                settings.shuffle_choices,
                id="shuffle-choices",
                compact=True,
            )
            yield Label("enter: start · escape: back", classes="muted")

    def _options(self) -> list[Option]:
        options = []
        for scope_id, (label, cards) in self.scopes.items():
            text = f"{label} ({count_text(len(cards))})"
            options.append(Option(plain(text), id=scope_id, disabled=not cards))
        return options

    def on_mount(self) -> None:
        scope = self.query_one("#quiz-scope", OptionList)
        scope.highlighted = 0
        scope.focus()

    def action_toggle(self, selector: str) -> None:
        self.query_one(selector, Checkbox).toggle()

    @on(Checkbox.Changed)
    def _switched(self, event: Checkbox.Changed) -> None:
        """Say on / off in the label: the box's state is not left to its colour alone."""
        name = str(event.checkbox.label).rsplit(":", 1)[0]
        event.checkbox.label = switch_label(name, event.value)

    @on(OptionList.OptionSelected, "#quiz-scope")
    def _start(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        assert event.option.id is not None
        scope_id = event.option.id
        self.dismiss(
            QuizSession(
                self.deck,
                self.context.store,
                cards=None if scope_id == "all" else self.scopes[scope_id][1],
                shuffle=self.query_one("#shuffle-cards", Checkbox).value,
                shuffle_choices=self.query_one("#shuffle-choices", Checkbox).value,
                seed=int(self.context.now().timestamp()),
            )
        )
