"""The store never loses an acknowledged record: SIGKILL at random points, and two
processes writing at once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import fsrs
import pytest

from studyapp.progress.scheduler import fsrs_card_id
from studyapp.progress.store import Store

WRITER = Path(__file__).with_name("writer.py")
TRIALS = 24

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def spawn(data: Path, name: str, count: int, kind: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(data), name, str(count), kind, *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def acknowledged(output: str) -> list[tuple[str, int]]:
    """The (kind, id) records a child reported as committed (complete lines only)."""
    lines = output.split("\n")[:-1]  # a line cut off by the kill has no newline
    return [(kind, int(row)) for kind, row in (line.split() for line in lines)]


def stored_ids(data: Path) -> tuple[set[int], set[int], str]:
    with Store.open(data) as store:
        return (
            {r.id for r in store.reviews()},
            {a.id for a in store.answers()},
            store.integrity_check(),
        )


def test_sigkill_never_loses_an_acknowledged_record(tmp_path):
    rng = random.Random(20260302)
    data = tmp_path / "data"
    total_acknowledged = 0
    for trial in range(TRIALS):
        kind = ("review", "answer")[trial % 2]
        child = spawn(data, f"t{trial}", 0, kind)
        first = child.stdout.readline()  # wait until it is writing
        assert first.endswith("\n"), child.stderr.read()
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(child.pid, signal.SIGKILL)
        rest, _ = child.communicate()
        assert child.returncode == -signal.SIGKILL
        records = acknowledged(first + rest)
        reviews, answers, integrity = stored_ids(data)
        assert integrity == "ok"
        missing = [(k, i) for k, i in records if i not in (reviews if k == "review" else answers)]
        assert missing == [], f"trial {trial}: acknowledged but lost: {missing}"
        total_acknowledged += len(records)
    assert total_acknowledged >= TRIALS


@pytest.mark.parametrize("kind", ["review", "answer"])
def test_two_processes_writing_at_once_lose_nothing(tmp_path, kind):
    data = tmp_path / "data"
    with Store.open(data):
        pass  # create the file first, so both children open an existing store
    per_child = 150
    children = [spawn(data, name, per_child, kind, "barrier") for name in ("left", "right")]
    for child in children:
        assert child.stdout.readline() == "ready\n"
    for child in children:  # release both at once
        child.stdin.write("go\n")
        child.stdin.flush()
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (_, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        assert err == ""
    records = [r for out, _ in outputs for r in acknowledged(out)]
    assert len(records) == 2 * per_child
    ids = {i for _, i in records}
    assert len(ids) == 2 * per_child  # no two writes got the same row
    reviews, answers, integrity = stored_ids(data)
    assert integrity == "ok"
    assert (reviews if kind == "review" else answers) == ids


def replayed(store: Store, deck_id: str, card_id: str) -> fsrs.Card:
    """The card's FSRS state recomputed from its remaining review log (fuzzing off)."""
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(card_id=fsrs_card_id(deck_id, card_id))
    for log in store.review_logs(deck_id, card_id):
        card, _ = scheduler.review_card(card, log.rating, review_datetime=log.review_datetime)
    return card


def test_sigkill_during_undo_leaves_a_consistent_store(tmp_path):
    rng = random.Random(20261204)
    interrupted = 0  # trials killed before every review was undone
    for trial in range(8):
        data = tmp_path / f"data{trial}"
        child = spawn(data, f"u{trial}", 60, "undo")
        assert child.stdout.readline() == "rated\n", child.stderr.read()
        first = child.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(child.pid, signal.SIGKILL)
        rest, _ = child.communicate()
        undone = {int(line.split()[1]) for line in (first + rest).split("\n")[:-1]}
        with Store.open(data) as store:
            assert store.integrity_check() == "ok"
            reviews = store.reviews()
            assert undone.isdisjoint(r.id for r in reviews)
            assert len(reviews) <= 60 - len(undone)
            schedules = store.schedules()
            reviewed = {(r.deck_id, r.card_id) for r in reviews}
            assert set(schedules) == reviewed  # an undone-to-new card has no schedule
            for key in reviewed:
                expected, stored = replayed(store, *key), schedules[key]
                assert stored.to_dict() == expected.to_dict(), key
            interrupted += bool(reviews)
    assert interrupted >= 1
