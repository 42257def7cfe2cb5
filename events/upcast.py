"""Upcasting: old log schemas are rewritten to the current one on load, so old logs keep loading.

Schema 1 (the first draft) wrote one ``source:`` mapping per event, named the
kind ``type`` and named the cited file once in ``source_file``. Schema 2 allows
several citations per event (``sources:``) and several source files.

>>> v1 = {"orgsim_log": 1, "organization": "O", "source_file": "s.txt",
...       "events": [{"id": "a", "type": "accession", "date": "1993",
...                   "source": {"line": 3, "quote": "q", "gloss": "g"}}]}
>>> v2 = upcast(v1, 1)
>>> v2["events"][0]["kind"], v2["events"][0]["sources"][0]["source"], v2["sources"]["main"]["file"]
('accession', 'main', 's.txt')
"""

from __future__ import annotations

from typing import Callable

from .vocabulary import SCHEMA_VERSION


def _v1_to_v2(data: dict) -> dict:
    data = dict(data)
    source_file = data.pop("source_file", None)
    if source_file is not None:
        data["sources"] = {"main": {"file": source_file}}
    events = []
    for raw in data.get("events") or []:
        if isinstance(raw, dict):
            raw = dict(raw)
            if "type" in raw and "kind" not in raw:
                raw["kind"] = raw.pop("type")
            if isinstance(raw.get("source"), dict):
                src = dict(raw.pop("source"))
                src.setdefault("source", "main")
                raw["sources"] = [src]
        events.append(raw)
    data["events"] = events
    data["orgsim_log"] = 2
    return data


#: UPCASTERS[n] rewrites a schema-n document into schema n+1.
UPCASTERS: dict[int, Callable[[dict], dict]] = {1: _v1_to_v2}


def upcast(data: dict, version: int) -> dict:
    """Rewrite a log document of an older schema version into the current one."""
    while version < SCHEMA_VERSION:
        data = UPCASTERS[version](data)
        version += 1
    return data
