"""Imported notes as a TOML deck: flashcards (cloze cards for a note with exactly one
Anki cloze deletion), written with tomli-w, checked by the deck loader, and put in
place through a temporary file and a rename so nothing is ever half-written."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import tomli_w

from studyapp.deck.loader import inspect_text
from studyapp.deck.model import GAP
from studyapp.interop.plaintext_import import ImportedNote

CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
IMPORTED_TAG = "imported"


class DeckWriteError(ValueError):
    """The deck built from the notes did not pass the deck checks (message lists why)."""


def deck_id(stem: str) -> str:
    """A deck id from a file name: lower-case letters, digits and '-', at most 64."""
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:64].strip("-")
    return slug or "imported"


def _placeholder_safe(text: str) -> str:
    """Text with `{{` opened apart (`{ {`), so imported text never reads as a cloze gap
    or an engine placeholder."""
    return text.replace("{{", "{ {")


def card_table(note: ImportedNote, number: int, source: str) -> dict[str, Any]:
    """One [[card]] table for `note` (card ids card-001, card-002, …)."""
    table: dict[str, Any] = {"id": f"card-{number:03d}"}
    gaps = CLOZE.findall(note.front)
    explanation_parts = list(note.extra)
    if len(gaps) == 1:
        answer, hint = gaps[0]
        prompt = CLOZE.sub("\x00", note.front)
        table["type"] = "cloze"
        table["prompt"] = _placeholder_safe(prompt).replace("\x00", GAP)
        table["answers"] = [answer.strip()]
        if hint.strip():
            table["hint"] = hint.strip()
        explanation_parts.insert(0, note.back)
    else:
        table["type"] = "flashcard"
        table["prompt"] = _placeholder_safe(CLOZE.sub(lambda m: m.group(1), note.front))
        table["back"] = _placeholder_safe(note.back)
    explanation = "\n\n".join(p for p in explanation_parts if p)
    table["explanation"] = _placeholder_safe(explanation) or (
        f"Imported from {source}, line {note.line}."
    )
    table["tags"] = list(dict.fromkeys(note.tags)) or [IMPORTED_TAG]
    return table


def deck_toml(notes: list[ImportedNote], source: str, stem: str) -> str:
    """The TOML text of a deck holding `notes`."""
    data = {
        "deck": {
            "id": deck_id(stem),
            "title": stem,
            "description": f"Imported from {source}.",
            "topic": "general",
            "version": 1,
            "tags": [IMPORTED_TAG],
        },
        "card": [card_table(note, i, source) for i, note in enumerate(notes, 1)],
    }
    return tomli_w.dumps(data, multiline_strings=True)


def write_deck(text: str, out: Path) -> int:
    """Check `text` as a deck and write it to `out` via a temporary file; the number of
    warnings (cards without engine link, …). DeckWriteError when it has errors."""
    inspection = inspect_text(text, out)
    if inspection.errors:
        raise DeckWriteError("\n".join(str(issue) for issue in inspection.errors))
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return len(inspection.issues)
