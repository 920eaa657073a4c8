"""Card HTML (as Anki exports it) turned into the Markdown a deck holds: bold and
italic kept, line breaks and paragraphs as new lines, list items as `- `, every
other tag dropped, entities decoded."""

from __future__ import annotations

import re
from html.parser import HTMLParser

INLINE = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}
BLOCK = {"div", "p", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
SKIPPED = {"script", "style"}


class _ToMarkdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self.skipping += 1
        elif tag == "br" or tag in BLOCK:
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in INLINE:
            self.parts.append(INLINE[tag])

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCK:
            self.parts.append("\n")
        elif tag in INLINE:
            self.parts.append(INLINE[tag])

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_markdown(html: str) -> str:
    """`html` as Markdown text (runs of blank lines collapsed, ends trimmed)."""
    parser = _ToMarkdown()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip()
