"""Printing data as a terminal table, JSON or CSV: the one place output formats are decided."""

from __future__ import annotations

import contextvars
import csv
import io
import json
import sys
from typing import Any, Iterable, Sequence

import click

from orgsim.events.text import json_safe, shown, spreadsheet_cell

FORMATS = ("table", "json", "csv")

#: Whether CSV cells are written exactly as they are (--raw-csv), without the spreadsheet guard.
RAW_CSV: contextvars.ContextVar[bool] = contextvars.ContextVar("RAW_CSV", default=False)


def _set_raw_csv(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    RAW_CSV.set(bool(value))
    return value


#: `--raw-csv`, on every command that writes CSV: turn the spreadsheet guard off.
raw_csv_option = click.option(
    "--raw-csv", is_flag=True, expose_value=False, callback=_set_raw_csv, is_eager=True,
    help="CSV cells exactly as in the log: no ' before a cell starting with = + - @ tab or CR (see the README's "
         "threat model; only for files no spreadsheet opens).")


def _set_force(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    from orgsim.reports.files import FORCE

    FORCE.set(bool(value))
    return value


#: `--force`, on every command that writes a file: replace a read-only file or an SQLite database too.
force_option = click.option(
    "--force", is_flag=True, expose_value=False, callback=_set_force, is_eager=True,
    help="With -o: also replace a read-only file or an SQLite database (a store). A FIFO, device or folder is "
         "never replaced.")


def say(text: str = "", err: bool = False) -> None:
    """Print a line that holds (or quotes) text from a log: control characters are shown escaped, never obeyed."""
    click.echo(shown(text), err=err)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def to_json(data: Any) -> str:
    """JSON text, UTF-8 kept readable (Thai quotes stay Thai); characters a terminal would obey are \\u escapes."""
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def csv_cell(value: Any) -> str:
    """One CSV cell as written: spreadsheet-safe (a formula-like cell gets a leading ') unless --raw-csv."""
    text = _cell(value)
    return text if RAW_CSV.get() else spreadsheet_cell(text)


def to_csv(rows: Iterable[dict], columns: Sequence[str]) -> str:
    """CSV text with a header row; lists are joined with spaces; cells are spreadsheet-safe (see csv_cell)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([csv_cell(c) for c in columns])
    for r in rows:
        w.writerow([csv_cell(r.get(c)) for c in columns])
    return buf.getvalue()


def print_table(rows: Sequence[dict], columns: Sequence[str], title: str | None = None) -> None:
    """A table readable in a terminal (rich), wrapping long cells; plain when piped."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Every cell and the title are Text, never markup: "[/x]" or "[link=...]" in a name is printed as written.
    table = Table(title=Text(shown(title)) if title else None, show_lines=False, header_style="bold",
                  title_justify="left")
    for c in columns:
        table.add_column(Text(shown(c)), overflow="fold")
    for r in rows:
        table.add_row(*(Text(shown(_cell(r.get(c)))) for c in columns))
    width = None if sys.stdout.isatty() else 160
    Console(width=width, soft_wrap=False, markup=False, highlight=False, emoji=False).print(table)


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
