"""`orgsim scenario run`: stochastic ensembles (registered on the scenario group)."""

from __future__ import annotations

import os
import sys

import click

from orgsim.cli_group import MAX_RUNS, UserError, whole_number
from orgsim.cli_scenario import scenario
from orgsim.output import FORMATS, counted, force_option, print_table, raw_csv_option, say, to_json

MAX_WORKERS = 512
FIGURE_FORMATS = (".png", ".svg", ".pdf")


def check_output(path: str) -> None:
    """Refuse a chart file with an unknown extension or in a folder that does not exist, before any run."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in FIGURE_FORMATS:
        raise UserError(f"-o {path}: the extension must be one of {', '.join(FIGURE_FORMATS)}")
    from orgsim.reports.files import check_output_path

    check_output_path(path)


def rate_lines(plan) -> list[str]:
    """How each probability was set: an estimate prints its formula and numbers."""
    rates = plan.rates
    estimated = {e.what: e.describe() for e in rates.estimates}
    if plan.hazards is not None:
        moves = [f"withdrawal and accession: {plan.hazards.describe()}"]
    else:
        moves = [estimated.get("withdrawal", f"withdrawal = {rates.withdrawal:g} per member and year (given)"),
                 estimated.get("accession", f"accession = {rates.accession:g} per candidate and year (given)")]
    lines = [f"absence = {rates.absence:g} per member and session", *moves,
             f"request = {rates.request:g} per member and year"]
    if plan.candidates:
        lines.append(f"candidates: {', '.join(plan.candidates)}")
    if not plan.random:
        lines.append("nothing is random: every run is the same")
    return lines


def _fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def print_ensemble(ens) -> None:
    """The ensemble as terminal tables: members per date, membership probabilities, bodies and forces."""
    plan = ens.plan
    say(f"{plan.name}: {ens.runs} run{'s' * (ens.runs != 1)}, seed {ens.seed}; "
        f"fork {ens.dates[0]}, horizon {ens.dates[-1]}")
    say(f"  log {plan.log_hash[:16]}, branch {plan.branch_hash[:16]} (head hashes)")
    for line in rate_lines(plan):
        say(f"  {line}")
    members = ens.members_frame()
    print_table([{"date": f"{d:%Y-%m-%d}", **{k: _fmt(v, 2 if k == "mean" else 1) for k, v in row.items()}}
                 for d, row in members.iterrows()], ["date", *members.columns],
                title="Member states (count): mean and percentiles across runs")
    membership = ens.membership_frame()
    print_table([{"date": f"{d:%Y-%m-%d}", **{k: _fmt(v, 3) for k, v in row.items()}}
                 for d, row in membership.iterrows()],
                ["date", *membership.columns], title="Probability that each state is a member")
    rows = []
    for kind, frame in (("body", ens.bodies_frame()), ("force", ens.forces_frame())):
        for ident in frame.columns:
            rows.append({"id": ident, "kind": kind, ens.dates[0]: _fmt(frame[ident].iloc[0], 3),
                         ens.dates[-1]: _fmt(frame[ident].iloc[-1], 3)})
    print_table(rows, ["id", "kind", ens.dates[0], ens.dates[-1]],
                title="Probability that each body and force exists")
    tallies = ens.tallies_frame().mean()
    say("events per run (mean): " + ", ".join(f"{k.replace('_', ' ')} {v:.2f}" for k, v in tallies.items()))


def write_csv(ens) -> None:
    """The ensemble as one long CSV (table, date, id, value); how the rates were set goes to stderr."""
    import pandas as pd

    rates = ens.plan.rates
    extra = pd.DataFrame([("rates", ens.dates[0], k, float(getattr(rates, k)))
                          for k in ("absence", "withdrawal", "accession", "request")], columns=["table", "date", "id",
                                                                                          "value"])
    frame = pd.concat([ens.tidy(), extra], ignore_index=True)
    sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
    say(f"log {ens.plan.log_hash}, branch {ens.plan.branch_hash} (head hashes)", err=True)
    for line in rate_lines(ens.plan):
        say(line, err=True)


@scenario.command("run")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--runs", default=None, metavar="N", help="How many runs (default: the scenario's `runs`, else 1).")
@click.option("--seed", default="0", show_default=True, metavar="S", help="Seed: run i draws from (S, i) only.")
@click.option("--workers", default="1", show_default=True, metavar="K", help="Local worker processes.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="A Dask scheduler (tcp://host:8786) to run on instead; needs `pip install 'orgsim[dask]'`.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format.")
@click.option("-o", "--output", default=None, metavar="FILE", help="Write the fan chart (.png, .svg or .pdf).")
@force_option
@raw_csv_option
def run_scenario(file: str, runs: str | None, seed: str, workers: str, scheduler: str | None, fmt: str,
                 output: str | None) -> None:
    """Simulate a scenario N times: the distribution of members, memberships, bodies and forces."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import Progress

    from orgsim.events.text import shown

    from orgsim.scenarios.ensemble import record_before_fork, run_ensemble
    from orgsim.scenarios.plan import prepare

    from orgsim.scenarios.load import load_scenario

    s = load_scenario(file)
    n_runs = whole_number("--runs", runs, 1, MAX_RUNS) if runs is not None else max(1, s.stochastic.runs)
    n_seed = whole_number("--seed", seed, 0, 2**64 - 1)
    n_workers = whole_number("--workers", workers, 1, MAX_WORKERS)
    if scheduler is not None and n_workers != 1:
        raise UserError("--workers and --scheduler do not combine: the Dask cluster decides its workers")
    if output:
        check_output(output)
    plan = prepare(s)
    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        # A task's description is rich markup: the scenario's name goes in escaped, so it is shown as written.
        task = bar.add_task(escape(shown(f"{counted(n_runs, 'run')} of {plan.name}")), total=n_runs)
        ens = run_ensemble(plan, n_runs, n_seed, n_workers, scheduler,
                           progress=lambda n: bar.advance(task, n))
    if fmt == "json":
        print(to_json(ens.to_dict()))
    elif fmt == "csv":
        write_csv(ens)
    else:
        print_ensemble(ens)
    if output:
        from orgsim.reports.fanchart import fan_chart
        from orgsim.reports.files import atomic_output

        fig = fan_chart(ens.members_frame(), plan.name, record_before_fork(plan), runs=ens.runs,
                        note=f"log {plan.log_hash[:16]} · branch {plan.branch_hash[:16]} · seed {ens.seed}")
        with atomic_output(output) as tmp:
            fig.savefig(tmp, dpi=150, format=os.path.splitext(output)[1][1:])
        say(f"wrote {output}", err=fmt != "table")
