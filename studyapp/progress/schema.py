"""The progress database schema, as an ordered list of forward migrations.

`MIGRATIONS[i]` takes a database from schema version `i` to `i + 1`; the version lives in
`PRAGMA user_version`. Migrations only ever add: history is never dropped or rewritten.
A new schema version is one more entry appended here, never an edit of an old one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

# "stdy": marks a SQLite file as a studyapp progress store (PRAGMA application_id).
APPLICATION_ID = 0x73746479

Migration = Callable[[sqlite3.Connection], None]


def _create_v1(conn: sqlite3.Connection) -> None:
    """Decks, cards (with content hashes), edits, FSRS schedule, reviews, quiz answers."""
    _run_statements(
        conn,
        """
        CREATE TABLE decks (
            deck_id    TEXT PRIMARY KEY,
            title      TEXT NOT NULL,
            topic      TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen  TEXT NOT NULL
        );
        CREATE TABLE cards (
            deck_id      TEXT NOT NULL,
            card_id      TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            first_seen   TEXT NOT NULL,
            PRIMARY KEY (deck_id, card_id)
        );
        CREATE TABLE card_edits (
            id          INTEGER PRIMARY KEY,
            deck_id     TEXT NOT NULL,
            card_id     TEXT NOT NULL,
            old_hash    TEXT NOT NULL,
            new_hash    TEXT NOT NULL,
            detected_at TEXT NOT NULL
        );
        CREATE TABLE schedule (
            deck_id      TEXT NOT NULL,
            card_id      TEXT NOT NULL,
            fsrs_card_id INTEGER NOT NULL,
            state        INTEGER NOT NULL,
            step         INTEGER,
            stability    REAL,
            difficulty   REAL,
            due          TEXT NOT NULL,
            last_review  TEXT,
            PRIMARY KEY (deck_id, card_id)
        );
        CREATE INDEX schedule_due ON schedule (due);
        CREATE TABLE reviews (
            id           INTEGER PRIMARY KEY,
            deck_id      TEXT NOT NULL,
            card_id      TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            fsrs_card_id INTEGER NOT NULL,
            rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            reviewed_at  TEXT NOT NULL,
            duration_ms  INTEGER,
            state_before INTEGER NOT NULL,
            is_new       INTEGER NOT NULL CHECK (is_new IN (0, 1)),
            state_after  INTEGER NOT NULL,
            due_after    TEXT NOT NULL
        );
        CREATE INDEX reviews_card ON reviews (deck_id, card_id, reviewed_at);
        CREATE INDEX reviews_time ON reviews (reviewed_at);
        CREATE TABLE quiz_sessions (
            id         INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            deck_ids   TEXT NOT NULL,
            seed       INTEGER NOT NULL,
            card_count INTEGER NOT NULL
        );
        CREATE TABLE answers (
            id           INTEGER PRIMARY KEY,
            session_id   INTEGER NOT NULL REFERENCES quiz_sessions (id),
            deck_id      TEXT NOT NULL,
            card_id      TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            correct      INTEGER NOT NULL CHECK (correct IN (0, 1)),
            response     TEXT NOT NULL,
            answered_at  TEXT NOT NULL
        );
        CREATE INDEX answers_card ON answers (deck_id, card_id, answered_at);
        CREATE INDEX answers_time ON answers (answered_at);
        """,
    )


def _run_statements(conn: sqlite3.Connection, script: str) -> None:
    """Execute `;`-separated DDL one statement at a time (executescript would COMMIT)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _add_v2(conn: sqlite3.Connection) -> None:
    """Undo and card flags: each review keeps the card's full FSRS state before it (so
    undo restores it exactly), and a table of suspended / buried cards."""
    for column, kind in (
        ("before_step", "INTEGER"),
        ("before_stability", "REAL"),
        ("before_difficulty", "REAL"),
        ("before_due", "TEXT"),
        ("before_last_review", "TEXT"),
    ):
        conn.execute(f"ALTER TABLE reviews ADD COLUMN {column} {kind}")
    _run_statements(
        conn,
        """
        CREATE TABLE card_flags (
            deck_id      TEXT NOT NULL,
            card_id      TEXT NOT NULL,
            suspended    INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),
            buried_until TEXT,
            PRIMARY KEY (deck_id, card_id)
        );
        """,
    )


MIGRATIONS: tuple[Migration, ...] = (_create_v1, _add_v2)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Apply every migration past the database's `user_version`, all in one transaction.

    The caller holds no transaction; returns the new version. A failure rolls back to the
    version the file had.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        for target, step in enumerate(migrations[version:], start=version + 1):
            step(conn)
            conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back already (disk full)
            conn.execute("ROLLBACK")
        raise
    return max(version, len(migrations))
