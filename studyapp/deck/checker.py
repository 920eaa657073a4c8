"""`studyapp check`: validate deck files and let them verify themselves.

Beyond the loader's schema checks (a formula card's symbols, shapes, answer and feedback
answers are read there), every engine link is run with its parameters (randomised cards
with `draws` seeded draws), every engine-backed numeric answer is recomputed, and a
stated `answer` that disagrees with the engine's scalar beyond the card's tolerance is an
error.

Every card is then graded by its own grader (`grade_response`): each response the card
declares right must grade right (a randomised card's on every draw checked), and each
targeted-feedback answer must grade wrong and be shown that feedback.

The engine work is bounded: identical runs (same experiment, same parameters once the
defaults are filled in) are computed once, and each deck may spend at most
`CheckBudget` distinct runs and seconds; a deck that asks for more is told so and its
remaining cards are not run. A failure of any kind while checking one deck is an
error of that deck; the other decks are still checked.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import registry
from engine.report import Report
from studyapp.deck.cards import Verdict, card_type
from studyapp.deck.check_budget import CheckBudget
from studyapp.deck.errors import AnswerError
from studyapp.deck.fields import short
from studyapp.deck.grading import grade_response
from studyapp.deck.issues import Issue, Severity
from studyapp.deck.loader import Inspection, Limits, deck_files, duplicate_deck_id, inspect_deck
from studyapp.deck.model import Card
from studyapp.deck.placeholders import missing_scalars
from studyapp.deck.showing import after_answer_fields, draw

__all__ = ["CheckBudget", "CheckResult", "ProgressFn", "check_paths"]

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


# progress(done, total, what): `done` of `total` engine checks (cards x draws) finished,
# `what` names the deck being checked; "" before the first deck and after the last.
ProgressFn = Callable[[int, int, str], None]


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

    def __init__(self, draws: int, budget: CheckBudget):
        self.draws = draws
        self.budget = budget
        self.cache: dict[tuple[str, str], Report | str] = {}
        self.runs = 0
        self.deck_runs = 0
        self.deck_seconds = 0.0

    def start_deck(self) -> None:
        self.deck_runs, self.deck_seconds = 0, 0.0

    def over_budget(self) -> bool:
        return self.deck_runs >= self.budget.max_runs or self.deck_seconds > self.budget.max_seconds

    @staticmethod
    def key(experiment: str, params: dict[str, Any]) -> tuple[str, str]:
        """The cache key: the experiment and its parameters with the defaults filled in
        (so `{}` and the defaults written out are one run)."""
        try:
            values = registry.validate(experiment, params)
        except Exception:  # the run reports why these parameters are refused
            values = params
        return experiment, repr(sorted(values.items()))

    def run(self, experiment: str, params: dict[str, Any]) -> Report | str:
        """The Report, or the error message when the experiment failed."""
        key = self.key(experiment, params)
        if key not in self.cache:
            self.runs += 1
            self.deck_runs += 1
            started = time.perf_counter()

            def out_of_time() -> bool:
                """A long experiment's cancel flag: the deck's engine time is spent."""
                spent = self.deck_seconds + time.perf_counter() - started
                return spent > self.budget.max_seconds

            try:
                self.cache[key] = registry.run(experiment, params, cancel=out_of_time)
            except registry.Cancelled:
                self.deck_seconds += time.perf_counter() - started
                return (
                    f"experiment {experiment!r} stopped: the deck's engine time "
                    f"({self.budget.max_seconds:g} s) ran out during this run"
                )
            except registry.ExperimentError as exc:
                self.cache[key] = str(exc)
            except Exception as exc:  # a crashing experiment must not crash the checker
                self.cache[key] = f"experiment {experiment!r} failed: {type(exc).__name__}: {exc}"
            self.deck_seconds += time.perf_counter() - started
        return self.cache[key]

    def seeds(self, card: Card) -> list[int | None]:
        """The draws checked for `card`: `draws` seeds when randomised, else one."""
        return list(range(self.draws)) if card.random_params() else [None]

    def card(self, inspection: Inspection, i: int, card: Card) -> list[Issue]:
        link = card.engine
        if link is None:
            return []
        issues: list[Issue] = []
        report = card_reporter(inspection, i, card, issues)

        for seed in self.seeds(card):
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


def _budget_issue(inspection: Inspection, card: Card, engine: _EngineCheck) -> Issue:
    budget = engine.budget
    message = (
        f"engine checks stopped at this card: the deck needs more than {budget.max_runs} "
        f"distinct engine runs or {budget.max_seconds:g} s of engine time "
        f"({engine.deck_runs} runs, {engine.deck_seconds:.1f} s so far); the cards from here "
        "on are not verified: reuse parameter sets, or split the deck"
    )
    return Issue(inspection.path, card.line, 1, "error", message)


def _check_engine(
    inspection: Inspection, engine: _EngineCheck, tick: Callable[[int], None]
) -> list[Issue]:
    """The engine issues of one loaded deck, within the budget; `tick(n)` after each card."""
    deck = inspection.deck
    if deck is None:
        return []
    issues: list[Issue] = []
    engine.start_deck()
    for i, card in enumerate(deck.cards):
        steps = len(engine.seeds(card)) if card.engine else 0
        if steps and engine.over_budget():
            issues.append(_budget_issue(inspection, card, engine))
            break
        issues.extend(engine.card(inspection, i, card))
        tick(steps)
    return issues


def _failed(path: Path, exc: Exception) -> Issue:
    message = f"cannot check the deck ({type(exc).__name__}: {str(exc)[:200]})"
    return Issue(path, 1, 1, "error", message)


def _verify_fixed_answers(inspection: Inspection) -> list[Issue]:
    """`verify_grading` for every card of a loaded deck whose answer is not the engine's
    (those are verified per draw with the engine's value)."""
    issues: list[Issue] = []
    deck = inspection.deck
    if deck is None:
        return issues
    try:
        for i, card in enumerate(deck.cards):
            if not card.answer_from_engine():
                report = card_reporter(inspection, i, card, issues)
                verify_grading(card, card.given_answer(), "", report)
    except Exception as exc:  # a grader failing is an error of this deck only
        issues.append(_failed(inspection.path, exc))
    return issues


def check_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    run_engine: bool = True,
    draws: int = DEFAULT_DRAWS,
    limits: Limits | None = None,
    budget: CheckBudget | None = None,
    progress: ProgressFn | None = None,
) -> CheckResult:
    """Check every deck file in `paths` (files or directories of *.toml); `progress`
    hears of each engine check done."""
    result = CheckResult()
    engine = _EngineCheck(draws, budget or CheckBudget())
    owners: dict[str, Path] = {}
    files = deck_files(paths)
    loaded: list[Inspection] = []
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
        result.issues.extend(_verify_fixed_answers(inspection))
        loaded.append(inspection)
    if run_engine:
        total = sum(
            len(engine.seeds(card))
            for item in loaded
            if item.deck
            for card in item.deck.cards
            if card.engine
        )
        done = 0
        if progress is not None:
            progress(0, total, "")
        for inspection in loaded:
            name = str(inspection.path)

            def tick(steps: int, name: str = name) -> None:
                nonlocal done
                done += steps
                if progress is not None:
                    progress(done, total, name)

            tick(0)  # this deck starts
            try:
                result.issues.extend(_check_engine(inspection, engine, tick))
            except Exception as exc:  # one deck's failure is that deck's error only
                result.issues.append(_failed(inspection.path, exc))
        if progress is not None:
            progress(total, total, "")  # every deck done (some perhaps stopped early)
    if not files:
        result.issues.append(Issue(Path(), 1, 1, "error", "no deck files (*.toml) found"))
    result.engine_runs = engine.runs
    result.issues.sort(key=lambda issue: (str(issue.path), issue.line, issue.col))
    return result
