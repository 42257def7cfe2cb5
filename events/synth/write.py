"""Writing a log held as columns: Parquet, or YAML with one event per line (JSON flow mappings are YAML).

>>> import os, tempfile
>>> from orgsim.events import load_log
>>> from orgsim.events.synth.events import synth_columns
>>> from orgsim.events.synth.plan import SynthSpec
>>> header, cols = synth_columns(SynthSpec(orgs=2, states=4, years=10, events=12, seed=3))
>>> path = os.path.join(tempfile.mkdtemp(), "s.yaml")
>>> write_log(path, header, cols)
>>> len(load_log(path).events)
12
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import yaml

from ..columns import EventColumns
from ..model import thaw
from ..yamlio import MAX_YAML_BYTES


class TooLarge(ValueError):
    """A YAML log that would be larger than the loader reads (``yamlio.MAX_YAML_BYTES``)."""


def event_dicts(cols: EventColumns) -> Iterator[dict[str, Any]]:
    """Each event as the plain mapping a YAML log holds."""
    names, kinds, texts = cols.names, cols.kinds, cols.date_texts
    ids, dates, kcodes = cols.ids.tolist(), cols.date_codes.tolist(), cols.kind_codes.tolist()
    orgs, targets, off = cols.org_codes.tolist(), cols.target_codes.tolist(), cols.actor_offsets.tolist()
    actors, seqs = cols.actor_codes.tolist(), cols.seq.tolist()
    extras = {k: (c.tolist(), [_plain(k, v) for v in cols.extra_values[k]]) for k, c in cols.extra_codes.items()}
    for i in range(len(ids)):
        d: dict[str, Any] = {"id": ids[i], "date": texts[dates[i]], "kind": kinds[kcodes[i]], "org": names[orgs[i]]}
        if off[i + 1] > off[i]:
            d["actors"] = [names[a] for a in actors[off[i]:off[i + 1]]]
        if targets[i] >= 0:
            d["target"] = names[targets[i]]
        for k, (codes, values) in extras.items():
            if codes[i] >= 0 and values[codes[i]] not in (None, {}, []):
                d[k] = values[codes[i]]
        if seqs[i]:
            d["seq"] = seqs[i]
        yield d


def _plain(name: str, value: Any) -> Any:
    if name == "sources":
        return [{"source": s.source, "line": s.line, "quote": s.quote, "gloss": s.gloss} for s in value]
    return thaw(value)


def write_yaml(path: str, header: dict[str, Any], cols: EventColumns) -> None:
    """Write a YAML log: the header as block YAML, then one event per line (never more than the loader reads)."""
    with open(path, "wb") as fh:
        size = fh.write(yaml.safe_dump({k: v for k, v in header.items() if k != "events"}, sort_keys=False,
                                       allow_unicode=True, width=1_000_000).encode("utf-8") + b"events:\n")
        for d in event_dicts(cols):
            size += fh.write(b"- " + json.dumps(d, ensure_ascii=False).encode("utf-8") + b"\n")
            if size > MAX_YAML_BYTES:  # a log orgsim itself would refuse to load is not worth writing
                raise TooLarge(f"the YAML log would be larger than the {MAX_YAML_BYTES:,} bytes a YAML log may be; "
                               "write .parquet for a log this large")


def write_log(path: str, header: dict[str, Any], cols: EventColumns) -> None:
    """Write a log by its extension (.parquet, .yaml or .yml), through a temporary file in the same folder."""
    from ..columnar.parquet import write_parquet

    ext = os.path.splitext(path)[1].lower()
    if ext == ".parquet":
        write_parquet(path, header, cols)
        return
    if ext not in (".yaml", ".yml"):
        raise ValueError(f"{path}: write .parquet, .yaml or .yml")
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        write_yaml(tmp, header, cols)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
