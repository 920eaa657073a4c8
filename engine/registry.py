"""The one whitelist of experiments decks and users may run.

An experiment is a function returning a `Report`, registered with typed, bounded
parameters in a `Registry`; the module-level functions are the API of the default
registry of bundled experiments. `run(name, params)` validates every typed parameter
first (a string is never taken for a number or a bool), so no deck or user can ask for
unbounded work; `parse` converts command-line text before the same checks. Names and
modules are fixed in code: nothing from a deck is ever imported, evaluated or executed.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.report import Report
from engine.suggest import close_matches

# Modules that register experiments when imported (fixed, code-owned list).
EXPERIMENT_MODULES: tuple[str, ...] = (
    "engine.experiments.bptt",
    "engine.experiments.chain_rule",
    "engine.experiments.symbolic",
    "engine.experiments.vanishing",
    "engine.experiments.clipping",
    "engine.experiments.threshold",
    "engine.experiments.complexity",
    "engine.experiments.rtrl_cost",
    "engine.experiments.bptt_memory",
    "engine.experiments.stacked",
    "engine.experiments.teacher_forcing",
    "engine.experiments.gated",
    "engine.experiments.regulariser",
)

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]


class ExperimentError(ValueError):
    """Base of every error the registry reports to a user."""


class UnknownExperiment(ExperimentError):
    """The name is not registered; `suggestions` holds the nearest names."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown experiment {name!r}{hint}")


class ParamError(ExperimentError):
    """A parameter is unknown, of the wrong type or outside its allowed range."""

    def __init__(self, experiment: str, param: str, value: Any, allowed: str):
        self.experiment = experiment
        self.param = param
        self.value = value
        self.allowed = allowed
        shown = shown_value(value)
        name = param if len(param) <= MAX_SHOWN else param[: MAX_SHOWN - 1] + "…"
        super().__init__(f"{experiment}: parameter {name}={shown} is invalid: {allowed}")


MAX_SHOWN = 60  # characters of a refused value quoted back in an error


def shown_value(value: Any) -> str:
    """repr(value) cut to MAX_SHOWN characters; an int too long to print is described
    by its size (repr would raise for more than 4300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"<integer of about {int(value.bit_length() * 0.30103) + 1} digits>"
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


class Cancelled(ExperimentError):
    """A long experiment stopped because its cancel flag was raised."""


@dataclass(frozen=True)
class Param:
    """One experiment parameter: type, default, bounds or choices, help and unit."""

    name: str
    kind: type  # int, float, str or bool
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] | None = None
    unit: str = ""

    def allowed(self) -> str:
        """Human-readable description of the allowed values."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind is bool:
            return "true or false"
        lo = "-inf" if self.minimum is None else self._bound(self.minimum)
        hi = "inf" if self.maximum is None else self._bound(self.maximum)
        return f"{self.kind.__name__} in [{lo}, {hi}]"

    def _bound(self, value: float) -> str:
        """Integer bounds in full (2147483647, not 2.14748e+09); floats in %g."""
        return str(int(value)) if self.kind is int else f"{value:g}"

    def coerce(self, experiment: str, value: Any) -> Any:
        """Return a typed `value` (from TOML, JSON or code) as this parameter's type, or
        raise ParamError naming the expected type.

        Bools are never taken as numbers, ints are accepted for floats, integral floats
        for ints, non-finite floats are refused, and strings are refused for every
        non-string type (text from a command line goes through `parse`).
        """
        converted = _convert(self.kind, value)
        if converted is None:
            raise ParamError(experiment, self.name, value, self._wrong_type(value))
        if not self._admits(converted):
            raise ParamError(experiment, self.name, value, self.allowed())
        return converted

    def parse(self, experiment: str, text: str) -> Any:
        """Command-line text converted to this parameter's type, then checked as `coerce`."""
        converted = _from_text(self.kind, text)
        if converted is None or not self._admits(converted):
            raise ParamError(experiment, self.name, text, self.allowed())
        return self.coerce(experiment, converted)

    def _wrong_type(self, value: Any) -> str:
        """The refusal of a value of the wrong type, naming both types."""
        return f"expected {self.kind.__name__}, got {type(value).__name__}; {self.allowed()}"

    def _admits(self, converted: Any) -> bool:
        """True when a value of the right type lies in the choices or the bounds."""
        if self.choices is not None:
            return converted in self.choices
        if self.kind in (int, float):
            if self.minimum is not None and converted < self.minimum:
                return False
            if self.maximum is not None and converted > self.maximum:
                return False
        return True


def _convert(kind: type, value: Any) -> Any:
    """A typed `value` as `kind`, or None when it is not of that type."""
    if kind is bool:
        return value if isinstance(value, bool) else None
    if isinstance(value, bool):
        return None
    if kind is int:
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return None
    if kind is float:
        if not isinstance(value, (int, float)):
            return None
        try:
            number = float(value)
        except OverflowError:  # an int beyond the float range
            return None
        return number if math.isfinite(number) else None
    if kind is str:
        return value if isinstance(value, str) else None
    return None


MAX_TEXT_DIGITS = 50  # a command-line number longer than this is refused before conversion


def _from_text(kind: type, text: str) -> Any:
    """Command-line `text` converted to `kind` (no eval, ever), or None when it cannot be."""
    if not isinstance(text, str):
        return None
    word = text.strip()
    if kind is str:
        return text
    if kind is bool:
        lowered = word.lower()
        if lowered in ("true", "false", "1", "0", "yes", "no"):
            return lowered in ("true", "1", "yes")
        return None
    if len(word) > MAX_TEXT_DIGITS:
        return None
    try:
        return int(word) if kind is int else float(word) if kind is float else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Experiment:
    """A registered computation. `long` ones get `progress` and `cancel` callbacks."""

    name: str
    topic: str
    summary: str
    params: tuple[Param, ...]
    func: Callable[..., Report] = field(repr=False)
    long: bool = False

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def validate(self, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """All parameters, defaults filled in, each typed value checked against its bounds."""
        given = self._known(params or {})
        return {
            p.name: p.coerce(self.name, given[p.name]) if p.name in given else p.default
            for p in self.params
        }

    def parse(self, texts: Mapping[str, str]) -> dict[str, Any]:
        """Like `validate`, for text values from a command line (converted first)."""
        given = self._known(texts)
        return {
            p.name: p.parse(self.name, given[p.name]) if p.name in given else p.default
            for p in self.params
        }

    def _known(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """`given` as a dict, or ParamError naming the first unknown key and the known ones."""
        known = {p.name for p in self.params}
        for key in given:
            if key not in known:
                near = close_matches(str(key), sorted(known), n=3)
                hint = f"did you mean {' or '.join(near)}?" if near else ""
                allowed = "unknown parameter; known: " + (", ".join(sorted(known)) or "none")
                raise ParamError(self.name, key, given[key], f"{allowed}. {hint}".strip())
        return dict(given)


class Registry:
    """A set of experiments by name. Those of `modules` are imported on first use (the
    modules register into the default registry through the `experiment` decorator);
    a Registry built without modules holds only what is added to it."""

    def __init__(self, modules: Sequence[str] = (), experiments: Iterable[Experiment] = ()):
        self._experiments: dict[str, Experiment] = {}
        self._modules = tuple(modules)
        self._loaded = not self._modules
        for exp in experiments:
            self.add(exp)

    def add(self, exp: Experiment) -> None:
        """Register `exp`; a name registered twice or a default outside its bounds is a bug."""
        if exp.name in self._experiments:
            raise RuntimeError(f"experiment {exp.name!r} registered twice")
        for p in exp.params:
            p.coerce(exp.name, p.default)
        self._experiments[exp.name] = exp

    def experiment(
        self,
        name: str,
        *,
        topic: str,
        summary: str,
        params: tuple[Param, ...] = (),
        long: bool = False,
    ) -> Callable[[Callable[..., Report]], Callable[..., Report]]:
        """Decorator registering `func(**params) -> Report` under `name`."""

        def register(func: Callable[..., Report]) -> Callable[..., Report]:
            self.add(Experiment(name, topic, summary, tuple(params), func, long))
            return func

        return register

    def copy(self) -> Registry:
        """A new registry holding the same experiments (loaded first): add to it freely."""
        return Registry(experiments=self.all_experiments())

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            for module in self._modules:
                importlib.import_module(module)

    def names(self) -> list[str]:
        """Every registered experiment name, sorted."""
        self._load()
        return sorted(self._experiments)

    def all_experiments(self) -> list[Experiment]:
        return [self._experiments[n] for n in self.names()]

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The registered names nearest to `name`."""
        return close_matches(name, self.names(), n=n, cutoff=0.5)

    def get(self, name: str) -> Experiment:
        """The experiment called `name`, or UnknownExperiment with suggestions."""
        self._load()
        try:
            return self._experiments[name]
        except KeyError:
            raise UnknownExperiment(name, self.suggest(name)) from None

    def validate(self, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Check typed `params` for experiment `name`; returns them with defaults filled in."""
        return self.get(name).validate(params)

    def parse(self, name: str, texts: Mapping[str, str]) -> dict[str, Any]:
        """Command-line text values for experiment `name` converted to their types and
        checked; returns them with defaults filled in."""
        return self.get(name).parse(texts)

    def run(
        self,
        name: str,
        params: Mapping[str, Any] | None = None,
        *,
        progress: ProgressFn | None = None,
        cancel: CancelFn | None = None,
    ) -> Report:
        """Validate `params`, then run experiment `name` and return its Report.

        Long experiments receive `progress(fraction, message)` and `cancel()`; when
        `cancel()` turns true they raise Cancelled.
        """
        exp = self.get(name)
        values = exp.validate(params)
        if exp.long:
            values["progress"] = progress or (lambda fraction, message: None)
            values["cancel"] = cancel or (lambda: False)
        return exp.func(**values)


# The registry of the bundled experiments; the functions below are its API.
default_registry = Registry(EXPERIMENT_MODULES)


def experiment(
    name: str,
    *,
    topic: str,
    summary: str,
    params: tuple[Param, ...] = (),
    long: bool = False,
) -> Callable[[Callable[..., Report]], Callable[..., Report]]:
    """Decorator registering `func(**params) -> Report` in the default registry."""
    return default_registry.experiment(name, topic=topic, summary=summary, params=params, long=long)


def names() -> list[str]:
    """Every experiment name of the default registry, sorted."""
    return default_registry.names()


def all_experiments() -> list[Experiment]:
    return default_registry.all_experiments()


def suggest(name: str, n: int = 3) -> list[str]:
    return default_registry.suggest(name, n)


def get(name: str) -> Experiment:
    return default_registry.get(name)


def validate(name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return default_registry.validate(name, params)


def parse(name: str, texts: Mapping[str, str]) -> dict[str, Any]:
    return default_registry.parse(name, texts)


def run(
    name: str,
    params: Mapping[str, Any] | None = None,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> Report:
    """`Registry.run` on the default registry."""
    return default_registry.run(name, params, progress=progress, cancel=cancel)
