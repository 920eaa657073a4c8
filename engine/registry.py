"""The one whitelist of experiments decks and users may run.

An experiment is a function returning a `Report`, registered with typed, bounded
parameters. `run(name, params)` validates every parameter first, so no deck or user
can ask for unbounded work. Names and modules are fixed in code: nothing from a deck
is ever imported, evaluated or executed.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping
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
    "engine.experiments.complexity",
    "engine.experiments.rtrl_cost",
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
        super().__init__(f"{experiment}: parameter {param}={value!r} is invalid: {allowed}")


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
        """Return `value` as this parameter's type, or raise ParamError.

        Strings (from the command line) are converted; bools are never taken as
        numbers; ints are accepted for floats; non-finite floats are refused.
        """
        converted = _convert(self.kind, value)
        if converted is None or not self._admits(converted):
            raise ParamError(experiment, self.name, value, self.allowed())
        return converted

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
    """`value` converted to `kind`, or None when it cannot be (no eval, ever)."""
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.lower() in ("true", "1", "yes")
        return None
    if kind is int:
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                return None
        return None
    if kind is float:
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                return None
        else:
            return None
        return number if math.isfinite(number) else None
    if kind is str:
        return value if isinstance(value, str) else None
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
        """All parameters, defaults filled in, each checked against its bounds."""
        given = dict(params or {})
        known = {p.name for p in self.params}
        for key in given:
            if key not in known:
                near = close_matches(key, sorted(known), n=3)
                hint = f"did you mean {' or '.join(near)}?" if near else ""
                allowed = "unknown parameter; known: " + (", ".join(sorted(known)) or "none")
                raise ParamError(self.name, key, given[key], f"{allowed}. {hint}".strip())
        return {
            p.name: p.coerce(self.name, given[p.name]) if p.name in given else p.default
            for p in self.params
        }


_REGISTRY: dict[str, Experiment] = {}
_loaded = False


def experiment(
    name: str,
    *,
    topic: str,
    summary: str,
    params: tuple[Param, ...] = (),
    long: bool = False,
) -> Callable[[Callable[..., Report]], Callable[..., Report]]:
    """Decorator registering `func(**params) -> Report` under `name`."""

    def register(func: Callable[..., Report]) -> Callable[..., Report]:
        if name in _REGISTRY:
            raise RuntimeError(f"experiment {name!r} registered twice")
        for p in params:
            p.coerce(name, p.default)  # a default outside its own bounds is a bug
        _REGISTRY[name] = Experiment(name, topic, summary, tuple(params), func, long)
        return func

    return register


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in EXPERIMENT_MODULES:
            importlib.import_module(module)
        _loaded = True


def names() -> list[str]:
    """Every registered experiment name, sorted."""
    _load()
    return sorted(_REGISTRY)


def all_experiments() -> list[Experiment]:
    _load()
    return [_REGISTRY[n] for n in sorted(_REGISTRY)]


def suggest(name: str, n: int = 3) -> list[str]:
    """The registered names nearest to `name`."""
    return close_matches(name, names(), n=n, cutoff=0.5)


def get(name: str) -> Experiment:
    """The experiment called `name`, or UnknownExperiment with suggestions."""
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownExperiment(name, suggest(name)) from None


def validate(name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Check `params` for experiment `name`; returns them with defaults filled in."""
    return get(name).validate(params)


def run(
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
    exp = get(name)
    values = exp.validate(params)
    if exp.long:
        values["progress"] = progress or (lambda fraction, message: None)
        values["cancel"] = cancel or (lambda: False)
    return exp.func(**values)
