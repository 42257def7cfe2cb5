"""Baseline against branch: the state at a date, both timelines, and every invalidated or derived event."""

from __future__ import annotations

from typing import Any

from orgsim.engine.frames import membership_frame
from orgsim.engine.history import History, as_date
from orgsim.events.canonical import log_hash

from .branch import Branch
from .obligations import conflict_intervals


def _timeline(history: History) -> list[dict[str, Any]]:
    df = membership_frame(history)
    df = df[df.org == history.org]
    return [{"member": r.member, "status": r.status, "from": r.start_text,
             "to": r.end_text if isinstance(r.end_text, str) else None, "event": r.start_event}
            for r in df.itertuples()]


def _snapshot(history: History, date: str) -> dict[str, Any]:
    s = history.at(date)
    return {"members": {m["id"]: m["status"] for m in s.members()},
            "bodies": [b["id"] for b in s.bodies()], "forces": [f["id"] for f in s.forces()],
            "rules": [r["id"] for r in s.rules()]}


def _differences(a: dict, b: dict) -> dict[str, Any]:
    ids = sorted(set(a["members"]) | set(b["members"]))
    out: dict[str, Any] = {"members": [{"id": i, "baseline": a["members"].get(i), "branch": b["members"].get(i)}
                                       for i in ids if a["members"].get(i) != b["members"].get(i)]}
    for key in ("bodies", "forces", "rules"):
        out[key] = {"only_baseline": sorted(set(a[key]) - set(b[key])),
                    "only_branch": sorted(set(b[key]) - set(a[key]))}
    return out


def _story(rows: list[dict], member: str) -> str:
    return " → ".join(f"{r['status']} {r['from']}" for r in rows if r["member"] == member)


def timeline_differences(base: list[dict], alt: list[dict]) -> list[dict[str, str]]:
    """Members whose sequence of statuses differs between the two timelines."""
    members = sorted({r["member"] for r in base} | {r["member"] for r in alt})
    out = [{"member": m, "baseline": _story(base, m), "branch": _story(alt, m)} for m in members]
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
