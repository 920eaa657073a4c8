"""What the quiz shows after an answer: the verdict line and, after a wrong answer, the
correct answer beside the learner's, marked in words and symbols (never by colour alone).

    order:   the learner's order beside the right one, each misplaced step marked ✗
    multi:   every choice as shown, marked right / wrong / missed
    choice:  the learner's choice and the right one
    typed:   the learner's text and a model answer

Pure functions over the card, the response and the verdict; the quiz screen shows the
result as plain text (deck text is never read as markup).
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from studyapp.deck.cards import MultiCard, OrderCard, Verdict, card_type
from studyapp.deck.model import Card
from studyapp.text import terminal_safe

RIGHT_MARK = "✓"
WRONG_MARK = "✗"


def verdict_line(verdict: Verdict, self_graded: bool = False) -> str:
    """`✓ Right — detail` or `✗ Not quite — detail` (the detail says why in words); a
    self-graded flashcard reads `✓ You knew it` or `✗ Not yet` (you graded it)."""
    if self_graded:
        head = f"{RIGHT_MARK} You knew it" if verdict.right else f"{WRONG_MARK} Not yet"
        return f"{head} (self-graded)"
    head = f"{RIGHT_MARK} Right" if verdict.right else f"{WRONG_MARK} Not quite"
    return f"{head} — {verdict.detail}" if verdict.detail else head


def response_text(response: Any) -> str:
    """A learner's response as text: `true`/`false` for a bool, the text otherwise."""
    if isinstance(response, bool):
        return "true" if response else "false"
    return str(response)


def order_table(steps: tuple[str, ...], given: list[str]) -> Table:
    """The learner's order beside the right one; each of the learner's steps marked ✓ in
    place or ✗ misplaced (with where it belongs)."""
    table = Table(box=None, pad_edge=False, show_edge=False, expand=True)
    table.add_column(Text("Your order"), ratio=1, overflow="fold")
    table.add_column(Text("Right order"), ratio=1, overflow="fold")
    for position, (mine, right) in enumerate(zip(given, steps, strict=True), 1):
        if mine == right:
            marked = f"{RIGHT_MARK} {position}. {terminal_safe(mine)}"
        else:
            belongs = steps.index(mine) + 1
            marked = f"{WRONG_MARK} {position}. {terminal_safe(mine)} (belongs at {belongs})"
        table.add_row(Text(marked), Text(f"{position}. {terminal_safe(right)}"))
    return table


def multi_lines(shown: list[str], ticked: list[str], answers: tuple[str, ...]) -> list[str]:
    """Each choice (in the order shown) marked: ticked and right, ticked but wrong, a right
    answer missed, or rightly left unticked."""
    lines = []
    for choice in shown:
        mine, right = choice in ticked, choice in answers
        if mine and right:
            mark = f"{RIGHT_MARK} [x] right:  "
        elif mine:
            mark = f"{WRONG_MARK} [x] wrong:  "
        elif right:
            mark = f"{WRONG_MARK} [ ] missed: "
        else:
            mark = f"{RIGHT_MARK} [ ] not an answer: "
        lines.append(mark + terminal_safe(choice))
    return lines


def correction(
    card: Card, response: Any, verdict: Verdict, order: tuple[int, ...], answer: str
) -> RenderableType | None:
    """The correct answer beside the learner's after a wrong answer (None after a right
    one, and for self-graded flashcards, whose back is already shown). `order` is the
    display order of the card's shuffled field; `answer` the correct answer as text with
    its numbers resolved."""
    kind = card_type(card)
    if verdict.right or kind.response_kind == "self":
        return None
    if kind.response_kind == "order" and isinstance(card, OrderCard):
        return order_table(card.steps, list(response))
    if kind.response_kind == "multi" and isinstance(card, MultiCard):
        choices = card.choices
        shown = [choices[i] for i in order] if order else list(choices)
        lines = multi_lines(shown, list(response), card.answers)
        return Text("\n".join(["Each choice:", *lines]))
    given = response_text(response)
    label = "Right answer" if kind.response_kind == "choice" else "A model answer"
    return Text(f"Your answer: {terminal_safe(given)}\n{label}: {terminal_safe(answer)}")
