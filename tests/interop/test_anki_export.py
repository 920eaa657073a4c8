"""`studyapp export anki`: the written .apkg opened as a zip holding Anki's SQLite collection."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from pathlib import Path

import genanki

from engine.report import format_scalar
from studyapp.cli import main
from studyapp.deck.loader import load_deck
from studyapp.deck.showing import draw

FIELD_SEP = "\x1f"


def read_notes(apkg: Path, tmp_path: Path) -> dict[str, tuple[str, list[str], str, int, int]]:
    """guid -> (model name, fields, tags, model type, model id) from the package's
    collection (model type: 0 standard, 1 cloze)."""
    with zipfile.ZipFile(apkg) as archive:
        archive.extract("collection.anki2", tmp_path)
    conn = sqlite3.connect(tmp_path / "collection.anki2")
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    rows = conn.execute("SELECT guid, mid, flds, tags FROM notes").fetchall()
    conn.close()
    (tmp_path / "collection.anki2").unlink()
    notes = {}
    for guid, mid, flds, tags in rows:
        model = models[str(mid)]
        notes[guid] = (model["name"], flds.split(FIELD_SEP), tags.strip(), model["type"], mid)
    return notes


def export(paths: list[Path], out: Path, capsys) -> str:
    assert main(["export", "anki", *map(str, paths), "-o", str(out)]) == 0
    return capsys.readouterr().out


def test_one_note_per_card_with_stable_guids(sample_deck, tmp_path, capsys):
    out = tmp_path / "deck.apkg"
    assert "1 decks, 4 notes" in export([sample_deck], out, capsys)
    first = read_notes(out, tmp_path)
    expected = {
        genanki.guid_for("interop-sample", c)
        for c in ("basic-html", "pick-one", "gap", "random-coefficient")
    }
    assert set(first) == expected
    # edit a card's text and export again: same GUIDs, updated field
    sample_deck.write_text(
        sample_deck.read_text().replace("One global L2 norm.", "A single global L2 norm.")
    )
    export([sample_deck], out, capsys)
    second = read_notes(out, tmp_path)
    assert set(second) == set(first)
    guid = genanki.guid_for("interop-sample", "pick-one")
    assert "A single global L2 norm." in second[guid][1][1]
    assert {g: v[4] for g, v in first.items()} == {g: v[4] for g, v in second.items()}


def test_note_kinds_fields_tags_and_escaping(sample_deck, tmp_path, capsys):
    out = tmp_path / "deck.apkg"
    export([sample_deck], out, capsys)
    notes = read_notes(out, tmp_path)
    basic = notes[genanki.guid_for("interop-sample", "basic-html")]
    assert basic[0] == "studyapp basic"
    # deck text is Markdown; raw HTML in it arrives escaped, never as markup
    assert basic[1][0] == "<p>What does &lt;b&gt;clip&lt;/b&gt; &amp; <em>rescale</em> do?</p>\n"
    assert "<script>" not in basic[1][1] and "&lt;script&gt;" in basic[1][1]
    assert basic[2].split() == ["sample_deck", "basics"]

    choice = notes[genanki.guid_for("interop-sample", "pick-one")]
    assert choice[0] == "studyapp choice"
    assert choice[1][0].count("<li>") == 3 and "L1 per tensor" in choice[1][0]
    assert choice[1][1].startswith("<p>L2 over all tensors</p>")
    assert "That is not the default norm_type." in choice[1][1]  # targeted feedback

    cloze = notes[genanki.guid_for("interop-sample", "gap")]
    assert (cloze[0], cloze[3], basic[3], choice[3]) == ("studyapp cloze", 1, 0, 0)
    # exactly one deletion, whose answer's braces cannot close it early
    assert re.findall(r"\{\{c1::(.*?)\}\}", cloze[1][0]) == ["W h_&#123;t-1&#125;"]
    assert "also accepted: W h_(t-1)" in cloze[1][1]


def test_report_numbers_under_the_answer(sample_deck, tmp_path, capsys):
    out = tmp_path / "deck.apkg"
    export([sample_deck], out, capsys)
    notes = read_notes(out, tmp_path)
    card = load_deck(sample_deck).card("random-coefficient")
    max_norm = draw(card, 0)["max_norm"]
    coefficient = max_norm / (13 + 1e-6)  # ‖[3, 4, 12]‖ = 13, PyTorch's epsilon
    front, back = notes[genanki.guid_for("interop-sample", "random-coefficient")][1]
    assert f"max_norm={max_norm:g}" in front
    assert back.startswith(f"<p>{format_scalar(coefficient)}</p>")
    assert "randomised card: this is its first draw" in back
    assert f"max_norm = {max_norm}" in back
    assert f"= {coefficient:.9g}" in back  # the explanation's placeholder filled
    assert "<td>total_norm</td><td>13</td>" in back  # the Report's scalar table
    assert f"<td>coefficient</td><td>{format_scalar(coefficient)}</td>" in back


def test_bundled_deck_reports_and_plots_are_baked_in(tmp_path, capsys):
    content = Path(__file__).resolve().parents[2] / "content" / "02_vanishing.toml"
    out = tmp_path / "vanishing.apkg"
    export([content], out, capsys)
    notes = read_notes(out, tmp_path)
    backs = [note[1][-1] for note in notes.values()]
    assert len(notes) == len(load_deck(content).cards)
    svgs = [b for b in backs if "<svg" in b]
    assert svgs and all("<polyline" in b for b in svgs)
    deck = load_deck(content)
    linked = [c for c in deck.cards if c.engine]
    assert sum('<div class="engine-report">' in b for b in backs) == len(linked)


def test_broken_deck_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[deck]\nid = "x"\n', encoding="utf-8")
    out = tmp_path / "bad.apkg"
    assert main(["export", "anki", str(bad), "-o", str(out)]) == 1
    assert "nothing written" in capsys.readouterr().err
    assert not out.exists()
