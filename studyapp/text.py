"""Untrusted text (deck and learner strings) made safe for a terminal, stated once.

Deck files come from anyone, so a title may hold terminal escape sequences (an OSC that
sets the window title, a CSI that clears the screen). `terminal_safe` removes every escape
sequence and every control character except newline and tab, so printing the result can
only ever show characters. The CLI prints deck text through it; the Textual UI wraps it
further as plain (never markup) content in `studyapp.ui.plain`."""

from __future__ import annotations

import re
import sys
from typing import TextIO

# ESC-introduced sequences (ECMA-48): CSI ... final byte, OSC/DCS/SOS/PM/APC strings up to
# BEL or ST, and two-character escapes; then the C1 forms of CSI and the strings.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|$)"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x90\x98\x9d\x9e\x9f].*?(?:\x07|\x9c|\x1b\\|$)",
    re.DOTALL,
)
# Any control character left over (C0 except tab and newline, DEL, C1).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """`text` with escape sequences and control characters (all but \\n and \\t) removed."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def echo(text: str, file: TextIO | None = None) -> None:
    """Print `text` (which may hold deck strings) to `file` (stdout) terminal-safe."""
    print(terminal_safe(text), file=sys.stdout if file is None else file)
