"""Two logs of one organization, from different sources, compared fact by fact at the finest precision both have.

Each log states how its source codes membership (``sources.<key>.coding``, written by the
importers from ``events/importers/*.coding.yaml``; a log without one counts ``member`` only,
at each event's own precision). The comparison follows those rules:

- **dates**: where both logs date their events within the year (the bundled log against
  ATOP), each state's entries and exits are compared date against date: a day against a
  day, a month against a day inside it. Two dates agree when one lies inside the other's
  bounds (their earliest and latest day overlap); otherwise they disagree by a *gap* in days
  between the bounds. A state that is a member in one log and never in the other, or whose
  membership ends in one and goes on in the other, disagrees with no gap.
- **years**: where either log is coded by years (COW: ``precision: year``), each state's
  status is compared year against year under that log's year rule (COW: a status held in any
  part of the year, the strongest when several). Runs of equal years are shown together.

Each side's coding rule is applied: a status is membership if its log's ``membership`` says
so (ATOP: a signatory is a member). A disagreement that remains when both logs are read with
the union of their rules (a signature counts for both) is a **real difference**; one that
vanishes then is a **coding difference** and is shown apart. A side is *silent* outside its
coverage (the organization does not exist in that log, or the day or year is past the log's
end) and where it codes a status as unknown or the state out of the state system. Every
status is cited: the event that set it with its seed line or dataset row.

The functions take two engine Histories but need only ``history.log`` and ``history.index``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orgsim.engine.answers import OPEN_END
from orgsim.events.importers.coding import of_log_sources

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from orgsim.engine.history import History

CATEGORY = {"member": "member", "associate": "associate", "observer": "observer", "partner": "observer"}
STRENGTH = {"member": 3, "associate": 2, "observer": 1, "none": 0}
SILENT_STATUSES = frozenset({"unknown", "not_in_system"})
YEAR_RULES = ("any", "dec31", "jul1")
VERDICTS = ("agree", "disagree", "coding_difference", "a_silent", "b_silent")
COLORS = {"agree": "#2f9e44", "disagree": "#e03131", "coding_difference": "#f59f00", "a_silent": "#74c0fc",
          "b_silent": "#ffd43b", "both_silent": "#f1f3f5"}
COLUMNS = ["state", "fact", "when", "verdict", "difference", "gap_days", "a_status", "a_date", "a_source",
           "b_status", "b_date", "b_source"]


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


def _iso(ordinal: int | None) -> str:
    return "" if ordinal is None or ordinal >= OPEN_END else _dt.date.fromordinal(int(ordinal)).isoformat()


def coverage(history: History, org: str) -> set[int]:
    """The years a log speaks for an organization: the years it exists, up to the end of the log's coverage."""
    last = _year(history.coverage.end)
    years: set[int] = set()
    for fact, start, end, _x in history.index.intervals("org"):
        if fact.key[1] == org and fact.value.get("status") != "dissolved":
            years |= set(range(_year(start), min(_year(end - 1), last) + 1))
    if not years and org in (history.log.entities.get("organizations") or {}):
        event_years = [e.date.first.year for e in history.log.events]
        if event_years:
            years = set(range(min(event_years), last + 1))  # named, never founded: it exists throughout
    return years


def _category(status: str, membership: set[str]) -> str:
    return "member" if status in membership else CATEGORY.get(status, "none")


def _member_rows(history: History, org: str) -> dict[str, list[tuple[int, int, str, str | None, str | None, Any]]]:
    organizations = set(history.log.entities.get("organizations") or {})
    out: dict[str, list] = {}
    for fact, start, end, ender, b in history.index.spans("member"):
        state = fact.key[2]
        if fact.key[1] == org and len(state) == 3 and state.isupper() and state not in organizations:
            out.setdefault(state, []).append((start, end, fact.value, fact.event, ender, b))
    for rows in out.values():
        rows.sort(key=lambda r: (r[0], r[1]))
    return out


def statuses(history: History, org: str, rule: str, years: set[int], membership: set[str],
             rows: dict | None = None) -> dict[tuple[str, int], Side | None]:
    """Each state's side in each covered year under a year rule (None: silent, as for an unknown status)."""
    out: dict[tuple[str, int], Side | None] = {}
    for state, spells in (rows if rows is not None else _member_rows(history, org)).items():
        for year in years:
            lo, hi = _dt.date(year, 1, 1).toordinal(), _dt.date(year, 12, 31).toordinal()
            first = {"any": lo, "dec31": hi, "jul1": _dt.date(year, 7, 1).toordinal()}[rule]
            last = hi if rule == "any" else first
            held = [r for r in spells if r[0] <= last and r[1] > first]
            if held:
                best = max(held, key=lambda r: (STRENGTH.get(_category(r[2], membership), 0), r[0]))
                if best[2] in SILENT_STATUSES:
                    out[(state, year)] = None
                    continue
                out[(state, year)] = Side(best[2], _category(best[2], membership), best[3], cite(history, best[3]))
            else:
                ended = [r for r in spells if r[1] <= first]
                ev = max(ended, key=lambda r: r[1])[4] if ended else None
                out[(state, year)] = Side("none", "none", ev, cite(history, ev))
    return out


@dataclass
class Spell:
    """One run of membership (under a coding rule) of one state: its entry and its exit, with their bounds."""

    start_lo: int
    start_hi: int
    start_event: str | None
    start_status: str
    end_lo: int | None  # None: goes on
    end_hi: int | None
    end_event: str | None
    end_status: str | None = None


def spells(rows: list, membership: set[str]) -> list[Spell]:
    """The runs of membership in a state's statuses (consecutive statuses that all count are one run)."""
    out: list[Spell] = []
    for start, end, status, event, ender, b in rows:
        if status not in membership:
            if out and out[-1].end_event == event and out[-1].end_status is None:
                out[-1].end_status = status
            continue
        open_end = end >= OPEN_END or b.end_earliest >= OPEN_END
        if out and out[-1].end_lo is not None and out[-1].end_event == event:
            last = out[-1]  # the status changes, the membership goes on (signatory -> member)
        else:
            last = Spell(b.start_earliest, b.start_latest, event, status, None, None, None)
            out.append(last)
        last.end_lo, last.end_hi = (None, None) if open_end else (b.end_earliest, b.end_latest)
        last.end_event = ender
        last.end_status = None
    for s in out:
        if s.end_event is not None and s.end_status is None:
            s.end_status = "ended"
    return out


def _gap(a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> int:
    """Days between two date ranges (0 when one lies inside the other's bounds, or they overlap)."""
    return max(0, b_lo - a_hi, a_lo - b_hi)


@dataclass
class Fact:
    """One compared fact: a state's entry or exit (dates), or its status in a run of years."""

    state: str
    fact: str  # entry | exit | membership | years
    when: str
    verdict: str
    gap_days: int | None
    a_status: str
    a_date: str
    a_event: str | None
    a_source: str
    b_status: str
    b_date: str
    b_event: str | None
    b_source: str

    @property
    def difference(self) -> str:
        return {"disagree": "real", "coding_difference": "coding"}.get(self.verdict, "")

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "fact": self.fact, "when": self.when, "verdict": self.verdict,
                "difference": self.difference, "gap_days": self.gap_days, "a_status": self.a_status,
                "a_date": self.a_date, "a_event": self.a_event, "a_source": self.a_source,
                "b_status": self.b_status, "b_date": self.b_date, "b_event": self.b_event, "b_source": self.b_source}


def _date_text(history: History, event: str | None, lo: int | None, hi: int | None) -> str:
    ev = history.log.by_id.get(event) if event else None
    if ev is not None:
        return ev.date.text
    if lo is None:
        return "(goes on)"
    return _iso(lo) if lo == hi else f"{_iso(lo)}/{_iso(hi)}"


def _quiet(rows: list) -> list[tuple[int, int]]:
    """The days a side is silent about a state: where it codes the status unknown or out of the state system."""
    return [(r[0], r[1]) for r in rows if r[2] in SILENT_STATUSES]


def _silent_on(quiet: list[tuple[int, int]], lo: int, hi: int) -> bool:
    """Whether a side is silent on some day from LO to HI (the bounds of the other side's date)."""
    return any(start <= hi and end > lo for start, end in quiet)


def _compare_dates(a: History, b: History, state: str, sa: list[Spell], sb: list[Spell],
                   quiet_a: list[tuple[int, int]] = (), quiet_b: list[tuple[int, int]] = ()) -> list[Fact]:
    """Entries and exits of two logs' membership runs of one state, paired by overlap.

    Where one side codes the state unknown (or out of the state system) when the other dates an entry
    or an exit, that side is silent, not in disagreement (QUIET_A, QUIET_B: its silent spans).
    """
    facts: list[Fact] = []
    a_end, b_end = a.coverage.end, b.coverage.end
    a_start, b_start = a.coverage.start, b.coverage.start
    used: set[int] = set()

    def reach(s: Spell) -> tuple[int, int]:
        return s.start_lo, (s.end_hi if s.end_hi is not None else OPEN_END)

    def ends_silent(s: Spell) -> bool:
        return s.end_status in SILENT_STATUSES

    def make(kind: str, x: Spell | None, y: Spell | None, verdict: str, gap: int | None) -> Fact:
        def side(h: History, s: Spell | None) -> tuple[str, str, str | None, str]:
            if s is None:
                return ("(silent)" if verdict in ("a_silent", "b_silent") else "(no membership)"), "", None, ""
            if kind == "exit":
                return (s.end_status or "(goes on)", _date_text(h, s.end_event, s.end_lo, s.end_hi), s.end_event,
                        cite(h, s.end_event) if s.end_event else "")
            return s.start_status, _date_text(h, s.start_event, s.start_lo, s.start_hi), s.start_event, \
                cite(h, s.start_event)
        xa, ya = side(a, x), side(b, y)
        los = [(s.end_lo if kind == "exit" else s.start_lo) for s in (x, y) if s is not None]
        lo = min(v for v in los if v is not None) if any(v is not None for v in los) else (x or y).start_lo
        return Fact(state, kind, str(_year(lo)), verdict, gap, *xa, *ya)

    for x in sa:
        xr = reach(x)
        best, overlap = None, -1
        for j, y in enumerate(sb):
            if j in used:
                continue
            yr = reach(y)
            o = min(xr[1], yr[1]) - max(xr[0], yr[0])
            if o > overlap:
                best, overlap = j, o
        if best is None or overlap < 0:
            if b_start <= x.start_hi <= b_end:
                silent = _silent_on(quiet_b, x.start_lo, x.start_hi)
                facts.append(make("membership", x, None, "b_silent" if silent else "disagree", None))
            continue
        used.add(best)
        y = sb[best]
        g = _gap(x.start_lo, x.start_hi, y.start_lo, y.start_hi)
        facts.append(make("entry", x, y, "agree" if g == 0 else "disagree", g))
        if x.end_lo is None and y.end_lo is None:
            continue
        if x.end_lo is not None and ends_silent(x) and (y.end_lo is None or y.end_hi >= x.end_lo):
            if not (y.end_lo is not None and ends_silent(y)):  # both silent from their ends: nothing to compare
                facts.append(make("exit", x, y, "a_silent", None))
            continue
        if y.end_lo is not None and ends_silent(y) and (x.end_lo is None or x.end_hi >= y.end_lo):
            facts.append(make("exit", x, y, "b_silent", None))
            continue
        if x.end_lo is None:
            if y.end_lo <= a_end:
                facts.append(make("exit", x, y, "disagree", None))
            continue
        if y.end_lo is None:
            if x.end_lo <= b_end:
                facts.append(make("exit", x, y, "disagree", None))
            continue
        g = _gap(x.end_lo, x.end_hi, y.end_lo, y.end_hi)
        facts.append(make("exit", x, y, "agree" if g == 0 else "disagree", g))
    for j, y in enumerate(sb):
        if j not in used and a_start <= y.start_hi <= a_end:
            silent = _silent_on(quiet_a, y.start_lo, y.start_hi)
            facts.append(make("membership", None, y, "a_silent" if silent else "disagree", None))
    return facts


@dataclass
class Reconciliation:
    """The comparison: every compared fact with its verdict, the year cells (for the figure), and the counts."""

    a: str
    b: str
    org_a: str
    org_b: str
    precision: str  # day (dates compared) | year
    rule: str
    coding_a: dict[str, Any]
    coding_b: dict[str, Any]
    years: list[int]
    states: list[str]
    cells: dict[tuple[str, int], tuple[str, Side | None, Side | None]]
    facts: list[Fact] = field(default_factory=list)

    def spans(self) -> list[dict[str, Any]]:
        """Every compared fact as plain data: real differences first, then coding differences, then the rest."""
        order = {v: i for i, v in enumerate(("disagree", "coding_difference", "agree", "a_silent", "b_silent"))}
        return [f.to_dict() for f in sorted(self.facts, key=lambda f: (order[f.verdict], f.state, f.when))]

    def summary(self) -> dict[str, int]:
        """How many facts (or state-years, compared by year) fall under each verdict."""
        counts = {v: 0 for v in VERDICTS}
        if self.precision == "year":
            for verdict, _a, _b in self.cells.values():
                if verdict in counts:
                    counts[verdict] += 1
            return counts
        for f in self.facts:
            counts[f.verdict] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: both sides with their coding, the counts, and the facts, real and coding apart."""
        rows = self.spans()
        return {"a": {"log": self.a, "org": self.org_a, "coding": self.coding_a},
                "b": {"log": self.b, "org": self.org_b, "coding": self.coding_b},
                "precision": self.precision, "year_rule": self.rule,
                "years": [self.years[0], self.years[-1]] if self.years else [],
                "summary": self.summary(),
                "real_differences": [r for r in rows if r["verdict"] == "disagree"],
                "coding_differences": [r for r in rows if r["verdict"] == "coding_difference"],
                "agreements": [r for r in rows if r["verdict"] == "agree"],
                "silent": [r for r in rows if r["verdict"] in ("a_silent", "b_silent")]}


def _year_cells(a: History, b: History, org_a: str, org_b: str, rule: str, mem_a: set[str], mem_b: set[str],
                rows_a: dict, rows_b: dict) -> tuple[list[int], list[str], dict]:
    cov_a, cov_b = coverage(a, org_a), coverage(b, org_b)
    years = sorted(cov_a | cov_b)
    years = list(range(years[0], years[-1] + 1)) if years else []
    side_a, side_b = statuses(a, org_a, rule, cov_a, mem_a, rows_a), statuses(b, org_b, rule, cov_b, mem_b, rows_b)
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
    return years, states, cells


def _year_facts(states: list[str], years: list[int], cells: dict) -> list[Fact]:
    """Runs of consecutive years of one state with the same verdict, statuses and events."""
    out: list[Fact] = []
    keys: list[tuple] = []
    for state in states:
        for year in years:
            verdict, a, b = cells[(state, year)]
            if verdict == "both_silent":
                continue
            key = (state, verdict, a and (a.status, a.event), b and (b.status, b.event))
            if out and keys[-1] == key and int(out[-1].when.split("-")[-1]) == year - 1:
                out[-1].when = f"{out[-1].when.split('-')[0]}-{year}"
                continue
            keys.append(key)
            out.append(Fact(state, "years", str(year), verdict, None,
                            a.status if a else "(silent)", "", a.event if a else None, a.source if a else "",
                            b.status if b else "(silent)", "", b.event if b else None, b.source if b else ""))
    return out


def reconcile(a: History, b: History, org_a: str | None = None, org_b: str | None = None,
              rule: str | None = None) -> Reconciliation:
    """Compare two logs' memberships of one organization at the finest precision both have, by their coding."""
    if rule is not None and rule not in YEAR_RULES:
        raise ValueError(f"year rule must be one of {', '.join(YEAR_RULES)}")
    org_a = org_a or a.org
    org_b = org_b or (org_a if org_a in (b.log.entities.get("organizations") or {}) else b.org)
    coding_a, coding_b = of_log_sources(a.log.sources), of_log_sources(b.log.sources)
    by_year = [c for c in (coding_a, coding_b) if c.get("precision") == "year"]
    precision = "year" if by_year else "day"
    rule = rule or (by_year[0].get("year_rule") if by_year else "any")
    mem_a, mem_b = set(coding_a["membership"]), set(coding_b["membership"])
    union = mem_a | mem_b
    rows_a, rows_b = _member_rows(a, org_a), _member_rows(b, org_b)
    years, states, cells = _year_cells(a, b, org_a, org_b, rule, union, union, rows_a, rows_b)
    if precision == "year":
        if mem_a != mem_b:  # a cell that disagrees only under each side's own rule is a coding difference
            _y, _s, raw = _year_cells(a, b, org_a, org_b, rule, mem_a, mem_b, rows_a, rows_b)
            for k, (verdict, sa, sb) in raw.items():
                if verdict == "disagree" and cells[k][0] == "agree":
                    cells[k] = ("coding_difference", sa, sb)
        facts = _year_facts(states, years, cells)
    else:
        facts = []
        for state in sorted(set(rows_a) | set(rows_b)):
            ra, rb = rows_a.get(state, []), rows_b.get(state, [])
            quiet = (_quiet(ra), _quiet(rb))
            real = _compare_dates(a, b, state, spells(ra, union), spells(rb, union), *quiet)
            facts += real
            if mem_a == mem_b:
                continue
            raw = _compare_dates(a, b, state, spells(ra, mem_a), spells(rb, mem_b), *quiet)
            shown = {(f.fact, f.a_event) for f in real if f.verdict == "disagree"} | \
                    {(f.fact, f.b_event) for f in real if f.verdict == "disagree"}
            for f in raw:
                if f.verdict == "disagree" and (f.fact, f.a_event) not in shown and (f.fact, f.b_event) not in shown:
                    f.verdict = "coding_difference"
                    facts.append(f)
    return Reconciliation(source_label(a), source_label(b), org_a, org_b, precision, rule, coding_a, coding_b,
                          years, states, cells, facts)


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
    labels = {"agree": "agree", "disagree": "disagree", "coding_difference": "coding difference",
              "a_silent": "A silent", "b_silent": "B silent", "both_silent": "both silent"}
    ax.legend(handles=[Patch(color=COLORS[v], label=labels[v]) for v in order], fontsize=7, loc="upper left",
              bbox_to_anchor=(1.01, 1.0))
    ax.set_title(f"{result.org_a} vs {result.org_b}, year rule '{result.rule}'\nA: {result.a}\nB: {result.b}",
                 fontsize=7, loc="left")
    fig.tight_layout()
    return fig

