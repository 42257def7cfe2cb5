"""`orgsim synth`: synthetic histories of any size that replay strictly, the same for the same seed."""

from __future__ import annotations

import collections
import re

import numpy as np
import pyarrow.parquet as pq
import pytest
from orgsim.engine.history import History
from orgsim.engine.replay import replay
from orgsim.events import load_log
from orgsim.events.errors import LogError
from orgsim.events.synth.events import synth_columns
from orgsim.events.synth.plan import SynthSpec
from orgsim.events.synth.write import write_log


def test_the_same_seed_gives_the_same_log_and_another_seed_another():
    """Two runs with one seed are equal event for event; a second seed differs."""
    _h, a = synth_columns(SynthSpec(10, 20, 50, 3000, seed=5))
    _h, b = synth_columns(SynthSpec(10, 20, 50, 3000, seed=5))
    _h, c = synth_columns(SynthSpec(10, 20, 50, 3000, seed=6))
    assert [a.event(i) for i in range(len(a))] == [b.event(i) for i in range(len(b))]
    assert [a.event(i) for i in range(50)] != [c.event(i) for i in range(50)]


@pytest.mark.parametrize("ext", ["parquet", "yaml"])
def test_a_synthetic_log_has_the_size_asked_for_and_replays_strictly(run, tmp_path, ext):
    """The file holds exactly --events events, of every membership kind, with mixed precision, and validates."""
    path = str(tmp_path / f"s.{ext}")
    code, out, _err = run("synth", "--orgs", "30", "--states", "40", "--years", "120", "--events", "20000",
                          "--seed", "3", "-o", path)
    assert code == 0 and "20,000 events" in out
    log = load_log(path)
    assert len(log.events) == 20000
    result = replay(log)  # strict: raises at the first unmet presupposition
    assert len(result.applied) == 20000
    kinds = collections.Counter(e.kind for e in log.events)
    for kind in ("org_founded", "treaty_signed", "treaty_in_force", "org_dissolved", "accession", "withdrawal",
                 "suspension", "readmission", "observer_status", "status_ended", "non_renewal"):
        assert kinds[kind] > 0, kind
    assert {e.date.precision for e in log.events} == {"day", "month", "year"}
    states = {a for e in log.events for a in e.actors}
    assert len(states) <= 40 and all(len(s) == 3 and s.isupper() for s in states)
    code, out, _err = run("validate", path)
    assert code == 0 and "20000 events, 20000 applied" in out


def test_yaml_and_parquet_of_one_seed_hold_the_same_events(tmp_path):
    """Whichever format is written, the same seed loads as the same events and answers the same."""
    for ext in ("yaml", "parquet"):
        from orgsim.events.synth.write import write_log

        header, cols = synth_columns(SynthSpec(5, 12, 40, 1500, seed=9))
        write_log(str(tmp_path / f"s.{ext}"), header, cols)
    y, p = load_log(str(tmp_path / "s.yaml")), load_log(str(tmp_path / "s.parquet"))
    key = lambda e: (e.id, e.date, e.kind, e.org, e.actors, e.target, e.payload, e.provenance, e.seq)
    assert [key(e) for e in y.events] == [key(e) for e in p.events]
    hy, hp = History(y), History(p)
    assert hy.at("1840").facts == hp.at("1840").facts


def test_organizations_grow_then_some_dissolve_and_states_enter_over_time():
    """More organizations exist at the end than at the start; some end; some states appear only later."""
    _header, cols = synth_columns(SynthSpec(60, 50, 200, 20000, seed=1))
    kinds = np.array(cols.kinds)[cols.kind_codes]
    keys = cols.keys
    founded = keys[(kinds == "org_founded") | (kinds == "treaty_signed")]
    assert (founded > np.median(keys)).sum() > 0 and (kinds == "org_dissolved").sum() > 0
    first_seen = {}
    for i in range(len(cols)):
        for a in cols.actor_codes[cols.actor_offsets[i]:cols.actor_offsets[i + 1]]:
            first_seen.setdefault(int(a), int(keys[i]))
    assert max(first_seen.values()) - min(first_seen.values()) > 365 * 50


def test_the_parquet_file_stores_json_columns_and_the_header(tmp_path, run):
    """payload and provenance are JSON text; the header is JSON in the file's metadata."""
    path = str(tmp_path / "s.parquet")
    run("synth", "--orgs", "3", "--states", "5", "--years", "20", "--events", "50", "-o", path)
    table = pq.read_table(path)
    assert {"id", "date", "kind", "org", "actors", "payload", "provenance", "seq"} <= set(table.column_names)
    assert table.column("provenance")[0].as_py().startswith("{")
    assert b"orgsim_log" in table.schema.metadata


@pytest.mark.parametrize("args, message", [
    (["--orgs", "500", "--events", "100"], "too few"),
    (["--states", "300"], "300"),
    (["--start-year", "2150", "--years", "100"], "1000-2200"),
])
def test_impossible_sizes_are_one_line_errors(run, tmp_path, args, message):
    """Asking for what cannot be made exits 2 with one line saying why."""
    code, _out, err = run("synth", *args, "-o", str(tmp_path / "s.parquet"))
    assert code == 2 and message in err


def test_an_unknown_output_format_is_refused(run, tmp_path):
    """-o must end in .parquet, .yaml or .yml."""
    code, _out, err = run("synth", "-o", str(tmp_path / "s.csv"))
    assert code == 2 and "parquet" in err


def test_a_damaged_parquet_log_is_a_one_line_error(tmp_path, run):
    """A Parquet log whose event breaks a rule is refused naming its row, like a YAML log's line."""
    import pyarrow as pa

    path = str(tmp_path / "s.parquet")
    run("synth", "--orgs", "3", "--states", "5", "--years", "20", "--events", "50", "-o", path)
    table = pq.read_table(path)
    ids = table.column("id").to_pylist()
    ids[7] = ids[3]
    pq.write_table(table.set_column(0, "id", pa.array(ids)), path)
    with pytest.raises(LogError, match=r"s\.parquet:8: event .*duplicate id \(first used at line 4\)"):
        load_log(path)
    code, _out, err = run("validate", path)
    assert code == 2 and "duplicate id" in err


def test_a_parquet_event_naming_an_actor_twice_is_refused_with_its_row(tmp_path):
    """Two events each naming one state twice: the first is named by its row, as YAML names its line."""
    import pyarrow as pa

    path = str(tmp_path / "s.parquet")
    write_log(path, *synth_columns(SynthSpec(3, 5, 20, 50, 1)))
    table = pq.read_table(path)
    actors = table.column("actors").to_pylist()
    assert all(len(set(a)) == len(a) for a in actors if a)  # the generator never repeats one
    firsts = [i for i, a in enumerate(actors) if a][:2]
    for i in reversed(firsts):
        actors[i] = actors[i] + [actors[i][0]]
    pq.write_table(table.set_column(table.column_names.index("actors"), "actors",
                                    pa.array(actors, table.schema.field("actors").type)), path)
    ids = table.column("id").to_pylist()
    with pytest.raises(LogError, match=rf"s\.parquet:{firsts[0] + 1}: event '?{re.escape(ids[firsts[0]])}'?.*"
                                       rf"actors names '{actors[firsts[0]][0]}' twice"):
        load_log(path)


@pytest.mark.parametrize("bad, shown", [(None, "None"), ("Bad Id", "'Bad Id'")])
def test_a_parquet_log_with_a_missing_or_malformed_id_names_its_row(tmp_path, bad, shown):
    """An id that is null or breaks the id rule is refused with its row, before any id is kept."""
    import pyarrow as pa

    path = str(tmp_path / "s.parquet")
    write_log(path, *synth_columns(SynthSpec(3, 5, 20, 50, 1)))
    table = pq.read_table(path)
    ids = table.column("id").to_pylist()
    ids[5] = bad
    pq.write_table(table.set_column(0, "id", pa.array(ids, pa.string())), path)
    with pytest.raises(LogError, match=rf"s\.parquet:6: event id {shown} is missing or malformed"):
        load_log(path)


def test_a_parquet_log_whose_column_bytes_are_damaged_is_a_one_line_error(tmp_path, run):
    """Damaged bytes in a column read after the ids (the footer intact) are refused as unreadable, exit 2."""
    path = str(tmp_path / "s.parquet")
    write_log(path, *synth_columns(SynthSpec(3, 5, 20, 500, 1)))
    meta = pq.ParquetFile(path).metadata.row_group(0)
    kind = next(meta.column(i) for i in range(meta.num_columns) if meta.column(i).path_in_schema == "kind")
    data = bytearray(open(path, "rb").read())
    data[kind.data_page_offset:kind.data_page_offset + 40] = b"\xff" * 40
    open(path, "wb").write(data)
    with pytest.raises(LogError, match=r"s\.parquet: not a readable Parquet log: "):
        load_log(path)
    code, out, err = run("validate", path)
    assert code == 2 and not out and len(err.strip().splitlines()) == 1 and "not a readable Parquet log" in err
