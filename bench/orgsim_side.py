"""orgsim's own measurement outside the comparison: file parsing per format (bench/fair.py has the rest)."""

from __future__ import annotations

import os
from typing import Any

from orgsim.events import load_log

from .data import History, load_jsonl
from .timing import once


def parsing(h: History) -> list[dict[str, Any]]:
    """Seconds to load and validate a log, per format, at the small size and (Parquet) at full size."""
    rows = []
    for fmt, path in h.small.items():
        loader = load_jsonl if fmt == "jsonl" else load_log
        secs, log = once(lambda loader=loader, path=path: loader(path))
        rows.append({"format": fmt, "events": len(log.events), "seconds": secs, "bytes": os.path.getsize(path)})
    secs, log = once(lambda: load_log(h.parquet))
    rows.append({"format": "parquet", "events": len(log.events), "seconds": secs, "bytes": os.path.getsize(h.parquet)})
    return rows
