"""Deck files -> validated `Deck`s, every problem reported at `file:line:col`.

`load_deck` raises `DeckError` (listing every issue in the file) and nothing else;
`load_decks` loads files and directories, keeping the good decks and collecting
the failures so one bad deck never takes the others down. `inspect_deck` returns
the warnings too, for `studyapp check`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import tomli

from studyapp.deck.deck_files import deck_files, read_deck_text, too_big
from studyapp.deck.fields import Limits
from studyapp.deck.issues import DeckError, Issue
from studyapp.deck.locate import SourceIndex
from studyapp.deck.model import Deck
from studyapp.deck.schema import validate
from studyapp.deck.untrusted_text import unsafe_values

__all__ = [
    "DeckError",
    "Inspection",
    "Issue",
    "Limits",
    "LoadResult",
    "deck_files",
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


# An integer value: after `=`, `[`, `,` or `{` (or at a line start inside an array).
_INTEGER = re.compile(
    r"(?:[=\[,{]|^)[ \t]*([+-]?(?:0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|[0-9_]+))", re.MULTILINE
)
MAX_DIGITS = 4300  # Python's limit on converting digits to an int (sys.get_int_max_str_digits)


def _huge_number_issue(path: Path, text: str, exc: ValueError) -> Issue:
    """tomli's ValueError for an integer too long to convert, at the number's line."""
    for found in _INTEGER.finditer(text):
        if len(found.group(1)) > MAX_DIGITS:
            at = found.start(1)
            line = text.count("\n", 0, at) + 1
            col = at - (text.rfind("\n", 0, at) + 1) + 1
            message = (
                f"a number with {len(found.group(1)):,} digits; a deck's numbers must have at "
                f"most {MAX_DIGITS:,}: shorten it"
            )
            return Issue(path, line, col, "error", message)
    return Issue(path, 1, 1, "error", f"cannot read the TOML: {str(exc)[:200]}")


_BRACKET = re.compile(r"[\[\]{}]")


def _deepest(text: str) -> tuple[int, int]:
    """(line, col) where brackets first reach their deepest nesting (strings are not
    skipped: this only locates a document too deep to parse)."""
    depth = deepest = at = 0
    for match in _BRACKET.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        if depth > deepest:
            deepest, at = depth, match.start()
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def inspect_text(text: str, path: Path, limits: Limits | None = None) -> Inspection:
    """Parse and validate deck source `text` as if read from `path`."""
    limits = limits or Limits()
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        return Inspection(path, None, [too_big(path, limits.max_bytes)])
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        return Inspection(path, None, [_syntax_issue(path, exc)])
    except ValueError as exc:  # an integer over 4300 digits
        return Inspection(path, None, [_huge_number_issue(path, text, exc)])
    except (RecursionError, MemoryError):
        message = "the TOML is nested too deeply to read; flatten the lists and tables"
        line, col = _deepest(text)
        return Inspection(path, None, [Issue(path, line, col, "error", message)])
    index = SourceIndex(text)
    unsafe = unsafe_values(data, index, path)
    if unsafe.integers:  # nothing may print such a number: stop before validating
        return Inspection(path, None, unsafe.issues, index)
    deck, issues = validate(data, index, path, limits)
    if unsafe.text:
        deck, issues = None, sorted(unsafe.text + issues, key=lambda issue: (issue.line, issue.col))
    return Inspection(path, deck, issues, index)


def inspect_deck(path: str | os.PathLike[str], limits: Limits | None = None) -> Inspection:
    """Read, parse and validate one deck file, returning every issue (never raising)."""
    limits = limits or Limits()
    deck_path = Path(path)
    try:
        text, problem = read_deck_text(deck_path, limits.max_bytes)
        if text is None:
            return Inspection(deck_path, None, [problem] if problem else [])
        return inspect_text(text, deck_path, limits)
    except Exception as exc:  # a loader bug must cost one deck, never the others
        return Inspection(deck_path, None, [_unexpected(deck_path, exc)])


def _unexpected(path: Path, exc: BaseException) -> Issue:
    message = f"cannot load the deck ({type(exc).__name__}: {str(exc)[:200]})"
    return Issue(path, 1, 1, "error", message)


def load_deck(path: str | os.PathLike[str], limits: Limits | None = None) -> Deck:
    """The validated deck in `path`; DeckError listing every error otherwise."""
    inspection = inspect_deck(path, limits)
    if inspection.deck is None or inspection.errors:
        raise DeckError(inspection.path, inspection.errors)
    return inspection.deck


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
            problems = inspection.errors or ([clash] if clash is not None else [])
            result.failures.append(DeckError(inspection.path, problems))
        else:
            result.decks.append(inspection.deck)
    return result
