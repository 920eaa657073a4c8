"""The solver: any registered experiment, a generated parameter form, live re-runs.

Nothing runs while a parameter is invalid; a valid edit re-runs after a short pause
(`RERUN_DELAY` seconds, restarted by each keystroke).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import groupby
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from engine import registry
from engine.registry import Experiment
from studyapp.ui.widgets.engine_panel import EnginePanel
from studyapp.ui.widgets.param_form import ParamForm

RERUN_DELAY = 0.4


# Characters of a name that fit the 30-column sidebar (border, padding, scrollbar, indent).
LIST_TEXT_WIDTH = 21


def short_name(experiment: Experiment, width: int = LIST_TEXT_WIDTH) -> str:
    """The name under its topic heading: without the `topic.` prefix, cut with `…` to
    `width` characters so it never wraps."""
    name = experiment.name.removeprefix(f"{experiment.topic}.")
    return name if len(name) <= width else name[: width - 1] + "…"


def experiment_options(experiments: Sequence[Experiment]) -> list[Option]:
    """Topic headings (disabled) followed by their experiments' short names, by topic."""
    options: list[Option] = []
    ordered = sorted(experiments, key=lambda e: (e.topic, e.name))
    for topic, members in groupby(ordered, key=lambda e: e.topic):
        options.append(Option(Content(topic.upper()), disabled=True))
        options.extend(Option(Content(f"  {short_name(e)}"), id=e.name) for e in members)
    return options


class SolverScreen(Screen):
    """Experiment list on the left; parameters and the engine panel on the right."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+r", "run", "Run"),
        Binding("ctrl+t", "stop", "Stop"),
    ]

    def __init__(
        self,
        experiments: Sequence[Experiment],
        experiment: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.experiments = list(experiments)
        self.start = experiment
        self.start_params = dict(params or {})
        self._rerun: Timer | None = None
        self._values: dict[str, Any] | None = None
        self.current: Experiment | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="solver"):
            yield OptionList(*experiment_options(self.experiments), id="solver-list")
            # No focus stops of their own: tab goes from the list straight to the first
            # parameter, and page keys scroll from any field inside.
            with VerticalScroll(id="solver-main", can_focus=False):
                yield Label("", id="solver-title", markup=False)
                yield Static("", id="solver-summary", markup=False)
                yield VerticalScroll(id="solver-form", can_focus=False)
                yield Static("", id="solver-status", markup=False)
                yield EnginePanel(id="solver-engine")
        yield Footer()

    async def on_mount(self) -> None:
        self.sub_title = "solver"
        names = [e.name for e in self.experiments]
        first = self.start if self.start in names else (names[0] if names else None)
        if first is None:
            self.query_one("#solver-status", Static).update("no experiments are registered")
            return
        option_list = self.query_one("#solver-list", OptionList)
        option_list.highlighted = option_list.get_option_index(first)
        await self.choose(first, self.start_params if first == self.start else {})

    async def choose(self, name: str, params: Mapping[str, Any] | None = None) -> None:
        """Show experiment `name` with `params` (defaults for the rest) and run it."""
        experiment = registry.get(name)
        self.current = experiment
        self.query_one("#solver-title", Label).update(experiment.name)
        long = " (long: shows progress, ctrl+t stops it)" if experiment.long else ""
        self.query_one("#solver-summary", Static).update(experiment.summary + long)
        holder = self.query_one("#solver-form")
        await holder.remove_children()
        form = ParamForm(experiment, params, id="param-form")
        await holder.mount(form)
        values, errors = form.read()
        self._apply(values, errors)

    @on(OptionList.OptionSelected, "#solver-list")
    async def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None and (
            self.current is None or event.option.id != self.current.name
        ):
            await self.choose(event.option.id)

    @on(ParamForm.Changed)
    def _edited(self, event: ParamForm.Changed) -> None:
        if event.values is None:
            self._apply({}, event.errors)
            return
        if self._values == event.values:
            return  # nothing changed (e.g. the fields announcing their first value)
        self._values = event.values
        self._set_status("")
        if self._rerun is not None:
            self._rerun.stop()
        self._rerun = self.set_timer(RERUN_DELAY, self.action_run)

    def _apply(self, values: dict[str, Any], errors: dict[str, str]) -> None:
        """Run now when valid; otherwise stop, mark the errors and run nothing."""
        if self._rerun is not None:
            self._rerun.stop()
            self._rerun = None
        if errors:
            self._values = None
            self.query_one(EnginePanel).cancel(quiet=True)
            self._set_status("not run: " + "; ".join(errors.values()))
            self.query_one("#solver-status").add_class("-invalid")
            return
        self._values = values
        self._set_status("")
        self.action_run()

    def action_run(self) -> None:
        """Run the current experiment with the form's values (only when all are valid)."""
        self._rerun = None
        if self.current is None or self._values is None:
            return
        self.query_one(EnginePanel).run(self.current.name, self._values)

    def action_stop(self) -> None:
        self.query_one(EnginePanel).cancel()

    def _set_status(self, text: str) -> None:
        status = self.query_one("#solver-status", Static)
        status.update(text)
        status.remove_class("-invalid")
