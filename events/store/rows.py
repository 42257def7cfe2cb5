"""The rows of an event store, apart from SQLite: what a row holds, its hash, its recording time.

>>> h = row_hash("0" * 64, "event", "x", 1, "2024-01-01T00:00:00.000000Z", '{"id":"x"}')
>>> len(h), h == row_hash("0" * 64, "event", "x", 2, "2024-01-01T00:00:00.000000Z", '{"id":"x"}')
(64, False)
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from json.encoder import encode_basestring as _text  # json.dumps(text, ensure_ascii=False), in C
from typing import Any, NamedTuple

from ..canonical import chain_link
from ..errors import InputError

ROW_TYPES = ("header", "event", "retraction")
#: File endings read as a store (any other file that starts with SQLite's magic bytes is one too).
STORE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(InputError):
    """A store that cannot be opened, read or written, or an append it refuses: one line naming the file."""


class VersionConflict(StoreError):
    """Another writer appended after this one read the store: nothing was written; reload and retry."""


@dataclass(frozen=True, slots=True)
class Row:
    """One stored row: its place, what it is, when it was recorded, its content and its hashes."""

    seq: int
    type: str  # header | event | retraction
    event_id: str  # "" for the header
    version: int
    recorded_at: str  # UTC, "YYYY-MM-DDTHH:MM:SS.ffffffZ": text order is time order
    content: str  # canonical JSON
    prev_hash: str
    hash: str

    @property
    def data(self) -> Any:
        """The content as plain data."""
        return json.loads(self.content)

    @property
    def label(self) -> str:
        """How an error names this row."""
        what = "the header" if self.type == "header" else f"{self.type} '{self.event_id}'"
        return f"row {self.seq} ({what}, version {self.version})"


class Entry(NamedTuple):
    """Something to append: a header, a new event, a correction (new version) or a retraction."""

    # A named tuple, not a frozen dataclass: an import makes one per event, and a tuple is made in a fifth of the time.

    intent: str  # header | event | correction | retraction
    event_id: str
    content: Any
    text: str | None = None  # the content's canonical JSON, when the caller has it already


def row_hash(prev_hash: str, type_: str, event_id: str, version: int, recorded_at: str, content: str) -> str:
    """A row's hash: the chain link over its record (not its seq: reordering shows as a broken link)."""
    # The canonical JSON of {content, event_id, recorded_at, type, version}; the content is canonical already
    # and "content" sorts first, so it is spliced in rather than parsed again.
    if type(event_id) is str and type(recorded_at) is str and type(type_) is str and type(version) is int:
        # What json.dumps writes for these types, without building a dict and an encoder per row (a
        # million-row import or verify makes a million of them). Any other type (a tampered row) goes below.
        rest = (',"event_id":' + _text(event_id) + ',"recorded_at":' + _text(recorded_at) + ',"type":'
                + _text(type_) + ',"version":' + int.__repr__(version) + "}")
    else:
        rest = "," + json.dumps({"event_id": event_id, "recorded_at": recorded_at, "type": type_,
                                 "version": version}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))[1:]
    return chain_link(prev_hash, '{"content":' + content + rest)


def stamp(moment: dt.datetime | None = None) -> str:
    """A recording time as stored: UTC with microseconds, fixed width."""
    moment = moment or dt.datetime.now(dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def is_store_path(path: str) -> bool:
    """True for a store's file name, or any existing file that begins like an SQLite database."""
    if path.lower().endswith(STORE_SUFFIXES):
        return True
    if not os.path.isfile(path):  # never open a pipe or a device just to look at its first bytes
        return False
    try:
        with open(path, "rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False
