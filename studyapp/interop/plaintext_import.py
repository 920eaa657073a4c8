"""Read Anki's "Notes in Plain Text" export and Quizlet's export into imported notes.

Anki: optional header lines `#separator:` (tab, comma, semicolon, pipe, colon, space or
one character), `#html:` (true/false), `#columns:` (column names; one called Tags holds the
tags), `#tags column:` (a 1-based column index); then one note per row, fields quoted
with `"` when they hold the separator, a quote or a line break. Quizlet: one card per line, term and
definition split at the first separator (a tab unless another is chosen).
Every refusal is an `ImportFormatError` naming the line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from studyapp.interop.html_markdown import html_to_markdown

SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
    "colon": ":",
    "space": " ",
}
KNOWN_HEADERS = (
    "separator",
    "html",
    "columns",
    "tags column",
    "notetype column",
    "deck column",
    "guid column",
    "notetype",
    "deck",
    "tags",
    "if matches",
)
HEADER = re.compile(r"#([a-z ]+):(.*)")


class ImportFormatError(ValueError):
    """A file that cannot be imported; `line` is 1-based."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class ImportedNote:
    """One note: front, back, further fields (Markdown), tags and its first line."""

    front: str
    back: str
    extra: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    line: int = 0


@dataclass
class AnkiHeaders:
    separator: str | None = None
    html: bool = True
    columns: list[str] = field(default_factory=list)
    tags_column: int | None = None
    skipped_columns: set[int] = field(default_factory=set)


def decode(raw: bytes) -> str:
    """UTF-8 text without a BOM; undecodable bytes refused at their line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFormatError(line, "the file is not UTF-8 text; save it as UTF-8") from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFormatError(line, "the file holds a NUL byte: it is not a text export")
    return text


def is_anki_export(text: str) -> bool:
    """Whether `text` starts with Anki's `#key:value` headers."""
    match = HEADER.match(text.lstrip("\ufeff").split("\n", 1)[0])
    return match is not None and match.group(1) in KNOWN_HEADERS


def _separator(value: str, line: int) -> str:
    name = value.strip()
    if name.lower() in SEPARATORS:
        return SEPARATORS[name.lower()]
    if len(value) == 1 and value not in '"\r\n':
        return value
    raise ImportFormatError(
        line, f"unknown #separator {value!r}; use {', '.join(SEPARATORS)} or one character"
    )


def _column(value: str, line: int, key: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise ImportFormatError(line, f"#{key} must be a column number from 1, not {value!r}")
    return int(value) - 1


def read_headers(lines: list[str]) -> tuple[AnkiHeaders, int]:
    """The headers at the top of an Anki export and the number of header lines."""
    headers = AnkiHeaders()
    count = 0
    pending_columns: str | None = None
    for line in lines:
        if not line.startswith("#"):
            break
        count += 1
        match = HEADER.fullmatch(line.rstrip("\r\n"))
        if match is None or match.group(1) not in KNOWN_HEADERS:
            raise ImportFormatError(
                count,
                f"unknown header {line.strip()[:40]!r}; Anki writes #separator:, "
                "#html:, #columns:, #tags column: …",
            )
        key, value = match.group(1), match.group(2)
        if key == "separator":
            headers.separator = _separator(value, count)
        elif key == "html":
            if value.strip().lower() not in ("true", "false"):
                raise ImportFormatError(count, f"#html must be true or false, not {value!r}")
            headers.html = value.strip().lower() == "true"
        elif key == "columns":
            pending_columns = value
        elif key == "tags column":
            headers.tags_column = _column(value, count, key)
        elif key.endswith(" column"):
            headers.skipped_columns.add(_column(value, count, key))
    if pending_columns is not None:
        headers.columns = pending_columns.split(headers.separator or "\t")
        names = [name.strip().lower() for name in headers.columns]
        if headers.tags_column is None and "tags" in names:
            headers.tags_column = names.index("tags")
    return headers, count


def _guess_separator(line: str) -> str:
    for candidate in ("\t", ";", ","):
        if candidate in line:
            return candidate
    return "\t"


def _rows(body: str, separator: str, first_line: int) -> Iterator[tuple[int, list[str]]]:
    """CSV rows of `body` with the file line each starts on."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=separator, strict=True)
    start = first_line
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFormatError(
                start, f'{exc}: a quoted field must close with " before the separator'
            ) from exc
        yield start, row
        start = first_line + reader.line_num


def read_anki(text: str, separator: str | None = None) -> list[ImportedNote]:
    """The notes of an Anki "Notes in Plain Text" export; `separator` is used when the
    file has no #separator header (else a tab, semicolon or comma seen on the first row)."""
    lines = text.splitlines(keepends=True)
    headers, header_lines = read_headers(lines)
    body = "".join(lines[header_lines:])
    separator = headers.separator or separator or _guess_separator(body.split("\n", 1)[0])
    convert = html_to_markdown if headers.html else str.strip
    notes = []
    for line, row in _rows(body, separator, header_lines + 1):
        if not any(cell.strip() for cell in row):
            continue
        tags: tuple[str, ...] = ()
        if headers.tags_column is not None:
            if headers.tags_column >= len(row):
                raise ImportFormatError(
                    line,
                    f"the row has {len(row)} fields; #tags column is {headers.tags_column + 1}",
                )
            tags = tuple(row[headers.tags_column].split())
        skip = headers.skipped_columns | {headers.tags_column}
        fields = [convert(cell) for i, cell in enumerate(row) if i not in skip]
        notes.append(_note(fields, tags, line, "the row"))
    return notes


def _note(fields: list[str], tags: tuple[str, ...], line: int, what: str) -> ImportedNote:
    if len(fields) < 2:
        raise ImportFormatError(
            line,
            f"{what} has one field; a card needs a front and a back separated by the separator",
        )
    if not fields[0]:
        raise ImportFormatError(line, f"{what} has an empty front")
    if not fields[1] and "{{c" not in fields[0]:
        raise ImportFormatError(line, f"{what} has an empty back")
    return ImportedNote(fields[0], fields[1], tuple(f for f in fields[2:] if f), tags, line)


def read_quizlet(text: str, separator: str = "\t") -> list[ImportedNote]:
    """The cards of a Quizlet export: `term SEPARATOR definition` on each line."""
    notes = []
    for line, row in enumerate(text.splitlines(), 1):
        if not row.strip():
            continue
        if separator not in row:
            raise ImportFormatError(line, f"no {_name(separator)} between term and definition")
        term, definition = row.split(separator, 1)
        notes.append(_note([term.strip(), definition.strip()], (), line, "the line"))
    return notes


def _name(separator: str) -> str:
    for name, char in SEPARATORS.items():
        if char == separator:
            return name
    return repr(separator)


def read_notes(raw: bytes, kind: str = "auto", separator: str | None = None) -> list[ImportedNote]:
    """The notes in `raw`: `kind` is `anki`, `quizlet` or `auto` (Anki when the file
    starts with Anki's headers). Refuses a file without any card."""
    text = decode(raw)
    if kind == "auto":
        kind = "anki" if is_anki_export(text) else "quizlet"
    anki = kind == "anki"
    notes = read_anki(text, separator) if anki else read_quizlet(text, separator or "\t")
    if not notes:
        raise ImportFormatError(text.count("\n") + 1, "the file holds no card")
    return notes
