"""Commands of the `orgsim` CLI for published data: `import cow-igo`, `import atop` and `reconcile`."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from orgsim.cli_group import UserError, cli, format_option
from orgsim.output import counted
from orgsim.reports.files import atomic_output, check_output_path

from . import progress
from .output import emit, force_option, say, to_json

Logs = list[tuple[str, dict[str, Any], list[dict[str, Any]]]]

output_option = click.option(
    "-o", "--output", default=None, type=click.Path(),
    help="OUT.yaml: one log; OUT_DIR (an existing folder, or a path ending in /): one log per organization. "
         "Default: one log on standard output.")


def wants_folder(output: str | None) -> bool:
    """Whether -o names a folder (one log per organization) rather than a file."""
    return output is not None and (os.path.isdir(output) or output.endswith(("/", os.sep)))


def check_log_output(output: str | None) -> None:
    """Refuse, before any data is read, a file target that is not named .yaml or .yml (the logs are YAML)."""
    if output is not None and not wants_folder(output) and not output.lower().endswith((".yaml", ".yml")):
        raise UserError(f"-o {output}: an imported log is written as YAML; name the file .yaml or .yml "
                        f"(or give a folder for one log per organization)")


def write_logs(logs: Logs, output: str | None) -> None:
    """Write the logs to standard output, one file, or one file each in a folder (each file whole or not at all)."""
    if output is None:
        from orgsim.events.importers import log_yaml

        text = log_yaml(logs[0][1], logs[0][2])
        progress.done()
        sys.stdout.write(text)
        return
    if wants_folder(output):
        os.makedirs(output, exist_ok=True)
        targets = [(os.path.join(output, f"{name}.yaml"), header, events) for name, header, events in logs]
    else:
        targets = [(output, logs[0][1], logs[0][2])]
    from orgsim.events.importers import log_yaml

    texts = [(path, log_yaml(header, events), len(events)) for path, header, events in targets]
    progress.done()
    for path, _text, _n in texts:  # every target checked before the first is written
        check_output_path(path)
    for path, text, _n in texts:  # everything is built before the first file is written
        with atomic_output(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
    total = sum(n for _p, _t, n in texts)
    where = output if len(texts) == 1 else f"{counted(len(texts), 'log')} in {output}"
    say(f"wrote {where}: {counted(total, 'event')}")


@cli.group(name="import")
def import_group() -> None:
    """Import published data sets (COW IGO v3, ATOP 5.1) as orgsim logs."""


@import_group.command(name="cow-igo")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--org", "orgs", multiple=True, metavar="IONAME",
              help="Only this organization (COW ioname, any case; repeatable). Default: all.")
@click.option("--names", default=None, type=click.Path(dir_okay=False), metavar="IGO_YEAR_CSV",
              help="The state-year layout has no names: take them from this IGO-year file (longorgname). "
                   "Default: igo_year_format3.csv beside FILE, if there is one.")
@output_option
@force_option
def cow_igo(file: str, orgs: tuple[str, ...], names: str | None, output: str | None) -> None:
    """Read COW IGO v3 (state-year or IGO-year layout, told apart by the header) into logs with year precision.

    The log's header carries COW's coding rules (sources.cow-igo.coding, from cow_igo.coding.yaml)."""
    from orgsim.events.importers import check_logs
    from orgsim.events.importers.cow import read_cow
    from orgsim.events.importers.cow_events import cow_logs

    check_log_output(output)
    progress.step(f"reading {file}")
    grid = read_cow(file, list(orgs) or None, names)
    progress.step("making and checking the events")
    logs = cow_logs(grid, split=wants_folder(output))
    check_logs(logs, file)
    write_logs(logs, output)


@import_group.command(name="atop")
@click.argument("folder", type=click.Path())
@click.option("--atopid", "atopids", multiple=True, type=int, metavar="N",
              help="Only this alliance (repeatable). Default: all.")
@output_option
@force_option
def atop(folder: str, atopids: tuple[int, ...], output: str | None) -> None:
    """Read ATOP 5.1's member-level file (atop5_1m.csv in FOLDER) into logs: one organization per alliance."""
    from orgsim.events.importers import check_logs
    from orgsim.events.importers.atop import FILE as ATOP_FILE
    from orgsim.events.importers.atop import atop_logs, read_atop

    check_log_output(output)
    progress.step(f"reading {folder}")
    spells = read_atop(folder, list(atopids) or None)
    path = os.path.join(folder, ATOP_FILE) if os.path.isdir(folder) else folder
    if not spells:
        raise UserError(f"{path}: no data rows")
    progress.step("making and checking the events")
    logs = atop_logs(spells, split=wants_folder(output))
    check_logs(logs, path)
    write_logs(logs, output)


@cli.command()
@click.argument("log_a", type=click.Path(dir_okay=False))
@click.argument("log_b", type=click.Path(dir_okay=False))
@click.option("--org", default=None, help="The organization in LOG_A (default: LOG_A's own).")
@click.option("--org-b", default=None, help="Its id in LOG_B, if different (CSTO vs ATOP-4220).")
@click.option("--year-rule", type=click.Choice(["any", "dec31", "jul1"]), default=None,
              help="Compared by years: override the year-coded log's own rule (COW: any part of the year).")
@format_option
@click.option("-o", "--output", default=None, help="Also draw the heat map (states × years) to .png, .svg or .pdf.")
@force_option
def reconcile(log_a: str, log_b: str, org: str | None, org_b: str | None, year_rule: str | None, fmt: str,
              output: str | None) -> None:
    """Compare two logs of one organization fact by fact, at the finest precision both have, by each one's coding.

    Dates against dates where both date within the year (a month agrees with a day inside it; otherwise
    the gap in days), years against years where one is coded by years (COW). Real differences and
    differences of coding only (ATOP counts a signature as membership) are shown apart, with counts."""
    from orgsim.reports.reconcile import COLUMNS
    from orgsim.reports.reconcile import reconcile as compare

    from orgsim.engine.history import History

    progress.step(f"loading {log_a}")
    a = History.load(log_a)
    progress.step(f"loading {log_b}")
    b = History.load(log_b)
    for history, ident in ((a, org), (b, org_b)):
        known = set(history.log.entities.get("organizations") or {})
        if ident and ident not in known:
            raise UserError(f"no organization {ident!r} in {history.log.path} (it has {', '.join(sorted(known))})")
    progress.step("comparing state by state and year by year")
    result = compare(a, b, org, org_b, year_rule)
    if output:
        progress.step(f"drawing {output}")
        _draw(result, output)
    progress.done()
    if fmt == "json":
        print(to_json(result.to_dict()))
        return
    rows = result.spans()
    if fmt == "csv":
        emit(rows, COLUMNS, fmt)
        return
    n = result.summary()
    unit = "state-years" if result.precision == "year" else "facts"
    head = (f"{result.org_a} (A: {result.a}) vs {result.org_b} (B: {result.b}); compared by "
            f"{'years, rule ' + result.rule if result.precision == 'year' else 'dates'}: {n['agree']} agree, "
            f"{n['disagree']} real differences, {n['coding_difference']} coding differences, "
            f"{n['a_silent']} A silent, {n['b_silent']} B silent ({unit})")
    emit([r for r in rows if r["verdict"] == "disagree"], COLUMNS, fmt, title=f"{head}\nReal differences")
    coding = [r for r in rows if r["verdict"] == "coding_difference"]
    if coding:
        emit(coding, COLUMNS, fmt, title=f"Coding differences (A counts {', '.join(result.coding_a['membership'])}; "
                                         f"B counts {', '.join(result.coding_b['membership'])} as membership)")


def _draw(result: Any, output: str) -> None:
    from orgsim.cli_figures import check_figure_path
    from orgsim.reports.reconcile import reconcile_figure

    check_figure_path(output)
    fig = reconcile_figure(result)
    with atomic_output(output) as tmp:
        fig.savefig(tmp, dpi=150, format=os.path.splitext(output)[1][1:].lower())
    say(f"wrote {output}", err=True)
