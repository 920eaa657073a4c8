"""Settings: theme, quiz shuffling, desired retention, new cards per day and learning
steps, saved to the settings file (ctrl+s) and used from then on. Problems reading the
file at start (file:line, the default used) are listed at the top."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.validation import Function
from textual.widgets import Checkbox, Footer, Header, Input, Label, Select, Static

from studyapp.settings import Settings, check_setting
from studyapp.ui.plain import plain
from studyapp.ui.screens.quiz_options import switch_label

if TYPE_CHECKING:
    from studyapp.ui.context import StudyContext

SHUFFLE_CARDS = "Shuffle the cards of a quiz"
SHUFFLE_CHOICES = "Shuffle the choices of a card"


def parse_steps(text: str) -> list[float] | None:
    """`1, 10` or `1 10` -> [1.0, 10.0]; None when a part is not a number."""
    parts = text.replace(",", " ").split()
    try:
        return [float(part) for part in parts]
    except ValueError:
        return None


def steps_text(steps: tuple[float, ...]) -> str:
    """(1.0, 10.0) -> `1, 10`."""
    return ", ".join(f"{step:g}" for step in steps)


def number(text: str) -> float | int | None:
    """The number typed (int when whole digits), or None."""
    try:
        return int(text) if text.strip().lstrip("-").isdigit() else float(text)
    except ValueError:
        return None


# Input id -> (Settings field, the typed text as the file's value, the value as text)
FIELDS: dict[str, tuple[str, Any, Any]] = {
    "set-retention": ("desired_retention", number, lambda v: f"{v:g}"),
    "set-new-per-day": ("new_cards_per_day", number, str),
    "set-steps": ("learning_steps_minutes", parse_steps, steps_text),
}


def field_problem(input_id: str, text: str) -> str | None:
    """Why `text` typed in `input_id` is not a valid setting, or None."""
    attribute, read, _ = FIELDS[input_id]
    value = read(text)
    if value is None:
        return "not a number" if input_id != "set-steps" else "must be minutes, e.g. 1, 10"
    if attribute == "desired_retention" and isinstance(value, int):
        value = float(value)
    return check_setting(attribute, value)


def is_valid(input_id: str, text: str) -> bool:
    """Whether `text` typed in `input_id` is a valid setting (the Input's validator)."""
    return field_problem(input_id, text) is None


class SettingsScreen(Screen):
    """A form over the learner's settings; ctrl+s saves, escape goes back unsaved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+s", "save", "Save", priority=True),
    ]

    def __init__(self, context: StudyContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        settings = self.context.settings
        path = self.context.settings_path
        yield Header()
        with VerticalScroll(id="settings"):
            if self.context.settings_problems:
                yield Static(
                    plain(
                        "\n".join(
                            ["Problems in the settings file:", *self.context.settings_problems]
                        )
                    ),
                    markup=False,
                    id="settings-problems",
                )
            yield Label("Theme", classes="heading")
            yield Select(
                [(name, name) for name in self.context.theme_names()],
                value=settings.theme
                if settings.theme in self.context.theme_names()
                else Select.NULL,
                allow_blank=False,
                compact=True,
                id="set-theme",
            )
            yield Label("Quiz", classes="heading")
            yield Checkbox(
                switch_label(SHUFFLE_CARDS, settings.shuffle_cards),
                settings.shuffle_cards,
                id="set-shuffle-cards",
                compact=True,
            )
            yield Checkbox(
                switch_label(SHUFFLE_CHOICES, settings.shuffle_choices),
                settings.shuffle_choices,
                id="set-shuffle-choices",
                compact=True,
            )
            yield Label("Flashcards", classes="heading")
            for input_id, title in (
                (
                    "set-retention",
                    "Desired retention (0.70 - 0.99: the chance to recall a card when it is due)",
                ),
                ("set-new-per-day", "New cards per day (per deck, 0 - 9999)"),
                ("set-steps", "Learning steps in minutes (e.g. 1, 10; each under a day)"),
            ):
                attribute, _, show = FIELDS[input_id]
                yield Label(title, classes="settings-label")
                yield Input(
                    show(getattr(settings, attribute)),
                    id=input_id,
                    validators=[Function(partial(is_valid, input_id))],
                    valid_empty=False,
                    compact=True,
                )
                problem = Static(
                    "", id=f"{input_id}-problem", markup=False, classes="settings-problem"
                )
                problem.display = False
                yield problem
            where = (
                f"Saved to {path}"
                if path is not None
                else "No settings file: changes last this run"
            )
            yield Static(plain(where), markup=False, id="settings-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "settings"
        self.query_one("#set-theme", Select).focus()

    @on(Checkbox.Changed)
    def _switched(self, event: Checkbox.Changed) -> None:
        """Say on / off in the label: the box's state is not left to its colour alone."""
        name = SHUFFLE_CARDS if event.checkbox.id == "set-shuffle-cards" else SHUFFLE_CHOICES
        event.checkbox.label = switch_label(name, event.value)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        """Say what is wrong under a field as soon as it is typed."""
        if event.input.id in FIELDS:
            problem = field_problem(event.input.id, event.value)
            shown = self.query_one(f"#{event.input.id}-problem", Static)
            shown.update(plain(problem or ""))
            shown.display = problem is not None

    def edited(self) -> tuple[Settings | None, list[str]]:
        """The settings in the form (None if a field is invalid) and each field's problem."""
        problems = []
        values: dict[str, Any] = {}
        for input_id, (attribute, read, _) in FIELDS.items():
            text = self.query_one(f"#{input_id}", Input).value
            problem = field_problem(input_id, text)
            if problem is not None:
                problems.append(f"{attribute}: {problem}")
                continue
            value = read(text)
            values[attribute] = tuple(value) if isinstance(value, list) else value
        if problems:
            return None, problems
        values["desired_retention"] = float(values["desired_retention"])
        theme = self.query_one("#set-theme", Select).value
        return (
            replace(
                self.context.settings,
                theme=str(theme) if theme != Select.NULL else self.context.settings.theme,
                shuffle_cards=self.query_one("#set-shuffle-cards", Checkbox).value,
                shuffle_choices=self.query_one("#set-shuffle-choices", Checkbox).value,
                **values,
            ),
            [],
        )

    def action_save(self) -> None:
        """Save the form to the settings file and use it; refused while a field is wrong."""
        settings, problems = self.edited()
        status = self.query_one("#settings-status", Static)
        if settings is None:
            status.update(plain("Not saved: " + "; ".join(problems)))
            status.add_class("-invalid")
            return
        try:
            self.context.apply_settings(settings)
        except OSError as error:
            status.update(plain(f"Not saved: {error}"))
            status.add_class("-invalid")
            return
        status.remove_class("-invalid")
        path = self.context.settings_path
        status.update(
            plain(f"Saved to {path}" if path else "Applied for this run (no settings file)")
        )
        self.notify("Settings saved" if path else "Settings applied", markup=False)
