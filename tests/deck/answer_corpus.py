"""The typed-answer corpus (answer_corpus.toml) and a measurement of a grader over it.

Run `python -m tests.deck.answer_corpus` to grade every case with the current
`studyapp.deck.grade_response` and print how many verdicts disagree with the corpus. The
cases marked `semantics = "formula"` are answers to formula cards, graded by equivalence
with the card's own answer and symbols.
An unreadable answer (AnswerError) counts as a wrong verdict only for a right answer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli

from studyapp.deck import grade_response
from studyapp.deck.cards import card_type
from studyapp.deck.errors import AnswerError
from studyapp.deck.loader import load_deck
from studyapp.deck.model import Card

CORPUS = Path(__file__).with_name("answer_corpus.toml")
CONTENT = Path(__file__).resolve().parents[2] / "content"


@dataclass(frozen=True)
class Case:
    deck: str
    card_id: str
    response: Any
    right: bool
    why: str
    expected: float | None
    formula: bool


def load_cases() -> list[Case]:
    """Every case of the corpus, in file order."""
    data = tomli.loads(CORPUS.read_text(encoding="utf-8"))
    cases = []
    for card in data["card"]:
        for verdict in ("right", "wrong"):
            for response, why in card.get(verdict, []):
                cases.append(
                    Case(
                        card["deck"],
                        card["id"],
                        response,
                        verdict == "right",
                        why,
                        card.get("expected"),
                        card.get("semantics") == "formula",
                    )
                )
    return cases


def bundled_cards() -> dict[tuple[str, str], Card]:
    """The bundled decks' cards by (deck file stem, card id)."""
    return {
        (path.stem, card.id): card
        for path in sorted(CONTENT.glob("*.toml"))
        for card in load_deck(path).cards
    }


def as_response(card: Card, response: Any) -> Any:
    """The corpus's indices as the texts the grader takes: a choice's text, the texts of
    the ticked choices (multi) or of the steps in the learner's order (order)."""
    kind = card_type(card).response_kind
    if kind == "choice" and type(response) is int:
        return card.choices[response]  # type: ignore[attr-defined]
    if kind == "multi":
        return [card.choices[i] for i in response]  # type: ignore[attr-defined]
    if kind == "order":
        return [card.steps[i] for i in response]  # type: ignore[attr-defined]
    return response


def grader_verdict(card: Card, case: Case) -> bool | None:
    """The verdict of the app's grader, grade_response (True right, False wrong), None
    when unreadable."""
    try:
        return grade_response(card, as_response(card, case.response), expected=case.expected).right
    except AnswerError:
        return None


def main() -> int:
    """Grade every case by grade_response; print each misgraded case and the counts."""
    cards = bundled_cards()
    cases = load_cases()
    misgraded: Counter[str] = Counter()
    for case in cases:
        card = cards[(case.deck, case.card_id)]
        verdict = grader_verdict(card, case)
        if (verdict is True) != case.right:
            kind = type(card).__name__ + (" (formula)" if case.formula else "")
            misgraded[kind] += 1
            shown = "unreadable" if verdict is None else ("right" if verdict else "wrong")
            print(f"{case.card_id}: {case.response!r} graded {shown}; {case.why}")
    print(f"{sum(misgraded.values())} of {len(cases)} cases misgraded: {dict(misgraded)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
