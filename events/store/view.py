"""The log a store holds, as it stands now or as it was recorded at a time, and loading either form of a log.

The log "as recorded at T" is built from the rows recorded at or before T: the
latest header, and the latest version of each event that is not retracted, in
the order the events were first recorded. Recording times never go backwards
along the chain, so that is always a prefix of it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Sequence

from ..canonical import (GENESIS, canonical_json, chain_link, event_content, file_order, header_content,
                         log_texts)
from ..dates import DateError
from ..model import Log
from ..parse import parse_log
from ..yamlio import LINE_KEY
from .chain import Entry, Row, Store, StoreError, stamp
from .verify import first_problem

_PERIOD = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")


def recorded_time(text: str) -> str:
    """Parse an ``--as-recorded`` time: a year or month means its first day, a day includes itself (UTC).

    As with ``--at``, a period stands for its first day, and a day includes what happened on it: "as the log
    stood on 2025-03-01" counts the rows recorded that day. An ISO time is taken as it is.
    """
    t = text.strip() if isinstance(text, str) else ""
    m = _PERIOD.match(t)
    try:
        if m:
            day = dt.datetime(int(m[1]), int(m[2] or 1), int(m[3] or 1), tzinfo=dt.timezone.utc)
            moment = day + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
        else:
            moment = dt.datetime.fromisoformat(t)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.timezone.utc)
        if moment.year < 1000:
            raise ValueError("year before 1000")
        return stamp(moment)
    except (ValueError, OverflowError):
        raise DateError(f"--as-recorded {text!r} is not a time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ "
                        "(UTC unless an offset is given)") from None


def _content(row: Row, path: str) -> Any:
    try:
        return row.data
    except (ValueError, TypeError):
        raise StoreError(f"{row.label} does not hold JSON content; run `orgsim verify`", path) from None


def current(rows: Sequence[Row]) -> tuple[Row | None, list[Row]]:
    """The latest header row and the latest row of each live event, in order of first recording."""
    header: Row | None = None
    latest: dict[str, tuple[int, Row]] = {}  # event id -> (seq of its first version, latest row)
    for r in rows:
        if r.type == "header":
            header = r
        else:
            latest[r.event_id] = (latest.get(r.event_id, (r.seq, r))[0], r)
    return header, [r for _first, r in sorted(latest.values(), key=lambda x: x[0]) if r.type == "event"]


def view_data(rows: Sequence[Row], path: str) -> dict[str, Any]:
    """The log the rows hold, as the plain data of a YAML log (each event's line is its row)."""
    header, events = current(rows)
    if header is None:
        raise StoreError("the store holds no log yet (import one with `orgsim store import LOG`)", path)
    data = dict(_content(header, path))
    data["events"] = [{**_content(r, path), LINE_KEY: r.seq} for r in events]
    return data


def view_log(rows: Sequence[Row], path: str) -> Log:
    """The rows' log, validated as any YAML log is (errors name the store and the event's row)."""
    return parse_log(view_data(rows, path), path)


def store_rows(path: str, as_recorded: str | None = None) -> list[Row]:
    """A store's rows, or those recorded by an ``--as-recorded`` time."""
    until = recorded_time(as_recorded) if as_recorded is not None else None
    with Store.open(path) as store:
        rows = store.rows(until)
        if not rows and until is not None:
            first = store.rows()[:1]
            when = f"its first row was recorded at {first[0].recorded_at}" if first else "it is empty"
            raise StoreError(f"nothing was recorded by {until} ({when})", path)
    return checked(rows, path)


def checked(rows: list[Row], path: str) -> list[Row]:
    """The rows, once their hash links are checked: no command reads or extends a tampered store."""
    problem = first_problem(rows, thorough=False)
    if problem:
        raise StoreError(f"{problem} (the hash chain is broken; see `orgsim verify`)", path)
    return rows


@dataclass(frozen=True)
class StoreView:
    """What a store holds now, read from its rows without parsing a single event."""

    path: str
    rows: list[Row]
    header: Row | None
    live: dict[str, Row]  # event id -> its latest row, for each live event, in order of first recording

    @classmethod
    def of(cls, rows: list[Row], path: str) -> "StoreView":
        """The view of some rows (the latest header, the live events)."""
        header, events = current(rows)
        return cls(path, rows, header, {r.event_id: r for r in events})

    def header_log(self) -> Log:
        """The header alone, as a Log with no events: enough to validate one more event against."""
        if self.header is None:
            raise StoreError("the store holds no log yet (import one with `orgsim store import LOG`)", self.path)
        # Conflicts name events, which this log leaves out; a new event is checked against ids and sources only.
        return parse_log({**_content(self.header, self.path), "conflicts": [], "events": []}, self.path)

    def log_hash(self, then: Sequence[Entry] = ()) -> str:
        """The log hash of what the store holds (with ``then`` appended), chained over canonical contents.

        Each row's content is the canonical JSON of event_content (header_content) of what was appended,
        so this is the hash log_hash() gives the loaded log (a test checks it), with no event parsed.
        """
        header = self.header.content if self.header is not None else None
        live = {k: r.content for k, r in self.live.items()}
        for e in then:
            text = e.text if e.text is not None else canonical_json(e.content)
            if e.intent == "header":
                header = text
            elif e.intent == "retraction":
                live.pop(e.event_id, None)
            else:  # a new event goes last; a correction keeps its event's place
                live[e.event_id] = text
        if header is None:
            return GENESIS
        head = chain_link(GENESIS, header)
        for text in live.values():
            head = chain_link(head, text)
        return head


def import_entries(current_log: "Log | StoreView | None", new: Log) -> list[Entry]:
    """What to append so the store holds ``new``: every row for an empty store, else only the differences.

    A changed event becomes a new version (a correction) and an event missing from ``new`` a retraction;
    nothing already stored is rewritten. Each event of ``new`` is looked up by id, once.
    """
    header = header_content(new)
    if current_log is None or (isinstance(current_log, StoreView) and current_log.header is None):
        # Each event's canonical JSON is made once, for its row and for the log hash alike.
        head_text, texts = log_texts(new)
        return [Entry("header", "", header, head_text)] + [Entry("event", i, None, t) for i, t in texts]
    if isinstance(current_log, StoreView):
        head_data = _content(current_log.header, current_log.path)
        log_id, path = str(head_data.get("id", "log")), current_log.path
        stored_header = current_log.header.content
        stored = {k: r.content for k, r in current_log.live.items()}
    else:
        log_id, path = current_log.id, current_log.path
        stored_header = canonical_json(header_content(current_log))
        stored = {e.id: canonical_json(event_content(e)) for e in file_order(current_log)}
    if log_id != new.id:
        raise StoreError(f"the store holds log {log_id!r}; {new.path} is log {new.id!r} "
                         "(import it into another store)", path)
    out = []
    if stored_header != canonical_json(header):
        out.append(Entry("header", "", header))
    for e in file_order(new):
        content = event_content(e)
        old = stored.get(e.id)
        if old is None:
            out.append(Entry("event", e.id, content))
        elif old != canonical_json(content):
            out.append(Entry("correction", e.id, content))
    keep = new.by_id
    out += [Entry("retraction", k, {"note": f"not in {new.path}"}) for k in stored if k not in keep]
    return out


__all__ = ["StoreView", "recorded_time", "current", "view_data", "view_log", "store_rows", "checked",
           "import_entries"]
