"""Printing data as a terminal table, JSON or CSV: the one place output formats are decided."""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Any, Iterable, Sequence

FORMATS = ("table", "json", "csv")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def to_json(data: Any) -> str:
    """JSON text, UTF-8 kept readable (Thai quotes stay Thai)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def to_csv(rows: Iterable[dict], columns: Sequence[str]) -> str:
    """CSV text with a header row; lists are joined with spaces."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in columns])
    return buf.getvalue()


def print_table(rows: Sequence[dict], columns: Sequence[str], title: str | None = None) -> None:
    """A table readable in a terminal (rich), wrapping long cells; plain when piped."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold", title_justify="left")
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*(_cell(r.get(c)) for c in columns))
    width = None if sys.stdout.isatty() else 160
    Console(width=width, soft_wrap=False).print(table)


def emit(rows: Sequence[dict], columns: Sequence[str], fmt: str, title: str | None = None,
         json_data: Any = None) -> None:
    """Print rows in the chosen format (json prints ``json_data`` when given, else the rows)."""
    if fmt == "json":
        print(to_json(json_data if json_data is not None else list(rows)))
    elif fmt == "csv":
        sys.stdout.write(to_csv(rows, columns))
    else:
        print_table(rows, columns, title)


def counted(n: int, noun: str, plural: str | None = None, grouped: bool = False) -> str:
    """``1 event``, ``2 events``: a count with its noun in the right number.

    >>> counted(1, "event"), counted(0, "change"), counted(2, "body", "bodies"), counted(20000, "event", grouped=True)
    ('1 event', '0 changes', '2 bodies', '20,000 events')
    """
    number = f"{n:,}" if grouped else str(n)
    return f"{number} {noun if n == 1 else plural or noun + 's'}"
