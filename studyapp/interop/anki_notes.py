"""Per-kind mapping of one card to the fields of an Anki note.

Each card maps to one note kind, read off what its card type declares (no switch on type
names): a prompt with a gap becomes `cloze` (Text/Extra, the gap as Anki's `{{c1::…}}`),
a type that shows a shuffled list of choices becomes `choice` (Front with the choices,
Back with the answer), and every other card `basic` (Front/Back). Deck text is Markdown
(as in the app), rendered with markdown-it with raw HTML disabled, so any HTML in a
deck arrives escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markdown_it import MarkdownIt

from studyapp.deck.cards import card_type
from studyapp.deck.model import GAP
from studyapp.deck.showing import Showing

MARKDOWN = MarkdownIt("commonmark", {"html": False})


def text_html(text: str) -> str:
    """Deck text (Markdown) as HTML; raw HTML in it is escaped, not passed through."""
    return MARKDOWN.render(text.strip())


def inline_html(text: str) -> str:
    """A short deck text (a choice) as inline HTML, raw HTML escaped."""
    return MARKDOWN.renderInline(text.strip())


def plain_html(text: str) -> str:
    """Text shown as is: HTML-escaped, line breaks kept."""
    return escape(text.strip()).replace("\n", "<br>")


@dataclass(frozen=True)
class NoteFields:
    """The note kind (`basic`, `cloze`, `choice`) and its two fields: the question side
    and the answer side (before the shared back matter is appended)."""

    kind: str
    question: str
    answer: str


def _basic(showing: Showing) -> NoteFields:
    return NoteFields("basic", text_html(showing.prompt), text_html(showing.answer_text()))


def _choices(choices: tuple[str, ...]) -> str:
    return "<ol>" + "".join(f"<li>{inline_html(c)}</li>" for c in choices) + "</ol>"


def _choice(showing: Showing, choices: tuple[str, ...]) -> NoteFields:
    question = text_html(showing.prompt) + _choices(choices)
    return NoteFields("choice", question, text_html(showing.answer_text()))


def _brace_safe(text: str) -> str:
    """Deck text for a cloze field: escaped, with braces and colons as character
    references so no deck text can open or close an Anki cloze deletion."""
    html = plain_html(text)
    return html.replace("{", "&#123;").replace("}", "&#125;").replace(":", "&#58;")


def _cloze(showing: Showing) -> NoteFields:
    card = showing.card
    before, _, after = showing.prompt.partition(GAP)
    answers: tuple[str, ...] = getattr(card, "answers", (card.answer_text(),))
    gap = f"{{{{c1::{_brace_safe(answers[0])}}}}}"
    text = f"{_brace_safe(before)}{gap}{_brace_safe(after)}"
    others = answers[1:]
    extra = "also accepted: " + ", ".join(map(plain_html, others)) if others else ""
    return NoteFields("cloze", text, extra)


def note_fields(showing: Showing) -> NoteFields:
    """The note kind and fields for the card of `showing`."""
    if GAP in showing.prompt:
        return _cloze(showing)
    shuffled = card_type(showing.card).shuffled
    if shuffled == "choices":
        return _choice(showing, getattr(showing.card, shuffled))
    return _basic(showing)
