"""`studyapp check`: validate deck files and let them verify themselves.

Beyond the loader's schema checks, every engine link is run with its parameters
(randomised cards with `draws` seeded draws), every engine-backed numeric answer is
recomputed, and a stated `answer` that disagrees with the engine's scalar beyond the
card's tolerance is an error.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import registry
from engine.report import Report
from studyapp.deck.cards import card_type
from studyapp.deck.issues import Issue, Severity
from studyapp.deck.loader import Inspection, Limits, deck_files, duplicate_deck_id, inspect_deck
from studyapp.deck.model import Card
from studyapp.deck.placeholders import missing_scalars
from studyapp.deck.showing import after_answer_fields, draw

DEFAULT_DRAWS = 3


@dataclass
class CheckResult:
    """Every issue found, and what was looked at."""

    issues: list[Issue] = field(default_factory=list)
    files: int = 0
    decks: int = 0
    cards: int = 0
    engine_runs: int = 0

    @property
    def errors(self) -> int:
        return sum(issue.severity == "error" for issue in self.issues)

    @property
    def warnings(self) -> int:
        return sum(issue.severity == "warning" for issue in self.issues)

    def summary(self) -> str:
        return (
            f"{self.files} file(s), {self.decks} deck(s), {self.cards} card(s), "
            f"{self.engine_runs} engine run(s): {self.errors} error(s), {self.warnings} warning(s)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "issues": [issue.to_dict() for issue in self.issues],
            "summary": {
                "files": self.files,
                "decks": self.decks,
                "cards": self.cards,
                "engine_runs": self.engine_runs,
                "errors": self.errors,
                "warnings": self.warnings,
            },
        }


class _EngineCheck:
    """Runs engine links (each distinct experiment+params once) and reports problems."""

    def __init__(self, draws: int):
        self.draws = draws
        self.cache: dict[tuple[str, str], Report | str] = {}
        self.runs = 0

    def run(self, experiment: str, params: dict[str, Any]) -> Report | str:
        """The Report, or the error message when the experiment failed."""
        key = (experiment, repr(sorted(params.items())))
        if key not in self.cache:
            self.runs += 1
            try:
                self.cache[key] = registry.run(experiment, params)
            except registry.ExperimentError as exc:
                self.cache[key] = str(exc)
            except Exception as exc:  # a crashing experiment must not crash the checker
                self.cache[key] = f"experiment {experiment!r} failed: {type(exc).__name__}: {exc}"
        return self.cache[key]

    def card(self, inspection: Inspection, i: int, card: Card) -> list[Issue]:
        link = card.engine
        if link is None:
            return []
        index = inspection.index
        issues: list[Issue] = []

        def report(
            severity: Severity,
            where: tuple[str | int, ...],
            message: str,
            at: tuple[int, int] | None = None,
        ) -> None:
            line, col = at or (index.position("card", i, *where) if index else (card.line, 1))
            if not any((i.line, i.col, i.severity) == (line, col, severity) for i in issues):
                issues.append(Issue(inspection.path, line, col, severity, message))  # first draw

        seeds = range(self.draws) if card.random_params() else [None]
        for seed in seeds:
            values = draw(card, seed) if seed is not None else {}
            params = {**dict(link.params), **values}
            drawn = f" (draw {seed}: {values})" if seed is not None else ""
            result = self.run(link.experiment, params)
            if isinstance(result, str):
                report("error", ("engine",), f"{result}{drawn}")
                continue
            if link.answer is not None:
                self.engine_answer(card, result, drawn, report)
            self.placeholders(inspection, i, card, result, drawn, report)
        return issues

    @staticmethod
    def placeholders(
        inspection: Inspection, i: int, card: Card, result: Report, drawn: str, report: Any
    ) -> None:
        """Every `{{= scalar}}` of the card's after-answer texts names a scalar of `result`."""
        experiment = card.engine.experiment if card.engine else ""
        names = ", ".join(result.scalar_names()) or "none"
        for where, text in after_answer_fields(card):
            missing = missing_scalars(text, result)
            if not missing:
                continue
            index = inspection.index
            sources = [item.source for item in missing]
            found = index.find_each(sources, "card", i, *where) if index else []
            for n, item in enumerate(missing):
                report(
                    "error",
                    where,
                    f"placeholder {item.source!r}: the report of {experiment!r} has no scalar "
                    f"{item.name!r}{drawn}; its scalars are: {names}",
                    found[n] if found else None,
                )

    @staticmethod
    def engine_answer(card: Card, result: Report, drawn: str, report: Any) -> None:
        """The answer scalar named by `engine.answer` exists and is finite; then the card
        type checks the card against it (e.g. a numeric card's written answer)."""
        link = card.engine
        if link is None or link.answer is None:
            return
        if link.answer not in result.scalar_names():
            names = ", ".join(result.scalar_names()) or "none"
            report(
                "error",
                ("engine", "answer"),
                f"the report of {link.experiment!r} has no scalar {link.answer!r}; "
                f"its scalars are: {names}",
            )
            return
        value = float(result.scalar(link.answer))
        if not math.isfinite(value):
            report("error", ("engine", "answer"), f"{link.answer} is {value}{drawn}")
            return
        check = card_type(card).check_engine_value
        if check is not None:
            check(card, value, drawn, report)


def check_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    run_engine: bool = True,
    draws: int = DEFAULT_DRAWS,
    limits: Limits | None = None,
) -> CheckResult:
    """Check every deck file in `paths` (files or directories of *.toml)."""
    result = CheckResult()
    engine = _EngineCheck(draws)
    owners: dict[str, Path] = {}
    files = deck_files(paths)
    for path in files:
        result.files += 1
        inspection = inspect_deck(path, limits)
        result.issues.extend(inspection.issues)
        clash = duplicate_deck_id(inspection, owners)
        if clash is not None:
            result.issues.append(clash)
        deck = inspection.deck
        if deck is None:
            continue
        result.decks += 1
        result.cards += len(deck.cards)
        if run_engine:
            for i, card in enumerate(deck.cards):
                result.issues.extend(engine.card(inspection, i, card))
    if not files:
        result.issues.append(Issue(Path(), 1, 1, "error", "no deck files (*.toml) found"))
    result.engine_runs = engine.runs
    result.issues.sort(key=lambda issue: (str(issue.path), issue.line, issue.col))
    return result
