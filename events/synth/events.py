"""The synthetic log's membership events (one chain per organization–state pair) and its columns.

The same seed gives the same log, event for event.

>>> header, cols = synth_columns(SynthSpec(orgs=3, states=5, years=20, events=40, seed=1))
>>> len(cols), header["organization"], cols.kinds[cols.kind_codes[0]] in ("org_founded", "treaty_signed")
(40, 'O0001', True)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from ..columns import EventColumns
from ..model import FrozenDict
from .plan import DATASET, MEMBER, NONE, SIGNATORY, Plan, SynthSpec, period_key, pick_states, walk

MEMBERSHIP, LINEAGE_ORDER = 2, {"found": 0, "in_force": 1, "end": 3}  # same-day order: lineage around joins


def pair_events(plan: Any, entry: np.ndarray, n_states: int, budget: int, rng: np.random.Generator) -> dict:
    """Share ``budget`` events among the pairs by how long each could last, and walk each pair's chain."""
    n = len(plan.found)
    org, state = [], []
    for i in range(n):  # each organization's reach: its founders and a share of the other states
        extra = int(n_states * rng.beta(0.6, 1.6))
        pool = set(plan.founders[i]) | set(rng.choice(n_states, extra, replace=False).tolist())
        org += [i] * len(pool)
        state += sorted(pool)
    org_a, state_a = np.array(org, np.int64), np.array(state, np.int64)
    lo = np.maximum(plan.found[org_a] + 1, entry[state_a])
    hi = np.where(plan.end[org_a] >= 0, plan.end[org_a], plan.d1 + 1)
    weight = np.maximum(hi - lo, 0).astype(float)
    if budget and weight.sum() == 0:
        raise ValueError("no organization and state coexist long enough for membership events")
    counts = rng.multinomial(budget, weight / weight.sum()) if budget else np.zeros(len(org_a), np.int64)
    pair = np.repeat(np.arange(len(org_a)), counts)
    day = lo[pair] + (rng.random(len(pair)) * (hi[pair] - lo[pair])).astype(np.int64)
    precision = rng.choice(3, size=len(pair), p=[0.6, 0.25, 0.15])
    key = period_key(day, precision)
    early = key < lo[pair]  # a month or year would sort before the pair could meet: give the day
    key, precision = np.where(early, day, key), np.where(early, 0, precision)
    order = np.lexsort((key, pair))
    pair, key, precision = pair[order], key[order], precision[order]
    u = rng.random(len(pair))
    founders = [set(f) for f in plan.founders]
    cuts = np.concatenate([[0], np.cumsum(counts)]).tolist()
    kinds: list[str] = []
    keys_l, u_l = key.tolist(), u.tolist()
    for p in np.flatnonzero(counts).tolist():
        i, s = int(org_a[p]), int(state_a[p])
        start = (SIGNATORY if plan.treaty[i] else MEMBER) if s in founders[i] else NONE
        a, b = cuts[p], cuts[p + 1]
        kinds += [k for _key_, k in walk(start, keys_l[a:b], u_l[a:b], int(plan.in_force[i]), not plan.treaty[i])]
    return {"org": org_a[pair], "state": state_a[pair], "key": key, "precision": precision, "kind": kinds}


def _text(key: int, precision: int) -> str:
    return dt.date.fromordinal(key).isoformat()[: (10, 7, 4)[precision]]


def build_columns(spec: SynthSpec, plan: Any, states: list[str], rows: dict) -> tuple[dict, EventColumns]:
    """Lineage and membership events, sorted into replay order, as a header and EventColumns."""
    n = len(plan.found)
    orgs = [f"O{i + 1:04d}" for i in range(n)]
    lin: dict[str, list] = {k: [] for k in ("key", "precision", "kind", "org", "cls", "actors", "payload", "id")}

    def add(key: int, precision: int, kind: str, i: int, cls: int, actors: list[int], payload: Any, eid: str) -> None:
        for name, value in zip(lin, (key, precision, kind, i, cls, actors, payload, eid)):
            lin[name].append(value)

    for i in range(n):
        payload = {"name": f"Synthetic organization {i + 1}", "short": orgs[i]}
        if plan.pred[i] >= 0:
            payload["predecessor"] = orgs[plan.pred[i]]
        add(int(plan.found[i]), int(plan.found_p[i]), "treaty_signed" if plan.treaty[i] else "org_founded", i,
            LINEAGE_ORDER["found"], plan.founders[i], FrozenDict(payload), f"o{i + 1:04d}-founded")
        if plan.in_force[i] >= 0:
            add(int(plan.in_force[i]), int(plan.in_force_p[i]), "treaty_in_force", i, LINEAGE_ORDER["in_force"], [],
                None, f"o{i + 1:04d}-in-force")
        if plan.end[i] >= 0 and plan.end_p[i] >= 0:
            add(int(plan.end[i]), int(plan.end_p[i]), "org_dissolved", i, LINEAGE_ORDER["end"], [], None,
                f"o{i + 1:04d}-dissolved")
    m, L = len(rows["kind"]), len(lin["key"])
    key = np.concatenate([np.array(lin["key"], np.int64), rows["key"]])
    cls = np.concatenate([np.array(lin["cls"], np.int64), np.full(m, MEMBERSHIP)])
    order = np.lexsort((np.arange(L + m), cls, key))
    kinds = sorted(set(lin["kind"]) | set(rows["kind"]))
    kind_code = {k: c for c, k in enumerate(kinds)}
    kind_all = np.array([kind_code[k] for k in lin["kind"]] + [kind_code[k] for k in rows["kind"]], np.int16)
    precision = np.concatenate([np.array(lin["precision"], np.int64), rows["precision"]])
    combo, date_codes = np.unique(key * 3 + precision, return_inverse=True)
    lengths = np.array([len(a) for a in lin["actors"]] + [1] * m, np.int64)[order]
    lin_actor_codes = [n + s for a in lin["actors"] for s in a]
    lin_first = np.concatenate([[0], np.cumsum([len(a) for a in lin["actors"]])])
    first = np.concatenate([lin_first[:-1], lin_first[-1] + np.arange(m)])[order]
    flat = np.concatenate([np.array(lin_actor_codes, np.int64), n + rows["state"]])
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    actor_codes = flat[np.arange(offsets[-1]) + np.repeat(first - offsets[:-1], lengths)].astype(np.int32)
    is_lin = order < L
    ids = np.array([f"e{p:07d}" for p in range(L + m)], dtype=object)
    ids[is_lin] = np.array(lin["id"], dtype=object)[order[is_lin]]
    payloads = [p for p in lin["payload"] if p is not None]
    pay_code = np.full(L + m, -1, np.int32)
    pay_code[np.flatnonzero([p is not None for p in lin["payload"]])] = np.arange(len(payloads))
    org_all = np.concatenate([np.array(lin["org"], np.int64), rows["org"]])[order].astype(np.int32)
    none = np.full(L + m, -1, np.int32)
    extra_codes = {"payload": pay_code[order], "sources": none, "provenance": np.zeros(L + m, np.int32),
                   "rationale": none, "derived_by": none, "confidence": none, "note": none}
    extra_values: dict[str, list] = {k: [] for k in extra_codes}
    extra_values["payload"] = payloads
    extra_values["provenance"] = [FrozenDict({"dataset": DATASET, "version": 1, "seed": spec.seed})]
    cols = EventColumns(
        path="<synth>", ids=ids, date_codes=date_codes.astype(np.int32)[order],
        date_texts=[_text(int(c // 3), int(c % 3)) for c in combo], date_keys=(combo // 3).astype(np.int64),
        kind_codes=kind_all[order], kinds=kinds, names=orgs + states, org_codes=org_all,
        target_codes=none.copy(), actor_offsets=offsets.astype(np.int64), actor_codes=actor_codes,
        seq=np.zeros(L + m, np.int64), order=np.arange(L + m, dtype=np.int64),
        line=np.arange(1, L + m + 1, dtype=np.int64), extra_codes=extra_codes, extra_values=extra_values)
    header = {"orgsim_log": 2, "id": f"synth-{spec.seed}",
              "title": f"Synthetic history: {spec.orgs} organizations, {spec.states} states, {spec.years} years, "
                       f"{spec.events} events (seed {spec.seed})",
              "organization": orgs[0], "entities": {"organizations": {o: {"name": f"Synthetic organization {i + 1}"}
                                                                       for i, o in enumerate(orgs)}},
              "sources": {}, "texts": [], "conflicts": []}
    return header, cols


def synth_columns(spec: SynthSpec) -> tuple[dict, EventColumns]:
    """A synthetic log as a header and columns in replay order (see events/synth/write.py to save it)."""
    if spec.orgs < 1 or spec.years < 1 or spec.events < 1:
        raise ValueError("--orgs, --years and --events must be at least 1")
    if spec.start_year < 1000 or spec.start_year + spec.years - 1 > 2200:
        raise ValueError("the years must lie within 1000-2200 (see --start-year)")
    rng = np.random.default_rng(spec.seed)
    states = pick_states(spec.states, rng)
    d0 = dt.date(spec.start_year, 1, 1).toordinal()
    span = dt.date(spec.start_year + spec.years - 1, 12, 31).toordinal() - d0
    # Two states in five are there from the start; the others enter the state system over the span.
    from_start = rng.random(len(states)) < 0.4
    entry = np.where(from_start, d0, d0 + (rng.random(len(states)) * span * 0.8).astype(np.int64))
    plan = Plan(spec, rng, states, entry)
    budget = spec.events - plan.lineage_count()
    if budget < 0:
        raise ValueError(f"--events {spec.events} is too few: {spec.orgs} organizations need "
                         f"{plan.lineage_count()} events for their founding, entry into force and dissolution")
    rows = pair_events(plan, entry, len(states), budget, rng)
    return build_columns(spec, plan, states, rows)


__all__ = ["build_columns", "pair_events", "synth_columns"]
