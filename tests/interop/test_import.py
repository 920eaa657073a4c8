"""`studyapp import`: Anki and Quizlet text exports become decks `studyapp check` accepts;
malformed files are refused at their line and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.deck.loader import inspect_deck, load_deck
from studyapp.interop.html_markdown import html_to_markdown
from studyapp.interop.plaintext_import import ImportFormatError, read_notes

ANKI = (
    "\ufeff#separator:tab\r\n#html:true\r\n#tags column:3\r\n"
    "What is <b>BPTT</b>?\tBackprop &amp; time<br>unrolled\tbptt basics\r\n"
    '"Multi\tline\nfront"\t"He said ""hi"" &lt;twice&gt;"\t\r\n'
    "The {{c1::Jacobian::a matrix}} product\tsee <i>Pascanu</i>\tcloze\r\n"
)


def run_import(tmp_path: Path, text: str | bytes, *extra: str) -> tuple[int, Path]:
    source = tmp_path / "export.txt"
    if isinstance(text, str):
        source.write_text(text, encoding="utf-8", newline="")
    else:
        source.write_bytes(text)
    out = tmp_path / "deck.toml"
    return main(["import", str(source), "-o", str(out), *extra]), out


def test_anki_export_round_trip(tmp_path, capsys):
    code, out = run_import(tmp_path, ANKI)
    assert code == 0, capsys.readouterr().err
    deck = load_deck(out)
    first, second, third = deck.cards
    assert (first.prompt, first.back) == ("What is **BPTT**?", "Backprop & time\nunrolled")
    assert first.tags == ("bptt", "basics")
    assert second.prompt == "Multi\tline\nfront"  # quoted tab and newline kept
    assert second.back == 'He said "hi" <twice>'  # doubled quotes and entities decoded
    assert third.type == "cloze" and third.answers == ("Jacobian",)
    assert third.prompt == "The {{gap}} product" and third.hint == "a matrix"
    assert third.explanation == "see *Pascanu*"
    assert main(["check", "--no-engine", str(out)]) == 0
    report = capsys.readouterr().out
    assert report.count("card has no [card.engine] link; add one") == 3
    assert 'experiment = "NAME"' in report and "0 error(s), 3 warning(s)" in report


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("#separator:comma\n", 'front,"back, with comma"\n'),
        ("#separator:Semicolon\n", 'front;"back; with semicolon"\n'),
    ],
)
def test_anki_comma_and_semicolon(header, row):
    (note,) = read_notes((header + "#html:false\n" + row).encode())
    assert note.front == "front" and note.back.startswith("back")
    assert note.line == 3


def test_quizlet_tab_and_chosen_separator(tmp_path, capsys):
    code, out = run_import(tmp_path, "gradient\tthe vector of partials\r\nclip\trescale {{= x}}\n")
    assert code == 0
    cards = load_deck(out).cards
    assert [(c.prompt, c.back) for c in cards] == [
        ("gradient", "the vector of partials"),
        ("clip", "rescale { {= x}}"),  # never read as an engine placeholder
    ]
    code, out = run_import(tmp_path, "a - b - c\nd - e\n", "--separator", " - ")
    assert code == 0
    assert [(c.prompt, c.back) for c in load_deck(out).cards] == [("a", "b - c"), ("d", "e")]


def test_html_to_markdown():
    html = (
        "<div>A&nbsp;<b>bold</b> &lt;tag&gt;</div>"
        "<ul><li>one</li><li>two</li></ul><script>x</script>"
    )
    assert html_to_markdown(html) == "A **bold** <tag>\n\n- one\n- two"


def test_anki_columns_header_names_the_tags_column():
    text = "#separator:Comma\n#html:false\n#columns:Tags,Front,Back\nrnn clip,q,a\n"
    (note,) = read_notes(text.encode())
    assert (note.front, note.back, note.tags) == ("q", "a", ("rnn", "clip"))


MALFORMED = [
    ("#separator:tab\n#html:maybe\na\tb\n", 2, "#html must be true or false"),
    ("#separator:tab\n#colour:red\na\tb\n", 2, "unknown header"),
    ("#separator:xx\na\tb\n", 1, "unknown #separator"),
    ("#separator:tab\n#tags column:zero\na\tb\n", 2, "column number"),
    ("#separator:tab\n#tags column:3\na\tb\tt\nc\td\n", 4, "#tags column is 3"),
    ("#separator:tab\na\tb\nonly a front\n", 3, "one field"),
    ("#separator:tab\na\tb\n\tback\n", 3, "empty front"),
    ("#separator:tab\na\tb\nc\t\n", 3, "empty back"),
    ('#separator:tab\na\tb\n"unclosed\tb\n', 3, "quoted field"),
    ("#separator:tab\n", 2, "no card"),
    ("term\tdef\nno separator here\n", 2, "no tab between term and definition"),
    (b"term\tdef\n\xff\xfe bad\tbytes\n", 2, "not UTF-8"),
    (b"term\tdef\nnul\x00\tbyte\n", 2, "NUL byte"),
]


@pytest.mark.parametrize(("text", "line", "message"), MALFORMED)
def test_malformed_files_refused_with_line(tmp_path, capsys, text, line, message):
    raw = text if isinstance(text, bytes) else text.encode()
    with pytest.raises(ImportFormatError) as caught:
        read_notes(raw)
    assert caught.value.line == line and message in caught.value.message
    out = tmp_path / "deck.toml"
    code, out = run_import(tmp_path, raw)
    err = capsys.readouterr().err
    assert code == 1 and f"export.txt:line {line}: " in err and "nothing written" in err
    assert not out.exists() and list(tmp_path.iterdir()) == [tmp_path / "export.txt"]


def test_existing_deck_untouched_on_bad_input(tmp_path, capsys):
    code, out = run_import(tmp_path, "a\tb\n")
    assert code == 0
    before = out.read_bytes()
    code, _ = run_import(tmp_path, "a\tb\nbroken\n")
    assert code == 1 and out.read_bytes() == before
    assert inspect_deck(out).deck is not None
