"""The world of a synthetic history: its organizations and their lineage, its states, the moves a pair may make."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

import numpy as np

DATASET = "orgsim synth"
NONE, MEMBER, SIGNATORY, SUSPENDED, ASSOCIATE, OBSERVER, PARTNER, UNKNOWN, NOT_RENEWED, WITHDRAWN = range(10)
#: status -> (kind, weight, status after); accession's status after depends on the treaty (see walk).
MOVES = {
    NONE: [("accession", 80, MEMBER), ("observer_status", 10, OBSERVER), ("partner_status", 4, PARTNER),
           ("associate_status", 4, ASSOCIATE), ("status_unknown", 2, UNKNOWN)],
    MEMBER: [("withdrawal", 50, WITHDRAWN), ("suspension", 30, SUSPENDED), ("non_renewal", 10, NOT_RENEWED),
             ("status_unknown", 10, UNKNOWN)],
    SIGNATORY: [("withdrawal", 70, WITHDRAWN), ("non_renewal", 30, NOT_RENEWED)],
    SUSPENDED: [("readmission", 75, MEMBER), ("withdrawal", 25, WITHDRAWN)],
    ASSOCIATE: [("accession", 50, MEMBER), ("withdrawal", 30, WITHDRAWN), ("status_ended", 20, NONE)],
    OBSERVER: [("accession", 50, MEMBER), ("status_ended", 50, NONE)],
    PARTNER: [("accession", 40, MEMBER), ("status_ended", 60, NONE)],
    UNKNOWN: [("accession", 50, MEMBER), ("status_ended", 50, NONE)],
    NOT_RENEWED: [("readmission", 60, MEMBER), ("accession", 20, MEMBER), ("observer_status", 20, OBSERVER)],
    WITHDRAWN: [("readmission", 60, MEMBER), ("accession", 20, MEMBER), ("observer_status", 20, OBSERVER)],
}
_CUM = {s: np.cumsum([w for _k, w, _a in m]) / sum(w for _k, w, _a in m) for s, m in MOVES.items()}
EPOCH = 719163  # day ordinal of 1970-01-01


@dataclass(frozen=True)
class SynthSpec:
    """How big a synthetic history to make, and from which seed."""

    orgs: int = 50
    states: int = 60
    years: int = 100
    events: int = 10_000
    seed: int = 0
    start_year: int = 1816


def pick_states(n: int, rng: np.random.Generator) -> list[str]:
    """n distinct ISO 3166-1 alpha-3 codes, drawn with the spec's generator."""
    import pycountry

    codes = sorted(c.alpha_3 for c in pycountry.countries)
    if not 2 <= n <= len(codes):
        raise ValueError(f"--states must be from 2 to {len(codes)} (the ISO 3166-1 alpha-3 codes)")
    return sorted(codes[i] for i in rng.choice(len(codes), n, replace=False))


def period_key(day: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """The first day of the period a date names: the day (0), its month (1) or its year (2)."""
    d = (day - EPOCH).astype("datetime64[D]")
    month = d.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + EPOCH
    year = d.astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64) + EPOCH
    return np.select([precision == 1, precision == 2], [month, year], day)


def _dated(day: np.ndarray, rng: np.random.Generator, floor: np.ndarray | int) -> tuple[np.ndarray, np.ndarray]:
    """Pick each date's precision (day 60%, month 25%, year 15%); one that would sort before floor is a day."""
    precision = rng.choice(3, size=len(day), p=[0.6, 0.25, 0.15])
    key = period_key(day, precision)
    early = key <= floor
    return np.where(early, day, key), np.where(early, 0, precision)


class Plan:
    """Organizations and their lineage: founding, entry into force, end, successor."""

    def __init__(self, spec: SynthSpec, rng: np.random.Generator, states: list[str], entry: np.ndarray) -> None:
        d0 = dt.date(spec.start_year, 1, 1).toordinal()
        d1 = dt.date(spec.start_year + spec.years - 1, 12, 31).toordinal()
        self.d0, self.d1, n = d0, d1, spec.orgs
        span = d1 - d0
        found_day = np.sort(d0 + (span * 0.95 * rng.random(n) ** 0.7).astype(np.int64))
        self.found, self.found_p = _dated(found_day, rng, d0 - 1)
        self.treaty = rng.random(n) < 0.4
        in_force_day = found_day + rng.integers(180, 3 * 365, n)
        self.in_force, self.in_force_p = _dated(in_force_day, rng, self.found)
        self.in_force = np.where(self.treaty & (self.in_force < d1), self.in_force, -1)
        self.end = np.full(n, -1, np.int64)        # key of the day every membership ends
        self.end_p = np.zeros(n, np.int64)
        self.pred = np.full(n, -1, np.int64)
        last = np.maximum(self.found, self.in_force)
        for i in range(1, n):  # a successor replaces an older organization still in existence
            if rng.random() < 0.08:
                cand = [j for j in range(i) if self.end[j] < 0 and self.pred[i] < 0 and last[j] < self.found[i]
                        and self.found[j] + 730 < self.found[i]]
                if cand:
                    j = cand[int(rng.integers(len(cand)))]
                    self.pred[i], self.end[j], self.end_p[j] = j, self.found[i], -1
        life = rng.exponential(span / 3, n).astype(np.int64) + 365
        end_day = last + life
        dissolve = (self.end < 0) & (rng.random(n) < 0.3) & (end_day < d1)
        key, prec = _dated(end_day, rng, last)
        self.end = np.where(dissolve, key, self.end)
        self.end_p = np.where(dissolve, prec, self.end_p)
        self.founders = []
        for i in range(n):
            present = [s for s in range(len(states)) if entry[s] <= found_day[i]] or list(range(len(states)))
            k = min(int(rng.integers(2, 13)), len(present))
            self.founders.append(sorted(rng.choice(present, k, replace=False).tolist()))

    def lineage_count(self) -> int:
        """Lineage events: foundings, entries into force, dissolutions (a successor's founding ends the other)."""
        return len(self.found) + int((self.in_force >= 0).sum()) + int(((self.end >= 0) & (self.end_p >= 0)).sum())


def walk(status: int, keys: list[int], u: list[float], in_force: int, founded_in_force: bool) -> list[tuple]:
    """One pair's chain: (key, kind) for each date, each move one the status then allows."""
    out = []
    for key, x in zip(keys, u):
        in_force_now = founded_in_force or (0 <= in_force <= key)
        if status == SIGNATORY and in_force_now:
            status = MEMBER  # the treaty entered into force before this event
        kinds = MOVES[status]
        kind, _w, after = kinds[bisect.bisect_right(_CUM[status], x * 0.999999)]
        if kind == "accession" and not in_force_now:
            after = SIGNATORY
        out.append((key, kind))
        status = after
    return out


__all__ = ["DATASET", "MOVES", "Plan", "SynthSpec", "period_key", "pick_states", "walk"]
