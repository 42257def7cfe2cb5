"""Short reprs for notebooks: one line of text, or a small HTML table, never the whole log."""

from __future__ import annotations

import html
from typing import Any, Iterable


def summary_html(title: str, fields: Iterable[tuple[str, Any]]) -> str:
    """A small HTML table: a title, then one row per (label, value), every value escaped."""
    rows = "".join(f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>"
                   f"<td style='text-align:left'>{html.escape(_text(v))}</td></tr>" for k, v in fields)
    return f"<div><strong>{html.escape(title)}</strong><table>{rows}</table></div>"


def short_list(items: Iterable[Any], limit: int = 8) -> str:
    """``ARM, BLR, KAZ … (+3)``: the first few items and how many more."""
    items = [str(i) for i in items]
    more = f" … (+{len(items) - limit})" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return short_list(value)
    return "" if value is None else str(value)


__all__ = ["summary_html", "short_list"]
