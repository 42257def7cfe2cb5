"""A large import: rows written in batches from a columnar log, checked by the vectorised compile, all or nothing."""

from __future__ import annotations

import sqlite3

import pytest

from orgsim.engine.replay import replay
from orgsim.engine.replayed import strict_state
from orgsim.events import bundled_log_path, load_log
from orgsim.events.canonical import canonical_json, event_content, file_order, log_hash, log_texts
from orgsim.events.columnar.parquet import save_parquet
from orgsim.events.errors import LogError
from orgsim.events.store import chain
from orgsim.events.store.chain import Entry, Store, StoreError
from orgsim.events.store.view import import_entries
from orgsim.events.synth.events import synth_columns
from orgsim.events.synth.plan import SynthSpec
from orgsim.events.synth.write import write_log


@pytest.fixture(scope="module")
def synth_parquet(tmp_path_factory):
    """A synthetic log of 4,000 events, written as Parquet."""
    header, cols = synth_columns(SynthSpec(orgs=10, states=15, years=60, events=4000, seed=11))
    path = str(tmp_path_factory.mktemp("bulk") / "synth.parquet")
    write_log(path, header, cols)
    return path


@pytest.mark.parametrize("name", ["csto", "tidewater"])
def test_a_parquet_logs_rows_are_the_canonical_json_of_its_events(tmp_path, name):
    """Written from columns, each event's text is the one its Event gives, in file order, with the same log hash."""
    yaml_log = load_log(bundled_log_path(name))
    path = str(tmp_path / f"{name}.parquet")
    save_parquet(yaml_log, path)
    log = load_log(path)
    _header, texts = log_texts(log)
    fresh = load_log(path)  # its log hash from the events, one by one
    assert texts == [(e.id, canonical_json(event_content(e))) for e in file_order(fresh)]
    assert log_hash(log) == log_hash(fresh)
    assert {i: t for i, t in texts} == {e.id: canonical_json(event_content(e)) for e in yaml_log.events}


def test_a_synthetic_logs_rows_are_the_canonical_json_of_its_events(synth_parquet):
    """The same for a synthetic log: actors, payloads and provenance from columns, as the events write them."""
    _header, texts = log_texts(load_log(synth_parquet))
    assert texts == [(e.id, canonical_json(event_content(e))) for e in file_order(load_log(synth_parquet))]


@pytest.mark.parametrize("which", ["csto", "synth"])
def test_the_state_kept_at_import_is_the_strict_replays(which, synth_parquet):
    """The state taken from the vectorised compile is the state a strict replay ends in, fact for fact."""
    path = str(bundled_log_path()) if which == "csto" else synth_parquet
    got, want = strict_state(load_log(path)), replay(load_log(path)).state
    assert got.facts == want.facts and got.facts  # each Fact: key, value, since and event
    assert got.external == want.external
    assert ({k: set(v) for k, v in got._children.items() if v} ==  # noqa: SLF001
            {k: set(v) for k, v in want._children.items() if v})  # noqa: SLF001


def test_an_unmet_presupposition_is_the_replays_error(tmp_path):
    """A withdrawal by a state that never joined fails the import's check with the replay's own one-line error."""
    text = open(bundled_log_path(), encoding="utf-8").read()
    bad = text.rstrip() + ("\n- {id: nobody-leaves, date: '2019-06', kind: withdrawal, actors: [FRA], target: CSTO,"
                           "\n   sources: [{source: seed, line: 1, quote: q, gloss: g}]}\n")
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(LogError) as want:
        replay(load_log(str(path)))
    with pytest.raises(LogError) as got:
        strict_state(load_log(str(path)))
    assert str(got.value) == str(want.value) and "nobody-leaves" in str(got.value)


def _statements(n: int, first: int = 0) -> list[Entry]:
    return [Entry("event", f"s{i:06d}", {"id": f"s{i:06d}", "date": "2000", "kind": "statement", "org": "TA"})
            for i in range(first, first + n)]


def test_a_bulk_append_that_fails_late_writes_nothing(tmp_path, monkeypatch):
    """An append of several batches refused at its last entry leaves the store as it was, its CHECKs on again."""
    monkeypatch.setattr(chain, "BATCH_ROWS", 1000)
    monkeypatch.setattr(chain, "BULK_ROWS", 100)
    path = str(tmp_path / "s.sqlite")
    header = Entry("header", "", {"orgsim_log": 2, "id": "t", "organization": "TA"})
    with Store.create(path) as store:
        entries = [header] + _statements(3500) + _statements(1)  # the last one is already there
        with pytest.raises(StoreError, match="'s000000' is already in the store"):
            store.append(entries, 0)
        assert store.version == 0
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            store.conn.execute("INSERT INTO events VALUES (1, 'edited', 'x', 1, 't', '{}', 'p', 'h')")


def test_a_bulk_append_reports_each_batch_and_chains_every_row(tmp_path, monkeypatch):
    """Each batch's rows are counted for the progress bar, and the chain over all of them is intact."""
    monkeypatch.setattr(chain, "BATCH_ROWS", 1000)
    monkeypatch.setattr(chain, "BULK_ROWS", 100)
    path = str(tmp_path / "s.sqlite")
    counted: list[int] = []
    header = Entry("header", "", {"orgsim_log": 2, "id": "t", "organization": "TA"})
    with Store.create(path) as store:
        assert store.append([header] + _statements(2500), 0, written=counted.append) == 2501
    assert counted == [1000, 1000, 501]
    from orgsim.events.store.verify import check_chain

    with Store.open(path) as store:
        report = check_chain(store.rows())
    assert report.problem is None and report.events == 2500


def test_a_parquet_log_imports_with_its_log_hash(synth_parquet, tmp_path):
    """Imported into an empty store, a columnar log's rows chain its events to the log hash its events give."""
    from orgsim.events.store.view import StoreView

    log = load_log(synth_parquet)
    path = str(tmp_path / "s.sqlite")
    with Store.create(path) as store:
        store.append(import_entries(None, log), 0)
        rows = store.rows()
    fresh = load_log(synth_parquet)
    assert StoreView.of(rows, path).log_hash() == log_hash(fresh)
    assert [r.event_id for r in rows[1:]] == [e.id for e in file_order(fresh)]


def test_ctrl_c_between_batches_writes_nothing(tmp_path, monkeypatch):
    """Ctrl-C noticed after the first batch was inserted rolls the whole append back: the store stays empty."""
    monkeypatch.setattr(chain, "BATCH_ROWS", 1000)
    monkeypatch.setattr(chain, "BULK_ROWS", 100)
    path = str(tmp_path / "s.sqlite")
    header = Entry("header", "", {"orgsim_log": 2, "id": "t", "organization": "TA"})

    def interrupt(_rows: int) -> None:
        raise KeyboardInterrupt

    with Store.create(path) as store:
        with pytest.raises(KeyboardInterrupt):
            store.append([header] + _statements(2500), 0, written=interrupt)
    with Store.open(path) as store:
        assert store.version == 0 and store.rows() == []
