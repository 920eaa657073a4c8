"""Source positions of TOML tables and keys (tomli reports none for values).

`SourceIndex` scans the text once, following `[table]` and `[[array]]` headers and
`key = value` lines, and maps key paths such as `("card", 3, "engine", "params")`
to 1-based (line, column). Arrays of tables are indexed in order of appearance.
Keys inside inline tables and multi-line arrays are located at their parent key.
"""

from __future__ import annotations

import bisect
import re

Path_ = tuple[str | int, ...]

_BARE_KEY = r"[A-Za-z0-9_-]+"
_KEY_PART = rf'(?:{_BARE_KEY}|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED_KEY = re.compile(rf"\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_KEY_PARTS = re.compile(_KEY_PART)
_SIMPLE_KEY = re.compile(_BARE_KEY)
# The next thing that matters outside strings: a string, a comment or a bracket.
_INTERESTING = re.compile(r'"""|' + r"'''" + r'|"(?:[^"\\]|\\.)*"|' + r"'[^']*'|#|[\[\]{}]")
# A value that may continue on the next line: an array, an inline table, a triple quote.
_MAY_OPEN = re.compile(r"[\[{]|" + '"""' + "|'''")
_CARD_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*card[ \t]*\]\]", re.MULTILINE)
_CLOSE = {'"""': re.compile(r'(?<!\\)(?:\\\\)*"""'), "'''": re.compile("'''")}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SHORT_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b"}


def _unescape(match: re.Match[str]) -> str:
    """One TOML basic-string escape as its character (an invalid one is kept as written)."""
    code = match.group(1)
    if code[0] in "uU" and len(code) > 1:
        number = int(code[1:], 16)
        return chr(number) if number <= 0x10FFFF else match.group(0)
    return _SHORT_ESCAPES.get(code, code)


def _split_key(dotted: str) -> tuple[str, ...]:
    """`a."b.c".d` -> ("a", "b.c", "d")."""
    if _SIMPLE_KEY.fullmatch(dotted):
        return (dotted,)
    parts = []
    for match in _KEY_PARTS.finditer(dotted):
        part = match.group(0)
        if part[0] == '"':
            part = _ESCAPE.sub(_unescape, part[1:-1])
        elif part[0] == "'":
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


class _Lexer:
    """Tracks multi-line strings and bracket depth across lines."""

    def __init__(self) -> None:
        self.depth = 0
        self.open_string: str | None = None  # '"""' or "'''" while inside one

    def feed(self, line: str, start: int = 0) -> None:
        i = start
        while True:
            if self.open_string is not None:
                close = _CLOSE[self.open_string].search(line, i)
                if close is None:
                    return
                self.open_string = None
                i = close.end()
            match = _INTERESTING.search(line, i)
            if match is None:
                return
            token = match.group()
            i = match.end()
            if token == "#":
                return
            if token in ('"""', "'''"):
                self.open_string = token
            elif token in "[{":
                self.depth += 1
            elif token in "]}":
                self.depth = max(0, self.depth - 1)


class SourceIndex:
    """Positions of tables and keys in one TOML source text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._positions: dict[Path_, tuple[int, int]] = {}
        self._array_counts: dict[Path_, int] = {}
        self._scanned = False
        self._line_starts: list[int] | None = None

    def position(self, *path: str | int) -> tuple[int, int]:
        """(line, col) of `path`, or of its nearest located ancestor, else (1, 1).
        The first call scans the text (valid decks never pay for it)."""
        if not self._scanned:
            self._scan(self._text)
            self._scanned = True
        key: Path_ = tuple(path)
        while key:
            found = self._positions.get(key)
            if found is not None:
                return found
            key = key[:-1]
        return (1, 1)

    def find_each(self, needles: list[str], *path: str | int) -> list[tuple[int, int]]:
        """(line, col) of each of `needles`, found one after the other in the source
        from `path`'s position on (each not found is placed at `path`'s position)."""
        start = self.position(*path)
        offset = self._offset(*start)
        found = []
        for needle in needles:
            at = self._text.find(needle, offset)
            if at < 0:
                found.append(start)
                continue
            found.append(self._line_col(at))
            offset = at + len(needle)
        return found

    def _starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            starts.extend(m.end() for m in re.finditer("\n", self._text))
            self._line_starts = starts
        return self._line_starts

    def _offset(self, line: int, col: int) -> int:
        starts = self._starts()
        return starts[min(line, len(starts)) - 1] + col - 1

    def _line_col(self, offset: int) -> tuple[int, int]:
        starts = self._starts()
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def card_lines(self, count: int) -> list[int]:
        """The lines of the `count` top-level `[[card]]` headers.

        Fast path: a regex finds every real header (plus any look-alike inside a
        multi-line string); when it finds exactly `count`, they are the headers.
        Otherwise the full scan decides."""
        lines = []
        line, last = 1, 0
        for match in _CARD_HEADER.finditer(self._text):
            line += self._text.count("\n", last, match.start())
            last = match.start()
            lines.append(line)
        if len(lines) == count:
            return lines
        return [self.position("card", i)[0] for i in range(count)]

    def _resolve(self, parts: tuple[str, ...]) -> Path_:
        """A header's key parts with every array of tables replaced by its current item."""
        path: Path_ = ()
        for part in parts:
            path = (*path, part)
            count = self._array_counts.get(path)
            if count is not None:
                path = (*path, count - 1)
        return path

    def _scan(self, text: str) -> None:
        lexer = _Lexer()
        table: Path_ = ()
        positions = self._positions
        for lineno, line in enumerate(text.split("\n"), start=1):  # TOML lines end at \n only
            if lexer.open_string is not None or lexer.depth > 0:
                lexer.feed(line)
                continue
            match = _DOTTED_KEY.match(line)
            if match:
                key_path = table + _split_key(match.group(1))
                if key_path not in positions:
                    positions[key_path] = (lineno, match.start(1) + 1)
                if _MAY_OPEN.search(line, match.end()):
                    lexer.feed(line, match.end())
                continue
            stripped = line.lstrip()
            col = len(line) - len(stripped) + 1
            if stripped.startswith("[["):
                end = stripped.find("]]")
                parts = _split_key(stripped[2:end] if end > 0 else "")
                parent = self._resolve(parts[:-1]) + parts[-1:]
                self._array_counts[parent] = self._array_counts.get(parent, 0) + 1
                table = (*parent, self._array_counts[parent] - 1)
                positions.setdefault(table, (lineno, col))
            elif stripped.startswith("["):
                end = stripped.find("]")
                table = self._resolve(_split_key(stripped[1:end] if end > 0 else ""))
                positions.setdefault(table, (lineno, col))
