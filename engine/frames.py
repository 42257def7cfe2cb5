"""Pandas views: membership as a DataFrame of intervals, and the events as a table.

>>> from orgsim.engine.history import History
>>> df = membership_frame(History.load_bundled())
>>> df[(df.member == "UZB") & (df.org == "CSTO")].status.tolist()[:3]
['signatory', 'member', 'not_renewed']
"""

from __future__ import annotations

from typing import Any, Iterable, Protocol

import numpy as np
import pandas as pd

from orgsim.events.dates import to_date
from orgsim.events.model import Log
from orgsim.events.vocabulary import STATUSES

from .index import OPEN_END, FactIndex


class History(Protocol):
    """What a frame reads of a history (``engine.history.History``, which calls this module, so is not imported)."""

    log: Log

    @property
    def index(self) -> FactIndex: ...

#: The one dtype of every status column, in every frame: the vocabulary's statuses, strongest first.
STATUS_DTYPE = pd.CategoricalDtype(list(STATUSES))
_EPOCH = 719163  # the proleptic Gregorian ordinal of 1970-01-01, numpy's day 0


def days(ordinals: Iterable[int] | np.ndarray) -> np.ndarray:
    """Day ordinals as datetime64 (second resolution, so years 1000-2200 all fit); OPEN_END becomes NaT."""
    o = np.asarray(ordinals, dtype=np.int64)
    out = (o - _EPOCH).astype("datetime64[D]").astype("datetime64[s]")
    out[o >= OPEN_END] = np.datetime64("NaT")
    return out


def statuses(values: Iterable[str]) -> pd.Categorical:
    """Status strings as the one categorical dtype (STATUS_DTYPE)."""
    return pd.Categorical(list(values), dtype=STATUS_DTYPE)


MEMBERSHIP_COLUMNS = ["org", "member", "status", "start", "start_text", "end", "end_text", "start_event",
                      "end_event", "source_line", "start_earliest", "start_latest", "end_earliest", "end_latest",
                      "attested_until", "precision", "modality"]


def membership_frame(history: History) -> pd.DataFrame:
    """Every status interval of every actor in every organization and body: one row per interval."""
    by_id = history.log.by_id
    rows = []
    for fact, start, end, ender, b in history.index.spans("member"):
        ev = by_id.get(fact.event)
        rows.append({
            "org": fact.key[1], "member": fact.key[2], "status": fact.value,
            "start": start, "start_text": fact.since.text,
            "end": end, "end_text": by_id[ender].date.text if ender else None,
            "start_event": fact.event, "end_event": ender,
            "source_line": ev.source_line if ev else None,
            "start_earliest": b.start_earliest, "start_latest": b.start_latest,
            "end_earliest": b.end_earliest, "end_latest": b.end_latest,
            "attested_until": b.attested, "precision": fact.since.precision,
            # An interval some reading holds on every day of is certain; one that no day holds for sure, possible.
            "modality": "certain" if b.start_latest < b.end_earliest else "possible",
        })
    df = pd.DataFrame(rows, columns=MEMBERSHIP_COLUMNS)
    df["status"] = statuses(df["status"])
    for col in ("start", "end", "start_earliest", "start_latest", "end_earliest", "end_latest", "attested_until"):
        df[col] = days(df[col])
    return df.sort_values(["org", "member", "start"], kind="stable").reset_index(drop=True)


def memberships_at_frame(history: History, date: Any) -> pd.DataFrame:
    """Fast: every organization's memberships on a date, from the index (org, member, status, since)."""
    df = history.index.memberships_at(to_date(date).key).copy()
    df["org"], df["member"] = df["org"].astype(str), df["member"].astype(str)
    df["status"] = statuses(df["status"].astype(str))
    df["since"] = days(df["since"])
    return df.sort_values(["org", "status", "member"], kind="stable").reset_index(drop=True)


def state_frame(state: Any, what: str = "memberships") -> pd.DataFrame:
    """A State's views as a DataFrame: memberships (every organization and body), or one other view."""
    views = {"memberships": state.memberships, "members": state.members, "bodies": state.bodies,
             "forces": state.forces, "rules": state.rules, "offices": state.offices, "protocols": state.protocols}
    if what not in views:
        raise ValueError(f"what must be one of {', '.join(views)}, not {what!r}")
    df = pd.DataFrame(views[what]())
    if "status" in df and what in ("memberships", "members"):
        df["status"] = statuses(df["status"])
    if "since" in df:
        df.insert(df.columns.get_loc("since") + 1, "since_day",
                  days([state.log.by_id[e].date.key if e in state.log.by_id else OPEN_END for e in df["event"]]))
    return df


def events_frame(history: History, events: list | None = None) -> pd.DataFrame:
    """The events as a table: id, date (as written), first day (datetime64), kind, actors (a list), target, source line."""
    evs = history.log.events if events is None else events
    df = pd.DataFrame([{
        "id": e.id, "date": e.date.text, "first_day": e.date.key, "precision": e.date.precision,
        # The first and last day the date can mean (NaT where it is open): its bounds, as the answers use them.
        "earliest": OPEN_END if e.date.earliest is None else e.date.earliest,
        "latest": OPEN_END if e.date.latest is None else e.date.latest,
        "kind": e.kind, "org": e.org, "actors": list(e.actors), "target": e.target or "",
        "source_line": e.source_line, "confidence": e.confidence,
    } for e in evs], columns=["id", "date", "first_day", "precision", "earliest", "latest", "kind", "org", "actors",
                               "target", "source_line", "confidence"])
    for col in ("first_day", "earliest", "latest"):
        df[col] = days(df[col])
    return df
