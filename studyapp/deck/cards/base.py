"""What a card type is: its TOML keys and reader, its model, how its question is shown,
the response the UI collects, the field shown shuffled, and its grader.

Every type is one module of this package holding one `CardType`; `CARD_TYPES` (in the
package `__init__`) maps each type name to it. Everything else looks the type up there.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from studyapp.deck import fields
from studyapp.deck.collector import IssueCollector
from studyapp.deck.errors import AnswerError
from studyapp.deck.fields import Where, did_you_mean, is_number, short, type_name
from studyapp.deck.model import Card, Feedback

ResponseKind = Literal["choice", "multi", "order", "text", "self"]
FEEDBACK_KEYS = ("answer", "text")

# What a card type's `read` is given: the file's issue collector, for the typed reader
# functions of `studyapp.deck.fields` and `engine_links` and its own errors and warnings.
Reader = IssueCollector
CardReader = Callable[[Reader, Mapping[str, Any], Where, dict[str, Any]], "Card | None"]


@dataclass(frozen=True)
class Verdict:
    """The grade of one response: `right`, the deck's targeted `feedback` for it (or
    None), `correct_answer` shown after a wrong answer, and one `detail` line on why."""

    right: bool
    feedback: str | None
    correct_answer: str
    detail: str

    @property
    def correct(self) -> bool:
        """Same as `right` (the name the quiz store and screens use)."""
        return self.right

    @property
    def expected(self) -> str:
        """Same as `correct_answer`."""
        return self.correct_answer


Grader = Callable[[Any, Any, "float | None"], Verdict]


def shown_as_is(prompt: str, card: Card | None = None) -> str:
    """The prompt as the learner sees it, for types without a gap."""
    return prompt


@dataclass(frozen=True)
class CardType:
    """One card type. `read(reader, table, where, common)` builds the card (None on an
    error, reported through `reader`); `grade(card, response, expected)` grades a
    response (`expected` is a numeric card's answer for this draw, None otherwise);
    `shuffled` names the tuple field shown in a shuffled order (`always_shuffled` when
    the order itself is the question); `after_answer` names the extra text fields shown
    only after answering; `placeholder` is the hint in a typed-answer box;
    `engine_answer` whether `engine.answer` may name the card's answer scalar;
    `fixed_choices` the (label, response) options of a choice type whose options are
    not a field of the card (true/false); `check_engine_value(card, value, drawn,
    report)` lets `studyapp check` compare the card with its engine answer `value`;
    `declared_responses(card, expected)` lists the responses the card declares right
    (`studyapp check` grades each of them); `show_question(prompt, card)` the question."""

    name: str
    model: type[Card]
    keys: tuple[str, ...]
    read: CardReader
    grade: Grader
    response_kind: ResponseKind
    show_question: Callable[[str, Any], str] = shown_as_is
    shuffled: str | None = None
    always_shuffled: bool = False
    after_answer: tuple[str, ...] = ()
    placeholder: str = "your answer"
    engine_answer: bool = False
    fixed_choices: tuple[tuple[str, Any], ...] = ()
    check_engine_value: Callable[[Any, float, str, Any], None] | None = None
    declared_responses: Callable[[Any, float | None], list[Any]] | None = None


# ---- shared reader helpers (the reader reports every problem at file:line)


def read_feedback(
    r: Reader, table: Mapping[str, Any], where: Where, check: Callable[[Any, Where], bool]
) -> tuple[Feedback, ...]:
    """Every [[card.feedback]] entry whose answer passes `check`."""
    value = table.get("feedback", [])
    if not isinstance(value, list):
        r.error(
            (*where, "feedback"),
            "feedback entries are written [[card.feedback]] (double brackets), one each",
        )
        return ()
    entries: list[Feedback] = []
    seen: set[Any] = set()
    for j, entry in enumerate(value):
        at = (*where, "feedback", j)
        if not isinstance(entry, dict):
            r.error(at, 'each feedback must be a table with answer = ... and text = "..."')
            continue
        fields.unknown_keys(r, entry, at, FEEDBACK_KEYS, "[[card.feedback]]")
        text = fields.text(r, entry, "text", at, required=True, example="Why this is wrong.")
        if "answer" not in entry:
            r.error(at, "missing 'answer': the wrong answer this feedback is for")
            continue
        answer = entry["answer"]
        marker = float(answer) if is_number(answer) else repr(answer)
        if marker in seen:
            r.error((*at, "answer"), f"a feedback for {short(answer)} is already given")
            continue
        seen.add(marker)
        if check(answer, (*at, "answer")) and text is not None:
            entries.append(Feedback(answer=answer, text=text))
    return tuple(entries)


def no_feedback(r: Reader, table: Mapping[str, Any], where: Where, kind: str) -> None:
    """An error when a card type that takes no feedback entries has some."""
    if "feedback" in table:
        r.error(
            (*where, "feedback"),
            f"{kind} cards take no feedback entries; put the advice in the explanation",
        )


def choice_in(r: Reader, choices: tuple[str, ...] | None, value: Any, where: Where) -> bool:
    """Whether `value` is the text of one of `choices` (an error says why not)."""
    if not isinstance(value, str):
        r.error(where, f"the answer must be the text of a choice, not {type_name(value)}")
        return False
    if choices is not None and value not in choices:
        r.error(
            where,
            f"{short(value)} is not one of the choices{did_you_mean(value, choices)}; "
            "copy the choice text exactly",
        )
        return False
    return True


# ---- shared grader helpers


def require(response: Any, kind: type, what: str) -> None:
    """AnswerError unless `response` is a `kind` (a bool is never taken as an int)."""
    if not isinstance(response, kind) or (kind is not bool and isinstance(response, bool)):
        raise AnswerError(f"expected {what}, got {type(response).__name__}")


def feedback_for(card: Card, answer: Any) -> str | None:
    """The card's feedback text for exactly `answer` (same type and value), if any."""
    for item in card.feedback:
        if type(item.answer) is type(answer) and item.answer == answer:
            return item.text
    return None


def text_list(response: Any, what: str) -> list[str]:
    """`response` as a list of texts (AnswerError for anything else)."""
    if isinstance(response, (str, bytes)) or not isinstance(response, (list, tuple)):
        raise AnswerError(f"expected {what}, got {type(response).__name__}")
    if not all(isinstance(item, str) for item in response):
        raise AnswerError(f"expected {what}: every item must be text")
    return list(response)


def normalise_text(text: str, case_sensitive: bool) -> str:
    """NFKC, runs of whitespace collapsed to one space, trimmed, case folded unless asked."""
    folded = " ".join(unicodedata.normalize("NFKC", text).split())
    return folded if case_sensitive else folded.casefold()
