"""The rules of each card type: which keys it takes, how its answer and its feedback
entries are checked, and the card object built from them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from studyapp.deck import bigo
from studyapp.deck.engine_links import EngineLinkReader
from studyapp.deck.errors import AnswerError
from studyapp.deck.fields import Where, did_you_mean, is_number, short, type_name
from studyapp.deck.model import (
    GAP,
    BigOCard,
    Card,
    ChoiceCard,
    ClozeCard,
    EngineLink,
    Feedback,
    FlashcardCard,
    MultiCard,
    NumericCard,
    OrderCard,
    TrueFalseCard,
)

VARIABLE_PATTERN = re.compile(r"[^\W\d]\w{0,15}")
MAX_SIGFIGS = 15
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "flashcard": ("back",),
    "choice": ("choices", "answer"),
    "multi": ("choices", "answers"),
    "truefalse": ("answer",),
    "numeric": ("answer", "rtol", "atol", "sigfigs", "unit", "random"),
    "order": ("steps",),
    "cloze": ("answers", "case_sensitive"),
    "bigo": ("answer", "variables"),
}
FEEDBACK_KEYS = ("answer", "text")


class CardTypeReader(EngineLinkReader):
    """`card_<type>(table, where, common)` builds a card of that type, or None."""

    def feedback(
        self, table: Mapping[str, Any], where: Where, check: Callable[[Any, Where], bool]
    ) -> tuple[Feedback, ...]:
        """Every [[card.feedback]] entry whose answer passes `check`."""
        value = table.get("feedback", [])
        if not isinstance(value, list):
            self.error(
                (*where, "feedback"),
                "feedback entries are written [[card.feedback]] (double brackets), one each",
            )
            return ()
        entries: list[Feedback] = []
        seen: set[Any] = set()
        for j, entry in enumerate(value):
            at = (*where, "feedback", j)
            if not isinstance(entry, dict):
                self.error(at, 'each feedback must be a table with answer = ... and text = "..."')
                continue
            self.unknown_keys(entry, at, FEEDBACK_KEYS, "[[card.feedback]]")
            text = self.text(entry, "text", at, required=True, example="Why this is wrong.")
            if "answer" not in entry:
                self.error(at, "missing 'answer': the wrong answer this feedback is for")
                continue
            answer = entry["answer"]
            marker = float(answer) if is_number(answer) else repr(answer)
            if marker in seen:
                self.error((*at, "answer"), f"a feedback for {short(answer)} is already given")
                continue
            seen.add(marker)
            if check(answer, (*at, "answer")) and text is not None:
                entries.append(Feedback(answer=answer, text=text))
        return tuple(entries)

    def no_feedback(self, table: Mapping[str, Any], where: Where, kind: str) -> None:
        if "feedback" in table:
            self.error(
                (*where, "feedback"),
                f"{kind} cards take no feedback entries; put the advice in the explanation",
            )

    def card_flashcard(self, table: dict[str, Any], where: Where, common: dict) -> Card | None:
        back = self.text(table, "back", where, required=True, example="The answer.")
        self.no_feedback(table, where, "flashcard")
        if back is None:
            return None
        return FlashcardCard(back=back, **common)

    def choice_in(self, choices: tuple[str, ...] | None, value: Any, where: Where) -> bool:
        if not isinstance(value, str):
            self.error(where, f"the answer must be the text of a choice, not {type_name(value)}")
            return False
        if choices is not None and value not in choices:
            self.error(
                where,
                f"{short(value)} is not one of the choices{did_you_mean(value, choices)}; "
                "copy the choice text exactly",
            )
            return False
        return True

    def card_choice(self, table: dict[str, Any], where: Where, common: dict) -> Card | None:
        choices = self.string_list(
            table, "choices", where, required=True, min_items=2, distinct=True
        )
        answer = self.text(table, "answer", where, required=True, example="the right choice")
        if answer is not None and not self.choice_in(choices, answer, (*where, "answer")):
            answer = None

        def check(value: Any, at: Where) -> bool:
            if not self.choice_in(choices, value, at):
                return False
            if value == answer:
                self.warn(at, "feedback for the right answer is never shown")
            return True

        feedback = self.feedback(table, where, check)
        if choices is None or answer is None:
            return None
        return ChoiceCard(choices=choices, answer=answer, feedback=feedback, **common)

    def card_multi(self, table: dict[str, Any], where: Where, common: dict) -> Card | None:
        choices = self.string_list(
            table, "choices", where, required=True, min_items=2, distinct=True
        )
        answers = self.string_list(
            table, "answers", where, required=True, distinct=True, example='["a right choice"]'
        )
        if answers is not None and not answers:
            self.error(
                (*where, "answers"),
                "a multi card needs at least one right answer in answers; "
                'for a single right answer use type = "choice"',
            )
            answers = None
        if answers is not None and not all(
            self.choice_in(choices, a, (*where, "answers")) for a in answers
        ):
            answers = None

        def check(value: Any, at: Where) -> bool:
            if not self.choice_in(choices, value, at):
                return False
            if answers is not None and value in answers:
                self.warn(at, "feedback for a right answer is never shown")
            return True

        feedback = self.feedback(table, where, check)
        if choices is None or answers is None:
            return None
        return MultiCard(choices=choices, answers=answers, feedback=feedback, **common)

    def card_truefalse(self, table: dict[str, Any], where: Where, common: dict) -> Card | None:
        answer = self.boolean(table, "answer", where, required=True)

        def check(value: Any, at: Where) -> bool:
            if not isinstance(value, bool):
                self.error(at, "feedback answer must be true or false (no quotes)")
                return False
            if value == answer:
                self.warn(at, "feedback for the right answer is never shown")
            return True

        feedback = self.feedback(table, where, check)
        if answer is None:
            return None
        return TrueFalseCard(answer=answer, feedback=feedback, **common)

    def card_order(self, table: dict[str, Any], where: Where, common: dict) -> Card | None:
        steps = self.string_list(
            table, "steps", where, required=True, min_items=2, distinct=True,
            example='["first step", "second step"]',
        )  # fmt: skip
        self.no_feedback(table, where, "order")
        if steps is None:
            return None
        return OrderCard(steps=steps, **common)

    def card_cloze(self, table: dict[str, Any], where: Where, common: dict) -> Card | None:
        prompt = common["prompt"]
        if prompt is not None and prompt.count(GAP) != 1:
            found = prompt.count(GAP)
            self.error(
                (*where, "prompt"),
                f"a cloze prompt must contain the gap {GAP} exactly once (found {found}); "
                f'write e.g. prompt = "BPTT stores every {GAP} state."',
            )
        answers = self.string_list(
            table, "answers", where, required=True, min_items=1, distinct=True,
            example='["hidden", "h_t"]',
        )  # fmt: skip
        case_sensitive = self.boolean(table, "case_sensitive", where, required=False)

        def check(value: Any, at: Where) -> bool:
            if not isinstance(value, str):
                self.error(at, f"feedback answer must be text, not {type_name(value)}")
                return False
            return self.checked_string(value, at, "feedback answer") is not None

        feedback = self.feedback(table, where, check)
        if answers is None:
            return None
        return ClozeCard(
            answers=answers, case_sensitive=bool(case_sensitive), feedback=feedback, **common
        )

    def card_bigo(self, table: dict[str, Any], where: Where, common: dict) -> Card | None:
        variables = self.string_list(
            table, "variables", where, required=True, min_items=1, distinct=True,
            example='["T", "H"]',
        )  # fmt: skip
        if variables is not None:
            for name in variables:
                if not VARIABLE_PATTERN.fullmatch(name) or name in bigo.FUNCTIONS:
                    self.error(
                        (*where, "variables"),
                        f'variable {short(name)} must be a short name of letters (e.g. "T"), '
                        "and not a function name such as log",
                    )
                    variables = None
                    break
        answer = self.text(table, "answer", where, required=True, example="O(T*H^2)")
        if answer is not None and variables is not None:
            answer = self.bigo_text(answer, variables, (*where, "answer"))

        def check(value: Any, at: Where) -> bool:
            if not isinstance(value, str):
                self.error(at, f"feedback answer must be a big-O text, not {type_name(value)}")
                return False
            return variables is None or self.bigo_text(value, variables, at) is not None

        feedback = self.feedback(table, where, check)
        if answer is None or variables is None:
            return None
        return BigOCard(answer=answer, variables=variables, feedback=feedback, **common)

    def bigo_text(self, text: str, variables: tuple[str, ...], where: Where) -> str | None:
        try:
            bigo.parse(text, variables)
        except AnswerError as exc:
            self.error(where, f'cannot read {short(text)} as big-O: {exc}; write e.g. "O(T*H^2)"')
            return None
        return text

    def card_numeric(self, table: dict[str, Any], where: Where, common: dict) -> Card | None:
        answer = self.number(table, "answer", where)
        rtol = self.number(table, "rtol", where, minimum=0)
        atol = self.number(table, "atol", where, minimum=0)
        sigfigs = self.integer(table, "sigfigs", where, low=1, high=MAX_SIGFIGS)
        unit = self.text(table, "unit", where, required=False, allow_empty=True) or ""
        link: EngineLink | None = common["engine"]
        engine_answer = link.answer if link is not None else None
        if sigfigs is not None and ("rtol" in table or "atol" in table):
            self.error(
                (*where, "sigfigs"),
                "give either sigfigs or rtol/atol, not both: remove one of them",
            )
        if "answer" not in table and engine_answer is None and "engine" not in table:
            self.error(
                where,
                'a numeric card needs answer = <number> or engine.answer = "<Report scalar>"',
            )
        elif "answer" not in table and engine_answer is None:
            self.error(
                (*where, "engine"),
                'a numeric card needs answer = <number> or engine.answer = "<Report scalar>"',
            )
        random = self.random(table, where, link)
        if random and "answer" in table:
            self.error(
                (*where, "answer"),
                "a randomised card's answer comes from the engine for each draw: "
                "remove answer and set engine.answer",
            )
        if random and engine_answer is None and link is not None:
            self.error(
                (*where, "random"),
                'a randomised card needs engine.answer = "<Report scalar>" to recompute its answer',
            )
        prompt = common["prompt"] or ""
        for param in random:
            if "{" + param.name + "}" not in prompt:
                self.warn(
                    (*where, "random", param.name),
                    f"the prompt never shows {{{param.name}}}: the learner cannot know the "
                    "drawn value",
                )
        rtol_value = 1e-3 if rtol is None else rtol
        atol_value = 0.0 if atol is None else atol
        if sigfigs is None:
            self.tolerance_warnings(where, answer, rtol_value, atol_value)
        if answer is not None and link is not None and engine_answer is None:
            self.warn(
                (*where, "answer"),
                "the engine cannot verify this answer: add engine.answer with the Report "
                "scalar that holds it",
            )

        def check(value: Any, at: Where) -> bool:
            if not is_number(value) or not math.isfinite(value):
                self.error(at, f"feedback answer must be a number (no quotes), not {short(value)}")
                return False
            return True

        feedback = self.feedback(table, where, check)
        return NumericCard(
            answer=answer,
            rtol=rtol_value,
            atol=atol_value,
            sigfigs=sigfigs,
            unit=unit,
            random=random,
            feedback=feedback,
            **common,
        )

    def tolerance_warnings(
        self, where: Where, answer: float | None, rtol: float, atol: float
    ) -> None:
        if rtol >= 1:
            self.warn(
                (*where, "rtol"),
                f"rtol = {rtol:g} accepts 0 as correct, so the card cannot fail; "
                "use e.g. rtol = 0.01",
            )
        elif answer is not None and answer != 0 and atol >= abs(answer):
            self.warn(
                (*where, "atol"),
                f"atol = {atol:g} is at least the answer {answer:g}, so 0 is accepted; "
                "use a smaller atol or rtol",
            )
        elif rtol == 0 and atol == 0:
            self.warn(
                where,
                "rtol = 0 and atol = 0 accept only the exact float; give a tolerance "
                "(e.g. rtol = 1e-3) or sigfigs",
            )
