"""`studyapp check`: validate deck files and let them verify themselves.

Beyond the loader's schema checks (a formula card's symbols, shapes, answer and feedback
answers are read there), every engine link is run with its parameters (randomised cards
with `draws` seeded draws), every engine-backed numeric answer is recomputed, and a
stated `answer` that disagrees with the engine's scalar beyond the card's tolerance is an
error.

Every card is then graded by its own grader (`grade_response`): each response the card
declares right must grade right (a randomised card's on every draw checked), and each
targeted-feedback answer must grade wrong and be shown that feedback.
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
from studyapp.deck.cards import Verdict, card_type
from studyapp.deck.errors import AnswerError
from studyapp.deck.fields import short
from studyapp.deck.grading import grade_response
from studyapp.deck.issues import Issue, Severity
from studyapp.deck.loader import Inspection, Limits, deck_files, duplicate_deck_id, inspect_deck
from studyapp.deck.model import Card
from studyapp.deck.placeholders import missing_scalars
from studyapp.deck.showing import after_answer_fields, draw

DEFAULT_DRAWS = 3
ANSWER_KEYS = ("answer", "answers", "steps")

# report(severity, key path in the card's table, message): records one issue of a card
Reporter = Any


def card_reporter(inspection: Inspection, i: int, card: Card, issues: list[Issue]) -> Any:
    """A `report(severity, where, message, at=None)` adding located issues of card `i` to
    `issues` (one per position and severity: the first draw's)."""
    index = inspection.index

    def report(
        severity: Severity,
        where: tuple[str | int, ...],
        message: str,
        at: tuple[int, int] | None = None,
    ) -> None:
        line, col = at or (index.position("card", i, *where) if index else (card.line, 1))
        if not any((i.line, i.col, i.severity) == (line, col, severity) for i in issues):
            issues.append(Issue(inspection.path, line, col, severity, message))

    return report


def _graded(card: Card, response: Any, expected: float | None) -> Verdict | str:
    """The card's verdict on `response`, or why its grader cannot read it."""
    try:
        return grade_response(card, response, expected=expected)
    except AnswerError as exc:
        return str(exc)


def feedback_response(card: Card, answer: Any) -> Any:
    """A feedback entry's answer as the response the learner would give."""
    kind = card_type(card).response_kind
    if kind == "multi":
        return [answer]
    if kind == "text" and isinstance(answer, (int, float)) and not isinstance(answer, bool):
        return repr(float(answer))
    return answer


def verify_grading(card: Card, expected: float | None, drawn: str, report: Reporter) -> None:
    """The card graded by its own grader: every declared right response right, every
    targeted-feedback answer wrong and shown its feedback. `expected` is the numeric answer
    of this draw (None for other cards)."""
    declared = card_type(card).declared_responses
    responses = [] if declared is None else declared(card, expected)
    key = next((k for k in ANSWER_KEYS if k in type(card).__dataclass_fields__), "answer")
    for response in responses:
        verdict = _graded(card, response, expected)
        if isinstance(verdict, str):
            report(
                "error",
                (key,),
                f"the card's grader cannot read its own answer {short(response)}{drawn}: {verdict}",
            )
        elif not verdict.right:
            report(
                "error",
                (key,),
                f"the card's own answer {short(response)} grades wrong{drawn}: {verdict.detail}",
            )
    for j, item in enumerate(card.feedback):
        at = ("feedback", j, "answer")
        verdict = _graded(card, feedback_response(card, item.answer), expected)
        if isinstance(verdict, str):
            report(
                "error",
                at,
                f"feedback answer {short(item.answer)} cannot be read by the "
                f"card's grader{drawn}: {verdict}",
            )
        elif verdict.right:
            report(
                "error",
                at,
                f"feedback answer {short(item.answer)} grades right{drawn} "
                f"({verdict.detail}), so its feedback is never shown: remove it or fix "
                "the card's answer",
            )
        elif verdict.feedback is None or item.text not in verdict.feedback:
            report(
                "warning",
                at,
                f"feedback answer {short(item.answer)} is matched by an "
                f"earlier feedback entry{drawn}, so this text is never shown",
            )


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
        issues: list[Issue] = []
        report = card_reporter(inspection, i, card, issues)

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
                value = self.engine_answer(card, result, drawn, report)
                if value is not None and card.answer_from_engine():
                    verify_grading(card, value, drawn, report)
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
    def engine_answer(card: Card, result: Report, drawn: str, report: Any) -> float | None:
        """The answer scalar named by `engine.answer` exists and is finite (its value is
        returned); then the card type checks the card against it (e.g. a numeric card's
        written answer)."""
        link = card.engine
        if link is None or link.answer is None:
            return None
        if link.answer not in result.scalar_names():
            names = ", ".join(result.scalar_names()) or "none"
            report(
                "error",
                ("engine", "answer"),
                f"the report of {link.experiment!r} has no scalar {link.answer!r}; "
                f"its scalars are: {names}",
            )
            return None
        value = float(result.scalar(link.answer))
        if not math.isfinite(value):
            report("error", ("engine", "answer"), f"{link.answer} is {value}{drawn}")
            return None
        check = card_type(card).check_engine_value
        if check is not None:
            check(card, value, drawn, report)
        return value


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
        for i, card in enumerate(deck.cards):
            if not card.answer_from_engine():
                issues: list[Issue] = []
                verify_grading(
                    card, card.given_answer(), "", card_reporter(inspection, i, card, issues)
                )
                result.issues.extend(issues)
        if run_engine:
            for i, card in enumerate(deck.cards):
                result.issues.extend(engine.card(inspection, i, card))
    if not files:
        result.issues.append(Issue(Path(), 1, 1, "error", "no deck files (*.toml) found"))
    result.engine_runs = engine.runs
    result.issues.sort(key=lambda issue: (str(issue.path), issue.line, issue.col))
    return result
