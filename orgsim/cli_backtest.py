"""Hazard commands: `orgsim fit` (hazards from logs or data, saved for scenarios) and `orgsim backtest`."""

from __future__ import annotations

import os
import re
import time
from typing import Any

import click

from orgsim.cli_group import UserError, cli, format_option
from orgsim.reports.files import atomic_output

from . import progress
from .output import emit, force_option, say, to_json

data_option = click.option("--data", "data", multiple=True, required=True, metavar="PATH",
                           help="Learn from this (repeatable): an orgsim log or store, a COW IGO v3 CSV "
                                "(either layout), or an ATOP 5.1 folder.")
COLUMNS = ["rows_of", "model", "rows", "changes", "log_loss", "brier", "reliability", "resolution",
           "uncertainty", "auc"]


def _years(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", text)
    if not m:
        raise UserError(f"--predict {text!r}: give a year or a range of years, e.g. 1990-2014")
    a, b = int(m.group(1)), int(m.group(2) or m.group(1))
    if b < a:
        raise UserError(f"--predict {text!r}: the range ends before it starts")
    return a, b


def _panel(data: tuple[str, ...]) -> Any:
    from orgsim.events.errors import InputError
    from orgsim.scenarios.hazard_data import histories_of
    from orgsim.scenarios.hazard_panel import panel_of

    try:
        histories = histories_of(data, progress.step)
    except InputError as exc:
        raise UserError(str(exc)) from None
    progress.step("building the rows at risk (state, organization, year)")
    return panel_of(histories)


def _rounded(rows: list[dict]) -> list[dict]:
    return [{k: (round(v, 6) if isinstance(v, float) else v) for k, v in r.items()} for r in rows]


@cli.command()
@data_option
@click.option("--fit-until", "fit_until", type=int, required=True, metavar="YEAR",
              help="Fit on changes up to this year (the year the change is coded in).")
@click.option("--predict", "predict", required=True, metavar="YEARS", help="Years to predict, e.g. 1990-2014.")
@click.option("--rolling", is_flag=True, help="Also cut every decade before --fit-until, back to the first with 30 "
              "changes of each kind to learn from; each cut predicts the ten years after it (rolling origin).")
@click.option("--figure", "figure", default=None, metavar="FILE",
              help="Write the calibration figure (.png, .svg or .pdf).")
@force_option
@format_option
def backtest(data: tuple[str, ...], fit_until: int, predict: str, rolling: bool, figure: str | None,
             fmt: str) -> None:
    """Fit hazards of accession, readmission and exit up to a year, predict the years after, and score them.

    Scored beside three baselines of the same run: the model without network covariates,
    a constant rate per organization (today's future-2030), and persistence (no change).
    """
    from orgsim.scenarios.backtest import about_scores, decade_cuts, rolling as rolling_origin, run_backtest

    years = _years(predict)
    if years[0] <= fit_until:
        raise UserError(f"--predict {predict}: predict years after --fit-until {fit_until}")
    if figure:
        from orgsim.cli_figures import check_figure_path

        check_figure_path(figure)
    clock = [time.perf_counter()]
    panel = _panel(data)
    clock.append(time.perf_counter())
    progress.step(f"fitting on changes up to {fit_until} and predicting {years[0]}-{years[1]}")
    try:
        result = run_backtest(panel, fit_until, years)
    except ValueError as exc:
        raise UserError(f"--fit-until {fit_until} --predict {predict}: {exc}") from None
    table = result.table()
    clock.append(time.perf_counter())
    roll = None
    if rolling:
        cuts = [*decade_cuts(panel, fit_until), fit_until]
        progress.step(f"rolling origin: {len(cuts)} more cuts")
        roll = rolling_origin(panel, cuts)
    clock.append(time.perf_counter())
    seconds = {"reading and rows at risk": clock[1] - clock[0], "fitting, predicting, scoring": clock[2] - clock[1],
               "rolling origin": clock[3] - clock[2] if rolling else None, "rows at risk": int(len(panel.rows))}
    if figure:
        _calibration(result, figure)
    progress.done()
    if figure:
        say(f"wrote {figure}", err=fmt != "table")
    rows = _rounded(table.to_dict("records"))
    data_out = {"fit_until": fit_until, "predict": list(years), "data": list(data), "scores": rows,
                "excluded": result.excluded, "fitted_beats": about_scores(table),
                "coefficients": _rounded(result.models["fitted"].summary().to_dict("records")),
                "timings": {k: (round(v, 1) if isinstance(v, float) else v) for k, v in seconds.items()}}
    if roll is not None:
        data_out["rolling"] = _rounded(roll.to_dict("records"))
    if fmt == "json":
        print(to_json(data_out))
        return
    if fmt == "csv":
        emit(rows, ["cut", *COLUMNS], "csv")
        return
    emit(rows, COLUMNS, "table", title=f"fit until {fit_until}, predict {years[0]}-{years[1]} (lower is better, "
                                       f"except AUC)")
    for name, d in data_out["fitted_beats"].items():
        verdict = "lower" if d["fitted_better"] else "NOT lower"
        say(f"fitted log-loss {table[(table.rows_of == 'all') & (table.model == 'fitted')].log_loss.iloc[0]:.5f} is "
            f"{verdict} than {name}'s {d['log_loss']:.5f}")
    t = data_out["timings"]
    say(f"{t['rows at risk']:,} rows at risk; seconds: " + "; ".join(
        f"{k} {v}" for k, v in t.items() if v is not None and k != "rows at risk"))
    say("left out (the data does not know): " + "; ".join(f"{k}: {v:,}" for k, v in result.excluded.items()))
    if roll is not None:
        emit(_rounded(roll[roll.rows_of == "all"].to_dict("records")), ["cut", "model", "rows", "changes",
                                                                        "log_loss", "brier", "auc"],
             "table", title="rolling origin: each cut predicts the ten years after it (all rows)")


def _calibration(result: Any, figure: str) -> None:
    from orgsim.reports.calibration import calibration_figure
    from orgsim.reports.style import SIZES

    test = result.test
    fig = calibration_figure(test["outcome"].to_numpy(), {m: test[m].to_numpy() for m in
                                                          ("fitted", "no network", "constant rate")},
                             f"Calibration, {result.predict[0]}-{result.predict[1]} (fit until {result.fit_until})")
    with atomic_output(figure) as tmp:
        fig.savefig(tmp, dpi=SIZES["column"][1], format=os.path.splitext(figure)[1][1:])


@cli.command(name="fit")
@data_option
@click.option("--until", "until", type=int, default=None, metavar="YEAR", help="Fit on changes up to this year.")
@click.option("--covariates", type=click.Choice(["all", "basic"]), default="all", show_default=True,
              help="basic: without the network covariates (what a one-organization log can give a scenario).")
@click.option("-o", "--output", "output", default=None, metavar="FILE.json", help="Save the model (for a scenario).")
@force_option
@format_option
def fit_command(data: tuple[str, ...], until: int | None, covariates: str, output: str | None, fmt: str) -> None:
    """Fit hazards of accession, readmission and exit; print the coefficients, clustered by organization."""
    from orgsim.scenarios.hazard_data import describe_paths
    from orgsim.scenarios.hazard_fit import fit
    from orgsim.scenarios.hazard_panel import BASIC, COVARIATES

    if output and not output.endswith(".json"):
        raise UserError(f"-o {output}: a model is saved as .json")
    panel = _panel(data)
    progress.step("fitting")
    try:
        model = fit(panel, BASIC if covariates == "basic" else COVARIATES, until,
                    about={"data": describe_paths(data)})
    except ValueError as exc:
        raise UserError(f"--data {' '.join(data)}: {exc}") from None
    progress.done()
    if output:
        with atomic_output(output) as tmp:
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(model.to_json() + "\n")
    rows = _rounded(model.summary().to_dict("records"))
    if fmt == "json":
        print(to_json({"about": model.about, "coefficients": rows}))
    else:
        emit(rows, ["kind", "term", "coef", "se", "z", "p", "low", "high"], fmt,
             title=f"logit hazards, standard errors clustered by organization ({model.about['rows']:,} rows)")
    if output:
        say(f"wrote {output}", err=fmt != "table")
