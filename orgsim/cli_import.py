"""Commands of the `orgsim` CLI for published data: `import cow-igo`, `import atop` and `reconcile`."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from orgsim.cli import UserError, cli, format_option
from orgsim.engine.history import History
from orgsim.output import counted
from orgsim.events.importers import log_yaml
from orgsim.events.importers.atop import atop_logs, read_atop
from orgsim.events.importers.cow import read_cow
from orgsim.events.importers.cow_events import cow_logs
from orgsim.reports.files import atomic_output

from .output import emit, to_json

Logs = list[tuple[str, dict[str, Any], list[dict[str, Any]]]]

output_option = click.option(
    "-o", "--output", default=None, type=click.Path(),
    help="OUT.yaml: one log; OUT_DIR (an existing folder, or a path ending in /): one log per organization. "
         "Default: one log on standard output.")


def wants_folder(output: str | None) -> bool:
    """Whether -o names a folder (one log per organization) rather than a file."""
    return output is not None and (os.path.isdir(output) or output.endswith(("/", os.sep)))


def write_logs(logs: Logs, output: str | None) -> None:
    """Write the logs to standard output, one file, or one file each in a folder (each file whole or not at all)."""
    if output is None:
        sys.stdout.write(log_yaml(logs[0][1], logs[0][2]))
        return
    if wants_folder(output):
        os.makedirs(output, exist_ok=True)
        targets = [(os.path.join(output, f"{name}.yaml"), header, events) for name, header, events in logs]
    else:
        targets = [(output, logs[0][1], logs[0][2])]
    texts = [(path, log_yaml(header, events), len(events)) for path, header, events in targets]
    for path, text, _n in texts:  # everything is built before the first file is written
        with atomic_output(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
    total = sum(n for _p, _t, n in texts)
    where = output if len(texts) == 1 else f"{counted(len(texts), 'log')} in {output}"
    print(f"wrote {where}: {counted(total, 'event')}")


@cli.group(name="import")
def import_group() -> None:
    """Import published data sets (COW IGO v3, ATOP 5.1) as orgsim logs."""


@import_group.command(name="cow-igo")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--org", "orgs", multiple=True, metavar="IONAME",
              help="Only this organization (COW ioname, any case; repeatable). Default: all.")
@output_option
def cow_igo(file: str, orgs: tuple[str, ...], output: str | None) -> None:
    """Read COW IGO v3 (state-year or IGO-year layout, told apart by the header) into logs with year precision."""
    grid = read_cow(file, list(orgs) or None)
    write_logs(cow_logs(grid, split=wants_folder(output)), output)


@import_group.command(name="atop")
@click.argument("folder", type=click.Path())
@click.option("--atopid", "atopids", multiple=True, type=int, metavar="N",
              help="Only this alliance (repeatable). Default: all.")
@output_option
def atop(folder: str, atopids: tuple[int, ...], output: str | None) -> None:
    """Read ATOP 5.1's member-level file (atop5_1m.csv in FOLDER) into logs: one organization per alliance."""
    spells = read_atop(folder, list(atopids) or None)
    write_logs(atop_logs(spells, split=wants_folder(output)), output)


SPAN_COLUMNS = ["state", "years", "verdict", "a_status", "a_source", "b_status", "b_source"]


@cli.command()
@click.argument("log_a", type=click.Path(dir_okay=False))
@click.argument("log_b", type=click.Path(dir_okay=False))
@click.option("--org", default=None, help="The organization in LOG_A (default: LOG_A's own).")
@click.option("--org-b", default=None, help="Its id in LOG_B, if different (CSTO vs ATOP-4220).")
@click.option("--year-rule", type=click.Choice(["any", "dec31"]), default="any", show_default=True,
              help="any: a status held at any time in the year counts; dec31: the status on 31 December.")
@format_option
@click.option("-o", "--output", default=None, help="Also draw the heat map (states × years) to .png, .svg or .pdf.")
def reconcile(log_a: str, log_b: str, org: str | None, org_b: str | None, year_rule: str, fmt: str,
              output: str | None) -> None:
    """Compare two logs of one organization state by state and year by year: agree, disagree, one silent."""
    from orgsim.reports.reconcile import reconcile as compare

    a, b = History.load(log_a), History.load(log_b)
    for history, ident in ((a, org), (b, org_b)):
        known = set(history.log.entities.get("organizations") or {})
        if ident and ident not in known:
            raise UserError(f"no organization {ident!r} in {history.log.path} (it has {', '.join(sorted(known))})")
    result = compare(a, b, org, org_b, year_rule)
    if output:
        _draw(result, output)
    if fmt == "json":
        print(to_json(result.to_dict()))
        return
    counts = ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in result.summary().items())
    title = (f"{result.org_a} (A: {result.a}) vs {result.org_b} (B: {result.b}); year rule {year_rule}: "
             f"{counts} (state-years)")
    emit(result.spans(), SPAN_COLUMNS, fmt, title=title)


def _draw(result: Any, output: str) -> None:
    from orgsim.cli_figures import check_figure_path
    from orgsim.reports.reconcile import reconcile_figure

    check_figure_path(output)
    fig = reconcile_figure(result)
    with atomic_output(output) as tmp:
        fig.savefig(tmp, dpi=150, format=os.path.splitext(output)[1][1:].lower())
    print(f"wrote {output}", file=sys.stderr)
