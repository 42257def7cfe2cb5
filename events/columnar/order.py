"""Putting a columnar log's rows in replay order, and finding the events its conflicts name."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..columns import EventColumns, ids_in


def referenced(header: dict[str, Any], cols: EventColumns) -> set[str]:
    """Event ids the header's conflicts name that the log holds (so a conflict can be checked)."""
    named = {e for c in header.get("conflicts") or [] if isinstance(c, dict)
             for r in c.get("readings") or [] if isinstance(r, dict)
             for e in r.get("events") or [] if isinstance(e, str)}
    if not named:
        return set()
    return set(cols.ids[ids_in(cols.ids, named)].tolist())


def in_replay_order(cols: EventColumns) -> EventColumns:
    """The columns sorted by (date, seq, file order), as replay applies them."""
    keys = cols.keys
    if len(keys) < 2 or ((np.diff(keys) > 0) | ((np.diff(keys) == 0) & (np.diff(cols.seq) >= 0))).all():
        return cols
    perm = np.lexsort((cols.order, cols.seq, keys))
    lengths = np.diff(cols.actor_offsets)[perm]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    starts = np.repeat(cols.actor_offsets[:-1][perm] - offsets[:-1], lengths)
    flat = cols.actor_codes[np.arange(offsets[-1]) + starts]
    return dataclasses.replace(
        cols, ids=cols.ids[perm], date_codes=cols.date_codes[perm], kind_codes=cols.kind_codes[perm],
        org_codes=cols.org_codes[perm], target_codes=cols.target_codes[perm], actor_offsets=offsets,
        actor_codes=flat, seq=cols.seq[perm], order=cols.order[perm], line=cols.line[perm],
        extra_codes={k: v[perm] for k, v in cols.extra_codes.items()}, _dates={})
