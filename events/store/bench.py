"""Several processes appending to one store at once: the concurrency test and the benchmark both run this.

Each writer is a separate process (``spawn``: nothing shared but the file). It
appends its share of events in transactions of ``batch`` events, each stating
the version it read; on a version conflict it reads again and retries, so no
event is lost or written twice. Every event is validated against the log's
header (ids, kind, date, sources) before it is written; none is replayed.

    python -m orgsim.events.store.bench NEW_STORE WRITERS [TOTAL] [BATCH]
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import time
from typing import Any

from ..parse import event_for_log, parse_log
from .chain import Entry, Store, VersionConflict

HEADER: dict[str, Any] = {
    "orgsim_log": 2, "id": "bench", "title": "Benchmark log", "organization": "TA",
    "entities": {"organizations": {"TA": {"name": "Test Alliance"}}}, "sources": {"notes": {"file": "notes.txt"}},
    "texts": [], "conflicts": [],
}


def bench_event(writer: int, i: int) -> dict[str, Any]:
    """The i-th event of a writer: a statement, which any state of the log accepts."""
    return {"id": f"w{writer}-e{i:05d}", "date": f"{1990 + i % 30}-{1 + i % 12:02d}", "kind": "statement",
            "org": "TA", "target": "TA", "payload": {"title": f"statement {i} of writer {writer}"},
            "sources": [{"source": "notes", "line": 1 + i, "quote": "q", "gloss": "g"}]}


def _writer(path: str, writer: int, count: int, batch: int, ready: Any, go: Any, results: Any) -> None:
    log = parse_log({**HEADER, "events": []}, path)
    events = [event_for_log(bench_event(writer, i), log, i, path) for i in range(count)]  # validated up front
    conflicts = transactions = 0
    ready.put(writer)
    go.wait()
    with Store.open(path) as store:
        for start in range(0, count, batch):
            entries = [Entry("event", e.id, bench_event(writer, start + k)) for k, e in
                       enumerate(events[start:start + batch])]
            while True:
                try:
                    store.append(entries, store.version)
                    transactions += 1
                    break
                except VersionConflict:
                    conflicts += 1  # another writer got in first: nothing was written; read again
    results.put((writer, conflicts, transactions))


def run(path: str, writers: int, total: int = 10_000, batch: int = 50) -> dict[str, Any]:
    """Append ``total`` events to a new store at ``path`` from ``writers`` processes; timings and counts."""
    with Store.create(path) as store:
        store.append([Entry("header", "", HEADER)], 0)
    ctx = mp.get_context("spawn")
    ready, go, results = ctx.Queue(), ctx.Event(), ctx.Queue()
    shares = [total // writers + (w < total % writers) for w in range(writers)]
    procs = [ctx.Process(target=_writer, args=(path, w, n, batch, ready, go, results)) for w, n in enumerate(shares)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=600)  # every writer has loaded and validated its events: only appending is timed
    started = time.perf_counter()
    go.set()
    outcomes = [results.get(timeout=600) for _ in procs]
    seconds = time.perf_counter() - started
    for p in procs:
        p.join()
    return {"writers": writers, "events": total, "batch": batch, "seconds": seconds,
            "events_per_second": total / seconds, "conflicts": sum(o[1] for o in outcomes),
            "transactions": sum(o[2] for o in outcomes), "exit_codes": [p.exitcode for p in procs]}


if __name__ == "__main__":  # pragma: no cover - the benchmark's command line
    args = sys.argv[1:]
    out = run(args[0], int(args[1]), *(int(a) for a in args[2:4]))
    print(" ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in out.items()))
