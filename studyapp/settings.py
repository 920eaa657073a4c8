"""The learner's settings, kept in `settings.toml` in the platform's user config folder.

    loaded = load_settings(settings_file(args.config))   # never raises on a bad file
    loaded.settings.new_cards_per_day                    # a valid value, else the default
    loaded.problems                                      # ["FILE:LINE: ... (default used)"]
    save_settings(replace(loaded.settings, theme="nord"), path)   # atomic: temp + rename
    ReviewScheduler(store, deck, **loaded.settings.scheduler_options())

A malformed file (bad TOML, a wrong type, a value out of range, an unknown key) is reported
with file:line and the default is used for what could not be read; a missing file is simply
all defaults. The file is plain TOML:

    theme = "textual-dark"
    desired_retention = 0.9          # 0.70 - 0.99, as in Anki
    new_cards_per_day = 20
    learning_steps_minutes = [1, 10] # each under one day
    fsrs_parameters = [...]          # optional: 21 fitted FSRS weights
    [quiz]
    shuffle_cards = true
    shuffle_choices = true
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import fsrs
import tomllib

from studyapp.paths import settings_file

__all__ = [
    "LoadedSettings",
    "Settings",
    "check_setting",
    "load_settings",
    "save_settings",
    "settings_file",
]


@dataclass(frozen=True)
class Settings:
    """Every persisted setting, with its default."""

    theme: str = "textual-dark"
    shuffle_cards: bool = True
    shuffle_choices: bool = True
    desired_retention: float = 0.9
    new_cards_per_day: int = 20
    learning_steps_minutes: tuple[float, ...] = (1.0, 10.0)
    fsrs_parameters: tuple[float, ...] | None = None

    def scheduler_options(self) -> dict[str, Any]:
        """Keyword arguments for `ReviewScheduler`: retention, daily new cards, steps and
        (if fitted) the FSRS parameters."""
        return {
            "desired_retention": self.desired_retention,
            "new_per_day": self.new_cards_per_day,
            "learning_steps": tuple(timedelta(minutes=m) for m in self.learning_steps_minutes),
            "parameters": self.fsrs_parameters,
        }


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    problems: list[str] = field(default_factory=list)


def _retention(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number"
    return None if 0.7 <= value <= 0.99 else "must be between 0.70 and 0.99"


def _per_day(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return "must be a whole number"
    return None if 0 <= value <= 9999 else "must be between 0 and 9999"


def _steps(value: Any) -> str | None:
    if not isinstance(value, list) or any(
        isinstance(v, bool) or not isinstance(v, int | float) for v in value
    ):
        return "must be a list of minutes, e.g. [1, 10]"
    return None if all(0 < v < 1440 for v in value) else "each step must be 0-1440 minutes"


def _parameters(value: Any) -> str | None:
    if not isinstance(value, list) or any(
        isinstance(v, bool) or not isinstance(v, int | float) for v in value
    ):
        return "must be a list of 21 numbers"
    try:
        fsrs.Scheduler(parameters=[float(v) for v in value])
    except ValueError as exc:
        return f"are not valid FSRS parameters ({exc})"
    return None


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _theme(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a theme name"


# (table, key) -> (Settings field, checker); table "" is the top level
_FIELDS = {
    ("", "theme"): ("theme", _theme),
    ("", "desired_retention"): ("desired_retention", _retention),
    ("", "new_cards_per_day"): ("new_cards_per_day", _per_day),
    ("", "learning_steps_minutes"): ("learning_steps_minutes", _steps),
    ("", "fsrs_parameters"): ("fsrs_parameters", _parameters),
    ("quiz", "shuffle_cards"): ("shuffle_cards", _boolean),
    ("quiz", "shuffle_choices"): ("shuffle_choices", _boolean),
}


def _line_of(text: str, key: str) -> int:
    """The 1-based line where `key = ...` is written (1 if not found)."""
    pattern = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def load_settings(path: Path) -> LoadedSettings:
    """The settings in `path`: defaults for a missing file, and for every value that is
    malformed (each reported as "FILE:LINE: problem (default used)")."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except (OSError, UnicodeDecodeError) as exc:
        return LoadedSettings(Settings(), [f"{path}: cannot be read ({exc}); defaults used"])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+)", str(exc))
        line = where.group(1) if where else "1"
        return LoadedSettings(Settings(), [f"{path}:{line}: not valid TOML ({exc}); defaults used"])
    values: dict[str, Any] = {}
    problems: list[str] = []
    flat = [("", k, v) for k, v in data.items() if not isinstance(v, dict)]
    for table, content in data.items():
        if isinstance(content, dict):
            flat.extend((table, k, v) for k, v in content.items())
    for table, key, value in flat:
        name = f"{table}.{key}" if table else key
        if (table, key) not in _FIELDS:
            problems.append(f"{path}:{_line_of(text, key)}: unknown setting {name!r}; ignored")
            continue
        attribute, check = _FIELDS[(table, key)]
        problem = check(value)
        if problem is None:
            values[attribute] = tuple(float(v) for v in value) if isinstance(value, list) else value
        else:
            default = getattr(Settings(), attribute)
            problems.append(
                f"{path}:{_line_of(text, key)}: {name} {problem}; the default ({default}) is used"
            )
    if "desired_retention" in values:
        values["desired_retention"] = float(values["desired_retention"])
    return LoadedSettings(Settings(**values), problems)


def _toml(settings: Settings) -> str:
    """The settings as TOML (json.dumps writes valid TOML strings, numbers and lists)."""
    lines = [
        f"theme = {json.dumps(settings.theme)}",
        f"desired_retention = {settings.desired_retention!r}",
        f"new_cards_per_day = {settings.new_cards_per_day}",
        f"learning_steps_minutes = {json.dumps(list(settings.learning_steps_minutes))}",
    ]
    if settings.fsrs_parameters is not None:
        lines.append(f"fsrs_parameters = {json.dumps(list(settings.fsrs_parameters))}")
    lines += [
        "",
        "[quiz]",
        f"shuffle_cards = {json.dumps(settings.shuffle_cards)}",
        f"shuffle_choices = {json.dumps(settings.shuffle_choices)}",
    ]
    return "\n".join(lines) + "\n"


def save_settings(settings: Settings, path: Path) -> None:
    """Write `settings` to `path` atomically: a temporary file in the same folder, flushed
    to disk, then renamed over the old file (a crash leaves the old or the new, never half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(_toml(settings))
            out.flush()
            os.fsync(out.fileno())
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def check_setting(attribute: str, value: Any) -> str | None:
    """Why `value` cannot be the `Settings` field `attribute` (as the file would hold it:
    lists for the steps), or None when it can; the same checks as `load_settings`."""
    for field_name, check in _FIELDS.values():
        if field_name == attribute:
            return check(value)
    raise KeyError(f"no setting {attribute!r}")
