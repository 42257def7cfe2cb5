"""Commands of the `orgsim` CLI for the event store: `store init|import|export|rows`, `append` and `verify`."""

from __future__ import annotations

import gc
import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

import click

from orgsim.cli_group import UserError, cli
from orgsim.cli_export import write_atomically
from orgsim.engine.apply import Unmet
from orgsim.engine.facts import FactState
from orgsim.engine.replay import replay
from orgsim.engine.replayed import NAME as KEPT_STATE
from orgsim.engine.replayed import Replayed, strict_state
from orgsim.events.canonical import canonical_json, chain_link, event_content, log_hash
from orgsim.events.errors import LogError
from orgsim.events.model import Log
from orgsim.events.load import load_log
from orgsim.events.parse import event_for_log, parse_log
from orgsim.events.store.chain import STORE_SCHEMA, Entry, Row, Store, VersionConflict, is_store_path, row_hash
from orgsim.events.store.export import export_yaml, rows_from_export
from orgsim.events.store.verify import check_chain, check_published, published_problem
from orgsim.events.store.view import StoreView, checked, import_entries, store_rows, view_data, view_log
from orgsim.events.yamlio import LINE_KEY, load_yaml_file, load_yaml_text, read_text

from . import progress
from .append_flags import event_flags, raw_from_flags
from .output import FORMATS, emit, force_option, raw_csv_option, say, to_json

#: How often `append` and `store import` reload and try again when another writer got in first.
RETRIES = 20

store_option = click.option("--store", "store_path", envvar="ORGSIM_STORE", default="orgsim.sqlite",
                            show_default=True, help="The store file (or set ORGSIM_STORE).")


class ConflictError(UserError):
    """A version conflict the user asked not to retry (--expect-version): exit status 3."""

    exit_code = 3


class BrokenChain(UserError):
    """`verify` found a changed, removed or moved row: exit status 1."""

    exit_code = 1


def check_appended(view: StoreView, entries: Sequence[Entry], path: str) -> tuple[Log, FactState]:
    """The log as it would stand with the entries appended, loaded and replayed strictly (else LogError),
    and the state the replay ends in.

    Each entry finds its event by id in a dict, so checking costs one load of the log, whatever the entries.
    """
    data: dict[str, Any] = view_data(view.rows, path) if view.header is not None else {"events": []}
    header = {k: v for k, v in data.items() if k != "events"}
    events: list[dict | None] = list(data["events"])
    where = {raw.get("id"): i for i, raw in enumerate(events)}
    for e in entries:
        content = e.content if e.content is not None else json.loads(e.text or "null")
        if e.intent == "header":
            header = dict(content)
            continue
        i = where.get(e.event_id)
        if e.intent == "retraction":
            if i is not None:
                events[i] = None
                del where[e.event_id]
        elif i is not None:  # a correction keeps the event's place in the log
            events[i] = {**content, LINE_KEY: events[i].get(LINE_KEY, 0)}  # type: ignore[union-attr]
        else:
            where[e.event_id] = len(events)
            events.append(dict(content))
    log = parse_log({**header, "events": [raw for raw in events if raw is not None]}, path)
    return log, replay(log).state


def _kept(log: Log, log_hash: str, state: FactState) -> dict[str, str]:
    """The replayed state to keep with the new head, so the next append need not replay (see engine/replayed.py)."""
    text = Replayed.of(log, log_hash, state).dump()
    return {} if text is None else {KEPT_STATE: text}


#: Builds the entries to append from what the store holds (None: an empty store), and the log they make
#: with its replayed state if the builder already loaded and replayed it (so it is not checked twice).
Builder = Callable[["StoreView | None"], "tuple[list[Entry], tuple[Log, FactState] | None]"]


@dataclass(frozen=True)
class Appended:
    """What an append did: the store's new version and head, the entries, and the log the store now holds."""

    version: int
    head: str
    entries: list[Entry]
    log: Log | None
    log_hash: str = "-"


def _append(path: str, expected: int | None, build: Builder) -> Appended:
    """Read the store, build entries against it, validate them and append; retry on a version conflict."""
    for _attempt in range(RETRIES):
        with Store.open(path) as store:
            progress.step(f"reading {path}")
            rows = checked(store.rows(), path)
            view = StoreView.of(rows, path)
            progress.step("finding what to append")
            entries, known = build(view if rows else None)
            if not entries:
                return Appended(len(rows), rows[-1].hash if rows else "", [], None)
            if known is None or rows:
                progress.step(f"checking the log with {len(entries):,} more rows")
            log, state = known if known is not None and not rows else check_appended(view, entries, path)
            # The log hash follows from the rows read and the entries: no event is written canonically again.
            hashed = log_hash(log) if known is not None and not rows else view.log_hash(entries)
            progress.step(f"writing {len(entries):,} rows", total=len(entries))
            try:
                version = store.append(entries, len(rows) if expected is None else expected,
                                       keep=_kept(log, hashed, state), written=progress.advance)
            except VersionConflict as exc:
                if expected is not None:
                    raise ConflictError(str(exc)) from None
                continue
            return Appended(version, store.head()[1], entries, log, hashed)
    raise UserError(f"{path}: other writers kept appending; gave up after {RETRIES} tries")


def _summary(done: Appended) -> str:
    # The log hash carried forward from the rows read: no second read or parse of the store. The whole
    # head, every time: published, it lets `orgsim verify --rows N --head HASH` catch a truncation.
    return (f"store version {done.version}, head {done.head}, log hash {done.log_hash[:16]} "
            f"(check later: orgsim verify --rows {done.version} --head {done.head[:16]})")


@cli.group()
def store() -> None:
    """A durable, append-only event store (SQLite), beside the YAML logs."""


@store.command("init")
@store_option
def store_init(store_path: str) -> None:
    """Create an empty store."""
    Store.create(store_path).conn.close()
    say(f"created {store_path} (store schema {STORE_SCHEMA}); next: orgsim store import LOG")


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a log's rows are made: millions of new strings and tuples hold no
    cycles, and the collector would walk the ever larger heap again and again (a fifth of a 1M-event import)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@store.command("import")
@click.argument("log_file")
@store_option
def store_import(log_file: str, store_path: str) -> None:
    """Import a YAML log: all of it into an empty store, or, into a store holding it, only what changed."""
    if is_store_path(log_file):
        raise UserError(f"{log_file}: is a store; export it first (orgsim store export --store {log_file})")
    if log_file.lower().endswith(".parquet"):  # a large log: columns, no YAML (and no record to restore)
        data, exported = None, None
    else:
        progress.step(f"reading {log_file}")
        data = load_yaml_file(log_file)
        exported = rows_from_export(data, log_file)
    with Store.open(store_path) as st:
        if exported is not None and st.version == 0:  # an export: every row back, exactly as it was
            progress.step(f"checking {len(exported):,} rows")
            restored = view_log(exported, store_path)
            replay(restored)
            progress.step(f"writing {len(exported):,} rows")
            st.restore(exported)
            progress.done()
            summary = _summary(Appended(len(exported), exported[-1].hash, [], restored,
                                        StoreView.of(exported, store_path).log_hash()))
            say(f"imported {log_file}: {len(exported)} rows as recorded; {summary}")
            return
    with _no_cycle_collection():
        progress.step(f"loading {log_file}")
        new = load_log(log_file) if data is None else parse_log(data, log_file)
        progress.step(f"replaying {len(new.events):,} events strictly")
        state = strict_state(new)
        # Into an empty store the log goes as it is, already checked: it is not loaded and replayed again.
        done = _append(store_path, None,
                       lambda cur: (import_entries(cur, new), (new, state) if cur is None else None))
    progress.done()
    if not done.entries:
        say(f"nothing to import: {store_path} already holds {log_file}")
        return
    kinds = [e.intent for e in done.entries]
    counts = ", ".join(f"{kinds.count(k)} {k}{'s' if kinds.count(k) != 1 else ''}"
                       for k in ("header", "event", "correction", "retraction") if k in kinds)
    say(f"imported {log_file}: {counts}; {_summary(done)}")
    if done.log_hash != log_hash(new):
        say(f"note: the store keeps events in the order they were first recorded, which differs from "
            f"{log_file}'s, so their log hashes differ")


@store.command("export")
@store_option
@click.option("-o", "--output", default=None, help="File to write (default: standard output).")
@click.option("--as-recorded", "as_recorded", default=None, metavar="TIME",
              help="Export the store as it stood at TIME (YYYY-MM-DD or an ISO time, UTC).")
@force_option
def store_export(store_path: str, output: str | None, as_recorded: str | None) -> None:
    """Write the store as one YAML log with its record: import that back and export again for the same bytes."""
    progress.step(f"reading {store_path}")
    rows = store_rows(store_path, as_recorded)
    progress.step(f"writing {len(rows):,} rows as YAML")
    text = export_yaml(rows, store_path)
    progress.done()
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomically(output, text)
        say(f"wrote {output}: {len(rows)} rows, head {rows[-1].hash}")


def _all_rows(path: str) -> list[Row]:
    # Unchecked on purpose: `store rows` is also how one looks into a store whose chain is broken.
    with Store.open(path) as store:
        return store.rows()


@store.command("rows")
@store_option
@click.option("--id", "event_id", default=None, help="Only the rows of this event.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@raw_csv_option
def store_rows_command(store_path: str, event_id: str | None, fmt: str) -> None:
    """Every stored row: when it was recorded, what it is, its version and hash."""
    rows = [{"row": r.seq, "recorded_at": r.recorded_at, "type": r.type, "event": r.event_id, "version": r.version,
             "hash": r.hash if fmt != "table" else r.hash[:16]}
            for r in _all_rows(store_path) if event_id is None or r.event_id == event_id]
    if fmt == "json":
        print(to_json(rows))
        return
    emit(rows, ["row", "recorded_at", "type", "event", "version", "hash"], fmt)


def _read_snippet(name: str) -> tuple[dict, str]:
    text = sys.stdin.read() if name == "-" else read_text(name)
    label = "<stdin>" if name == "-" else name
    data = load_yaml_text(text, label)
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, dict) or "events" in data:
        raise UserError(f"{label}: give one event (a mapping with id, date, kind, ...), not a list or a log")
    return data, label


def _intact(row: Row | None) -> bool:
    """Whether a row still gives its own hash (its content and record unchanged; its link is verify's)."""
    return row is not None and row_hash(row.prev_hash, row.type, row.event_id, row.version, row.recorded_at,
                                        row.content) == row.hash


def _append_after(path: str, expected: int | None, raw: dict, label: str) -> Appended | None:
    """Append one new event that sorts after every event, checked against the state kept with the head.

    Only what the event touches is read: the newest row and the header (each checked against its hash),
    the rows of its id (through the index) and the state kept for this head. None if any of that is
    missing or the event sorts earlier: then ``_append`` reads the whole store. Another writer coming
    first means reading those few rows again.
    """
    with Store.open(path) as store:
        for _attempt in range(RETRIES):
            progress.step(f"reading the head of {path}")
            last = store.last_row()
            header = store.latest("")
            if not _intact(last) or not _intact(header) or header.type != "header":  # type: ignore[union-attr]
                return None  # an empty store, or a changed row that the whole read names
            kept = Replayed.load(store.kept(KEPT_STATE, last.seq, last.hash))  # type: ignore[union-attr]
            if kept is None:
                return None
            try:
                head_data = json.loads(header.content)  # type: ignore[union-attr]
                header_log = parse_log({**head_data, "conflicts": [], "events": []}, path)
            except (ValueError, TypeError, LogError):
                return None  # the whole read names what is wrong with it
            ev = event_for_log(raw, header_log, kept.live, label)
            mine = store.latest(ev.id)
            if mine is not None and mine.type == "event":
                raise UserError(f"{label}: event {ev.id!r} is already in the store; "
                                "record a new version with --correct")
            if not kept.takes(ev):
                return None
            progress.step("checking it against the state kept with the store")
            content = event_content(ev)
            text = canonical_json(content)
            hashed = chain_link(kept.log_hash, text)  # the new event goes last in the chain of live contents
            try:
                after = kept.then(ev, hashed)
            except Unmet as exc:
                raise LogError(str(exc), label, raw.get(LINE_KEY), ev.id) from None
            dumped = after.dump()
            entries = [Entry("event", ev.id, content, text)]
            try:
                version = store.append(entries, last.seq if expected is None else expected,  # type: ignore[union-attr]
                                       keep={KEPT_STATE: dumped} if dumped else {})
            except VersionConflict as exc:
                if expected is not None:
                    raise ConflictError(str(exc)) from None
                continue  # another writer came first: read its head and kept state
            return Appended(version, store.head()[1], entries, None, hashed)
    return None


@cli.command()
@store_option
@click.option("-f", "--file", "snippet", default=None, help="YAML file holding one event; - reads standard input.")
@click.option("--correct", is_flag=True, help="Record a new version of an event already in the store.")
@click.option("--retract", default=None, metavar="EVENT_ID", help="Retract an event: it leaves the log from now on.")
@click.option("--expect-version", "expected", type=int, default=None,
              help="Append only if the store is at this version; otherwise exit 3 (default: retry).")
@event_flags
def append(store_path: str, snippet: str | None, correct: bool, retract: str | None, expected: int | None,
           **flags: Any) -> None:
    """Append one event (from flags or a YAML snippet), validated against the store's current state first."""
    given = {k: v for k, v in flags.items() if v not in (None, ())}
    others = {k for k in given if not (retract and k == "note")}  # a retraction may say why, in --note
    if sum(bool(x) for x in (snippet, retract, others)) != 1:
        raise UserError("give one event: --file SNIPPET, event flags (--id, --date, --kind, ...) or --retract ID")
    if retract:
        raw, label = {}, "--retract"
    else:
        raw, label = _read_snippet(snippet) if snippet else (raw_from_flags(given), "<command line>")

    def build(view: StoreView | None) -> tuple[list[Entry], None]:
        if view is None:
            raise UserError(f"{store_path}: the store holds no log yet (orgsim store import LOG)")
        if retract:
            if retract not in view.live:
                raise UserError(f"{store_path}: no event {retract!r} in the store to retract")
            return [Entry("retraction", retract, {"note": flags.get("note") or "retracted"})], None
        # Checked against the header alone here; check_appended then replays the log with it.
        ev = event_for_log(raw, view.header_log(), len(view.live), label)
        if correct != (ev.id in view.live):
            raise UserError(f"{label}: event {ev.id!r} is already in the store; record a new version with --correct"
                            if not correct else f"{label}: no event {ev.id!r} in the store to correct")
        content = event_content(ev)
        if correct and canonical_json(content) == view.live[ev.id].content:
            raise UserError(f"{label}: event {ev.id!r} is unchanged; a correction must change something")
        return [Entry("correction" if correct else "event", ev.id, content)], None

    try:
        done = None if retract or correct else _append_after(store_path, expected, raw, label)
        done = done or _append(store_path, expected, build)
    except LogError as exc:
        if not retract and exc.event == raw.get("id") and exc.file == store_path:
            # The new event's own presupposition failed: name where the user wrote it.
            raise LogError(exc.message, label, raw.get(LINE_KEY), exc.event) from None
        if exc.file == store_path:
            doing = f"retracting {retract!r}" if retract else f"appending {raw.get('id')!r}"
            raise UserError(f"{doing} would break the log: {exc}") from None
        raise
    e = done.entries[0]
    say(f"appended {e.intent} '{e.event_id}' as row {done.version}; {_summary(done)}")


@cli.command()
@click.argument("path", required=False)
@store_option
@click.option("--head", "head", default=None, metavar="HASH",
              help="A head hash published earlier (16 to 64 hex digits): exit 1 unless the chain still holds it.")
@click.option("--rows", "count", type=int, default=None, metavar="N",
              help="The row count published with it: exit 1 if the store has fewer rows (or, with --head, if "
                   "row N is not the head).")
def verify(path: str | None, store_path: str, head: str | None, count: int | None) -> None:
    """Check a store's hash chain (or an export's record); exit 1 naming the first changed, removed or moved event.

    With --head (and --rows), also exit 1 if rows were removed from the end or the tail was rewritten."""
    with _no_cycle_collection():
        _verify(path, store_path, head, count)


def _verify(path: str | None, store_path: str, head: str | None, count: int | None) -> None:
    target = path or store_path
    check_published(head, count)
    progress.step(f"reading {target}")
    if is_store_path(target):
        with Store.open(target) as st:
            pages = st.integrity()
            if pages != "ok":
                raise UserError(f"{target}: the SQLite file is damaged: {' '.join(pages.split())[:200]}")
            rows = st.rows()
    else:
        exported = rows_from_export(load_yaml_file(target), target, check=False)  # checked below: exit 1
        if exported is None:
            if head is not None or count is not None:
                raise BrokenChain(f"{target}: a log with no record: there is no chain to check --head or --rows on")
            say(f"ok: {target} is a log with no record to check; log hash {log_hash(load_log(target))}")
            return
        rows = exported
    progress.step(f"checking {len(rows):,} rows")
    report = check_chain(rows)
    progress.done()
    problem = report.problem or published_problem(rows, head, count)
    if problem:
        raise BrokenChain(f"{target}: {problem}")
    hashed = StoreView.of(rows, target).log_hash() if rows else "-"  # the log hash only of an intact chain
    say(f"ok: {target}: {report.rows} rows ({report.headers} header, {report.events} events, "
        f"{report.corrections} corrections, {report.retractions} retractions), chain intact; "
        f"head {report.head}; log hash {hashed}"
        f"{'; the published head and rows are still there' if head or count is not None else ''}")
