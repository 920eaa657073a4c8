"""A parameter form generated from an experiment's registry entry.

Numbers and strings are Inputs validated by the registry's own `Param.parse` (so the
form and `registry.run` can never disagree); choices are Selects; booleans are Switches.
Every edit posts `ParamForm.Changed` with the values, or with the errors when invalid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static, Switch

from engine.registry import Experiment, Param, ParamError


class ParamValidator(Validator):
    """Valid when `Param.parse` accepts the text (type, bounds, choices)."""

    def __init__(self, experiment: str, param: Param) -> None:
        super().__init__()
        self.experiment = experiment
        self.param = param

    def validate(self, value: str) -> ValidationResult:
        try:
            self.param.parse(self.experiment, value)
        except ParamError:
            return self.failure(f"{self.param.name}: must be {self.param.allowed()}")
        return self.success()


def describe(param: Param) -> str:
    """One help line: what the parameter means, what is allowed, its unit."""
    unit = f" [{param.unit}]" if param.unit else ""
    return f"{param.help} — {param.allowed()}{unit}"


class ParamForm(Vertical):
    """One row per parameter, with help text and an error line under invalid inputs."""

    @dataclass
    class Changed(Message):
        """The form was edited: `values` when every field is valid, else `errors`."""

        form: ParamForm
        values: dict[str, Any] | None
        errors: dict[str, str] = field(default_factory=dict)

    def __init__(
        self,
        experiment: Experiment,
        initial: Mapping[str, Any] | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.experiment = experiment
        self.initial = {**experiment.defaults(), **dict(initial or {})}

    def compose(self) -> ComposeResult:
        for param in self.experiment.params:
            value = self.initial[param.name]
            with Horizontal(classes="param-row"):
                yield Label(param.name, classes="param-name", markup=False)
                yield self._field(param, value)
            yield Static(describe(param), markup=False, classes="param-help")
            yield Static("", markup=False, classes="param-error", id=f"error-{param.name}")

    def _field(self, param: Param, value: Any) -> Input | Select | Switch:
        widget_id = f"param-{param.name}"
        if param.kind is bool:
            return Switch(value=bool(value), id=widget_id)
        if param.choices is not None:
            options = [(str(choice), choice) for choice in param.choices]
            return Select(options, value=value, allow_blank=False, compact=True, id=widget_id)
        return Input(
            value=str(value),
            validators=[ParamValidator(self.experiment.name, param)],
            validate_on=["changed", "submitted"],
            compact=True,
            id=widget_id,
        )

    def read(self) -> tuple[dict[str, Any], dict[str, str]]:
        """(values, errors): every parameter coerced by the registry, or why not."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for param in self.experiment.params:
            raw = self.query_one(f"#param-{param.name}").value
            try:
                values[param.name] = (param.parse if isinstance(raw, str) else param.coerce)(
                    self.experiment.name, raw
                )
            except ParamError:
                errors[param.name] = f"{param.name}: must be {param.allowed()}"
        return values, errors

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Switch.Changed)
    def _edited(self, event: Message) -> None:
        event.stop()
        values, errors = self.read()
        for param in self.experiment.params:
            line = self.query_one(f"#error-{param.name}", Static)
            line.update(errors.get(param.name, ""))
            line.set_class(param.name in errors, "-shown")
        self.post_message(self.Changed(self, None if errors else values, errors))
