"""Validation of a card's engine link: the experiment exists and every parameter, and
every value a randomised card can draw, lies in the experiment's declared bounds."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engine import registry
from studyapp.deck import fields
from studyapp.deck.fields import Where, did_you_mean, is_number, is_scalar, short, type_name
from studyapp.deck.model import EngineLink, RandomParam

ENGINE_KEYS = ("experiment", "params", "answer")
RANDOM_KEYS = ("min", "max", "choices")

if TYPE_CHECKING:
    from studyapp.deck.cards.base import CardType
    from studyapp.deck.collector import IssueCollector


def engine(
    issues: IssueCollector, table: Mapping[str, Any], where: Where, kind: CardType | None
) -> EngineLink | None:
    """The card's [card.engine] link (None if absent or unreadable); `kind` is the
    card's type when known (only some types take `engine.answer`)."""
    if "engine" not in table:
        return None
    value = table["engine"]
    at = (*where, "engine")
    if not isinstance(value, dict):
        issues.error(at, 'engine must be a table: write [card.engine] with experiment = "..."')
        return None
    fields.unknown_keys(issues, value, at, ENGINE_KEYS, "[card.engine]")
    name = fields.text(
        issues, value, "experiment", at, required=True, example="bptt.gradient_check"
    )
    params = value.get("params", {})
    if not isinstance(params, dict):
        issues.error(
            (*at, "params"),
            f"params must be a table, not {type_name(params)}; write: params = {{ steps = 5 }}",
        )
        params = {}
    answer = fields.text(issues, value, "answer", at, required=False, example="scalar_name")
    if answer is not None and kind is not None and not kind.engine_answer:
        issues.error(
            (*at, "answer"),
            f"engine.answer names the scalar answer of numeric cards; "
            f"remove it from this {kind.name} card",
        )
    if name is None:
        return None
    experiment = known_experiment(issues, name, (*at, "experiment"))
    if experiment is not None:
        for key, given in params.items():
            param_value(issues, experiment, key, given, (*at, "params", key))
    return EngineLink(experiment=name, params=dict(params), answer=answer)


def known_experiment(issues: IssueCollector, name: str, where: Where) -> registry.Experiment | None:
    try:
        return registry.get(name)
    except registry.UnknownExperiment as exc:
        near = f"; did you mean {' or '.join(exc.suggestions)}?" if exc.suggestions else ""
        issues.error(
            where,
            f"unknown experiment {short(name)}{near} (`python -m engine list` shows every name)",
        )
        return None


def param_value(
    issues: IssueCollector, experiment: registry.Experiment, key: str, value: Any, where: Where
) -> bool:
    known = [p.name for p in experiment.params]
    if key not in known:
        hint = did_you_mean(key, known) or f"; its parameters are {', '.join(known) or 'none'}"
        issues.error(
            where, f"experiment {short(experiment.name)} has no parameter {short(key)}{hint}"
        )
        return False
    param = experiment.param(key)
    memo = (experiment.name, key, type(value), value if is_scalar(value) else id(value))
    if memo in issues.valid_params:
        return True
    try:
        param.coerce(experiment.name, value)
        issues.valid_params.add(memo)
    except registry.ParamError:
        unit = f" {param.unit}" if param.unit else ""
        issues.error(
            where,
            f"{key} = {short(value)} is outside what {short(experiment.name)} allows: "
            f"write {param.allowed()}{unit}",
        )
        return False
    return True


def random_params(
    issues: IssueCollector, table: Mapping[str, Any], where: Where, link: EngineLink | None
) -> tuple[RandomParam, ...]:
    if "random" not in table:
        return ()
    value = table["random"]
    at = (*where, "random")
    if not isinstance(value, dict):
        issues.error(at, "random must be a table: write [card.random] with name = { min, max }")
        return ()
    if link is None:
        issues.error(at, "random parameters feed the engine: add [card.engine] first")
        return ()
    try:
        experiment = registry.get(link.experiment)
    except registry.UnknownExperiment:
        return ()  # already reported at engine.experiment
    params: list[RandomParam] = []
    for name, spec in value.items():
        param = random_param(issues, experiment, name, spec, (*at, name))
        if param is not None:
            params.append(param)
    return tuple(params)


def random_param(
    issues: IssueCollector, experiment: registry.Experiment, name: str, spec: Any, where: Where
) -> RandomParam | None:
    example = f"{name} = {{ min = 0.5, max = 1.5 }} or {name} = {{ choices = [10, 20] }}"
    if not isinstance(spec, dict):
        issues.error(where, f"random {name} must be a table; write: {example}")
        return None
    fields.unknown_keys(issues, spec, where, RANDOM_KEYS, f"random {name}")
    if name not in [p.name for p in experiment.params]:
        known = [p.name for p in experiment.params]
        hint = did_you_mean(name, known) or f"; its parameters are {', '.join(known)}"
        issues.error(
            where, f"experiment {short(experiment.name)} has no parameter {short(name)}{hint}"
        )
        return None
    param = experiment.param(name)
    if "choices" in spec:
        if "min" in spec or "max" in spec:
            issues.error(where, f"give either choices or min/max for {name}, not both")
            return None
        choices = spec["choices"]
        if not isinstance(choices, list) or not choices:
            issues.error(where, f"choices of {name} must be a non-empty list; write: {example}")
            return None
        if len(choices) > issues.limits.max_list:
            issues.error(where, f"choices of {name} has more than {issues.limits.max_list} items")
            return None
        if not all(param_value(issues, experiment, name, c, where) for c in choices):
            return None
        return RandomParam(name=name, choices=tuple(choices))
    low: Any = spec.get("min")
    high: Any = spec.get("max")
    if not (is_number(low) and is_number(high) and math.isfinite(low) and math.isfinite(high)):
        issues.error(where, f"random {name} needs finite numbers min and max; write: {example}")
        return None
    if not low < high:
        issues.error(where, f"random {name}: min ({low}) must be below max ({high})")
        return None
    integer = isinstance(low, int) and isinstance(high, int)
    if param.kind is int and not integer:
        issues.error(where, f"{name} is a whole number: write min and max without decimals")
        return None
    if param.kind not in (int, float) or param.choices is not None:
        issues.error(where, f"{name} is not a number range: use {name} = {{ choices = [...] }}")
        return None
    if not (
        param_value(issues, experiment, name, low, where)
        and param_value(issues, experiment, name, high, where)
    ):
        return None
    return RandomParam(name=name, minimum=low, maximum=high, integer=integer)
