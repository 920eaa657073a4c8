"""The one place that finds and opens deck files: regular files only, never blocking.

A deck path may name anything: a FIFO (whose `open` would wait for a writer forever),
a device, a directory, a symlink loop, a file too big to read. `read_deck_text`
checks the file's kind with `os.stat` before opening, opens with `O_NONBLOCK`, checks
again on the open descriptor (the path may have been swapped in between), reads at
most `max_bytes + 1` bytes and decodes UTF-8 (a BOM is dropped; UTF-16 and invalid
UTF-8 are refused). Every failure is an `Issue`, never an exception.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from studyapp.deck.issues import Issue

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = "\ufeff"
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def _kind(mode: int) -> str:
    """What a non-regular file is, for messages."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _error(path: Path, message: str, line: int = 1, col: int = 1) -> Issue:
    return Issue(path, line, col, "error", message)


def _os_problem(path: Path, exc: OSError) -> Issue:
    if exc.errno == errno.ELOOP:
        return _error(
            path, "cannot read: symbolic links that lead back to themselves (a link loop)"
        )
    reason = exc.strerror or exc.__class__.__name__
    return _error(path, f"cannot read: {reason}")


def _not_regular(path: Path, mode: int) -> Issue:
    return _error(path, f"cannot read: {_kind(mode)}, not a deck file; decks are regular files")


def too_big(path: Path, max_bytes: int) -> Issue:
    message = f"the file is larger than {max_bytes:,} bytes; split it into several decks"
    return _error(path, message)


def read_deck_bytes(path: Path, max_bytes: int) -> tuple[bytes | None, Issue | None]:
    """The bytes of the regular file at `path` (at most `max_bytes`), or why not."""
    try:
        before = path.stat()
    except OSError as exc:
        return None, _os_problem(path, exc)
    except ValueError:  # a NUL character in the path
        return None, _error(path, "cannot read: the path holds a NUL character")
    if not stat.S_ISREG(before.st_mode):
        return None, _not_regular(path, before.st_mode)
    if before.st_size > max_bytes:
        return None, too_big(path, max_bytes)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        return None, _os_problem(path, exc)
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):  # swapped for something else after the stat
            return None, _not_regular(path, opened.st_mode)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        return None, _os_problem(path, exc)
    finally:
        os.close(fd)
    if len(raw) > max_bytes:
        return None, too_big(path, max_bytes)
    return raw, None


def decode_deck(path: Path, raw: bytes) -> tuple[str | None, Issue | None]:
    """`raw` as text: UTF-8 with an optional BOM; UTF-16 and invalid UTF-8 refused."""
    if raw.startswith(_UTF16_BOMS) or b"\x00" in raw[:4096]:
        return None, _error(
            path, "the file is UTF-16 (or holds NUL bytes), not UTF-8 text; save it as UTF-8"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save as UTF-8"
        return None, _error(path, message, line, col)
    return text.removeprefix(_UTF8_BOM), None


def read_deck_text(path: Path, max_bytes: int) -> tuple[str | None, Issue | None]:
    """The text of the deck file at `path`, or the Issue saying why it cannot be read."""
    raw, problem = read_deck_bytes(path, max_bytes)
    if raw is None:
        return None, problem
    return decode_deck(path, raw)


def _toml_entries(folder: Path) -> list[Path]:
    """The *.toml entries directly inside `folder` (not followed: a link loop or a
    directory named x.toml is listed and then refused by `read_deck_text`)."""
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries if entry.name.endswith(".toml")]
    except OSError:
        return [folder]  # reading the folder fails: report it as the deck that cannot be read
    return [folder / name for name in sorted(names)]


def deck_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """`paths` with every directory replaced by the *.toml entries directly inside it."""
    files: list[Path] = []
    for item in paths:
        path = Path(item)
        try:
            is_folder = stat.S_ISDIR(path.stat().st_mode)
        except (OSError, ValueError):
            is_folder = False
        files.extend(_toml_entries(path) if is_folder else [path])
    return files
