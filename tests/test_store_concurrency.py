"""Several real processes appending to one store at once: every event once, the chain intact, the rate measured."""

from __future__ import annotations

import pytest

from orgsim.events.store import bench as store_bench
from orgsim.events.store.verify import check_chain
from orgsim.events.store.view import store_rows

TOTAL = 10_000


@pytest.mark.parametrize("writers", [2, 8])
def test_writers_append_10000_events_between_them(tmp_path, writers, record_property):
    """2 and 8 processes, retrying on version conflicts: 10,000 events, each stored once, chain valid."""
    path = str(tmp_path / "bench.sqlite")
    result = store_bench.run(path, writers, total=TOTAL, batch=50)
    assert result["exit_codes"] == [0] * writers
    rows = store_rows(path)
    ids = [r.event_id for r in rows[1:]]
    expected = {f"w{w}-e{i:05d}" for w in range(writers) for i in range(TOTAL // writers)}
    assert len(ids) == TOTAL and set(ids) == expected  # none lost, none twice
    assert all(r.version == 1 for r in rows) and result["transactions"] == TOTAL // 50
    report = check_chain(rows)
    assert report.problem is None and report.events == TOTAL
    record_property("events_per_second", round(result["events_per_second"]))
    print(f"\n{writers} writers: {result['events_per_second']:.0f} events/s, {result['conflicts']} conflicts retried")
