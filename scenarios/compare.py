"""Baseline against branch: the state at a date, both timelines, and every invalidated or derived event."""

from __future__ import annotations

from typing import Any

from orgsim.engine.frames import membership_frame
from orgsim.engine.history import History, as_date
from orgsim.events.canonical import log_hash

from .branch import Branch
from .obligations import conflict_intervals


def _timeline(history: History, every: bool = False) -> list[dict[str, Any]]:
    """Status intervals: the organization's own, or (``every``) those of every organization and body too."""
    df = membership_frame(history)
    if not every:
        df = df[df.org == history.org]
    return [{**({"org": r.org} if every else {}), "member": r.member, "status": r.status, "from": r.start_text,
             "to": r.end_text if isinstance(r.end_text, str) else None, "event": r.start_event}
            for r in df.itertuples()]


def _snapshot(history: History, date: str) -> dict[str, Any]:
    """Everything the state holds on a date, as comparable plain data."""
    s = history.at(date)
    return {"members": {m["id"]: m["status"] for m in s.members()},
            "memberships": {f"{m['org']} {m['id']}": m["status"] for m in s.memberships() if m["org"] != history.org},
            "bodies": [b["id"] for b in s.bodies()], "forces": [f["id"] for f in s.forces()],
            "contributors": {f["id"]: [c["id"] for c in f["contributors"]] for f in s.forces()},
            "rules": [r["id"] for r in s.rules()],
            "offices": {o["id"]: o.get("holder") for o in s.offices()},
            "protocols": {p["id"]: f"{p.get('status')} ({', '.join(p.get('signatories') or ()) or 'no signatories named'})"
                          for p in s.protocols()}}


def _changed(a: dict, b: dict) -> list[tuple[str, Any, Any]]:
    return [(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def _differences(a: dict, b: dict) -> dict[str, Any]:
    out: dict[str, Any] = {"members": [{"id": i, "baseline": x, "branch": y}
                                       for i, x, y in _changed(a["members"], b["members"])]}
    # Statuses in bodies (an assembly, a command) and in the other organizations the log names.
    out["memberships"] = [{"org": k.split(" ")[0], "id": k.split(" ")[1], "baseline": x, "branch": y}
                          for k, x, y in _changed(a["memberships"], b["memberships"])]
    for key in ("bodies", "forces", "rules"):
        out[key] = {"only_baseline": sorted(set(a[key]) - set(b[key])),
                    "only_branch": sorted(set(b[key]) - set(a[key]))}
    out["contributors"] = [{"force": k, "baseline": x, "branch": y}
                           for k, x, y in _changed(a["contributors"], b["contributors"])]
    out["offices"] = [{"office": k, "baseline": x, "branch": y} for k, x, y in _changed(a["offices"], b["offices"])]
    out["protocols"] = [{"protocol": k, "baseline": x, "branch": y}
                        for k, x, y in _changed(a["protocols"], b["protocols"])]
    return out


def any_difference(differences: dict[str, Any]) -> bool:
    """Whether the state on the compared date differs in anything at all."""
    return any(v["only_baseline"] or v["only_branch"] if isinstance(v, dict) else v for v in differences.values())


def _story(rows: list[dict], member: str, org: str | None = None) -> str:
    return " → ".join(f"{r['status']} {r['from']}" for r in rows
                      if r["member"] == member and (org is None or r.get("org") == org))


def timeline_differences(base: list[dict], alt: list[dict]) -> list[dict[str, str]]:
    """Members whose sequence of statuses differs between the two timelines (per organization or body if given)."""
    pairs = sorted({(r.get("org"), r["member"]) for r in base} | {(r.get("org"), r["member"]) for r in alt},
                   key=lambda p: (p[0] or "", p[1]))
    out = [{**({"org": o} if o is not None else {}), "member": m, "baseline": _story(base, m, o),
            "branch": _story(alt, m, o)} for o, m in pairs]
    return [d for d in out if d["baseline"] != d["branch"]]


def answer_differences(baseline: History, branch: History, date: str) -> list[dict[str, Any]]:
    """Facts present in both at the date whose answer (certain, possible, presumed) differs."""
    def answers(h: History) -> dict[tuple, str]:
        return {(f.key, str(f.value)): a.modality for f, a, _r in h.index.answers_at(as_date(date).key)}

    a, b = answers(baseline), answers(branch)
    return [{"key": list(k[0]), "value": k[1], "baseline": a[k], "branch": b[k]}
            for k in sorted(set(a) & set(b), key=str) if a[k] != b[k]]


def compare(branch: Branch, at: str | None = None) -> dict[str, Any]:
    """Everything a reader needs to judge the counterfactual, as plain data."""
    s = branch.scenario
    date = as_date(at or s.compare_at or branch.log.events[-1].date.first.isoformat()).text
    base, alt = _snapshot(branch.baseline, date), _snapshot(branch.history, date)
    timelines = {"baseline": _timeline(branch.baseline), "branch": _timeline(branch.history)}
    return {
        "scenario": {"name": s.name, "question": s.question, "file": s.path, "log": s.log,
                     "expected": s.expected, "raised_by": [r.get("line") for r in s.raised_by]},
        "at": date,
        "log_hash": log_hash(branch.baseline.log),  # the exact baseline log, and the branch log it became
        "branch_hash": log_hash(branch.log),
        "interventions": branch.applied,
        "baseline": base,
        "branch": alt,
        "differences": _differences(base, alt),
        "answer_differences": answer_differences(branch.baseline, branch.history, date),
        "timeline": timelines,
        "timeline_differences": timeline_differences(timelines["baseline"], timelines["branch"]),
        # The same through time in bodies and other organizations (a state leaving a command and returning).
        "membership_timeline_differences": [
            d for d in timeline_differences(_timeline(branch.baseline, every=True), _timeline(branch.history, every=True))
            if d["org"] != branch.baseline.org],
        "invalidated": branch.invalidated,
        "derived": [{"event": e.id, "date": e.date.text, "kind": e.kind, "derived_by": e.derived_by}
                    for e in branch.derived],
        "removed_by_rules": branch.removed,
        "set_aside": branch.set_aside,
        "obligations": {"baseline": conflict_intervals(branch.baseline),
                        "branch": conflict_intervals(branch.history)},
        "findings": {"baseline": [f.message for f in branch.baseline.findings],
                     "branch": [f.message for f in branch.history.findings]},
    }
