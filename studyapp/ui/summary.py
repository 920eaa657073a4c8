"""One line per card for lists (the quiz summary's missed cards): the prompt as the learner
saw it (drawn values in, the cloze gap as a blank), its Markdown reduced to plain words,
cut to a width."""

from __future__ import annotations

from markdown_it import MarkdownIt

from studyapp.deck.model import Card
from studyapp.deck.showing import shown_prompt

_INLINE = MarkdownIt("commonmark")
_TEXT_TOKENS = {"text", "code_inline", "html_inline"}


def markdown_words(text: str) -> str:
    """Markdown `text` as its plain words: emphasis, code marks and link targets dropped,
    line breaks as spaces (`**require**` -> `require`)."""
    words: list[str] = []
    for block in _INLINE.parse(text):
        for token in block.children or ():
            if token.type in _TEXT_TOKENS:
                words.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                words.append(" ")
        if block.type == "inline":
            words.append(" ")
    return " ".join("".join(words).split())


def cut(text: str, width: int) -> str:
    """`text` cut to `width` characters with `…` when longer."""
    return text if len(text) <= width else text[: width - 1] + "…"


def summary_line(card: Card, seed: int, width: int = 60) -> str:
    """`card`'s prompt as shown for showing `seed`, in plain words, cut to `width`."""
    return cut(markdown_words(shown_prompt(card, seed)), width)
