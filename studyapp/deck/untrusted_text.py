"""The rules for every value of a parsed deck, applied once to the whole document.

Text: deck text may hold printable characters, newlines and tabs, nothing else. A
control character (NUL, BEL, BS, ESC starting a CSI or OSC sequence, DEL, the C1 range
U+0080–U+009F, a carriage return…) could act on the learner's terminal when shown, so
every key and every string value, at any depth, is refused at the file:line of its key.
TOML itself refuses raw control characters; these arrive through escapes ("\\u001b").

Integers: TOML integers are 64-bit (TOML 1.0, "Integer"); tomli accepts any size, and a
hex literal of thousands of digits becomes an int that Python cannot even print. Each
is refused here, before anything else looks at the document.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studyapp.deck.issues import Issue
from studyapp.deck.locate import SourceIndex

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NAMES = {
    "\x00": "NUL",
    "\x07": "BEL",
    "\x08": "BS",
    "\x0b": "VT",
    "\x0c": "FF",
    "\x0d": "CR",
    "\x1b": "ESC",
    "\x7f": "DEL",
    "\x9b": "CSI",
    "\x9d": "OSC",
}

INT_RANGE = (-(2**63), 2**63 - 1)  # TOML 1.0: integers are signed 64-bit

KeyPath = tuple[str | int, ...]


def _values(data: Any) -> Iterator[tuple[KeyPath, Any]]:
    """Every (key path, string or int) of `data`, keys included, without recursion (a
    hostile document may nest deeply)."""
    stack: list[tuple[KeyPath, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, (str, int)):
            yield path, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield (*path, key), key
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, n), item) for n, item in enumerate(value))


def _spell(path: KeyPath) -> str:
    """("card", 2, "choices", 0) -> "card 3: choices item 1"."""
    parts: list[str] = []
    for n, part in enumerate(path):
        if isinstance(part, int):
            parent = path[n - 1] if n else ""
            parts.append(f"{'card' if parent == 'card' else 'item'} {part + 1}")
        elif not (n + 1 < len(path) and isinstance(path[n + 1], int) and part == "card"):
            parts.append(CONTROL.sub("?", str(part))[:40])
    return " ".join(parts) or "the file"


def _name(char: str) -> str:
    code = f"U+{ord(char):04X}"
    label = _NAMES.get(char) or unicodedata.name(char, "")
    return f"{code} ({label})" if label else code


@dataclass
class UnsafeValues:
    """The errors of a document's values: text holding control characters, and
    integers out of range (which nothing else may touch: their repr raises)."""

    text: list[Issue] = field(default_factory=list)
    integers: list[Issue] = field(default_factory=list)

    @property
    def issues(self) -> list[Issue]:
        return self.integers + self.text


def _control_message(where: KeyPath, char: str) -> str:
    return (
        f"{_spell(where)} holds the control character {_name(char)}; deck text may hold "
        "printable characters, newlines and tabs only: remove it (write \\n for a line break)"
    )


def _integer_message(where: KeyPath, number: int) -> str:
    size = f"about 10^{int(number.bit_length() * 0.30103)}"
    return (
        f"{_spell(where)} is an integer of {size}; TOML integers must lie within "
        "-2^63 .. 2^63-1: use a smaller number"
    )


def unsafe_values(data: Any, index: SourceIndex, path: Path, most: int = 20) -> UnsafeValues:
    """One error for each key or string of `data` holding a control character other
    than newline and tab, and for each integer outside 64 bits, at the line of its key;
    past `most` of either kind, one error counts the rest (a hostile file may hold
    100,000 of them)."""
    found = UnsafeValues()
    low, high = INT_RANGE
    extra_text = extra_integers = 0
    for where, value in _values(data):
        if isinstance(value, str):
            char = CONTROL.search(value)
            if char is None:
                continue
            if len(found.text) >= most:
                extra_text += 1
                continue
            line, col = index.position(*where)
            message = _control_message(where, char.group())
            found.text.append(Issue(path, line, col, "error", message))
        elif not isinstance(value, bool) and not low <= value <= high:
            if len(found.integers) >= most:
                extra_integers += 1
                continue
            line, col = index.position(*where)
            message = _integer_message(where, value)
            found.integers.append(Issue(path, line, col, "error", message))
    if extra_text:
        found.text.append(
            _more(found.text[-1], extra_text, "keys or strings hold control characters")
        )
    if extra_integers:
        found.integers.append(_more(found.integers[-1], extra_integers, "integers are too large"))
    return found


def _more(last: Issue, count: int, what: str) -> Issue:
    message = f"{count:,} more {what}; fix the ones above and check again"
    return Issue(last.path, last.line, last.col, "error", message)
