"""Write decks as one Anki package (.apkg) with genanki.

One note per card; the note GUID is `genanki.guid_for(deck id, card id)`, so a
re-export updates the notes already in Anki instead of duplicating them. Under the
answer: the explanation, the targeted feedback and the card's engine Report (scalars
and tables as HTML tables, series as inline SVG). A randomised card exports its first
draw (seed 0) and says so.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from html import escape
from pathlib import Path

import genanki

from engine.report import Report
from studyapp.deck.model import Card, Deck
from studyapp.deck.showing import Showing, ShowingError, draw, prepare, run_link
from studyapp.interop.anki_notes import NoteFields, note_fields, text_html
from studyapp.interop.report_html import report_html

CSS = (
    ".card{font-family:sans-serif;font-size:18px;text-align:left}"
    ".engine-report table{border-collapse:collapse;font-size:14px;margin:6px 0}"
    ".engine-report td,.engine-report th{border:1px solid #999;padding:2px 6px}"
    ".warning{color:#b00}"
)


def stable_id(*parts: str) -> int:
    """A 31-bit id from sha256 of `parts` (Anki model and deck ids must stay fixed)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF | 1 << 30


def _model(kind: str) -> genanki.Model:
    qfmt = "{{Front}}"
    afmt = '{{FrontSide}}<hr id="answer">{{Back}}'
    if kind == "cloze":
        return genanki.Model(
            stable_id("studyapp-model", kind),
            "studyapp cloze",
            fields=[{"name": "Text"}, {"name": "Back Extra"}],
            templates=[
                {
                    "name": "Cloze",
                    "qfmt": "{{cloze:Text}}",
                    "afmt": "{{cloze:Text}}<br>{{Back Extra}}",
                }
            ],
            css=CSS,
            model_type=genanki.Model.CLOZE,
        )
    return genanki.Model(
        stable_id("studyapp-model", kind),
        f"studyapp {kind}",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": qfmt, "afmt": afmt}],
        css=CSS,
    )


MODELS = {kind: _model(kind) for kind in ("basic", "choice", "cloze")}


ReportCache = dict[tuple[str, str], Report]


def _report_part(card: Card, showing: Showing, cache: ReportCache) -> tuple[Showing, str]:
    """The showing with its Report, and the Report's HTML ('' without an engine link).
    Long experiments run too (an export is a batch job); each distinct run once."""
    if card.engine is None:
        return showing, ""
    key = (card.engine.experiment, repr(sorted(showing.params.items())))
    try:
        report = showing.report or cache.get(key) or run_link(card, showing.params)[0]
    except ShowingError as exc:
        return showing, f'<p class="warning">{escape(str(exc))}</p>'
    cache[key] = report
    return showing.with_report(report), report_html(report)


def back_matter(card: Card, cache: ReportCache) -> tuple[NoteFields, str]:
    """The note fields of `card` and the HTML under its answer."""
    showing = prepare(card, seed=0)
    showing, report = _report_part(card, showing, cache)
    fields = note_fields(showing)
    parts = []
    drawn = draw(card, seed=0)  # the values prepare(card, seed=0) used
    if drawn:
        values = ", ".join(f"{name} = {value}" for name, value in drawn.items())
        parts.append(
            f"<p><i>randomised card: this is its first draw ({escape(values)}); "
            "studyapp draws new values on every showing</i></p>"
        )
    parts.append(f'<div class="explanation">{text_html(showing.explanation)}</div>')
    if showing.feedback:
        items = "".join(
            f"<li><b>{escape(str(f.answer))}</b>: {text_html(f.text)}</li>"
            for f in showing.feedback
        )
        parts.append(f'<ul class="feedback">{items}</ul>')
    parts.append(report)
    return fields, "".join(parts)


def _tag(text: str) -> str:
    """An Anki tag: no spaces (Anki separates tags with spaces)."""
    return "_".join(text.split())


def card_note(deck: Deck, card: Card, cache: ReportCache) -> genanki.Note:
    """The Anki note of one card, with its stable GUID."""
    fields, extra = back_matter(card, cache)
    answer = fields.answer + extra
    return genanki.Note(
        model=MODELS[fields.kind],
        fields=[fields.question, answer],
        tags=[_tag(t) for t in (*deck.tags, *card.tags)],
        guid=genanki.guid_for(deck.id, card.id),
    )


def anki_deck(deck: Deck, cache: ReportCache) -> genanki.Deck:
    result = genanki.Deck(stable_id("studyapp-deck", deck.id), deck.title)
    result.description = escape(deck.description)
    for card in deck.cards:
        result.add_note(card_note(deck, card, cache))
    return result


def write_package(decks: Iterable[Deck], out: Path) -> int:
    """Write `decks` to `out` (via a temporary file and rename); the number of notes."""
    cache: ReportCache = {}
    anki_decks = [anki_deck(deck, cache) for deck in decks]
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        genanki.Package(anki_decks).write_to_file(str(tmp))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return sum(len(d.notes) for d in anki_decks)
