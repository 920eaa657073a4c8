"""Deck files -> validated `Deck`s, every problem reported at `file:line:col`.

`load_deck` raises `DeckError` (listing every issue in the file) and nothing else;
`load_decks` loads files and directories, keeping the good decks and collecting
the failures so one bad deck never takes the others down. `inspect_deck` returns
the warnings too, for `studyapp check`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import tomli

from studyapp.deck.fields import Limits
from studyapp.deck.issues import DeckError, Issue
from studyapp.deck.locate import SourceIndex
from studyapp.deck.model import Deck
from studyapp.deck.schema import validate

__all__ = [
    "DeckError",
    "Inspection",
    "Issue",
    "Limits",
    "LoadResult",
    "inspect_deck",
    "inspect_text",
    "load_deck",
    "load_decks",
]

_TOML_HINTS = (
    ("Invalid value", 'values are "text in quotes", numbers, true/false, [lists] or { tables }'),
    ("Cannot overwrite", "a key appears twice in one table; start a new [[card]] for a new card"),
    ("Cannot declare", "this table is declared twice; for another card write a new [[card]]"),
    ("Expected '=' after a key", "write key = value on one line"),
    ("Unterminated string", "close the text with the same quote it opens with"),
    ("Illegal character", 'use \\n for a line break, or a """multi-line string"""'),
    ("Invalid statement", "each line is a key = value, a [table] header or a comment"),
)


@dataclass
class Inspection:
    """A deck (None when it has errors) and every issue, warnings included."""

    path: Path
    deck: Deck | None
    issues: list[Issue] = field(default_factory=list)
    index: SourceIndex | None = None  # source positions, when the file parsed

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "error"]


@dataclass
class LoadResult:
    """Decks that loaded, and the DeckError of each file that did not."""

    decks: list[Deck] = field(default_factory=list)
    failures: list[DeckError] = field(default_factory=list)


def _syntax_issue(path: Path, exc: tomli.TOMLDecodeError) -> Issue:
    message = getattr(exc, "msg", str(exc))
    hint = next((h for key, h in _TOML_HINTS if message.startswith(key)), "fix the TOML syntax")
    line = getattr(exc, "lineno", 1)
    col = getattr(exc, "colno", 1)
    return Issue(path, line, col, "error", f"invalid TOML: {message}; {hint}")


def _decode(path: Path, raw: bytes) -> tuple[str | None, Issue | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Issue(
            path, line, col, "error", f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save as UTF-8"
        )
    return text.removeprefix("\ufeff"), None


def inspect_text(text: str, path: Path, limits: Limits | None = None) -> Inspection:
    """Parse and validate deck source `text` as if read from `path`."""
    limits = limits or Limits()
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        return Inspection(path, None, [_too_big(path, limits)])
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        return Inspection(path, None, [_syntax_issue(path, exc)])
    except (RecursionError, MemoryError):
        message = "the TOML is nested too deeply to read; flatten the lists and tables"
        return Inspection(path, None, [Issue(path, 1, 1, "error", message)])
    index = SourceIndex(text)
    deck, issues = validate(data, index, path, limits)
    return Inspection(path, deck, issues, index)


def _too_big(path: Path, limits: Limits) -> Issue:
    return Issue(
        path,
        1,
        1,
        "error",
        f"the file is larger than {limits.max_bytes:,} bytes; split it into several decks",
    )


def inspect_deck(path: str | os.PathLike[str], limits: Limits | None = None) -> Inspection:
    """Read, parse and validate one deck file, returning every issue (never raising)."""
    limits = limits or Limits()
    deck_path = Path(path)
    try:
        with deck_path.open("rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return Inspection(
            deck_path, None, [Issue(deck_path, 1, 1, "error", f"cannot read: {reason}")]
        )
    if len(raw) > limits.max_bytes:
        return Inspection(deck_path, None, [_too_big(deck_path, limits)])
    text, problem = _decode(deck_path, raw)
    if text is None:
        return Inspection(deck_path, None, [problem] if problem else [])
    return inspect_text(text, deck_path, limits)


def load_deck(path: str | os.PathLike[str], limits: Limits | None = None) -> Deck:
    """The validated deck in `path`; DeckError listing every error otherwise."""
    inspection = inspect_deck(path, limits)
    if inspection.deck is None or inspection.errors:
        raise DeckError(inspection.path, inspection.errors)
    return inspection.deck


def deck_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """`paths` with every directory replaced by the *.toml files directly inside it."""
    files: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(path.glob("*.toml")))
        else:
            files.append(path)
    return files


def duplicate_deck_id(inspection: Inspection, owners: dict[str, Path]) -> Issue | None:
    """An error when the inspected deck's id is in `owners`; otherwise record it there."""
    deck = inspection.deck
    if deck is None:
        return None
    if deck.id not in owners:
        owners[deck.id] = inspection.path
        return None
    line, col = inspection.index.position("deck", "id") if inspection.index else (1, 1)
    message = f"deck id {deck.id!r} is already used by {owners[deck.id]}; give this deck its own id"
    return Issue(inspection.path, line, col, "error", message)


def load_decks(paths: Iterable[str | os.PathLike[str]], limits: Limits | None = None) -> LoadResult:
    """Every deck in `paths` (files or directories); failures are collected, not raised.
    A deck id already used by an earlier file is a failure of the later file."""
    result = LoadResult()
    owners: dict[str, Path] = {}
    for path in deck_files(paths):
        inspection = inspect_deck(path, limits)
        clash = duplicate_deck_id(inspection, owners)
        if inspection.deck is None or clash is not None:
            result.failures.append(DeckError(inspection.path, inspection.errors or [clash]))
        else:
            result.decks.append(inspection.deck)
    return result
