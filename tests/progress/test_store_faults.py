"""Store faults a learner meets: a full disk, a store locked by another process, a
read-only store or file system, a file where the data folder should be. Each gives a
StoreError naming the cause and what to do, and a healthy store is never moved."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fsrs import Rating

from studyapp.progress import store as store_module
from studyapp.progress.scheduler import ReviewScheduler
from studyapp.progress.store import FILE_NAME, Store, StoreError
from tests.progress.conftest import T0, flashcards, make_deck

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "exclusive":
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN IMMEDIATE" if sys.argv[2] == "write" else "BEGIN EXCLUSIVE")
conn.execute("UPDATE decks SET title = title")
print("holding", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


@contextlib.contextmanager
def lock_held(path: Path, mode: str) -> Iterator[None]:
    """A second process holding the store's write lock ("write") or an exclusive lock."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline() == "holding\n"
        yield
    finally:
        child.communicate("release\n", timeout=30)


def healthy_store(data: Path) -> bytes:
    with Store.open(data) as store:
        ReviewScheduler(store, make_deck()).rate(make_deck().cards[0], Rating.Good, T0)
    return (data / FILE_NAME).read_bytes()


def test_disk_full_names_the_cause_and_keeps_the_store_usable(tmp_path):
    deck = make_deck(cards=flashcards(400))
    with Store.open(tmp_path) as store:
        sched = ReviewScheduler(store, deck, new_per_day=10_000)
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # a nearly full disk
        saved = 0
        with pytest.raises(StoreError, match="the disk is full") as error:
            for card in deck.cards:
                sched.rate(card, Rating.Good, T0)
                saved += 1
        assert "free some disk space" in str(error.value)
        assert "rollback" not in str(error.value)
        with pytest.raises(StoreError, match="the disk is full"):  # again: no crash
            sched.rate(deck.cards[saved], Rating.Good, T0)
        assert len(store.reviews()) == saved  # nothing already saved lost
        store._conn.execute("PRAGMA max_page_count = 1073741823")  # space freed
        sched.rate(deck.cards[saved], Rating.Good, T0)
        assert len(store.reviews()) == saved + 1
        assert store.integrity_check() == "ok"


def test_a_store_locked_by_another_process_is_reported_not_frozen(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)
    deck = make_deck()
    healthy_store(tmp_path)
    with Store.open(tmp_path) as store:
        sched = ReviewScheduler(store, deck)
        with lock_held(tmp_path / FILE_NAME, "write"):
            with pytest.raises(StoreError, match="in use by another program"):
                sched.rate(deck.cards[1], Rating.Good, T0)
            assert len(store.reviews()) == 1  # still readable meanwhile
        sched.rate(deck.cards[1], Rating.Good, T0)  # released: saving works again
        assert len(store.reviews()) == 2
    assert store_module.BUSY_TIMEOUT_MS <= 2000


def test_an_exclusively_locked_healthy_store_is_never_called_corrupt_or_moved(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)
    healthy_store(tmp_path)
    with lock_held(tmp_path / FILE_NAME, "exclusive"):
        before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}  # the holder's files
        for move_aside in (False, True):
            with pytest.raises(StoreError) as error:
                Store.open(tmp_path, move_aside=move_aside)
            message = str(error.value)
            assert "in use by another program" in message
            assert "corrupt" not in message and "--rename-unreadable" not in message
            assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    with Store.open(tmp_path) as store:
        assert len(store.reviews()) == 1


def test_a_file_where_the_data_folder_should_be(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="is a file, not a folder") as error:
        Store.open(blocker)
    assert "--data-dir" in str(error.value)
    assert blocker.read_text() == "not a folder"
    with pytest.raises(StoreError, match="cannot be created"):
        Store.open(blocker / "sub")


def test_read_only_store_reads_and_refuses_writes_with_the_reason(tmp_path):
    data = healthy_store(tmp_path)
    with Store.open(tmp_path, read_only=True) as store:
        assert store.read_only is not None and "read-only" in store.read_only
        assert len(store.reviews()) == 1
        sched = ReviewScheduler(store, make_deck())
        assert sched.counts(T0).new == 4
        with pytest.raises(StoreError, match="read-only"):
            sched.rate(make_deck().cards[1], Rating.Good, T0)
    assert (tmp_path / FILE_NAME).read_bytes() == data
    with Store.open(tmp_path) as store:
        assert store.read_only is None


@contextlib.contextmanager
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs holding a healthy store, remounted read-only (skips without mount)."""
    point = tmp_path / "mnt"
    point.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(point)]).returncode:
        pytest.skip("cannot mount a file system here")
    try:
        healthy_store(point)
        subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


@pytest.mark.skipif(sys.platform != "linux", reason="needs a Linux mount")
def test_a_healthy_store_on_a_read_only_file_system_opens_read_only(tmp_path):
    with read_only_mount(tmp_path) as point:
        names = sorted(p.name for p in point.iterdir())
        with Store.open(point, move_aside=True) as store:
            assert store.read_only is not None and "cannot be written" in store.read_only
            assert "corrupt" not in store.read_only
            assert len(store.reviews()) == 1
            with pytest.raises(StoreError, match="read-only"):
                ReviewScheduler(store, make_deck()).rate(make_deck().cards[1], Rating.Good, T0)
        assert sorted(p.name for p in point.iterdir()) == names


@contextlib.contextmanager
def small_tmpfs(tmp_path: Path, size: str) -> Iterator[Path]:
    """A size-limited tmpfs (skips where mounting is not allowed)."""
    point = tmp_path / "small"
    point.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)]
    if subprocess.run(command).returncode:
        pytest.skip("cannot mount a file system here")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


@pytest.mark.skipif(sys.platform != "linux", reason="needs a Linux mount")
def test_a_really_full_disk_then_stats_names_the_cause(tmp_path, capsys):
    from studyapp import cli

    deck = make_deck(cards=flashcards(3000))
    with small_tmpfs(tmp_path, "256k") as point:
        saved = 0
        with Store.open(point) as store:
            sched = ReviewScheduler(store, deck, new_per_day=10_000)
            with pytest.raises(StoreError, match="the disk is full"):
                for card in deck.cards:
                    sched.rate(card, Rating.Good, T0)
                    saved += 1
            with pytest.raises(StoreError, match="the disk is full"):
                sched.rate(deck.cards[saved], Rating.Good, T0)
        assert saved > 0
        filler = point / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as out:
            out.write(b"\0" * 1_000_000)  # whatever room is left, taken too
        status = cli.main(["--data-dir", str(point), "stats"])
        err = capsys.readouterr().err
        assert "rollback" not in err
        assert status == 0 or "the disk is full" in err
        filler.unlink()
        with Store.open(point) as store:  # space freed: everything saved is there
            assert len(store.reviews()) == saved
            assert store.integrity_check() == "ok"
