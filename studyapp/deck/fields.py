"""Typed readers for parsed TOML values that report each problem at its file:line:col.

Every reader is a function of the file's `IssueCollector` and returns the value, or
None after reporting there why it is unusable and what to write instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from engine.suggest import close_matches

if TYPE_CHECKING:
    from studyapp.deck.collector import IssueCollector

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


@dataclass(frozen=True)
class Limits:
    """Sizes that keep hostile decks harmless."""

    max_bytes: int = 1024 * 1024
    max_cards: int = 2000
    max_string: int = 20_000
    max_list: int = 100


Where = tuple[str | int, ...]


def type_name(value: Any) -> str:
    """The TOML kind of `value`, with an article, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (datetime, date, time)):
        return "a date/time"
    return type(value).__name__


def is_number(value: Any) -> bool:
    """Whether `value` is a TOML integer or float (booleans are not numbers)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def short(value: Any, limit: int = 60) -> str:
    """repr(value), cut to `limit` characters so hostile values keep messages short."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_scalar(value: Any) -> bool:
    """Whether `value` is a TOML string, number or boolean."""
    return isinstance(value, (str, int, float, bool))


def did_you_mean(word: str, options: list[str] | tuple[str, ...]) -> str:
    """A "; did you mean ...?" suffix naming the options close to `word`, or ""."""
    near = close_matches(word, options, n=2, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(n) for n in near)}?" if near else ""


# ---- typed readers: each returns None (after reporting) when the value is unusable


def unknown_keys(
    issues: IssueCollector,
    table: Mapping[str, Any],
    where: Where,
    allowed: tuple[str, ...],
    what: str,
) -> None:
    """An error for every key of `table` not in `allowed` (with a did-you-mean)."""
    for key in table:
        if key not in allowed:
            hint = did_you_mean(key, allowed) or f"; allowed keys: {', '.join(allowed)}"
            issues.error((*where, key), f"unknown key {short(key)} in {what}{hint}")


def text(
    issues: IssueCollector,
    table: Mapping[str, Any],
    key: str,
    where: Where,
    *,
    required: bool,
    example: str = "...",
    allow_empty: bool = False,
) -> str | None:
    if key not in table:
        if required:
            issues.error(where, f'missing {short(key)}; add: {key} = "{example}"')
        return None
    value = table[key]
    if not isinstance(value, str):
        issues.error(
            (*where, key),
            f'{key} must be text in quotes, not {type_name(value)}; write: {key} = "{example}"',
        )
        return None
    return checked_string(issues, value, (*where, key), key, allow_empty=allow_empty)


def checked_string(
    issues: IssueCollector, value: str, where: Where, what: str, *, allow_empty: bool = False
) -> str | None:
    if len(value) > issues.limits.max_string:
        issues.error(
            where,
            f"{what} is {len(value):,} characters long; the limit is "
            f"{issues.limits.max_string:,}: shorten it or split the card",
        )
        return None
    if not allow_empty and not value.strip():
        issues.error(where, f"{what} is empty; write the text between the quotes")
        return None
    return value


def string_list(
    issues: IssueCollector,
    table: Mapping[str, Any],
    key: str,
    where: Where,
    *,
    required: bool,
    min_items: int = 0,
    distinct: bool = False,
    example: str = '["...", "..."]',
) -> tuple[str, ...] | None:
    if key not in table:
        if required:
            issues.error(where, f"missing {short(key)}; add: {key} = {example}")
        return None
    value = table[key]
    at = (*where, key)
    if not isinstance(value, list):
        issues.error(
            at,
            f"{key} must be a list of texts, not {type_name(value)}; write: {key} = {example}",
        )
        return None
    if len(value) > issues.limits.max_list:
        issues.error(at, f"{key} has {len(value)} items; the limit is {issues.limits.max_list}")
        return None
    longest = issues.limits.max_string
    if all(type(item) is str and 0 < len(item) <= longest for item in value):
        items = value  # the common case: only the blank-item check remains
        ok = all(item.strip() for item in items) or blank_item(issues, items, key, at)
    else:
        items, ok = checked_items(issues, value, key, at)
    if not ok:
        return None
    if len(items) < min_items:
        issues.error(at, f"{key} needs at least {min_items} items, has {len(items)}")
        return None
    if distinct and len(set(items)) < len(items):
        seen: set[str] = set()
        for item in items:
            if item in seen:
                issues.error(at, f"{key} lists {short(item)} twice; every item must be different")
                return None
            seen.add(item)
    return tuple(items)


def blank_item(issues: IssueCollector, items: list[str], key: str, where: Where) -> bool:
    position = next(n for n, item in enumerate(items, 1) if not item.strip())
    issues.error(where, f"item {position} of {key} is empty; write the text between the quotes")
    return False


def checked_items(
    issues: IssueCollector, value: list[Any], key: str, at: Where
) -> tuple[list[str], bool]:
    """The items of a list that must hold only non-empty texts, and whether all do."""
    items: list[str] = []
    ok = True
    for position, item in enumerate(value, 1):
        if not isinstance(item, str):
            issues.error(
                at, f"item {position} of {key} is {type_name(item)}; put every item in quotes"
            )
            ok = False
        elif checked_string(issues, item, at, f"item {position} of {key}") is None:
            ok = False
        else:
            items.append(item)
    return items, ok


def boolean(
    issues: IssueCollector, table: Mapping[str, Any], key: str, where: Where, *, required: bool
) -> bool | None:
    if key not in table:
        if required:
            issues.error(where, f"missing {short(key)}; add: {key} = true (or false)")
        return None
    value = table[key]
    if not isinstance(value, bool):
        quoted = " (no quotes)" if isinstance(value, str) else ""
        issues.error(
            (*where, key),
            f"{key} must be true or false{quoted}, not {type_name(value)}; write: {key} = true",
        )
        return None
    return value


def number(
    issues: IssueCollector,
    table: Mapping[str, Any],
    key: str,
    where: Where,
    *,
    minimum: float | None = None,
) -> float | None:
    if key not in table:
        return None
    value = table[key]
    at = (*where, key)
    if not is_number(value):
        issues.error(at, f"{key} must be a number (no quotes), not {type_name(value)}")
        return None
    if not math.isfinite(value):
        issues.error(at, f"{key} must be a finite number, not {value}")
        return None
    if minimum is not None and value < minimum:
        issues.error(at, f"{key} must be at least {minimum:g}, not {value:g}")
        return None
    return float(value)


def integer(
    issues: IssueCollector, table: Mapping[str, Any], key: str, where: Where, *, low: int, high: int
) -> int | None:
    if key not in table:
        return None
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        issues.error(
            (*where, key),
            f"{key} must be a whole number from {low} to {high}, not {short(value)}",
        )
        return None
    return value


def identifier(
    issues: IssueCollector, table: Mapping[str, Any], key: str, where: Where
) -> str | None:
    value = text(issues, table, key, where, required=True, example="my-id")
    if value is None:
        return None
    if not ID_PATTERN.fullmatch(value):
        issues.error(
            (*where, key),
            f"{key} {short(value)} is not a valid id: use lower-case letters, digits, '-' and "
            "'_', starting with a letter or digit, at most 64 characters (e.g. "
            '"clip-norm-1")',
        )
        return None
    return value
