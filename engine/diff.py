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


def diff(history: History, start: str, end: str) -> dict[str, Any]:
    """Facts that differ between two dates, and the events that fall between them.

    >>> h = History.load_bundled()
    >>> [c["key"] for c in diff(h, "2000-06-01", "2007-06-01")["changes"] if c["key"][-1] == "UZB"]
    [['member', 'CSTO', 'UZB']]
    """
    a, b = as_date(start), as_date(end)
    before, after = history.index.facts_at(a.key), history.index.facts_at(b.key)
    changes = []
    for key in sorted(set(before) | set(after), key=lambda k: tuple(map(str, k))):
        x, y = before.get(key), after.get(key)
        if x is not None and y is not None and x.value == y.value and x.since == y.since:
            continue
        change = "added" if x is None else "removed" if y is None else "changed"
        changes.append({
            "category": CATEGORY_NAMES.get(key[0], key[0]), "key": list(key), "change": change,
            "before": _describe(x.value) if x else None, "before_since": x.since.text if x else None,
            "after": _describe(y.value) if y else None, "after_since": y.since.text if y else None,
            "event": y.event if y else None,
        })
    lo, hi = sorted((a.key, b.key))
    events = [e for e in history.log.events if lo < e.date.key <= hi]
    return {"from": a.text, "to": b.text, "changes": changes, "events": [e.id for e in events]}
