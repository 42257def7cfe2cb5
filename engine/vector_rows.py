"""The array half of the vectorised compile: membership rows, statuses, checks and intervals.

Statuses are small integers here: 0 is no status, 1..10 are ``STATUSES`` in order
(member, signatory, suspended, associate, observer, partner, unknown, not_renewed,
withdrawn, not_in_system). Each row kind's rules are the handlers' in ``engine/apply.py``,
as tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from orgsim.events.columns import EventColumns

from .apply import RETURN_STATUSES, SIDE_STATUSES

MEMBERSHIP_KINDS = frozenset({"accession", "non_renewal", "withdrawal", "suspension", "readmission",
                              "status_ended", "system_exit", "system_return", *SIDE_STATUSES})
M, SG, SU, AS, OB, PA, UN, NR, WD, NS = range(1, 11)
N_STATUS = 11             # codes 0..10
ROW = {"accession": 0, "non_renewal": 1, "withdrawal": 2, "suspension": 3, "readmission": 4,
       "observer_status": 5, "partner_status": 6, "associate_status": 7, "status_unknown": 8, "status_ended": 9,
       "org_founded": 10, "treaty_signed": 11, "system_exit": 14, "system_return": 15}
IN_FORCE, ENDS = 12, 13   # rows made for every actor of an organization
SYSTEM_EXIT = 14
#: system_return takes one row kind per payload status (chosen per event in ``_return_rows``).
RETURN_ROW = {"member": 15, "associate": 16, "observer": 17, "unknown": 18, "none": 19}
assert set(RETURN_ROW) == RETURN_STATUSES
N_ROW = 20
#: Status after a row: -2 depends on the organization (accession), -1 on the status before (entry into force).
POST = np.array([-2, NR, WD, SU, M, OB, PA, AS, UN, 0, M, SG, -1, 0, NS, M, AS, OB, UN, 0], np.int8)
#: Row kinds that are events of the actor's own, with presuppositions checked per row.
OWN = np.zeros(N_ROW, bool)
OWN[[*range(10), SYSTEM_EXIT, *RETURN_ROW.values()]] = True
#: Row kinds whose event needs the organization to exist and not be dissolved (``_org`` in apply.py).
ORG_EXACT = np.zeros(N_ROW, bool)
ORG_EXACT[[4, SYSTEM_EXIT, *RETURN_ROW.values()]] = True

ALLOWED = np.ones((N_ROW, N_STATUS), bool)   # [row kind, status before]: the handler's check passes
for _row, _ok in ((1, {M, SG}), (2, {M, SG, SU, AS}), (3, {M}), (4, {SU, NR, WD}), (9, {AS, OB, PA, UN}),
                  *((_r, {NS}) for _r in RETURN_ROW.values())):
    ALLOWED[_row] = np.isin(np.arange(N_STATUS), list(_ok))
for _row in (0, 5, 6, 7):
    ALLOWED[_row, [M, SG, SU]] = False  # already active: accession and side statuses refuse
assert len(POST) == N_ROW


class Unsupported(Exception):
    """The log needs the exact replay (a kind or a case the vectorised compile does not take)."""


@dataclass
class Rows:
    """The membership intervals (status as a STATUSES index) and the first failing event, if any."""

    ent: np.ndarray
    actor: np.ndarray
    status: np.ndarray
    spos: np.ndarray
    epos: np.ndarray
    first_bad: int | None
    bad_ent: int


def _org_status(cols: EventColumns, lineage: Any, ent: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Each organization's status (0 none, 1 signed, 2 in force, 3 dissolved) just before a position."""
    code = {n: i for i, n in enumerate(cols.names)}
    changes: dict[int, list[tuple[int, int]]] = {}
    for org, p, status in lineage.changes:  # in position order
        if org in code:
            changes.setdefault(code[org], []).append((p, status))
    width = max((len(v) for v in changes.values()), default=0)
    # An organization's status changes a few times at most: compare each position with those few.
    at = np.full((len(cols.names) + 1, width + 1), np.iinfo(np.int64).max, np.int64)
    val = np.zeros((len(cols.names) + 1, width + 1), np.int8)
    for c, v in changes.items():
        at[c, :len(v)] = [p for p, _s in v]
        val[c, 1:len(v) + 1] = [s for _p, s in v]
    seen = np.zeros(len(ent), np.int64)
    for k in range(width):
        seen += at[ent, k] < pos
    return val[ent, seen]


def _expand(cols: EventColumns, sel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One row per (event, actor) of the selected events: (position, actor code)."""
    off = cols.actor_offsets
    lengths = off[sel + 1] - off[sel]
    pos = np.repeat(sel, lengths)
    first = np.repeat(off[sel] - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return pos, cols.actor_codes[np.arange(len(pos)) + first]


def _actors_by_org(n_names: int, ent: np.ndarray, actor: np.ndarray) -> Any:
    """A function: organization code -> codes of every actor with a row in it."""
    if n_names * n_names <= 1 << 24:  # a bitmap of (organization, actor) is smaller than sorting the rows
        seen = np.zeros((n_names, n_names), bool)
        seen[ent, actor] = True
        return lambda c: np.flatnonzero(seen[c])
    pairs = np.unique(ent.astype(np.int64) * n_names + actor)
    cuts = np.searchsorted(pairs // n_names, np.arange(n_names + 1))
    return lambda c: pairs[cuts[c]:cuts[c + 1]] % n_names


def _broadcast(cols: EventColumns, lineage: Any, ent: np.ndarray, actor: np.ndarray) -> list[tuple]:
    """Rows for entry into force and for endings: every actor that ever had a row in the organization."""
    code = {n: i for i, n in enumerate(cols.names)}
    actors_of = _actors_by_org(len(cols.names), ent, actor)
    out = []
    for org, pos, only in lineage.in_force:
        c = code.get(org)
        if c is None:
            continue
        who = actors_of(c)
        if only:
            who = who[np.isin(who, [code[a] for a in only if a in code])]
        out.append((c, who, pos, IN_FORCE))
    for org, pos in lineage.ends:
        c = code.get(org)
        if c is not None:
            out.append((c, actors_of(c), pos, ENDS))
    return out


def _pair_order(pos: np.ndarray, pair: np.ndarray) -> np.ndarray:
    """The order sorting rows by (pair, position): stable radix passes of 16 bits where the codes allow."""
    order = np.argsort(pos, kind="stable")  # nearly sorted already: the broadcast rows come last
    if len(pair) == 0 or pair.max() >= 1 << 32:
        return np.lexsort((pos, pair))
    p = pair[order].astype(np.uint32)
    low = np.argsort((p & 0xFFFF).astype(np.uint16), kind="stable")  # numpy sorts 16-bit keys by radix
    high = np.argsort((p >> 16).astype(np.uint16)[low], kind="stable")
    return order[low[high]]


def _return_rows(cols: EventColumns, row_of_kind: np.ndarray, live: np.ndarray) -> None:
    """Give each system_return event the row kind of its payload status (in place).

    Raises Unsupported for a live event whose payload status is not one the handler takes,
    so that replay reports it.
    """
    ret = row_of_kind == ROW["system_return"]
    if not ret.any():
        return
    sel = np.flatnonzero(ret)
    if not cols.extra_codes and cols.source_events is not None:
        # Events at hand: read these few payloads rather than encode every event's extras.
        payloads = [cols.source_events[i].payload for i in sel.tolist()]
        rows = np.array([_return_row(p) for p in payloads], np.int8)
    else:
        cols = cols.with_extras()
        if "payload" not in cols.extra_codes:
            raise Unsupported("system_return events without their payloads at hand")
        table = np.array([_return_row(p) for p in cols.extra_values["payload"]] + [RETURN_ROW["member"]], np.int8)
        rows = table[cols.extra_codes["payload"][sel]]  # code -1 (no payload) is the last entry: member
    if (rows[live[sel]] < 0).any():
        raise Unsupported("a system_return whose payload.status is not one it takes")
    row_of_kind[sel] = np.where(rows < 0, ROW["system_return"], rows)


def _return_row(payload: Any) -> int:
    """The row kind of a system_return with this payload, or -1 if its status is not one the handler takes."""
    status = payload.get("status", "member") if hasattr(payload, "get") else None
    return RETURN_ROW[status] if isinstance(status, str) and status in RETURN_ROW else -1


def rows_and_statuses(cols: EventColumns, active: np.ndarray, stop: int, lineage: Any,
                      external: frozenset[str]) -> Rows:
    """Every membership interval of the log, and its first unmet presupposition (before ``stop``)."""
    n = len(cols)
    row_of_kind = np.array([ROW.get(k, -1) for k in cols.kinds] + [-1], np.int8)[cols.kind_codes]
    before = np.arange(n) < stop
    _return_rows(cols, row_of_kind, active & before)
    ev_sel = np.flatnonzero(active & before & (row_of_kind >= 0))
    org_of = cols.org_of
    # Event-level checks on the organization: they hold even for an event with no actors.
    ext_exact = np.array([x in external for x in cols.names] + [False], bool)
    ext_prefix = np.array([x.split(".")[0] in external for x in cols.names] + [False], bool)
    ev_kind, ev_ent = row_of_kind[ev_sel], org_of[ev_sel]
    org_exact = ORG_EXACT[ev_kind]
    needs = (ev_kind == 0) | org_exact | ((ev_kind >= 5) & (ev_kind <= 8))
    ost = np.zeros(len(ev_sel), np.int8)
    ost[needs] = _org_status(cols, lineage, ev_ent[needs], ev_sel[needs])
    acc_eff = np.where(ost > 0, ost, np.where(ext_exact[ev_ent], 2, 0))
    bad_ev = (((ev_kind == 0) & ((acc_eff == 0) | (acc_eff == 3)))
              # a dissolved organization is gone, even one the log names without founding it
              | (org_exact & ((ost == 3) | ((ost == 0) & ~ext_exact[ev_ent])))
              | ((ev_kind >= 5) & (ev_kind <= 8) & ((ost == 3) | ((ost == 0) & ~ext_prefix[ev_ent]))))
    acc_post = np.zeros(n, np.int8)
    acc_post[ev_sel] = np.where(acc_eff == 2, M, SG)
    pos, actor = _expand(cols, ev_sel)
    ent, kind = org_of[pos], row_of_kind[pos]
    extra = _broadcast(cols, lineage, ent, actor)
    if extra:
        pos = np.concatenate([pos] + [np.full(len(w), p, np.int64) for _c, w, p, _k in extra])
        actor = np.concatenate([actor] + [w for _c, w, _p, _k in extra]).astype(np.int32)
        ent = np.concatenate([ent] + [np.full(len(w), c, np.int32) for c, w, _p, _k in extra])
        kind = np.concatenate([kind] + [np.full(len(w), k, np.int8) for _c, w, _p, k in extra])
    pair = ent.astype(np.int64) * len(cols.names) + actor
    pos = pos.astype(np.int32) if n < 1 << 31 else pos
    order = _pair_order(pos, pair)
    pos, kind, pair = pos[order], kind[order], pair[order]
    keep = np.ones(len(pos), bool)
    keep[1:] = (pair[1:] != pair[:-1]) | (pos[1:] != pos[:-1])  # an actor named twice in one event
    if not keep.all():
        pos, kind, pair = pos[keep], kind[keep], pair[keep]
    post, prev, _new = _statuses(pos, kind, pair, acc_post)
    bad_row = OWN[kind] & ~ALLOWED[kind, prev]
    first_bad, bad_ent = None, -1
    cand = [(int(ev_sel[bad_ev][0]), int(ev_ent[bad_ev][0]))] if bad_ev.any() else []
    if bad_row.any():
        bad = np.flatnonzero(bad_row)
        i = int(bad[np.argmin(pos[bad])])
        cand.append((int(pos[i]), int(pair[i] // len(cols.names))))
    if cand:
        first_bad, bad_ent = min(cand)
    ent, actor = pair // len(cols.names), pair % len(cols.names)
    change = np.flatnonzero(post != prev)
    nxt = np.append(change[1:], -1)[: len(change)]
    same = (nxt >= 0) & (pair[np.maximum(nxt, 0)] == pair[change])
    starts = post[change] != 0
    c, x, s = change[starts], nxt[starts], same[starts]
    return Rows(ent=ent[c].astype(np.int32, copy=False), actor=actor[c].astype(np.int32, copy=False),
                status=(post[c] - 1).astype(np.int16), spos=pos[c],
                epos=np.where(s, pos[np.maximum(x, 0)], -1), first_bad=first_bad, bad_ent=bad_ent)


def _statuses(pos: np.ndarray, kind: np.ndarray, pair: np.ndarray, acc_post: np.ndarray) -> tuple:
    """Status after and before every row, and where each (organization, actor) group starts."""
    n = len(pos)
    idx = np.arange(n)
    new = np.ones(n, bool)
    new[1:] = pair[1:] != pair[:-1]
    post = POST[kind].astype(np.int8)
    acc = post == -2
    post[acc] = acc_post[pos[acc]]
    det = post >= 0
    if not det.all():  # entry into force: member if the status carried into it is signatory
        last = np.maximum.accumulate(np.where(det, idx, -1))
        inf = np.flatnonzero(~det)
        starts = np.flatnonzero(new)
        group = starts[np.searchsorted(starts, inf, side="right") - 1]
        base = np.where(last[inf] >= group, post[np.maximum(last[inf], 0)], 0)
        post[inf] = np.where(base == SG, M, base)
    prev = np.zeros(n, np.int8)
    prev[1:] = post[:-1]
    prev[new] = 0
    return post, prev, new
