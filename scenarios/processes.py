"""The simulation's SimPy processes, one function each (started by ``simulate.execute``)."""

from __future__ import annotations

from typing import Callable, Iterator

import simpy

from orgsim.engine.apply import Unmet, apply_event
from orgsim.events.model import Event

from .hazards import AT_RISK_OF_EXIT, IN
from .fitted import kind_of
from .plan import DEFAULT_MODE, PHASE_ACT, PHASE_LOG, PHASE_OBSERVE, days_in, first_day, year_of
from .rules import decision_adopted, force_use_allowed
from .run import Run


# --- the processes -------------------------------------------------------------------

Process = Iterator[simpy.Event]


def scheduled_events(run: Run) -> Process:
    """The branch's own events after the fork, each on its day; one that cannot apply is skipped, with why."""
    for ev in run.plan.future:
        if ev.date.key > run.plan.until:
            return
        yield run.wait(ev.date.key, PHASE_LOG)
        reason = run.plan.excluded.get(ev.id)
        if reason is None:
            try:
                apply_event(run.state, ev, run.findings)
            except Unmet as exc:
                reason = str(exc)
        if reason is not None:
            run.skipped.append({"event": ev.id, "reason": reason})


def meeting_rule(run: Run, body: str) -> tuple[str | None, int]:
    """The meeting_frequency rule in force for a body, and how many sessions a year it asks (0: none)."""
    best: tuple[str | None, int] = (None, 0)
    for rule in run.rules_of("meeting_frequency"):
        n = int(rule["params"].get("min_per_year") or 0)
        if body in (rule["params"].get("bodies") or ()) and n > best[1]:
            best = (rule["id"], n)
    return best


def session_days(year: int, n: int) -> list[int]:
    """n sessions spread evenly over a year: the middle of each n-th of it."""
    return [first_day(year) + int((k + 0.5) * days_in(year) / n) for k in range(n)]


def calendar(run: Run, body: str) -> Process:
    """A body meets on its calendar: each year, as many sessions as its meeting_frequency rule asks."""
    plan = run.plan
    for year in plan.years:
        yield run.wait(max(first_day(year), plan.start), PHASE_ACT)
        rule, n = meeting_rule(run, body)
        for k, day in enumerate(session_days(year, n)):
            if plan.start < day <= plan.until:
                yield run.wait(day, PHASE_ACT)
                hold_session(run, body, rule or "", year, k, n)


def stays_away(run: Run, state: str, body: str, year: int, k: int) -> bool:
    """Does a member stay away from a session? Its own draw for this body, year and session."""
    p = run.plan.rates.absence
    return p > 0 and run.streams.uniforms("attendance", state, f"{body}/{year}/{k}", 1)[0] < p


def hold_session(run: Run, body: str, rule: str, year: int, k: int, n: int) -> None:
    """One session: members attend or stay away, the session is logged, its decisions go to the rules."""
    if run.state.get(("body", body)) is None:
        return
    absent = [s for s in run.attendees(body) if stays_away(run, s, body, year, k)]
    ev = run.emit("session", (), body, {"body": body, "absent": tuple(absent), "session": f"{k + 1} of {n} in {year}"},
                  f"calendar({body})", f"{rule} (meeting_frequency: at least {n} a year)")
    if ev is not None:
        run.tally["sessions"] += 1
        run.tally["absences"] += len(absent)
        run.matters.put(("session", ev))


def yearly_draw(run: Run, act: str, state: str, year: int) -> tuple[int, float, float]:
    """A state's draw for one act in one year: the day it would happen, whether it does, and a spare."""
    u_day, u_act, u_more = run.streams.uniforms(act, state, str(year), 3)
    return first_day(year) + int(u_day * days_in(year)), float(u_act), float(u_more)


def chance(run: Run, act: str, state: str) -> tuple[float, str]:
    """A state's yearly probability of an act now, and how it was set (a constant rate, or the fitted hazard)."""
    status = run.status(state)
    if run.hazards is None:
        p = getattr(run.plan.rates, act)
        return p, f"{act} = {p:.4f} a year ({run.plan.rates.source(act)})"
    kind = kind_of(act, status, state in run.hazards.ever)
    members = run.members()
    p = run.hazards.chance(kind, state, year_of(run.today), members, status)
    return p, f"{kind} hazard = {p:.4f} this year (fitted: {run.plan.hazards.source})"


def withdraw(run: Run, state: str, u: float, _spare: float) -> None:
    """A member leaves with the withdrawal probability (or its fitted exit hazard)."""
    if run.status(state) not in AT_RISK_OF_EXIT:
        return
    p, why = chance(run, "withdrawal", state)
    if u < p and run.emit("withdrawal", (state,), run.plan.org, {}, f"member({state})", why):
        run.tally["withdrawals"] += 1
        if run.hazards is not None:
            run.hazards.changed(state, year_of(run.today), joined=False)


def join(run: Run, state: str, u: float, _spare: float) -> None:
    """A candidate joins (or a former member returns) with the accession probability (or its fitted hazard)."""
    status = run.status(state)
    if state not in run.plan.candidates or status in IN:
        return
    p, why = chance(run, "accession", state)
    kind = "readmission" if status in ("withdrawn", "not_renewed", "suspended") else "accession"
    if u < p and run.emit(kind, (state,), run.plan.org, {}, f"candidate({state})", why):
        run.tally["accessions"] += 1
        if run.hazards is not None:
            run.hazards.changed(state, year_of(run.today), joined=True)


def situations(run: Run) -> list[str]:
    """The situations the force-use rules in force distinguish (``assistance`` if there are none)."""
    names = set()
    for rule in run.rules_of("force_use_criterion"):
        names |= set(rule["params"].get("allowed") or ()) | set(rule["params"].get("excluded") or ())
    return sorted(names) or ["assistance"]


def ask(run: Run, state: str, u: float, spare: float) -> None:
    """A member asks for assistance with the request probability; the situation is its own draw."""
    p = run.plan.rates.request
    if u < p and run.status(state) == "member":
        options = situations(run)
        situation = options[min(int(spare * len(options)), len(options) - 1)]
        ev = run.emit("request", (state,), run.plan.org, {"what": "assistance", "situation": situation},
                      f"member({state})", f"request = {p:.4f} a year (given)")
        if ev is not None:
            run.tally["requests"] += 1
            run.matters.put(("request", ev))


YEARLY_ACTS: dict[str, Callable[[Run, str, float, float], None]] = {
    "withdrawal": withdraw, "accession": join, "request": ask}


def member_state(run: Run, state: str, acts: list[str]) -> Process:
    """A state's years: each act (withdraw, join, ask) may happen once a year, on a day of its own draw.

    In the fork's year and the horizon's, a draw whose day falls outside the simulated span is let go,
    so a part of a year carries that part of the yearly chance.
    """
    plan = run.plan
    for year in plan.years:
        draws = sorted((*yearly_draw(run, act, state, year), act) for act in acts)
        for day, u, spare, act in draws:
            if plan.start < day <= plan.until:
                yield run.wait(day, PHASE_ACT)
                YEARLY_ACTS[act](run, state, u, spare)


def decide_at_session(run: Run, session: Event) -> None:
    """A session's decisions: adopted unless a participation rule, applied strictly, counts an absence as a no."""
    view, body = run.view(), session.target or ""
    absent = list(session.payload.get("absent") or ())
    rules = [r["id"] for r in run.rules_of("participation_consensus") if body in r["params"].get("bodies", ())]
    mode = run.plan.modes.get(rules[0], DEFAULT_MODE) if rules else DEFAULT_MODE
    ruling = decision_adopted(view, body, absent, mode)
    rule = f"{rules[0]} ({mode})" if rules else "none in force (participation_consensus)"
    if not ruling.allowed:
        run.tally["decisions_blocked"] += 1
        run.blocked.append({"session": session.id, "rule": ruling.rule, "reason": ruling.reason})
        return
    if run.emit("decision", (body,), run.plan.org, {"title": f"Decisions of the {body} session",
                                                     "body": body, "decided_at": session.id},
                "rules(decision_adopted)", f"{rule}: {ruling.reason}"):
        run.tally["decisions"] += 1


def decide_request(run: Run, request: Event) -> None:
    """A request for assistance: granted if the force-use rules in force allow its situation."""
    view, situation = run.view(), str(request.payload.get("situation"))
    ruling = force_use_allowed(view, situation)
    criteria = [r["id"] for r in run.rules_of("force_use_criterion")]
    rule = ruling.rule or (", ".join(criteria) if criteria else "none in force (force_use_criterion)")
    state = request.actors[0]
    if run.emit("decision", (), run.plan.org, {"title": f"On {state}'s request for assistance",
                                                "request": request.id, "situation": situation,
                                                "granted": ruling.allowed, "reason": ruling.reason},
                "rules(force_use_allowed)", f"{rule}: {ruling.reason}"):
        run.tally["decisions"] += 1
        run.tally["requests_granted"] += ruling.allowed


DECIDERS: dict[str, Callable[[Run, Event], None]] = {"session": decide_at_session, "request": decide_request}


def rule_process(run: Run) -> Process:
    """The rules: each matter a session or a request puts to them is decided at once."""
    while True:
        kind, event = yield run.matters.get()
        DECIDERS[kind](run, event)


def observe(run: Run, i: int) -> None:
    """Record membership, bodies and forces at observation date i."""
    plan, st, out = run.plan, run.state, run.outcome
    out.members[i] = [st.value(("member", plan.org, s)) == "member" for s in plan.states]
    out.count[i] = sum(1 for k in st.children("member", plan.org) if st.value(k) == "member")
    out.bodies[i] = [st.get(("body", b)) is not None for b in plan.bodies]
    out.forces[i] = [st.get(("force", f)) is not None for f in plan.forces]


def observer(run: Run) -> Process:
    """The outcome at each observation date after the fork, once the day's events are done."""
    for i, day in enumerate(run.plan.dates[1:], start=1):
        yield run.wait(day, PHASE_OBSERVE)
        observe(run, i)


