"""Opening deck files (regular files only, never blocking) and one bad deck never
taking the others down, whatever it raises."""

from __future__ import annotations

import os
import threading

import pytest

from studyapp.deck import loader
from studyapp.deck.deck_files import deck_files, read_deck_text
from studyapp.deck.loader import inspect_deck, load_decks
from studyapp.deck.locate import SourceIndex
from studyapp.paths import bundled_deck_files, bundled_decks_dir
from tests.deck.hostile_corpus import BASE


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "deck.toml"
    os.mkfifo(fifo)
    found = []
    reader = threading.Thread(target=lambda: found.append(inspect_deck(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=30)  # only a hang detector: the refusal takes microseconds
    assert not reader.is_alive(), "opening a FIFO blocked"
    (issue,) = found[0].issues
    assert "a named pipe (FIFO)" in issue.message and (issue.line, issue.col) == (1, 1)


def test_a_file_over_the_limit_is_refused_from_its_size(tmp_path):
    path = tmp_path / "big.toml"
    with path.open("wb") as handle:
        handle.truncate(10**9)  # sparse: 1 GB that would take a while to read
    text, problem = read_deck_text(path, 1000)
    assert text is None and problem is not None
    assert "larger than 1,000 bytes" in problem.message


def test_bom_and_crlf_are_accepted_and_lines_still_count(tmp_path):
    path = tmp_path / "deck.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode())
    text, problem = read_deck_text(path, 10**6)
    assert problem is None and text is not None and not text.startswith("\ufeff")
    assert inspect_deck(path).deck is not None


def test_folders_list_toml_entries_without_following_them(tmp_path):
    (tmp_path / "b.toml").write_text("x", encoding="utf-8")
    (tmp_path / "a.toml").symlink_to(tmp_path)  # a link back to the folder itself
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.toml").write_text("x", encoding="utf-8")
    assert deck_files([tmp_path]) == [tmp_path / "a.toml", tmp_path / "b.toml"]


def test_quoted_keys_with_escapes_are_located():
    index = SourceIndex("[deck]\n\"a\\u0041\\tb\" = 1\n'lit\\n' = 2\n")
    assert index.position("deck", "aA\tb") == (2, 1)
    assert index.position("deck", "lit\\n") == (3, 1)


@pytest.mark.parametrize("error", [KeyError, RuntimeError, ZeroDivisionError, RecursionError])
def test_any_exception_while_loading_one_deck_costs_only_that_deck(tmp_path, monkeypatch, error):
    (tmp_path / "bad.toml").write_text(BASE.replace("hostile-base", "bad"), encoding="utf-8")
    (tmp_path / "good.toml").write_text(BASE, encoding="utf-8")
    real = loader.validate

    def validate(data, index, path, limits):
        if path.name == "bad.toml":
            raise error("unexpected")
        return real(data, index, path, limits)

    monkeypatch.setattr(loader, "validate", validate)
    result = load_decks([tmp_path])
    assert [deck.id for deck in result.decks] == ["hostile-base"]
    (failure,) = result.failures
    assert failure.path.name == "bad.toml"
    assert f"cannot load the deck ({error.__name__}" in str(failure)


async def test_the_app_skips_a_deck_whose_loading_raises(tmp_path, monkeypatch):
    from studyapp.ui.app import create_app

    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "odd.toml").write_text(BASE, encoding="utf-8")
    real = loader.validate

    def validate(data, index, path, limits):
        if path.name == "odd.toml":
            raise AttributeError("a loader bug")
        return real(data, index, path, limits)

    monkeypatch.setattr(loader, "validate", validate)
    app = create_app(
        data_dir=tmp_path / "data", deck_paths=[bundled_decks_dir(), tmp_path / "decks"]
    )
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            if app.loaded:
                break
            await pilot.pause(0.05)
        assert len(app.decks) == len(bundled_deck_files())
        (failure,) = app.failures
        assert "AttributeError: a loader bug" in str(failure)
        assert app.store is not None
