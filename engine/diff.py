"""What changed between two dates: facts that started, ended or changed, and the events between."""

from __future__ import annotations

from typing import Any

from orgsim.events.model import thaw

from .history import History, as_date

CATEGORY_NAMES = {"member": "membership", "org": "organization", "body": "body", "force": "force",
                  "strength": "force strength", "contrib": "force contribution", "rule": "rule",
                  "protocol": "protocol", "office": "office", "war": "armed conflict", "base": "base"}


def _describe(value: Any) -> Any:
    return thaw(value) if value is not None else None


def _by_key(answers: list) -> dict[tuple, list]:
    out: dict[tuple, list] = {}
    for fact, answer, in_reference in answers:
        out.setdefault(fact.key, []).append((fact, answer, in_reference))
    return out


def _reference(found: list) -> Any:
    """The fact the reference replay holds, else the first that may hold."""
    return next((f for f, _a, ref in found if ref), found[0][0]) if found else None


def diff(history: History, start: str, end: str) -> dict[str, Any]:
    """Facts that differ between two dates, and the events that fall between them.

    A fact that may hold on both dates is the same fact, whatever its answer on each: a
    body attested "by 2002" that is possible in 2000 and certain in 2007 did not appear in
    between; such narrowings are listed apart, under ``answers``.

    >>> h = History.load_bundled()
    >>> [c["key"] for c in diff(h, "2000-06-01", "2007-06-01")["changes"] if c["key"][1:] == ["CSTO", "UZB"]]
    [['member', 'CSTO', 'UZB']]
    """
    a, b = as_date(start), as_date(end)
    before, after = _by_key(history.index.answers_at(a.key)), _by_key(history.index.answers_at(b.key))
    changes, answers = [], []
    for key in sorted(set(before) | set(after), key=lambda k: tuple(map(str, k))):
        xs, ys = before.get(key, []), after.get(key, [])
        same = {(f.value, f.event) for f, *_ in xs} == {(f.value, f.event) for f, *_ in ys}
        if same:
            was = {(f.value, f.event): ans.modality for f, ans, _r in xs}
            for f, ans, _r in ys:
                if was.get((f.value, f.event)) != ans.modality:
                    answers.append({"category": CATEGORY_NAMES.get(key[0], key[0]), "key": list(key),
                                    "value": _describe(f.value), "event": f.event,
                                    "before": was.get((f.value, f.event)), "after": ans.modality})
            continue
        x, y = _reference(xs), _reference(ys)
        change = "added" if x is None else "removed" if y is None else "changed"
        changes.append({
            "category": CATEGORY_NAMES.get(key[0], key[0]), "key": list(key), "change": change,
            "before": _describe(x.value) if x else None, "before_since": x.since.text if x else None,
            "before_answer": next((ans.modality for f, ans, _r in xs if f is x), None),
            "after": _describe(y.value) if y else None, "after_since": y.since.text if y else None,
            "after_answer": next((ans.modality for f, ans, _r in ys if f is y), None),
            "event": y.event if y else None,
        })
    lo, hi = sorted((a.key, b.key))
    events = [e for e in history.log.events if lo < e.date.key <= hi]
    return {"from": a.text, "to": b.text, "changes": changes, "answers": answers, "events": [e.id for e in events]}
