"""A writer killed with SIGKILL: the store opens with every committed event and no part of the killed one."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from orgsim.events.store.chain import Entry, Store
from orgsim.events.store.bench import HEADER, bench_event
from orgsim.events.store.verify import check_chain
from orgsim.events.store.view import store_rows

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

# The child appends one big transaction and stops just before COMMIT; a tiny page cache makes SQLite
# spill the uncommitted pages into the WAL first, so the kill leaves them on disk.
MID_TRANSACTION = """
import sys, time
from orgsim.events.store.chain import Entry, Store
from orgsim.events.store.bench import bench_event
with Store.open(sys.argv[1]) as store:
    store.conn.execute("PRAGMA cache_size = 10")
    entries = [Entry("event", f"w9-e{i:05d}", bench_event(9, i)) for i in range(3000)]
    def stop():
        print("inserted", flush=True)
        time.sleep(120)
    store.append(entries, store.version, before_commit=stop)
"""

# The child commits batches of 20 as fast as it can and prints each new version once it is committed.
COMMITTING = """
import sys
from orgsim.events.store.chain import Entry, Store
from orgsim.events.store.bench import bench_event
writer = int(sys.argv[2])
with Store.open(sys.argv[1]) as store:
    for start in range(0, 100_000, 20):
        entries = [Entry("event", f"w{writer}-e{i:05d}", bench_event(writer, i)) for i in range(start, start + 20)]
        print(store.append(entries, store.version), flush=True)
"""


@pytest.fixture
def store_path(tmp_path):
    """A store holding only the benchmark log's header."""
    path = str(tmp_path / "crash.sqlite")
    with Store.create(path) as store:
        store.append([Entry("header", "", HEADER)], 0)
    return path


def _child(code, *args):
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdout=subprocess.PIPE, text=True)


def _intact(path):
    rows = store_rows(path)
    assert check_chain(rows).problem is None
    assert len({r.event_id for r in rows}) == len(rows)
    return rows


def test_killed_inside_a_transaction_leaves_no_partial_event(store_path):
    """Killed after inserting 3,000 rows but before COMMIT: none of them is there, and appending goes on."""
    child = _child(MID_TRANSACTION, store_path)
    assert child.stdout.readline().strip() == "inserted"
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL
    assert os.path.getsize(store_path + "-wal") > 100_000  # the uncommitted rows did reach the disk
    assert len(_intact(store_path)) == 1
    with Store.open(store_path) as store:
        assert store.append([Entry("event", "after", {**bench_event(0, 0), "id": "after"})], 1) == 2
    assert [r.event_id for r in _intact(store_path)] == ["", "after"]


def test_killed_at_random_moments_keeps_every_committed_batch(store_path):
    """Three writers killed at random times: each committed batch is whole, and nothing is half-written."""
    rng = random.Random(7)
    for writer in range(3):
        child = _child(COMMITTING, store_path, writer)
        committed = [int(child.stdout.readline())]  # wait until it is really appending
        end = time.monotonic() + rng.uniform(0.05, 0.4)
        while time.monotonic() < end:
            committed.append(int(child.stdout.readline()))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        rows = _intact(store_path)
        assert len(rows) >= committed[-1]  # every batch it reported as committed is there
        assert (len(rows) - 1) % 20 == 0  # and no batch is there in part
