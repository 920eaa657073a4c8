"""The progress store: every review and quiz answer, in one SQLite file that never loses one.

    store = Store.open(data_dir(args.data_dir))   # studyapp.paths.data_dir; raises StoreError
    ...
    store.close()            # or: with Store.open(...) as store: ...

The file is `<data dir>/progress.sqlite3` (stdlib sqlite3, WAL journal, `synchronous=FULL`,
a busy timeout so several processes can write at once). Each review and each quiz answer is
one committed transaction the moment it is recorded. Progress is keyed by (deck id, card id);
the card's content hash is stored with every record, and a changed hash is logged as an edit
(`Store.edits`) while the card keeps its history. Only undo (`Store.undo_last`) deletes a
row: the review or answer the learner takes back.

A file at the store's path that is not a studyapp store (another program's database, a
corrupt file, text) raises `StoreError` and is left byte-for-byte untouched, unless the
caller passes `move_aside=True` (the learner agreed): then it is renamed to
`progress.sqlite3.unreadable-<UTC time>` and a fresh store is created (`Store.moved_aside`).

All datetimes taken and returned are timezone-aware UTC (naive ones raise ValueError).
One `Store` may be shared by threads (calls are serialised by a lock).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any, Protocol, TypeVar

import fsrs

from studyapp.progress.schema import APPLICATION_ID, SCHEMA_VERSION, migrate
from studyapp.progress.timeutil import from_text, local_day, now_utc, to_text, utc

FILE_NAME = "progress.sqlite3"
# Short: a store held by another program is reported within 2 s, never a long UI freeze.
BUSY_TIMEOUT_MS = 2_000
SQLITE_HEADER = b"SQLite format 3\x00"
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")


DISK_FULL_CAUSE = "the disk is full"
READ_ONLY_CAUSE = "cannot be written (read-only file or folder)"
RENAME_OPTION = "--rename-unreadable"  # the CLI flag that gives `move_aside=True`


class StoreError(Exception):
    """The progress file cannot be used; the message says why and what to do."""


class CardLike(Protocol):
    """What progress needs of a card: its id and a hash of its content. Read-only members,
    so frozen dataclasses (`studyapp.deck.model.Card`) satisfy it."""

    @property
    def id(self) -> str: ...

    def content_hash(self) -> str: ...


CardT_co = TypeVar("CardT_co", bound=CardLike, covariant=True)


class DeckLike(Protocol[CardT_co]):
    """What progress needs of a deck: its id, title, topic and cards (read-only members,
    so the frozen `studyapp.deck.model.Deck` satisfies it as `DeckLike[Card]`)."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def topic(self) -> str: ...

    @property
    def cards(self) -> Sequence[CardT_co]: ...


@dataclass(frozen=True)
class DeckSync:
    """What `Store.register_deck` found: cards new to the store, cards edited since the
    store last saw them, and cards with history that the deck no longer contains."""

    new: tuple[str, ...]
    edited: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Edit:
    """A card whose content hash changed: its history is kept, the edit is flagged."""

    deck_id: str
    card_id: str
    old_hash: str
    new_hash: str
    detected_at: datetime


@dataclass(frozen=True)
class ReviewRecord:
    """One flashcard review as stored (rating 1..4 = Again/Hard/Good/Easy)."""

    id: int
    deck_id: str
    card_id: str
    content_hash: str
    rating: fsrs.Rating
    reviewed_at: datetime
    duration_ms: int | None
    state_before: fsrs.State
    is_new: bool
    state_after: fsrs.State
    due_after: datetime


@dataclass(frozen=True)
class AnswerRecord:
    """One graded quiz answer as stored."""

    id: int
    session_id: int
    deck_id: str
    card_id: str
    content_hash: str
    correct: bool
    response: Any
    answered_at: datetime


@dataclass(frozen=True)
class DeckInfo:
    """A deck the store has seen (kept after the deck file is gone)."""

    deck_id: str
    title: str
    topic: str
    last_seen: datetime


@dataclass(frozen=True)
class Undone:
    """What `Store.undo_last` removed: kind "review" or "answer", its row id, the card."""

    kind: str
    record_id: int
    deck_id: str
    card_id: str


@dataclass(frozen=True)
class CardFlags:
    """A card's learner flags: suspended, and buried until (UTC) or None."""

    suspended: bool
    buried_until: datetime | None


def _problem_with(path: Path) -> tuple[str, bool] | None:
    """Why the file at `path` cannot be opened as our store (message, may move aside),
    or None if it can (absent, empty, an empty SQLite file, or our own schema).

    Reads only: the file is opened read-only and never modified.
    """
    if not path.exists():
        return None
    if not path.is_file():
        return "is not a regular file", True
    try:
        if path.stat().st_size == 0:
            return None
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})", False
    if header != SQLITE_HEADER:
        return "is not a SQLite database (a foreign or corrupt file)", True
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        # locked or read-only: perhaps a healthy store, so never offered for moving
        return _explain(exc, path).removeprefix(f"{path} ").rstrip("."), False
    except sqlite3.DatabaseError as exc:
        return f"is a corrupt or unreadable SQLite file ({exc})", True
    if check != "ok":
        return f"is a corrupt SQLite database (quick_check: {check})", True
    if app_id == 0 and not tables:
        return None
    if app_id != APPLICATION_ID:
        return "is a SQLite database of another application", True
    if version > SCHEMA_VERSION:
        return (
            f"was written by a newer studyapp (schema {version}; this version reads up to "
            f"{SCHEMA_VERSION}): upgrade studyapp",
            False,
        )
    return None


def _explain(exc: sqlite3.OperationalError, path: Path) -> str:
    """A learner's message for an operational SQLite failure: the cause and what to do."""
    text = str(exc).lower()
    if "full" in text:
        return (
            f"{path} could not be saved: {DISK_FULL_CAUSE}. Nothing already saved is lost; "
            "free some disk space, then go on studying (the last rating or answer was not "
            "saved)."
        )
    if "locked" in text or "busy" in text:
        return (
            f"{path} is in use by another program (the file is locked). Close the other "
            "studyapp (or the program holding it) and try again; nothing was changed."
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return (
            f"{path} {READ_ONLY_CAUSE}. Progress is shown but not saved; make the folder "
            "writable or start studyapp with --data-dir DIR."
        )
    return f"{path}: the progress store failed ({exc})."


def _move_aside(path: Path) -> Path:
    """Rename `path` (and its SQLite companion files) to `<name>.unreadable-<UTC time>`."""
    stamp = now_utc().strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.unreadable-{stamp}")
    path.rename(target)
    for suffix in COMPANION_SUFFIXES:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    return target


def _fsrs_card(row: sqlite3.Row) -> fsrs.Card:
    return fsrs.Card(
        card_id=row["fsrs_card_id"],
        state=fsrs.State(row["state"]),
        step=row["step"],
        stability=row["stability"],
        difficulty=row["difficulty"],
        due=from_text(row["due"]),
        last_review=from_text(row["last_review"]) if row["last_review"] else None,
    )


def _connect(target: str, path: Path, *, wal: bool) -> sqlite3.Connection:
    """A configured, migrated connection (StoreError if SQLite refuses the file)."""
    conn = sqlite3.connect(
        target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except sqlite3.OperationalError as exc:
        conn.close()
        raise StoreError(_explain(exc, path)) from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path}: cannot open the progress store ({exc})") from exc
    return conn


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to an existing store (StoreError if it cannot be read)."""
    try:
        return _connect_with(path, "mode=ro")
    except StoreError:
        # a WAL store on a read-only file system cannot make its -shm file: nobody can
        # write there, so reading it as immutable is safe
        return _connect_with(path, "immutable=1")


def _connect_with(path: Path, query: str) -> sqlite3.Connection:
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?{query}",
        uri=True,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.OperationalError as exc:
        conn.close()
        raise StoreError(_explain(exc, path)) from exc
    if version != SCHEMA_VERSION:
        conn.close()
        raise StoreError(f"{path} needs an upgrade that cannot be written: make it writable.")
    return conn


class Store:
    """A connection to the progress database. Create with `Store.open`."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        moved_aside: Path | None,
        read_only: str | None = None,
    ) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path
        self.moved_aside = moved_aside  # where an unreadable old file was renamed, if it was
        # None when writable; else why not (every write raises StoreError with this text)
        self.read_only = read_only

    @classmethod
    def open(
        cls,
        data_dir: str | Path,
        *,
        move_aside: bool = False,
        create: bool = True,
        file_name: str = FILE_NAME,
        read_only: bool = False,
    ) -> Store:
        """Open the store in `data_dir` (creating it unless `create=False`), migrating it
        forward.

        Raises StoreError, leaving the file untouched, if the path holds something else;
        with `move_aside=True` such a file is renamed aside instead (not for a store written
        by a newer studyapp, which always raises). With `create=False` a missing store
        raises StoreError too. A store that exists but cannot be written is opened read-only
        (`read_only` holds the reason; writes raise StoreError); `read_only=True` asks for
        that. A locked store raises StoreError naming the lock and is never moved.
        """
        path = Path(data_dir) / file_name
        if path.parent.exists() and not path.parent.is_dir():
            raise StoreError(
                f"{path.parent} is a file, not a folder, so progress cannot be stored there. "
                "Move that file away or start studyapp with --data-dir DIR; it was not touched."
            )
        if read_only:
            reason = f"{path} was opened read-only: progress is shown but not saved."
            return cls(_connect_read_only(path), path, None, reason)
        moved = None
        problem = _problem_with(path)
        if problem is not None and problem[0].startswith(READ_ONLY_CAUSE):
            return cls(_connect_read_only(path), path, None, f"{path} {problem[0]}.")
        if problem is not None:
            message, movable = problem
            if not (move_aside and movable):
                hint = (
                    " It was left untouched; move it away, or start studyapp with "
                    f"{RENAME_OPTION} to rename it aside and begin a new store."
                )
                raise StoreError(f"{path} {message}.{hint if movable else ''}")
            moved = _move_aside(path)
        if not create and not path.exists():
            raise StoreError(f"no progress store at {path}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"{path.parent} cannot be created ({exc.strerror or exc}): start studyapp "
                "with --data-dir DIR naming a writable folder."
            ) from exc
        try:
            return cls(_connect(str(path), path, wal=True), path, moved)
        except StoreError as writable_error:
            if not path.exists() or not any(
                cause in str(writable_error) for cause in (READ_ONLY_CAUSE, DISK_FULL_CAUSE)
            ):
                raise
            # a healthy store we may not write: keep studying read-only, say why
            return cls(_connect_read_only(path), path, None, str(writable_error))

    @classmethod
    def in_memory(cls) -> Store:
        """An empty store that lives in memory only (nothing is written to disk)."""
        return cls(_connect(":memory:", Path(":memory:"), wal=False), Path(":memory:"), None)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT; ROLLBACK on error).

        Nested use joins the outer transaction, so a read-modify-write (the scheduler's
        load card -> review -> save) commits as one unit.
        """
        with self._lock:
            if self._conn.in_transaction:
                yield self._conn
                return
            if self.read_only:
                raise StoreError(self.read_only)
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                    self._conn.execute("COMMIT")
                except BaseException:
                    # SQLite may already have rolled back (disk full): never hide the cause
                    if self._conn.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as exc:
                raise StoreError(_explain(exc, self.path)) from exc

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                raise StoreError(_explain(exc, self.path)) from exc

    # -- decks and cards -------------------------------------------------------------

    def _note_card(self, deck_id: str, card_id: str, content_hash: str, now: datetime) -> str:
        """Record the card's hash; log an edit if it changed. Returns new/edited/same."""
        conn = self._conn
        row = conn.execute(
            "SELECT content_hash FROM cards WHERE deck_id = ? AND card_id = ?",
            (deck_id, card_id),
        ).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO cards (deck_id, card_id, content_hash, first_seen) VALUES (?,?,?,?)",
                (deck_id, card_id, content_hash, to_text(now)),
            )
            return "new"
        if row["content_hash"] == content_hash:
            return "same"
        conn.execute(
            "INSERT INTO card_edits (deck_id, card_id, old_hash, new_hash, detected_at)"
            " VALUES (?,?,?,?,?)",
            (deck_id, card_id, row["content_hash"], content_hash, to_text(now)),
        )
        conn.execute(
            "UPDATE cards SET content_hash = ? WHERE deck_id = ? AND card_id = ?",
            (content_hash, deck_id, card_id),
        )
        return "edited"

    def register_deck(self, deck: DeckLike[CardLike], now: datetime | None = None) -> DeckSync:
        """Remember the deck's title/topic and its cards' hashes (one transaction).

        Edited cards keep their history and get an `Edit` row; cards that vanished from
        the deck keep theirs too (listed in `DeckSync.missing`).
        """
        stamp = to_text(utc(now) if now else now_utc())
        found: dict[str, list[str]] = {"new": [], "edited": [], "same": []}
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO decks (deck_id, title, topic, first_seen, last_seen)"
                " VALUES (?,?,?,?,?) ON CONFLICT (deck_id) DO UPDATE SET"
                " title = excluded.title, topic = excluded.topic, last_seen = excluded.last_seen",
                (deck.id, deck.title, deck.topic, stamp, stamp),
            )
            for card in deck.cards:
                status = self._note_card(deck.id, card.id, card.content_hash(), from_text(stamp))
                found[status].append(card.id)
            present = {card.id for card in deck.cards}
            stored = conn.execute("SELECT card_id FROM cards WHERE deck_id = ?", (deck.id,))
            missing = sorted(r[0] for r in stored if r[0] not in present)
        return DeckSync(tuple(found["new"]), tuple(found["edited"]), tuple(missing))

    def decks(self) -> dict[str, DeckInfo]:
        """Every deck the store has seen, by id, including decks whose file is gone."""
        rows = self._query("SELECT deck_id, title, topic, last_seen FROM decks")
        return {
            r["deck_id"]: DeckInfo(r["deck_id"], r["title"], r["topic"], from_text(r["last_seen"]))
            for r in rows
        }

    def deck_ids_with_history(self) -> set[str]:
        """Deck ids that have at least one review or quiz answer."""
        rows = self._query("SELECT deck_id FROM reviews UNION SELECT deck_id FROM answers")
        return {r[0] for r in rows}

    def edits(self, deck_id: str | None = None) -> list[Edit]:
        """Content-hash changes detected so far (oldest first), optionally for one deck."""
        sql = "SELECT * FROM card_edits"
        params: tuple[Any, ...] = ()
        if deck_id is not None:
            sql += " WHERE deck_id = ?"
            params = (deck_id,)
        rows = self._query(sql + " ORDER BY id", params)
        return [
            Edit(
                r["deck_id"],
                r["card_id"],
                r["old_hash"],
                r["new_hash"],
                from_text(r["detected_at"]),
            )
            for r in rows
        ]

    # -- flashcard reviews (FSRS) ----------------------------------------------------

    def fsrs_card(self, deck_id: str, card_id: str) -> fsrs.Card | None:
        """The stored FSRS state of a card, or None if it was never reviewed."""
        rows = self._query(
            "SELECT * FROM schedule WHERE deck_id = ? AND card_id = ?", (deck_id, card_id)
        )
        return _fsrs_card(rows[0]) if rows else None

    def schedules(self, deck_id: str | None = None) -> dict[tuple[str, str], fsrs.Card]:
        """FSRS states keyed by (deck id, card id), for one deck or all."""
        sql = "SELECT * FROM schedule"
        params: tuple[str, ...] = ()
        if deck_id is not None:
            sql, params = sql + " WHERE deck_id = ?", (deck_id,)
        return {(r["deck_id"], r["card_id"]): _fsrs_card(r) for r in self._query(sql, params)}

    def record_review(
        self,
        deck_id: str,
        card_id: str,
        content_hash: str,
        before: fsrs.Card,
        after: fsrs.Card,
        log: fsrs.ReviewLog,
        *,
        is_new: bool,
    ) -> int:
        """Store one review (log + the card's new FSRS state) as one transaction; its id."""
        reviewed_at = utc(log.review_datetime)
        with self.transaction() as conn:
            self._note_card(deck_id, card_id, content_hash, reviewed_at)
            cursor = conn.execute(
                "INSERT INTO reviews (deck_id, card_id, content_hash, fsrs_card_id, rating,"
                " reviewed_at, duration_ms, state_before, is_new, state_after, due_after,"
                " before_step, before_stability, before_difficulty, before_due,"
                " before_last_review) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    deck_id,
                    card_id,
                    content_hash,
                    after.card_id,
                    int(log.rating),
                    to_text(reviewed_at),
                    log.review_duration,
                    int(before.state),
                    int(is_new),
                    int(after.state),
                    to_text(after.due),
                    before.step,
                    before.stability,
                    before.difficulty,
                    to_text(utc(before.due)),
                    to_text(utc(before.last_review)) if before.last_review else None,
                ),
            )
            conn.execute(
                "INSERT INTO schedule (deck_id, card_id, fsrs_card_id, state, step, stability,"
                " difficulty, due, last_review) VALUES (?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (deck_id, card_id) DO UPDATE SET"
                " fsrs_card_id = excluded.fsrs_card_id,"
                " state = excluded.state, step = excluded.step, stability = excluded.stability,"
                " difficulty = excluded.difficulty, due = excluded.due,"
                " last_review = excluded.last_review",
                (
                    deck_id,
                    card_id,
                    after.card_id,
                    int(after.state),
                    after.step,
                    after.stability,
                    after.difficulty,
                    to_text(after.due),
                    to_text(after.last_review) if after.last_review else None,
                ),
            )
            return _inserted_id(cursor)

    def reviews(self, deck_id: str | None = None, card_id: str | None = None) -> list[ReviewRecord]:
        """Stored reviews in time order, optionally for one deck or one card."""
        sql, params = _filtered("SELECT * FROM reviews", deck_id, card_id)
        rows = self._query(sql + " ORDER BY reviewed_at, id", params)
        return [
            ReviewRecord(
                id=r["id"],
                deck_id=r["deck_id"],
                card_id=r["card_id"],
                content_hash=r["content_hash"],
                rating=fsrs.Rating(r["rating"]),
                reviewed_at=from_text(r["reviewed_at"]),
                duration_ms=r["duration_ms"],
                state_before=fsrs.State(r["state_before"]),
                is_new=bool(r["is_new"]),
                state_after=fsrs.State(r["state_after"]),
                due_after=from_text(r["due_after"]),
            )
            for r in rows
        ]

    def review_logs(self, deck_id: str, card_id: str) -> list[fsrs.ReviewLog]:
        """The card's reviews as fsrs ReviewLogs (for `fsrs.Scheduler.reschedule_card`)."""
        rows = self._query(
            "SELECT fsrs_card_id, rating, reviewed_at, duration_ms FROM reviews"
            " WHERE deck_id = ? AND card_id = ? ORDER BY reviewed_at, id",
            (deck_id, card_id),
        )
        return [
            fsrs.ReviewLog(
                card_id=r["fsrs_card_id"],
                rating=fsrs.Rating(r["rating"]),
                review_datetime=from_text(r["reviewed_at"]),
                review_duration=r["duration_ms"],
            )
            for r in rows
        ]

    def new_cards_reviewed(self, deck_id: str, start: datetime, end: datetime) -> int:
        """How many never-reviewed cards of the deck got their first review in [start, end)."""
        rows = self._query(
            "SELECT COUNT(*) FROM reviews WHERE deck_id = ? AND is_new = 1"
            " AND reviewed_at >= ? AND reviewed_at < ?",
            (deck_id, to_text(start), to_text(end)),
        )
        return int(rows[0][0])

    # -- undo ------------------------------------------------------------------------

    def undo_last(self, since: datetime) -> Undone | None:
        """Undo the most recent review or quiz answer recorded at or after `since` (the start
        of the sitting), as one transaction; None if there is none.

        A review's row is removed and the card's FSRS state restored exactly as it was
        before it (a card that was new becomes new again); an answer's row is removed.
        Call again to go further back. Works across restarts: it reads only the store.
        """
        start = to_text(utc(since))
        with self.transaction() as conn:
            review = conn.execute(
                "SELECT * FROM reviews WHERE reviewed_at >= ? ORDER BY reviewed_at DESC, id DESC"
                " LIMIT 1",
                (start,),
            ).fetchone()
            answer = conn.execute(
                "SELECT * FROM answers WHERE answered_at >= ? ORDER BY answered_at DESC, id DESC"
                " LIMIT 1",
                (start,),
            ).fetchone()
            if review is None and answer is None:
                return None
            if review is None or (
                answer is not None and answer["answered_at"] > review["reviewed_at"]
            ):
                conn.execute("DELETE FROM answers WHERE id = ?", (answer["id"],))
                return Undone("answer", answer["id"], answer["deck_id"], answer["card_id"])
            self._restore_before(conn, review)
            conn.execute("DELETE FROM reviews WHERE id = ?", (review["id"],))
            return Undone("review", review["id"], review["deck_id"], review["card_id"])

    def undo_answer(self, answer_id: int) -> bool:
        """Remove one quiz answer (a quiz session taking back its answer); False if absent."""
        with self.transaction() as conn:
            return conn.execute("DELETE FROM answers WHERE id = ?", (answer_id,)).rowcount > 0

    def _restore_before(self, conn: sqlite3.Connection, review: sqlite3.Row) -> None:
        """Put the card's schedule back to its state before `review` (its latest review)."""
        key = (review["deck_id"], review["card_id"])
        later = conn.execute(
            "SELECT COUNT(*) FROM reviews WHERE deck_id = ? AND card_id = ? AND id != ?"
            " AND (reviewed_at > ? OR (reviewed_at = ? AND id > ?))",
            (*key, review["id"], review["reviewed_at"], review["reviewed_at"], review["id"]),
        ).fetchone()[0]
        if later:
            raise StoreError("only a card's latest review can be undone")
        if review["is_new"]:
            conn.execute("DELETE FROM schedule WHERE deck_id = ? AND card_id = ?", key)
            return
        if review["before_due"] is None:
            raise StoreError("this review predates undo support and cannot be undone")
        conn.execute(
            "UPDATE schedule SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?,"
            " last_review = ? WHERE deck_id = ? AND card_id = ?",
            (
                review["state_before"],
                review["before_step"],
                review["before_stability"],
                review["before_difficulty"],
                review["before_due"],
                review["before_last_review"],
                *key,
            ),
        )

    # -- suspend and bury -----------------------------------------------------------

    def set_suspended(self, deck_id: str, card_id: str, suspended: bool) -> None:
        """Suspend (True) or unsuspend (False) a card: a suspended card is never scheduled
        or quizzed until unsuspended."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO card_flags (deck_id, card_id, suspended) VALUES (?,?,?)"
                " ON CONFLICT (deck_id, card_id) DO UPDATE SET suspended = excluded.suspended",
                (deck_id, card_id, int(suspended)),
            )

    def bury(self, deck_id: str, card_id: str, until: datetime | None) -> None:
        """Hide a card until `until`; None unburies it. For "until tomorrow" pass
        `timeutil.day_bounds(now, zone)[1]`, the start of the learner's next calendar day."""
        value = to_text(utc(until)) if until is not None else None
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO card_flags (deck_id, card_id, buried_until) VALUES (?,?,?)"
                " ON CONFLICT (deck_id, card_id) DO UPDATE SET"
                " buried_until = excluded.buried_until",
                (deck_id, card_id, value),
            )

    def card_flags(self, deck_id: str) -> dict[str, CardFlags]:
        """The deck's flagged cards by card id: suspended and buried-until (UTC or None)."""
        rows = self._query("SELECT * FROM card_flags WHERE deck_id = ?", (deck_id,))
        return {
            r["card_id"]: CardFlags(
                suspended=bool(r["suspended"]),
                buried_until=from_text(r["buried_until"]) if r["buried_until"] else None,
            )
            for r in rows
        }

    def hidden_cards(self, deck_id: str, now: datetime) -> set[str]:
        """Ids of the deck's cards to leave out at `now`: suspended, or buried past `now`."""
        now = utc(now)
        return {
            card_id
            for card_id, flags in self.card_flags(deck_id).items()
            if flags.suspended or (flags.buried_until is not None and flags.buried_until > now)
        }

    # -- quiz answers ----------------------------------------------------------------

    def start_quiz(
        self, deck_ids: tuple[str, ...], seed: int, card_count: int, now: datetime
    ) -> int:
        """Record the start of a quiz session; returns its id."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO quiz_sessions (started_at, deck_ids, seed, card_count)"
                " VALUES (?,?,?,?)",
                (to_text(now), json.dumps(list(deck_ids)), seed, card_count),
            )
            return _inserted_id(cursor)

    def record_answer(
        self,
        session_id: int,
        deck_id: str,
        card_id: str,
        content_hash: str,
        *,
        correct: bool,
        response: Any,
        answered_at: datetime,
    ) -> int:
        """Store one graded answer (`response` as JSON) as one transaction; its id."""
        moment = utc(answered_at)
        with self.transaction() as conn:
            self._note_card(deck_id, card_id, content_hash, moment)
            cursor = conn.execute(
                "INSERT INTO answers (session_id, deck_id, card_id, content_hash, correct,"
                " response, answered_at) VALUES (?,?,?,?,?,?,?)",
                (
                    session_id,
                    deck_id,
                    card_id,
                    content_hash,
                    int(correct),
                    json.dumps(_jsonable(response)),
                    to_text(moment),
                ),
            )
            return _inserted_id(cursor)

    def answers(self, deck_id: str | None = None, card_id: str | None = None) -> list[AnswerRecord]:
        """Stored quiz answers in time order, optionally for one deck or one card."""
        sql, params = _filtered("SELECT * FROM answers", deck_id, card_id)
        rows = self._query(sql + " ORDER BY answered_at, id", params)
        return [
            AnswerRecord(
                id=r["id"],
                session_id=r["session_id"],
                deck_id=r["deck_id"],
                card_id=r["card_id"],
                content_hash=r["content_hash"],
                correct=bool(r["correct"]),
                response=json.loads(r["response"]),
                answered_at=from_text(r["answered_at"]),
            )
            for r in rows
        ]

    def last_answer_correct(self, deck_id: str) -> dict[str, bool]:
        """For each card of the deck ever answered in a quiz: was its latest answer right?"""
        rows = self._query(
            "SELECT card_id, correct FROM answers a WHERE deck_id = ? AND id = ("
            " SELECT b.id FROM answers b WHERE b.deck_id = a.deck_id AND b.card_id = a.card_id"
            " ORDER BY b.answered_at DESC, b.id DESC LIMIT 1)",
            (deck_id,),
        )
        return {r["card_id"]: bool(r["correct"]) for r in rows}

    # -- aggregates for stats ---------------------------------------------------------

    def reviews_per_day(self, zone: tzinfo | None = None) -> dict[date, int]:
        """Number of flashcard reviews on each day (in `zone`; None: local) that has any."""
        return self._per_day("reviews", "reviewed_at", zone)

    def answers_per_day(self, zone: tzinfo | None = None) -> dict[date, int]:
        """Number of quiz answers on each day (in `zone`; None: local) that has any."""
        return self._per_day("answers", "answered_at", zone)

    def _per_day(self, table: str, column: str, zone: tzinfo | None) -> dict[date, int]:
        """Counts per calendar day of `zone`: grouped in SQL by UTC quarter hour (every
        time zone's midnight falls on one), then by the zone's day here."""
        rows = self._query(
            f"SELECT substr({column}, 1, 14) || (CAST(substr({column}, 15, 2) AS INTEGER)"
            f" / 15 * 15) AS quarter, COUNT(*) FROM {table} GROUP BY quarter"
        )
        counts: Counter[date] = Counter()
        for quarter, count in rows:
            hour, minute = quarter[:14], int(quarter[14:])
            counts[local_day(from_text(f"{hour}{minute:02d}:00+00:00"), zone)] += int(count)
        return dict(counts)

    def retention_counts(self, since: datetime | None = None) -> tuple[int, int]:
        """(passed, total) over reviews of cards in the Review state (true retention:
        passed = any rating but Again), optionally only reviews at or after `since`."""
        sql = "SELECT COALESCE(SUM(rating > 1), 0), COUNT(*) FROM reviews WHERE state_before = ?"
        params: tuple[Any, ...] = (int(fsrs.State.Review),)
        if since is not None:
            sql += " AND reviewed_at >= ?"
            params += (to_text(since),)
        passed, total = self._query(sql, params)[0]
        return int(passed), int(total)

    def answer_counts(self) -> dict[str, tuple[int, int]]:
        """(correct, total) quiz answers per deck id."""
        rows = self._query("SELECT deck_id, SUM(correct), COUNT(*) FROM answers GROUP BY deck_id")
        return {r[0]: (int(r[1]), int(r[2])) for r in rows}

    # -- maintenance -----------------------------------------------------------------

    def integrity_check(self) -> str:
        """`PRAGMA integrity_check`: "ok" for a healthy file."""
        return str(self._query("PRAGMA integrity_check")[0][0])

    @property
    def schema_version(self) -> int:
        return int(self._query("PRAGMA user_version")[0][0])


def _inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid of the row the cursor's INSERT just added."""
    row_id = cursor.lastrowid
    if row_id is None:  # sqlite3 sets it after every INSERT
        raise RuntimeError("the INSERT reported no row id")
    return row_id


def _filtered(sql: str, deck_id: str | None, card_id: str | None) -> tuple[str, tuple[Any, ...]]:
    clauses, params = [], []
    if deck_id is not None:
        clauses.append("deck_id = ?")
        params.append(deck_id)
    if card_id is not None:
        clauses.append("card_id = ?")
        params.append(card_id)
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return sql, tuple(params)


def _jsonable(response: Any) -> Any:
    """A learner's response as JSON data (frozensets and tuples become sorted/plain lists)."""
    if isinstance(response, (frozenset, set)):
        return sorted(response)
    if isinstance(response, (list, tuple)):
        return [_jsonable(item) for item in response]
    return response
