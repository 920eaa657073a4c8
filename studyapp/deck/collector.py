"""The issue collector of one deck file: every reader reports into it, at file:line:col."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from studyapp.deck.fields import Limits, Where
from studyapp.deck.issues import Issue, Severity
from studyapp.deck.locate import SourceIndex


class IssueCollector:
    """Collects the errors and warnings of one file, located through its `index`, and
    carries what every reader of that file shares: its `limits`, and the engine
    parameter values already checked (`valid_params`, so each is checked once)."""

    def __init__(self, index: SourceIndex, path: Path, limits: Limits):
        self.index = index
        self.path = path
        self.limits = limits
        self.issues: list[Issue] = []
        self.errors = 0
        self.valid_params: set[tuple[Any, ...]] = set()  # (experiment, key, type, value)

    def report(self, severity: Severity, where: Where, message: str) -> None:
        """An issue at the source position of the key path `where`."""
        line, col = self.index.position(*where)
        self.issues.append(Issue(self.path, line, col, severity, message))
        self.errors += severity == "error"

    def error(self, where: Where, message: str) -> None:
        self.report("error", where, message)

    def warn(self, where: Where, message: str) -> None:
        self.report("warning", where, message)

    def report_at(self, line: int, col: int, message: str) -> None:
        """An error at an exact source position (e.g. inside a text)."""
        self.issues.append(Issue(self.path, line, col, "error", message))
        self.errors += 1

    def error_count(self) -> int:
        return self.errors

    def sorted_issues(self) -> list[Issue]:
        """Every issue, in source order."""
        return sorted(self.issues, key=lambda issue: (issue.line, issue.col))
