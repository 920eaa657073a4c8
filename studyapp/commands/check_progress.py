"""How `studyapp check` shows its progress: a bar on a terminal, plain lines otherwise.

Both go to stderr, so the issues (and `--json`) on stdout stay clean for a pipe.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from studyapp.deck.checker import ProgressFn
from studyapp.text import terminal_safe


class PlainProgress:
    """A line before the engine checks, one as each deck starts, one at the end."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.current = ""
        self.started = False

    def __call__(self, done: int, total: int, what: str) -> None:
        if not what:
            line = "engine checks finished" if self.started else f"running {total} engine check(s)"
            self.started = True
        elif what != self.current:
            self.current = what
            line = f"checking {terminal_safe(what)} (engine checks done: {done}/{total})"
        else:
            return
        self.stream.write(line + "\n")
        self.stream.flush()


@contextmanager
def check_progress(stream: TextIO | None = None) -> Iterator[ProgressFn]:
    """A progress callback for `check_paths`: a rich progress bar when `stream` (default
    stderr) is a terminal, plain lines when it is a pipe or a file."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield PlainProgress(stream)
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task("engine checks", total=None)

        def update(done: int, total: int, what: str) -> None:
            if what:
                label = f"checking {escape(terminal_safe(Path(what).name))}"
            else:
                label = "engine checks finished" if done == total and done else "engine checks"
            bar.update(task, completed=done, total=total, description=label)

        yield update
