"""Deck and learner strings shown as plain text in the Textual UI, never as markup.

Textual parses markup in `Static`, `Label`, `Button`, notifications and the command
palette: a deck title such as `[@click=app.screenshot('x')]go[/]` would become a clickable
action and `[/x]` would raise. Every widget showing deck or learner text gets it through
these functions, which build `Content` with no markup interpretation (after
`studyapp.text.terminal_safe` removed escape sequences and control characters)."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape
from textual.widgets import Markdown

from studyapp.text import terminal_safe


def plain(text: str) -> Content:
    """`text` as literal content: brackets are shown, never parsed."""
    return Content(terminal_safe(text))


def plain_rich(text: str) -> Text:
    """`text` as a literal Rich `Text` (for DataTable cells and Rich renderables)."""
    return Text(terminal_safe(text))


def markup_escaped(text: str) -> str:
    """`text` escaped for an API that only takes markup strings (shows it literally)."""
    return escape(terminal_safe(text))


def markdown_source(text: str) -> str:
    """Deck Markdown (questions, explanations, feedback) with escape sequences and control
    characters removed; Markdown itself is rendered, Textual markup is not."""
    return terminal_safe(text)


def deck_markdown(widget_id: str) -> Markdown:
    """An empty Markdown widget for deck text: rendered, but a link in it never opens a
    browser (a click on deck text must not act)."""
    return Markdown("", id=widget_id, open_links=False)


def highlighted(matcher: Matcher, text: str) -> Content:
    """`text` as plain content with the palette matcher's hits styled (Textual's own
    `Matcher.highlight` parses the candidate as markup)."""
    safe = terminal_safe(text)
    content = Content(safe)
    score, offsets = matcher.fuzzy_search.match(matcher.query, safe)
    if not score:
        return content
    for offset in offsets:
        if not safe[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
