"""Two logs of one organization, from different sources, compared state by state and year by year.

Each side's status of a state in a year is read under a year rule: ``any`` (the
strongest status held at any time that year) or ``dec31`` (the status on 31
December). Statuses are compared as COW categories: member, associate,
observer (observer or partner), or none (no status, signatory, suspended,
withdrawn, not renewed). A side is *silent* in a year outside its coverage
(the organization does not exist in that log, or the year is past the log's
end: a source's ``coverage`` in the header, else its last event) and where it
codes the status as unknown. Every status is cited: the event that set it (or
ended the last one) with its seed line or dataset row.

The functions take two engine Histories but need only ``history.log`` and
``history.index.intervals()``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from orgsim.engine.history import History

CATEGORY = {"member": "member", "associate": "associate", "observer": "observer", "partner": "observer"}
STRENGTH = {"member": 3, "associate": 2, "observer": 1, "none": 0}
YEAR_RULES = ("any", "dec31")
VERDICTS = ("agree", "disagree", "a_silent", "b_silent")
COLORS = {"agree": "#2f9e44", "disagree": "#e03131", "a_silent": "#74c0fc", "b_silent": "#ffd43b",
          "both_silent": "#f1f3f5"}


@dataclass(frozen=True)
class Side:
    """One side's reading of one state in one year: its status, category, and the event behind it."""

    status: str
    category: str
    event: str | None
    source: str


def cite(history: History, event_id: str | None) -> str:
    """An event id with where it comes from: its seed file and line, or its dataset file and row."""
    ev = history.log.by_id.get(event_id) if event_id else None
    if ev is None:
        return "no event: never held a status"
    if ev.sources:
        return f"{ev.id} ({ev.sources[0].file} line {ev.sources[0].line})"
    if ev.provenance:
        return f"{ev.id} ({ev.provenance.get('file')} row {ev.provenance.get('row')})"
    return f"{ev.id} ({ev.file}:{ev.line})"


def source_label(history: History) -> str:
    """The log's file and the sources its header declares (data set, version, file)."""
    parts = []
    for key, src in (history.log.sources or {}).items():
        name = " ".join(str(x) for x in (src.get("dataset") or key, src.get("version") or "") if x)
        parts.append(f"{name} ({src.get('file', key)})")
    return f"{history.log.path}: " + "; ".join(parts)


def _year(ordinal: int) -> int:
    return _dt.date.fromordinal(min(ordinal, _dt.date.max.toordinal())).year


def coverage(history: History, org: str) -> set[int]:
    """The years a log speaks for an organization: the years it exists, up to the end of the log's coverage."""
    ends = [src["coverage"][1] for src in (history.log.sources or {}).values() if src.get("coverage")]
    event_years = [e.date.first.year for e in history.log.events]
    if not event_years:
        return set()
    last = max(ends) if ends else max(event_years)
    years: set[int] = set()
    for fact, start, end, _x in history.index.intervals("org"):
        if fact.key[1] == org and fact.value.get("status") != "dissolved":
            years |= set(range(_year(start), min(_year(end - 1), last) + 1))
    if not years and org in (history.log.entities.get("organizations") or {}):
        years = set(range(min(event_years), last + 1))  # named, never founded: it exists throughout
    return years


def statuses(history: History, org: str, rule: str, years: set[int]) -> dict[tuple[str, int], Side | None]:
    """Each state's side in each covered year (None: silent, as for an unknown status)."""
    organizations = set(history.log.entities.get("organizations") or {})
    spells: dict[str, list[tuple[int, int, str, str, str | None]]] = {}
    for fact, start, end, ender in history.index.intervals("member"):
        state = fact.key[2]
        if fact.key[1] == org and len(state) == 3 and state.isupper() and state not in organizations:
            spells.setdefault(state, []).append((start, end, fact.value, fact.event, ender))
    out: dict[tuple[str, int], Side | None] = {}
    for state, rows in spells.items():
        for year in years:
            lo, hi = _dt.date(year, 1, 1).toordinal(), _dt.date(year, 12, 31).toordinal()
            first = lo if rule == "any" else hi
            held = [r for r in rows if r[0] <= hi and r[1] > first]
            if held:
                best = max(held, key=lambda r: (STRENGTH.get(CATEGORY.get(r[2], "none"), 0), r[0]))
                if best[2] == "unknown":
                    out[(state, year)] = None
                    continue
                out[(state, year)] = Side(best[2], CATEGORY.get(best[2], "none"), best[3], cite(history, best[3]))
            else:
                ended = [r for r in rows if r[1] <= first]
                last = max(ended, key=lambda r: r[1]) if ended else None
                ev = last[4] if last else None
                out[(state, year)] = Side("none", "none", ev, cite(history, ev))
    return out


@dataclass
class Reconciliation:
    """The comparison: every (state, year) cell's verdict, the runs of equal cells, and the counts."""

    a: str
    b: str
    org_a: str
    org_b: str
    rule: str
    years: list[int]
    states: list[str]
    cells: dict[tuple[str, int], tuple[str, Side | None, Side | None]]

    def spans(self) -> list[dict[str, Any]]:
        """Runs of consecutive years of one state with the same verdict, statuses and events."""
        out: list[dict[str, Any]] = []
        for state in self.states:
            for year in self.years:
                verdict, a, b = self.cells[(state, year)]
                if verdict == "both_silent":
                    continue
                key = (state, verdict, a and (a.status, a.event), b and (b.status, b.event))
                if out and out[-1]["_key"] == key and out[-1]["to"] == year - 1:
                    out[-1]["to"] = year
                    continue
                out.append({"_key": key, "state": state, "from": year, "to": year, "verdict": verdict,
                            "a_status": a.status if a else "(silent)", "a_source": a.source if a else "",
                            "b_status": b.status if b else "(silent)", "b_source": b.source if b else ""})
        for row in out:
            del row["_key"]
            row["years"] = str(row["from"]) if row["from"] == row["to"] else f"{row['from']}-{row['to']}"
        return out

    def summary(self) -> dict[str, int]:
        """How many state-years fall under each verdict."""
        counts = {v: 0 for v in VERDICTS}
        for verdict, _a, _b in self.cells.values():
            if verdict in counts:
                counts[verdict] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: both sides, the rule, the counts and the runs."""
        return {"a": {"log": self.a, "org": self.org_a}, "b": {"log": self.b, "org": self.org_b},
                "year_rule": self.rule, "years": [self.years[0], self.years[-1]] if self.years else [],
                "summary": self.summary(), "spans": self.spans()}


def reconcile(a: History, b: History, org_a: str | None = None, org_b: str | None = None,
              rule: str = "any") -> Reconciliation:
    """Compare two logs' statuses of one organization for every state either names, in every year either covers."""
    if rule not in YEAR_RULES:
        raise ValueError(f"year rule must be one of {', '.join(YEAR_RULES)}")
    org_a = org_a or a.org
    org_b = org_b or (org_a if org_a in (b.log.entities.get("organizations") or {}) else b.org)
    cov_a, cov_b = coverage(a, org_a), coverage(b, org_b)
    years = sorted(cov_a | cov_b)
    years = list(range(years[0], years[-1] + 1)) if years else []
    side_a, side_b = statuses(a, org_a, rule, cov_a), statuses(b, org_b, rule, cov_b)
    states = sorted({s for s, _y in side_a} | {s for s, _y in side_b})
    cells = {}
    for s in states:
        for y in years:
            sa, sb = side_a.get((s, y)), side_b.get((s, y))
            if y in cov_a and sa is None and (s, y) not in side_a:
                sa = Side("none", "none", None, cite(a, None))  # covered, and the state never held a status
            if y in cov_b and sb is None and (s, y) not in side_b:
                sb = Side("none", "none", None, cite(b, None))
            verdict = ("both_silent" if sa is None and sb is None else "a_silent" if sa is None else
                       "b_silent" if sb is None else "agree" if sa.category == sb.category else "disagree")
            cells[(s, y)] = (verdict, sa, sb)
    return Reconciliation(source_label(a), source_label(b), org_a, org_b, rule, years, states, cells)


def reconcile_figure(result: Reconciliation) -> Figure:
    """A heat map, states by years, coloured by verdict; the title cites both sides."""
    import matplotlib

    matplotlib.use("Agg")  # files only
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    order = [*VERDICTS, "both_silent"]
    grid = [[order.index(result.cells[(s, y)][0]) for y in result.years] for s in result.states]
    fig = Figure(figsize=(max(6.0, 0.32 * len(result.years) + 2), max(3.0, 0.32 * len(result.states) + 2.2)))
    ax = fig.add_subplot(1, 1, 1)
    ax.imshow(grid, cmap=ListedColormap([COLORS[v] for v in order]), vmin=0, vmax=len(order) - 1, aspect="auto")
    ax.set_yticks(range(len(result.states)), result.states, fontsize=7)
    step = max(1, len(result.years) // 20)
    ax.set_xticks(range(0, len(result.years), step), [str(y) for y in result.years[::step]], fontsize=7,
                  rotation=90)
    labels = {"agree": "agree", "disagree": "disagree", "a_silent": "A silent", "b_silent": "B silent",
              "both_silent": "both silent"}
    ax.legend(handles=[Patch(color=COLORS[v], label=labels[v]) for v in order], fontsize=7, loc="upper left",
              bbox_to_anchor=(1.01, 1.0))
    ax.set_title(f"{result.org_a} vs {result.org_b}, year rule '{result.rule}'\nA: {result.a}\nB: {result.b}",
                 fontsize=7, loc="left")
    fig.tight_layout()
    return fig

