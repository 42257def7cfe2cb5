"""The event store through its Python API: import, views as recorded, corrections, conflicts, the chain."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from orgsim.events import bundled_log_path, load_log
from orgsim.events.canonical import canonical_json, event_content, log_hash
from orgsim.events.dates import DateError
from orgsim.events.errors import InputError
from orgsim.events.store.chain import Entry, Store, StoreError, VersionConflict
from orgsim.events.store.export import export_yaml, rows_from_export
from orgsim.events.store.verify import check_chain, first_problem
from orgsim.events.load import load_any
from orgsim.events.store.view import import_entries, recorded_time, store_rows, view_log
from orgsim.events.yamlio import load_yaml_text

from .conftest import TINY


def _plain(log):
    return [dataclasses.replace(e, file="", line=0) for e in log.events]


@pytest.fixture
def tiny_store(tmp_path):
    """A store holding the tiny test log."""
    path = str(tmp_path / "tiny.sqlite")
    with Store.create(path) as store:
        store.append(import_entries(None, load_log(TINY)), 0)
    return path


def _correct(path, event_id, **changes):
    with Store.open(path) as store:
        rows = store.rows()
        content = {**event_content(view_log(rows, path).event(event_id)), **changes}
        return store.append([Entry("correction", event_id, content)], len(rows))


def test_a_store_holds_exactly_the_log_it_imported(tmp_path):
    """Every event of the CSTO log comes back equal, in order, with the same log hash as the YAML file."""
    log = load_log(bundled_log_path())
    path = str(tmp_path / "csto.sqlite")
    with Store.create(path) as store:
        assert store.append(import_entries(None, log), 0) == len(log.events) + 1
    stored = load_any(path)
    assert _plain(stored) == _plain(log) and stored.conflicts[0].default == log.conflicts[0].default
    assert log_hash(stored) == log_hash(log)
    assert check_chain(store_rows(path)).problem is None


def test_export_import_export_gives_identical_bytes(tiny_store, tmp_path):
    """A store with a correction, a retraction and a new header exports, imports and exports byte for byte."""
    _correct(tiny_store, "force", payload={"name": "Rapid Force", "parent": "TA.COUNCIL", "strength": 6000})
    with Store.open(tiny_store) as store:
        rows = store.rows()
        store.append([Entry("retraction", "sg", {"note": "no such appointment"}),
                      Entry("header", "", {**rows[0].data, "title": "A tiny alliance, revised"})], len(rows))
    first = export_yaml(store_rows(tiny_store), tiny_store)
    again = str(tmp_path / "again.sqlite")
    with Store.create(again) as store:
        store.restore(rows_from_export(load_yaml_text(first, "e.yaml"), "e.yaml"))
    assert export_yaml(store_rows(again), again) == first
    exported = tmp_path / "e.yaml"
    exported.write_text(first, encoding="utf-8")
    assert log_hash(load_log(str(exported))) == log_hash(load_any(tiny_store)) == log_hash(load_any(again))


def test_a_correction_never_rewrites_what_was_recorded_before(tiny_store):
    """As recorded before a correction, the old version answers; after it, the new; the old row is untouched."""
    before = store_rows(tiny_store)
    _correct(tiny_store, "nld-back", date="2009~")
    after = store_rows(tiny_store)
    assert after[:len(before)] == before and after[-1].version == 2
    old = load_any(tiny_store, as_recorded=before[-1].recorded_at)
    new = load_any(tiny_store)
    assert old.event("nld-back").date.text == "2008~" and new.event("nld-back").date.text == "2009~"
    assert [e.id for e in old.events] == [e.id for e in load_log(TINY).events]  # the correction kept its place
    assert old.path.endswith("@" + before[-1].recorded_at)


def test_a_retracted_event_leaves_the_log_from_then_on(tiny_store):
    """A retraction removes the event from the current log; as recorded before, it is still there."""
    before = store_rows(tiny_store)[-1].recorded_at
    with Store.open(tiny_store) as store:
        store.append([Entry("retraction", "sg", {})], store.version)
    assert "sg" not in load_any(tiny_store).by_id
    assert "sg" in load_any(tiny_store, as_recorded=before).by_id


def test_a_writer_with_a_stale_version_writes_nothing(tiny_store):
    """Optimistic concurrency: the second writer that read version N gets a conflict and no row is written."""
    with Store.open(tiny_store) as a, Store.open(tiny_store) as b:
        seen = a.version
        assert b.version == seen
        event = {**event_content(load_log(TINY).event("force")), "id": "force-2"}
        a.append([Entry("event", "force-2", event)], seen)
        with pytest.raises(VersionConflict, match=f"at version {seen + 1}, not {seen}"):
            b.append([Entry("event", "force-3", {**event, "id": "force-3"})], seen)
        assert b.version == seen + 1 and [r.event_id for r in b.rows()].count("force-2") == 1


def test_an_event_is_stored_once_and_rows_are_append_only(tiny_store):
    """A second 'new' event with a stored id is refused; SQL UPDATE and DELETE are refused by triggers."""
    with Store.open(tiny_store) as store:
        with pytest.raises(StoreError, match="already in the store"):
            store.append([Entry("event", "force", event_content(load_log(TINY).event("force")))], store.version)
        with pytest.raises(StoreError, match="no event 'ghost' in the store to correct"):
            store.append([Entry("correction", "ghost", {})], store.version)
    conn = sqlite3.connect(tiny_store)
    for sql in ("UPDATE events SET content = '{}' WHERE seq = 2", "DELETE FROM events WHERE seq = 2"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute("INSERT INTO events SELECT seq + 100, type, event_id, version, recorded_at, content, "
                     "prev_hash, hash FROM events WHERE seq = 2")
    conn.close()


def _tamper(path, *sql):
    conn = sqlite3.connect(path)
    conn.executescript("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;" + ";".join(sql))
    conn.close()
    with Store.open(path) as store:  # the rows as they are: store_rows() would refuse the broken chain
        return first_problem(store.rows())


def test_verify_names_a_changed_event(tiny_store):
    """Editing one stored event's content shows as that row and event, changed."""
    problem = _tamper(tiny_store, "UPDATE events SET content = replace(content, '2005-12', '2004-12') "
                                  "WHERE event_id = 'bra-suspended'")
    assert problem.startswith("row 10 (event 'bra-suspended', version 1) was changed")


def test_verify_names_a_removed_row(tiny_store):
    """Deleting a row shows as a gap between the named events around it."""
    problem = _tamper(tiny_store, "DELETE FROM events WHERE seq = 5")
    assert problem == "row 5 removed: the chain goes from row 4 (event 'ta-in-force', version 1) to row 6 " \
                      "(event 'force', version 1)"


def test_verify_names_moved_rows(tiny_store):
    """Swapping two rows shows as the first of them moved."""
    problem = _tamper(tiny_store, "UPDATE events SET seq = 100 WHERE seq = 3",
                      "UPDATE events SET seq = 3 WHERE seq = 4", "UPDATE events SET seq = 4 WHERE seq = 100")
    assert problem == "row 3 (event 'ta-in-force', version 1) was moved: it was recorded right after " \
                      "row 4 (event 'nld-accession', version 1)"


def test_verify_names_a_row_rewritten_with_its_hash(tiny_store):
    """A row rewritten together with its own hash breaks the link to the next row, and both are named."""
    rows = store_rows(tiny_store)
    from orgsim.events.store.chain import row_hash

    r = rows[4]
    content = r.content.replace("Council", "Kouncil")
    digest = row_hash(r.prev_hash, r.type, r.event_id, r.version, r.recorded_at, content)
    problem = _tamper(tiny_store, f"UPDATE events SET content = '{content}', hash = '{digest}' WHERE seq = 5")
    assert problem.startswith("the chain breaks between row 5 (event 'council', version 1) and row 6")


def test_an_edited_export_is_refused_on_import(tiny_store):
    """Changing an event in an export breaks its record: the import names the row and says what to do."""
    text = export_yaml(store_rows(tiny_store), tiny_store).replace("date: 2005-12", "date: 2004-12")
    with pytest.raises(StoreError, match=r"row 10 \(event 'bra-suspended', version 1\) was changed.*remove `record:`"):
        rows_from_export(load_yaml_text(text, "e.yaml"), "e.yaml")


def test_importing_an_edited_log_appends_only_the_differences(tiny_store, tmp_path):
    """Re-importing a changed YAML log records a correction, a new event and a retraction, nothing else."""
    text = open(TINY, encoding="utf-8").read()
    text = text.replace('date: "2008~"', 'date: "2009~"').replace("  - id: sg\n", "  - id: sg-new\n")
    edited = tmp_path / "tiny.yaml"
    edited.write_text(text, encoding="utf-8")
    with Store.open(tiny_store) as store:
        entries = import_entries(view_log(store.rows(), tiny_store), load_log(str(edited)))
    assert [(e.intent, e.event_id) for e in entries] == [
        ("event", "sg-new"), ("correction", "nld-back"), ("retraction", "sg")]


def test_recorded_times_are_read_in_utc():
    """--as-recorded takes a year, month, day or ISO time; a day includes itself; an offset becomes UTC."""
    assert recorded_time("2024") == "2024-01-01T23:59:59.999999Z"
    assert recorded_time("2024-03") == "2024-03-01T23:59:59.999999Z"
    assert recorded_time("2024-03-15") == "2024-03-15T23:59:59.999999Z"
    assert recorded_time("2024-03-15T12:00+02:00") == "2024-03-15T10:00:00.000000Z"
    with pytest.raises(DateError, match="not a time"):
        recorded_time("last March")


def test_canonical_content_refuses_what_json_cannot_carry():
    """Int keys or NaN in a payload cannot be stored losslessly, so they are refused with a sentence."""
    with pytest.raises(InputError, match="key 1 is not text"):
        canonical_json({"payload": {1: "a"}})
    with pytest.raises(InputError, match="not a number"):
        canonical_json({"x": float("nan")})
    assert canonical_json({"b": 1, "a": "ไทย"}) == '{"a":"ไทย","b":1}'


@pytest.mark.parametrize("source", ["bundled", "tiny"])
def test_a_stores_log_hash_is_read_from_its_rows_without_parsing(tmp_path, source):
    """The log hash a store reports (from its stored contents) is the hash of the log it loads, after edits too."""
    from orgsim.events.store.view import StoreView

    log = load_log(bundled_log_path() if source == "bundled" else TINY)
    path = str(tmp_path / "s.sqlite")
    with Store.create(path) as store:
        store.append(import_entries(None, log), 0)
    first = log.events[0].id
    last = log.events[-1].id
    _correct(path, first, note="checked again")
    with Store.open(path) as store:
        store.append([Entry("retraction", last, {"note": "gone"})], store.version)
    for rows in (store_rows(path), store_rows(path)[: len(log.events) + 1]):
        assert StoreView.of(rows, path).log_hash() == log_hash(view_log(rows, path))


def test_the_log_hash_after_an_append_follows_from_the_rows_and_the_entries(tiny_store):
    """The hash a store reports after a correction, a new event and a retraction is the loaded log's."""
    from orgsim.events.store.view import StoreView

    with Store.open(tiny_store) as store:
        rows = store.rows()
        log = view_log(rows, tiny_store)
        first, last = log.events[0], log.events[-1]
        entries = [Entry("correction", first.id, {**event_content(first), "note": "again"}),
                   Entry("retraction", last.id, {"note": "gone"})]
        predicted = StoreView.of(rows, tiny_store).log_hash(entries)
        store.append(entries, len(rows))
    assert predicted == log_hash(load_any(tiny_store))
