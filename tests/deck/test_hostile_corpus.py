"""Every deck of the hostile corpus through `studyapp check`, `studyapp decks` and the app.

A rejected deck must be reported at file:line with the expected message, never as a
traceback; a deck of markup is valid and listed with its text as written; and however
many decks fail, the bundled decks still load and progress is still saved.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studyapp.cli import main
from studyapp.commands.decks import _listing
from studyapp.deck.checker import check_paths
from studyapp.deck.loader import load_decks
from studyapp.paths import bundled_deck_files, bundled_decks_dir
from tests.deck.hostile_corpus import CORPUS, MARKUP, Hostile, materialise

LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): .+$")
REJECTED = [entry for entry in CORPUS if not entry.accepted]
ACCEPTED = [entry for entry in CORPUS if entry.accepted]
UNLOADABLE = [entry for entry in REJECTED if not entry.check_only]
LOADABLE = [entry for entry in CORPUS if entry.accepted or entry.check_only]


def test_the_corpus_is_large_and_every_entry_distinct():
    names = [entry.name for entry in CORPUS]
    assert len(names) == len(set(names))
    sources = [entry.text for entry in CORPUS if entry.text is not None]
    assert len(sources) == len(set(sources))
    assert len(REJECTED) >= 40


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    """Every corpus entry in one deck folder, as a learner's decks folder would hold it."""
    folder = tmp_path_factory.mktemp("corpus")
    for entry in CORPUS:
        materialise(entry, folder)
    return folder


@pytest.mark.parametrize("entry", CORPUS, ids=[entry.name for entry in CORPUS])
def test_check_reports_each_hostile_deck_at_its_line(tmp_path, entry: Hostile):
    path = materialise(entry, tmp_path)
    result = check_paths([tmp_path])  # the folder: special files are met while listing it
    errors = [issue for issue in result.issues if issue.severity == "error"]
    if entry.accepted:
        assert errors == [], [str(issue) for issue in errors]
        assert result.decks == 1
        return
    found = [i for i in errors if entry.message in i.message and i.path == path]
    assert found, f"no error with {entry.message!r}: {[str(i)[:200] for i in errors]}"
    first = found[0]
    assert first.line == entry.expected_line, str(first)[:300]
    assert str(first).startswith(f"{path}:{first.line}:{first.col}: error: ")
    assert all(len(issue.message) < 600 for issue in result.issues)
    assert not any(LINE.match(issue.message) for issue in result.issues)  # no nested reports


def test_check_command_over_the_whole_corpus(corpus_dir, capsys):
    code = main(["check", "--quiet", str(corpus_dir)])
    out = capsys.readouterr()
    lines = out.out.strip().split("\n")
    assert code == 1
    assert "Traceback" not in out.out + out.err
    *issues, summary = lines
    assert all(LINE.match(row) for row in issues), [r for r in issues if not LINE.match(r)][:3]
    flagged = {Path(LINE.match(row)["path"]).name for row in issues if ": error: " in row}
    assert {f"{entry.name}.toml" for entry in REJECTED} <= flagged
    assert not {f"{entry.name}.toml" for entry in ACCEPTED} & flagged
    assert summary.startswith(f"{len(list(corpus_dir.iterdir()))} file(s)")


def test_check_as_a_process_shows_plain_progress_and_no_traceback(corpus_dir):
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "studyapp", "check", str(corpus_dir)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    elapsed = time.perf_counter() - started
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert "engine check(s)" in done.stderr  # progress: plain lines on a pipe
    assert "checking " in done.stderr and "engine checks finished" in done.stderr
    assert "\x1b" not in done.stderr + done.stdout  # no terminal codes when piped
    print(f"studyapp check over {len(CORPUS)} hostile decks: {elapsed:.1f} s")


def test_decks_listing_skips_every_hostile_deck_and_shows_markup_as_written(corpus_dir):
    lines = _listing("your decks", corpus_dir)
    failed = [row for row in lines if row.startswith("  FAILED ")]
    for entry in UNLOADABLE:
        assert any(row.startswith(f"  FAILED {entry.name}.toml: ") for row in failed), entry.name
    listed = [row for row in lines[1:] if not row.startswith("  FAILED ")]
    assert len(listed) == len(LOADABLE)
    assert any(f"{MARKUP}  (markup-in-every-field.toml)" in row for row in listed)
    assert all("\x1b" not in row and "\x07" not in row for row in lines)


def test_markup_decks_load_with_their_text_as_written(tmp_path):
    for entry in ACCEPTED:
        materialise(entry, tmp_path)
    markup = next(entry for entry in ACCEPTED if entry.name == "markup-in-every-field")
    result = load_decks([tmp_path / f"{markup.name}.toml"])
    (deck,) = result.decks
    assert deck.title == MARKUP
    card = deck.card("choice")
    assert MARKUP in card.choices and card.prompt.startswith(MARKUP)
    lines = _listing("your decks", tmp_path)
    assert any(MARKUP in row for row in lines)


async def test_app_loads_the_bundled_decks_beside_the_corpus_and_saves_progress(
    corpus_dir, tmp_path
):
    from studyapp.progress.store import Store
    from studyapp.ui.app import create_app
    from studyapp.ui.screens.flashcards import FlashcardScreen

    app = create_app(data_dir=tmp_path / "data", deck_paths=[bundled_decks_dir(), corpus_dir])
    app.animation_level = "none"
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            if app.loaded:
                break
            await pilot.pause(0.05)
        assert app.loaded and app.store is not None and app.store_error is None
        bundled_ids = {load_decks([path]).decks[0].id for path in bundled_deck_files()}
        assert bundled_ids <= {deck.id for deck in app.decks}
        failed = {failure.path.name for failure in app.failures}
        assert {f"{entry.name}.toml" for entry in UNLOADABLE} <= failed
        await pilot.pause()
        shown = [str(widget.render()) for widget in app.screen.query(".failure")]
        assert len(shown) == len(app.failures)  # Home lists every skipped deck with its error
        assert all(":" in row and "\x1b" not in row for row in shown)
        deck_id = sorted(bundled_ids)[0]
        app.open_flashcards(deck_id)
        await pilot.pause()
        assert isinstance(app.screen, FlashcardScreen)
        await pilot.press("space")
        await pilot.press("3")
        await pilot.pause()
    store = Store.open(tmp_path / "data", create=False)
    try:
        assert len(store.reviews(deck_id)) == 1
    finally:
        store.close()
