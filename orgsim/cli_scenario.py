"""Scenario commands: `orgsim scenario validate | compare` (and `run`, in cli_simulate), and `orgsim obligations`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import os

import click

from orgsim.cli_group import UserError, cli, format_option, log_options
from orgsim.output import counted, emit, force_option, say, to_json
from orgsim.reports.files import atomic_output

if TYPE_CHECKING:
    from orgsim.engine.history import History


@cli.group()
def scenario() -> None:
    """Counterfactual scenarios: branch the log, follow the consequences, simulate the rules."""


@scenario.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
def validate_scenario(file: str) -> None:
    """Check a scenario file against its log: ids, dates, rules, interventions (exit 2 on the first error)."""
    from orgsim.scenarios.branch import build_branch
    from orgsim.scenarios.load import load_scenario

    s = load_scenario(file)
    branch = build_branch(s)
    say(f"ok: {file}: {s.name!r}: {counted(len(s.interventions), 'intervention')} on {s.log}; "
        f"{counted(len(branch.invalidated), 'event')} invalidated, {len(branch.derived)} derived by rules")


@scenario.command("compare")
@click.argument("file", type=click.Path(dir_okay=False))
@click.argument("other", type=click.Path(dir_okay=False), required=False)
@click.option("--at", "at", default=None, help="Date to compare (default: the scenario's compare_at).")
@click.option("--runs", "runs", default=None, metavar="N", help="With OTHER: runs of each (default: the first's runs).")
@click.option("--seed", "seed", default="0", metavar="S", help="With OTHER: the seed of both ensembles.")
@click.option("-o", "--output", "out_dir", default=None, help="Folder for compare.json and the figures.")
@force_option
@format_option
def compare_scenario(file: str, other: str | None, at: str | None, runs: str | None, seed: str, out_dir: str | None,
                     fmt: str) -> None:
    """Baseline against branch (one FILE), or two stochastic scenarios' ensembles side by side (FILE OTHER).

    One FILE: state at a date, both timelines, diagrams, invalidated and derived events.
    FILE OTHER: both run with the same seed and runs; member counts per date and each
    state's chance of membership at the horizon, with the differences (OTHER minus FILE).
    """
    from orgsim.scenarios.branch import build_branch
    from orgsim.scenarios.compare import any_difference, compare
    from orgsim.scenarios.load import load_scenario

    if other is not None:
        if out_dir or at:
            raise UserError("--at and -o compare one scenario's branch with its baseline; not with OTHER")
        _compare_two(file, other, runs, seed, fmt)
        return

    branch = build_branch(load_scenario(file))
    result = compare(branch, at)
    if out_dir:
        _write_comparison(branch, result, out_dir)
    if fmt == "json":
        print(to_json(result))
        return
    if fmt == "csv":
        emit(result["differences"]["members"], ["id", "baseline", "branch"], "csv")
        return
    say(f"{result['scenario']['name']}: {result['scenario']['question']}")
    diff = result["differences"]
    if diff["members"]:
        emit(diff["members"], ["id", "baseline", "branch"], "table", title=f"membership differences on {result['at']}")
    if diff["memberships"]:
        emit(diff["memberships"], ["org", "id", "baseline", "branch"], "table",
             title=f"differences in bodies and other organizations on {result['at']}")
    if result["timeline_differences"]:
        emit(result["timeline_differences"], ["member", "baseline", "branch"], "table", title="statuses through time")
    if result["membership_timeline_differences"]:
        emit(result["membership_timeline_differences"], ["org", "member", "baseline", "branch"], "table",
             title="statuses through time in bodies and other organizations")
    for key in ("bodies", "forces", "rules"):
        d = diff[key]
        if d["only_baseline"] or d["only_branch"]:
            say(f"{key}: only in baseline {d['only_baseline'] or '-'}; only in branch {d['only_branch'] or '-'}")
    for key, cols in (("contributors", ["force", "baseline", "branch"]), ("offices", ["office", "baseline", "branch"]),
                      ("protocols", ["protocol", "baseline", "branch"])):
        if diff[key]:
            emit(diff[key], cols, "table", title=f"{key} on {result['at']}")
    if result.get("answer_differences"):
        emit(result["answer_differences"], ["key", "value", "baseline", "branch"], "table",
             title=f"facts held in both whose answer differs on {result['at']}")
    if not any_difference(diff) and not result["timeline_differences"] \
            and not result["membership_timeline_differences"]:
        say(f"no differences: on {result['at']} the branch holds the same memberships (of the organization, its "
            f"bodies and the other organizations), bodies, forces and contributors, rules, offices and protocols, "
            f"and every status through time is the same")
    for title, rows, cols in (("invalidated events", result["invalidated"], ["event", "date", "reason"]),
                              ("derived by rules", result["derived"], ["event", "date", "derived_by"]),
                              ("removed by rule switches", result["removed_by_rules"], ["event", "reason"])):
        if rows:
            emit(rows, cols, "table", title=title)
    for side in ("baseline", "branch"):
        for c in result["obligations"][side]:
            say(f"conflicting obligations ({side}): {c['rule']} binds {', '.join(c['bound'])} to both "
                f"{c['between'][0]} and {c['between'][1]}, from {c['from']} to {c['to'] or 'the end of the log'}")


def _compare_two(file: str, other: str, runs: str | None, seed: str, fmt: str) -> None:
    from orgsim.cli_group import MAX_RUNS, whole_number
    from orgsim.scenarios.ensemble import run_ensemble
    from orgsim.scenarios.ensemble_compare import compare_ensembles
    from orgsim.scenarios.load import load_scenario
    from orgsim.scenarios.plan import prepare

    scenarios = [load_scenario(f) for f in (file, other)]
    for s in scenarios:
        if not s.stochastic.random:
            raise UserError(f"{s.path}: not a stochastic scenario (nothing random to compare); compare it alone")
    n_runs = whole_number("--runs", runs, 1, MAX_RUNS) if runs is not None else max(1, scenarios[0].stochastic.runs)
    n_seed = whole_number("--seed", seed, 0, 2**64 - 1)
    a, b = (run_ensemble(prepare(s), n_runs, n_seed) for s in scenarios)
    result = compare_ensembles(a, b)
    if fmt == "json":
        print(to_json(result))
        return
    if fmt == "csv":
        emit(result["members"], list(result["members"][0]), "csv")
        return
    say(f"A: {result['a']['scenario']} ({file})")
    say(f"B: {result['b']['scenario']} ({other})")
    say(f"{counted(n_runs, 'run')} each, seed {n_seed}")
    rows = [{k: (f"{v:.2f}" if isinstance(v, float) else v) for k, v in r.items()} for r in result["members"]]
    emit(rows, list(rows[0]), "table", title="member states: mean and 5-95 % range, A and B (difference: B - A)")
    rows = [{k: ("-" if v is None else f"{v:.3f}" if isinstance(v, float) else v) for k, v in r.items()}
            for r in result["membership_at_horizon"]]
    emit(rows, ["state", "a", "b", "difference"], "table",
         title="chance of membership at the horizon, largest difference first")


def _write_comparison(branch, result: dict, out_dir: str) -> None:
    from orgsim.reports.figures import comparison_figure
    from orgsim.reports.timeline import timeline_figure

    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create {out_dir}: {exc.strerror}") from None
    with atomic_output(os.path.join(out_dir, "compare.json")) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(to_json(result))
    from orgsim.reports.timeline import timeline_span

    span = timeline_span(branch.baseline, branch.history)  # one x axis, so the two timelines line up
    figures = {"network.png": comparison_figure(branch.baseline, branch.history, result["at"]),
               "timeline-baseline.png": timeline_figure(branch.baseline, span=span),
               "timeline-branch.png": timeline_figure(branch.history, span=span)}
    for name, fig in figures.items():
        with atomic_output(os.path.join(out_dir, name)) as tmp:
            fig.savefig(tmp, dpi=120, format="png")


@cli.command()
@click.option("--at", "at", default=None, help="Also list the conflicts on this date.")
@click.option("--scenario", "scenario_file", default=None, type=click.Path(dir_okay=False),
              help="Look in a scenario's branch instead of the log.")
@format_option
@log_options
def obligations(history: History, at: str | None, scenario_file: str | None, fmt: str) -> None:
    """Conflicting obligations: members at war inside a mutual-defence rule (which rule, who, from when)."""
    from orgsim.scenarios.branch import build_branch
    from orgsim.scenarios.load import load_scenario
    from orgsim.scenarios.obligations import obligations_report

    if scenario_file:
        history = build_branch(load_scenario(scenario_file)).history
    report = obligations_report(history, at)
    if fmt == "json":
        print(to_json(report))
        return
    rows = [{"rule": c["rule"], "between": c["between"], "bound": c["bound"], "from": c["from"], "to": c["to"]}
            for c in report["intervals"]]
    emit(rows, ["rule", "between", "bound", "from", "to"], fmt, title="conflicting obligations")
    if not rows and fmt == "table":
        say("No member is bound to both sides of a war between members in this history.")
