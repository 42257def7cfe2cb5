"""The durable event store: one SQLite file holding an append-only, hash-chained table of rows.

Row 1 is a log's header; every later row is an event, a new version of one (a
correction) or a retraction. Rows are never updated or deleted (triggers refuse
it). Each row keeps the time it was recorded and a hash over its content, its
record and its predecessor's hash. An append is one ``BEGIN IMMEDIATE``
transaction that first checks the version (the number of rows) its writer
expects, so a writer that read an older state gets :class:`VersionConflict`
and nothing is written.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import time
import urllib.parse
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Mapping, Sequence

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's own locking is enough, only slower
    fcntl = None  # type: ignore[assignment]

from ..canonical import GENESIS, canonical_json
from .rows import (ROW_TYPES, STORE_SUFFIXES, Entry, Row, StoreError, VersionConflict, is_store_path,
                         row_hash, stamp)

#: Version of the store's tables. A store written by a newer orgsim is refused, never guessed at.
STORE_SCHEMA = 1
#: How long a writer waits for another writer's transaction before giving up (seconds).
BUSY_TIMEOUT = 60.0
#: Rows written per executemany, and how many rows make an append a bulk one (see ``Store.append``).
BATCH_ROWS = 20_000
BULK_ROWS = 10_000

SCHEMA = f"""
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES ({STORE_SCHEMA});
CREATE TABLE events (
    seq INTEGER PRIMARY KEY CHECK (seq >= 1),
    type TEXT NOT NULL CHECK (type IN ('header', 'event', 'retraction')),
    event_id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    recorded_at TEXT NOT NULL,
    content TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (event_id, version)
);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'orgsim store rows are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'orgsim store rows are append-only'); END;
"""
#: What is worked out from the rows and kept to spare the next writer the work, each for the head it was
#: made at: no part of the chain or of its hashes, made on first use (older stores lack it) and
#: replaced freely. A body kept for another head is never read.
KEPT = """
CREATE TABLE IF NOT EXISTS kept (name TEXT PRIMARY KEY, version INTEGER NOT NULL, head TEXT NOT NULL,
                                 body TEXT NOT NULL)
"""


def _short(exc: Exception) -> str:
    """SQLite's message, on one line and short (a decoding error quotes the whole row)."""
    text = " ".join(str(exc).split())
    return text if len(text) <= 120 else text[:117] + "..."


class Store:
    """An open store file. Use as a context manager; every SQLite failure becomes a StoreError."""

    def __init__(self, path: str, conn: sqlite3.Connection) -> None:
        self.path, self.conn = path, conn

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.conn.close()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.IntegrityError as exc:  # a UNIQUE backstop: two writers raced past the checks
            raise VersionConflict(f"another writer recorded the same row first ({exc}); reload and retry",
                                  self.path) from None
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc):
                raise StoreError("cannot write: the store (or its folder) is read-only", self.path) from None
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(f"the store is busy: another writer held it for over {BUSY_TIMEOUT:.0f} s",
                                 self.path) from None
            raise StoreError(f"not a readable orgsim store ({_short(exc)})", self.path) from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"not a readable orgsim store ({_short(exc)})", self.path) from None

    @classmethod
    def _connect(cls, path: str, mode: str) -> "Store":
        uri = f"file:{urllib.parse.quote(os.path.abspath(path))}?mode={mode}"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store ({exc})", path) from None
        store = cls(path, conn)
        with store._guard():
            # FULL: a commit is on disk before append() returns; a crash keeps every committed row.
            conn.execute("PRAGMA synchronous = FULL")
        return store

    @classmethod
    def create(cls, path: str) -> "Store":
        """Create a new, empty store file (refusing to touch an existing file)."""
        if os.path.exists(path):
            raise StoreError("already exists: a store is created only once (choose another --store)", path)
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise StoreError(f"cannot create the store: no folder {folder}", path)
        store = cls._connect(path, "rwc")
        with store._guard():
            store.conn.execute("PRAGMA journal_mode = WAL")  # readers never wait for a writer
            store.conn.executescript(f"BEGIN IMMEDIATE; {SCHEMA} COMMIT;")
        return store

    @classmethod
    def open(cls, path: str) -> "Store":
        """Open an existing store, checking that it is one and that this orgsim can read its schema."""
        if os.path.isdir(path):
            raise StoreError("is a folder, not a store", path)
        if not os.path.exists(path):
            raise StoreError("no store here (create one with `orgsim store init`)", path)
        store = cls._connect(path, "rw" if os.access(path, os.W_OK) else "ro")
        with store._guard():
            try:
                found = store.conn.execute("SELECT version FROM schema_version").fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" not in str(exc):
                    raise
                raise StoreError("an SQLite database, but not an orgsim store (no schema_version table)",
                                 path) from None
        if len(found) != 1 or not isinstance(found[0][0], int):
            raise StoreError("not a readable orgsim store (its schema_version table is damaged)", path)
        if found[0][0] > STORE_SCHEMA:
            raise StoreError(f"written by a newer orgsim (store schema {found[0][0]}; "
                             f"this orgsim reads up to {STORE_SCHEMA})", path)
        return store

    def rows(self, until: str | None = None) -> list[Row]:
        """Every row in order, or those recorded at or before ``until`` (a stamp): the log as it stood then."""
        sql = "SELECT seq, type, event_id, version, recorded_at, content, prev_hash, hash FROM events"
        with self._guard():
            cur = (self.conn.execute(sql + " ORDER BY seq") if until is None else
                   self.conn.execute(sql + " WHERE recorded_at <= ? ORDER BY seq", (until,)))
            return [Row(*r) for r in cur]

    def last_row(self) -> Row | None:
        """The newest row (None in an empty store)."""
        sql = "SELECT seq, type, event_id, version, recorded_at, content, prev_hash, hash FROM events"
        with self._guard():
            found = self.conn.execute(sql + " ORDER BY seq DESC LIMIT 1").fetchone()
        return Row(*found) if found else None

    def latest(self, event_id: str) -> Row | None:
        """The newest row of one event (``""``: of the header), found through the (event_id, version) index."""
        sql = "SELECT seq, type, event_id, version, recorded_at, content, prev_hash, hash FROM events"
        with self._guard():
            found = self.conn.execute(sql + " WHERE event_id = ? ORDER BY version DESC LIMIT 1",
                                      (event_id,)).fetchone()
        return Row(*found) if found else None

    def kept(self, name: str, version: int, head: str) -> str | None:
        """What was kept under ``name`` for exactly this version and head, or None."""
        with self._guard():
            try:
                found = self.conn.execute("SELECT body FROM kept WHERE name = ? AND version = ? AND head = ?",
                                          (name, version, head)).fetchone()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    return None
                raise
        return found[0] if found and isinstance(found[0], str) else None

    def head(self) -> tuple[int, str, str]:
        """(version, head hash, last recording time); version 0 and the genesis hash when empty."""
        with self._guard():
            found = self.conn.execute(
                "SELECT seq, hash, recorded_at FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return found if found else (0, GENESIS, "")

    @property
    def version(self) -> int:
        """The number of rows: what a writer states it expects when it appends."""
        return self.head()[0]

    def append(self, entries: Sequence[Entry], expected: int,
               before_commit: Callable[[], None] | None = None, keep: Mapping[str, str] | None = None,
               written: Callable[[int], None] | None = None) -> int:
        """Append entries in one transaction if the store is still at ``expected``; returns the new version.

        ``keep`` (name -> text) is kept for the new head in the same transaction (see ``KEPT``).
        ``before_commit`` runs inside the transaction, just before COMMIT (the crash test kills the
        process there). ``written`` is told how many rows each batch wrote (for a progress bar).
        """
        with self._guard(), self._queue():
            self.conn.execute("BEGIN IMMEDIATE")  # the write lock first, so the check below stays true
            bulk = len(entries) >= BULK_ROWS
            try:
                version, prev, last_time = self.head()
                if version != expected:
                    raise VersionConflict(f"the store is at version {version}, not {expected}: another writer "
                                          "appended first; nothing was written (reload and retry)", self.path)
                # Never earlier than the last row, so "as recorded at T" is always a prefix of the chain.
                recorded_at = max(stamp(), last_time)
                if bulk:
                    # Every row below has a row type, a seq and a version the table's CHECKs accept by
                    # construction, and SQLite builds a lookup table for `type IN (...)` on each row: a
                    # third of a bulk insert's time. For this connection and this transaction only.
                    self.conn.execute("PRAGMA ignore_check_constraints = ON")
                numbered = self._numbered(entries, version)
                while True:
                    # In batches: Ctrl-C is noticed between them (and rolls everything back), and progress moves.
                    rows = []
                    for type_, key, number, content in itertools.islice(numbered, BATCH_ROWS):
                        digest = row_hash(prev, type_, key, number, recorded_at, content)
                        version += 1
                        rows.append((version, type_, key, number, recorded_at, content, prev, digest))
                        prev = digest
                    if not rows:
                        break
                    self.conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
                    if written is not None:
                        written(len(rows))
                if keep:
                    self.conn.execute(KEPT)
                    self.conn.executemany("INSERT OR REPLACE INTO kept VALUES (?, ?, ?, ?)",
                                          [(name, version, prev, body) for name, body in keep.items()])
                if before_commit is not None:
                    before_commit()
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            finally:
                if bulk:
                    self.conn.execute("PRAGMA ignore_check_constraints = OFF")
        return version

    @contextmanager
    def _queue(self) -> Iterator[None]:
        """Wait for other writers on a lock file beside the store, polling every few milliseconds.

        SQLite alone makes a waiting writer sleep and poll, which with eight writers wastes most of the
        time; this lock only orders writers, and correctness still rests on BEGIN IMMEDIATE.
        """
        if fcntl is None:
            yield
            return
        try:
            fd = os.open(self.path + "-lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            yield  # a read-only folder: SQLite's own locking still serialises the writers
            return
        try:
            deadline = time.monotonic() + BUSY_TIMEOUT
            while True:  # a bounded wait: a stalled writer must not hang every other writer
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreError(f"the store is busy: another writer held it for over {BUSY_TIMEOUT:.0f} s",
                                         self.path) from None
                    time.sleep(0.005)
            yield
        finally:
            os.close(fd)  # closing the file releases the lock, also when the process is killed

    def _numbered(self, entries: Sequence[Entry], version: int) -> Iterator[tuple[str, str, int, str]]:
        """Give each entry its row type and version, refusing what the log cannot hold."""
        if version == 0 and _a_new_log(entries):
            # A log into an empty store: each row is version 1, and nothing below could refuse one.
            for e in entries:
                key = "" if e.intent == "header" else e.event_id
                yield ("header" if e.intent == "header" else "event"), key, 1, (
                    e.text if e.text is not None else canonical_json(e.content, f"{self.path}: {e.intent} '{key}'"))
            return
        latest: dict[str, tuple[int, str]] = {}
        for i, e in enumerate(entries):
            if version + i == 0 and e.intent != "header":
                raise StoreError("the first row of a store must be a log's header (use `orgsim store import`)",
                                 self.path)
            key = "" if e.intent == "header" else e.event_id
            if key not in latest:
                # An empty store holds nothing to look up: an import of a million events asks nothing.
                found = None if version == 0 else self.conn.execute(
                    "SELECT version, type FROM events WHERE event_id = ? ORDER BY version DESC LIMIT 1",
                    (key,)).fetchone()
                latest[key] = found or (0, "")
            number, kind = latest[key]
            live = kind in ("event", "header")
            if e.intent == "event" and live:
                raise StoreError(f"event '{key}' is already in the store (version {number}); "
                                 "record a new version with `orgsim append --correct`", self.path)
            if e.intent in ("correction", "retraction") and not live:
                verb = "correct" if e.intent == "correction" else "retract"
                raise StoreError(f"no event '{key}' in the store to {verb}", self.path)
            type_ = "header" if e.intent == "header" else "retraction" if e.intent == "retraction" else "event"
            latest[key] = (number + 1, type_)
            text = e.text if e.text is not None else canonical_json(e.content, f"{self.path}: {e.intent} '{key}'")
            yield type_, key, number + 1, text

    def restore(self, rows: Sequence[Row]) -> None:
        """Write already chained rows (from an export) into an empty store, exactly as they were."""
        with self._guard():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                if self.head()[0] != 0:
                    raise StoreError("a store export is imported only into an empty store", self.path)
                self.conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                      [(r.seq, r.type, r.event_id, r.version, r.recorded_at, r.content,
                                        r.prev_hash, r.hash) for r in rows])
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def integrity(self) -> str:
        """SQLite's own check of the file's pages and indexes: "ok", or the first problem it found."""
        with self._guard():
            return str(self.conn.execute("PRAGMA quick_check").fetchone()[0])


def _a_new_log(entries: Sequence[Entry]) -> bool:
    """One header first, then only new events, each id once and none empty (the header's key)."""
    if not entries or entries[0].intent != "header" or any(e.intent != "event" for e in entries[1:]):
        return False
    ids = {e.event_id for e in entries[1:]}
    return len(ids) == len(entries) - 1 and "" not in ids


__all__ = ["STORE_SCHEMA", "ROW_TYPES", "STORE_SUFFIXES", "Entry", "Row", "Store", "StoreError", "VersionConflict",
           "is_store_path", "row_hash", "stamp"]
