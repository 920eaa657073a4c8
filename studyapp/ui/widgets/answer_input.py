"""The input each response kind needs; every one posts `Answered(response)` when submitted
(or `NotAnswered(reason)` when there is nothing to submit yet). Number keys pick a choice
or tick/untick a multi choice; a true/false card also takes `t` and `f`.

Responses follow `studyapp.deck.grading.grade_response`: choice -> the chosen text,
multi -> list of ticked texts, truefalse -> bool, numeric/cloze/bigo -> typed text,
order -> step texts in the learner's order, flashcard -> bool (the learner knew it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Markdown, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from studyapp.deck.cards import card_type
from studyapp.deck.model import Card

NUMBER_KEYS = tuple(str(n) for n in range(1, 10))


@dataclass
class Answered(Message):
    """The learner submitted `response` for the current card."""

    response: Any


@dataclass
class NotAnswered(Message):
    """The learner submitted nothing (an empty typed answer): `reason` says what to do."""

    reason: str


def numbered(index: int, text: str) -> Content:
    """`1. text` as plain content (card text may contain `[` and `]`)."""
    return Content(f"{index + 1}. {text}")


def letter_keys(labels: list[str]) -> dict[str, int]:
    """Each label's first letter -> its index, when the first letters are all different
    (`true`/`false` -> t, f); empty otherwise."""
    letters = [label[:1].lower() for label in labels]
    if len(set(letters)) != len(letters) or not all(letter.isalpha() for letter in letters):
        return {}
    return {letter: index for index, letter in enumerate(letters)}


class ChoiceAnswer(OptionList):
    """Pick one option: number keys, or highlight and enter/click; fixed options (true,
    false) also by their first letter."""

    def __init__(self, labels: list[str], values: list[Any], letters: bool = False) -> None:
        self.letters = letter_keys(labels) if letters else {}
        shown = [f"{t} ({t[:1].lower()})" if self.letters else t for t in labels]
        super().__init__(*(numbered(i, t) for i, t in enumerate(shown)), id="answer")
        self.values = values

    def on_key(self, event) -> None:
        if event.character in NUMBER_KEYS and int(event.character) <= len(self.values):
            event.stop()
            self.post_message(Answered(self.values[int(event.character) - 1]))
        elif event.character in self.letters:
            event.stop()
            self.post_message(Answered(self.values[self.letters[event.character]]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(Answered(self.values[event.option_index]))


def ticked_label(index: int, text: str, ticked: bool) -> Content:
    """`[x] 1. text` or `[ ] 1. text`: the tick in words as well as in colour."""
    return Content(f"{'[x]' if ticked else '[ ]'} {index + 1}. {text}")


class MultiAnswer(SelectionList[str]):
    """Tick every right option: space or its number toggles, enter submits the ticked
    texts. Each option says `[x]` or `[ ]` in text, not only by colour."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "submit", "Submit")]

    def __init__(self, choices: list[str]) -> None:
        self.choices = choices
        super().__init__(
            *((ticked_label(p, text, False), text) for p, text in enumerate(choices)),
            id="answer",
        )

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        ticked = set(self.selected)
        for index, text in enumerate(self.choices):
            self.replace_option_prompt_at_index(index, ticked_label(index, text, text in ticked))

    def on_key(self, event) -> None:
        if event.character in NUMBER_KEYS and int(event.character) <= self.option_count:
            event.stop()
            index = int(event.character) - 1
            self.toggle(self.get_option_at_index(index).value)
            self.highlighted = index

    def action_submit(self) -> None:
        self.post_message(Answered(list(self.selected)))


class OrderAnswer(OptionList):
    """Put the steps in order: shift+up/down moves the highlighted step, enter submits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("shift+up", "move(-1)", "Move up"),
        Binding("shift+down", "move(1)", "Move down"),
        Binding("enter", "submit", "Submit"),
    ]

    def __init__(self, steps: tuple[str, ...], order: tuple[int, ...]) -> None:
        self.steps = steps
        self.order = list(order)  # original step indices in display order
        super().__init__(*self._step_options(), id="answer")

    def _step_options(self) -> list[Option]:
        return [Option(numbered(i, self.steps[s])) for i, s in enumerate(self.order)]

    def action_move(self, offset: int) -> None:
        here = self.highlighted
        if here is None or not 0 <= here + offset < len(self.order):
            return
        there = here + offset
        self.order[here], self.order[there] = self.order[there], self.order[here]
        self.set_options(self._step_options())
        self.highlighted = there

    def action_submit(self) -> None:
        self.post_message(Answered([self.steps[s] for s in self.order]))


class TextAnswer(Input):
    """Typed answer (numeric, cloze, big-O); enter submits."""

    def __init__(self, placeholder: str) -> None:
        super().__init__(placeholder=placeholder, id="answer")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.post_message(Answered(event.value))
        else:
            self.post_message(NotAnswered("Type an answer first, then press enter."))


class SelfGrade(Vertical, can_focus=True):
    """A flashcard in a quiz: space shows the back, then 1 (knew it) or 2 (did not)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "reveal", "Show back"),
        Binding("1", "grade(True)", "Knew it"),
        Binding("2", "grade(False)", "Did not"),
    ]

    def __init__(self, back: str) -> None:
        super().__init__(id="answer")
        self.back = back
        self.revealed = False

    def compose(self) -> ComposeResult:
        back = Markdown(self.back, id="self-grade-back")  # Markdown, as in flashcard mode
        back.display = False
        yield back
        yield Static("space: show the back", id="self-grade-keys", markup=False)

    def action_reveal(self) -> None:
        self.revealed = True
        self.query_one("#self-grade-back").display = True
        self.query_one("#self-grade-keys", Static).update("1: I knew it   2: I did not")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "grade":
            return self.revealed
        if action == "reveal":
            return not self.revealed  # "space Show back" leaves the footer once flipped
        return True

    def action_grade(self, knew: bool) -> None:
        self.query_one("#self-grade-keys").display = False
        self.post_message(Answered(knew))


def answer_input(card: Card, order: tuple[int, ...] = (), back: str | None = None) -> Widget:
    """The input widget for the response kind of `card`'s type; `order` is the display
    order of its shuffled field (original indices; identity when empty); `back` is a
    flashcard's back as shown (placeholders filled), its raw back when not given."""
    kind = card_type(card)
    items: tuple[str, ...] = getattr(card, kind.shuffled) if kind.shuffled else ()
    order = order or tuple(range(len(items)))
    shown = [items[i] for i in order]
    if kind.response_kind == "choice" and kind.fixed_choices:
        labels, values = zip(*kind.fixed_choices, strict=True)
        return ChoiceAnswer(list(labels), list(values), letters=True)
    if kind.response_kind == "choice":
        return ChoiceAnswer(shown, list(shown))
    if kind.response_kind == "multi":
        return MultiAnswer(shown)
    if kind.response_kind == "order":
        return OrderAnswer(items, order)
    if kind.response_kind == "self":
        return SelfGrade(card.answer_text() if back is None else back)
    return TextAnswer(kind.placeholder)
