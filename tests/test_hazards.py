"""Hazard models: the rows at risk, the fit, the backtest, and fitted scenarios."""

import json
import os

import numpy as np
import pytest

from orgsim.scenarios.backtest import auc, brier, log_loss, run_backtest
from orgsim.scenarios.hazard_data import histories_of
from orgsim.scenarios.hazard_fit import HazardModel, fit
from orgsim.scenarios.hazard_panel import BASIC, KINDS, Panel, YearGrid, build_panel, panel_of

from .hazard_synth import TERMS, TRUE, write_synthetic

HERE = os.path.dirname(__file__)
REPO = os.path.join(HERE, "..")
SCENARIOS = os.path.join(REPO, "scenarios")
FITTED = os.path.join(SCENARIOS, "future-2030-fitted.yaml")
MODEL = os.path.join(SCENARIOS, "models", "cow-igo-v3-basic.json")
COW = os.path.join(REPO, "..", "shared", "data", "cow-igo-v3", "state_year_format3.csv")
needs_cow = pytest.mark.skipif(not os.path.exists(COW), reason="COW IGO v3 is not in ../shared/data (see its README)")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A COW state-year file drawn from the known hazards of tests/hazard_synth.py, and its panel."""
    path = str(tmp_path_factory.mktemp("synth") / "synthetic_state_year.csv")
    changes = write_synthetic(path)
    return path, changes, panel_of(histories_of([path]))


def test_a_synthetic_history_gives_back_its_hazards_within_their_confidence_intervals(synthetic):
    """Every true coefficient lies inside its 99.9 % interval, and the three fits together pass a Wald test."""
    from scipy.stats import chi2

    _path, changes, panel = synthetic
    assert changes > 500
    model = fit(panel, BASIC)
    for kind in KINDS:
        f = model.fits[kind]
        assert f.names == TERMS  # other_status never varies here, so it is left out
        truth = np.array([TRUE[kind][t] for t in f.names])
        se = np.sqrt(np.diag(f.cov))
        assert np.all(np.abs(f.params - truth) < 3.29 * se), (kind, f.params, truth, se)
        d = f.params - truth
        assert chi2.sf(float(d @ np.linalg.solve(f.cov, d)), len(d)) > 0.001, kind


def test_the_rows_at_risk_of_a_hand_made_grid():
    """One organization, three states, four years: each row's kind and outcome as read by hand; -9 left out."""
    codes = np.array([[[1, 0, 0],    # 2000: A member, B not, C not
                       [1, 1, -9],   # 2001: B joins; C unknown
                       [0, 1, 0],    # 2002: A leaves
                       [1, 1, 0]]],  # 2003: A returns
                     dtype=np.int8)
    grid = YearGrid(["org"], np.array([2, 20, 200]), np.arange(2000, 2004), codes)
    rows = build_panel(grid).rows
    got = sorted((int(r.ccode), int(r.year), KINDS[r.kind], int(r.outcome)) for r in rows.itertuples())
    assert got == [(2, 2001, "exit", 0), (2, 2002, "exit", 1), (2, 2003, "readmission", 1),
                   (20, 2001, "accession", 1), (20, 2002, "exit", 0), (20, 2003, "exit", 0),
                   (200, 2003, "accession", 0)]
    assert build_panel(grid).excluded["unknown at t or t+1 (-9)"] == 2
    # B (ccode 20) shares a region with A (2)? No: 2 is the Americas, 20 too; 200 is Europe.
    r = rows[(rows.ccode == 20) & (rows.year == 2001)].iloc[0]
    assert r.region_share == pytest.approx(1.0) and r.org_size == pytest.approx(np.log(2))


def test_scores_agree_with_their_textbook_values():
    """Log-loss of a coin is log 2; a perfect forecast has Brier 0 and AUC 1; Murphy's parts add up for binned forecasts."""
    y = np.array([0, 1, 0, 1, 1, 0, 0, 0])
    assert log_loss(y, np.full(8, 0.5)) == pytest.approx(np.log(2))
    assert brier(y, y.astype(float))["brier"] == 0 and auc(y, y.astype(float)) == 1
    p = np.array([0.1, 0.1, 0.1, 0.1, 0.7, 0.7, 0.7, 0.7])
    y2 = np.array([0, 0, 1, 0, 1, 1, 0, 1])
    d = brier(y2, p, bins=2)
    assert d["brier"] == pytest.approx(d["reliability"] - d["resolution"] + d["uncertainty"])


def test_backtest_on_the_synthetic_history_beats_its_baselines(synthetic, run, tmp_path):
    """`orgsim backtest` prints every model's scores, writes the calibration figure, and the fitted model wins on log-loss."""
    path, _changes, _panel = synthetic
    figure = tmp_path / "calibration.png"
    code, out, err = run("backtest", "--data", path, "--fit-until", "1989", "--predict", "1990-2010",
                         "--figure", str(figure), "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    models = {r["model"] for r in result["scores"]}
    assert models == {"fitted", "no network", "constant rate", "persistence"}
    assert all(result["fitted_beats"][m]["fitted_better"] for m in ("constant rate", "persistence"))
    assert figure.stat().st_size > 10_000


@pytest.mark.parametrize("args, message", [
    (["--fit-until", "1989", "--predict", "1980-1985"], "predict years after --fit-until 1989"),
    (["--fit-until", "1989", "--predict", "soon"], "--predict 'soon': give a year or a range"),
    (["--fit-until", "2050", "--predict", "2051-2060"], "no rows to predict"),
])
def test_backtest_refuses_bad_years_in_one_line(synthetic, run, args, message):
    """Impossible years are one line on stderr with exit status 2."""
    code, out, err = run("backtest", "--data", synthetic[0], *args)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1 and out == ""


def test_backtest_names_a_missing_data_file(run, tmp_path):
    """A --data path that does not exist is named."""
    code, _out, err = run("backtest", "--data", str(tmp_path / "nope.csv"), "--fit-until", "1989", "--predict", "1990")
    assert code == 2 and "nope.csv" in err and "no such file" in err


# --- fitted scenarios -------------------------------------------------------------------------------------------

def test_the_fitted_future_2030_is_the_same_twice_and_with_two_workers(run):
    """One seed gives the same numbers on a second run and with 2 workers."""
    outs = []
    for workers in ("1", "1", "2"):
        code, out, err = run("scenario", "run", FITTED, "--runs", "12", "--seed", "4", "--workers", workers,
                             "--format", "json")
        assert code == 0, err
        outs.append(json.loads(out))
    assert outs[0] == outs[1] == outs[2]
    assert outs[0]["hazards"]["model"] == "fitted" and "cow-igo-v3-basic.json" in outs[0]["hazards"]["source"]


def test_fitted_runs_differ_in_their_coefficients():
    """Each run draws its own coefficients from the estimate's uncertainty (the same for the same run)."""
    from orgsim.scenarios.load import load_scenario
    from orgsim.scenarios.plan import prepare
    from orgsim.scenarios.streams import Streams

    plan = prepare(load_scenario(FITTED))
    a, b, a2 = (plan.hazards.start(Streams(1, r)).params["exit"] for r in (0, 1, 0))
    assert not np.allclose(a, b) and np.allclose(a, a2)
    spread = np.std([plan.hazards.start(Streams(1, r)).params["exit"] for r in range(300)], axis=0)
    assert spread == pytest.approx(np.sqrt(np.diag(plan.hazards.model.fits["exit"].cov)), rel=0.2)


def test_compare_of_the_two_futures_shows_where_they_differ(run):
    """`scenario compare A B` runs both with one seed and lists member counts and each state's chance, A beside B."""
    code, out, err = run("scenario", "compare", os.path.join(SCENARIOS, "future-2030.yaml"), FITTED,
                         "--runs", "30", "--seed", "2", "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["a"]["scenario"] == "Membership to 2030" and "fitted" in result["b"]["scenario"]
    assert result["members"][0]["mean_a"] == result["members"][0]["mean_b"] == 6  # the fork: both start alike
    states = {r["state"] for r in result["membership_at_horizon"]}
    assert {"RUS", "UZB", "IRN"} <= states
    assert any(abs(r["difference"]) > 0.05 for r in result["membership_at_horizon"])


def _scenario(tmp_path, stochastic: str) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(f"orgsim_scenario: 1\nname: t\nquestion: q\nlog: csto\nstochastic:\n{stochastic}", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("stochastic, message", [
    ("  model: fitted\n", "needs one of hazards: FILE.json or fit:"),
    ("  model: fitted\n  hazards: nope.json\n", "nope.json does not exist"),
    ("  model: fitted\n  hazards: m.json\n  withdrawal: 0.1\n", "with model: fitted the hazards come from the model"),
    ("  model: guessed\n", "stochastic.model: one of constant, fitted"),
    ("  hazards: m.json\n", "stochastic.hazards: only with model: fitted"),
])
def test_bad_fitted_scenarios_are_one_line_errors(run, tmp_path, stochastic, message):
    """Each mistake names the scenario file and what is wrong, exit status 2."""
    (tmp_path / "m.json").write_text(open(MODEL, encoding="utf-8").read(), encoding="utf-8")
    path = _scenario(tmp_path, stochastic)
    code, _out, err = run("scenario", "run", path, "--runs", "2")
    assert code == 2 and message in err and "s.yaml" in err and len(err.strip().splitlines()) == 1


def test_a_model_with_network_covariates_is_refused_by_a_scenario(run, tmp_path):
    """A one-organization log cannot give co-membership: the scenario says so instead of inventing zeros."""
    model = json.loads(open(MODEL, encoding="utf-8").read())
    model["covariates"].append("comembership")
    (tmp_path / "m.json").write_text(json.dumps(model), encoding="utf-8")
    code, _out, err = run("scenario", "run", _scenario(tmp_path, "  model: fitted\n  hazards: m.json\n"), "--runs", "2")
    assert code == 2 and "comembership" in err and "--covariates basic" in err


def test_a_file_that_is_not_a_model_is_named(tmp_path, run):
    """Not JSON, or JSON of another format: one line naming the file."""
    (tmp_path / "m.json").write_text('{"format": "something else"}', encoding="utf-8")
    code, _out, err = run("scenario", "run", _scenario(tmp_path, "  model: fitted\n  hazards: m.json\n"), "--runs", "2")
    assert code == 2 and "m.json: not a hazard model" in err


def test_a_saved_model_round_trips():
    """The bundled model reads back with the same coefficients and predicts probabilities in (0, 1)."""
    text = open(MODEL, encoding="utf-8").read()
    model = HazardModel.from_json(text)
    again = HazardModel.from_json(model.to_json())
    for kind in KINDS:
        assert np.array_equal(model.fits[kind].params, again.fits[kind].params)
    import pandas as pd

    rows = pd.DataFrame({"kind": [0, 1, 2], **{c: [1.0, 1.0, 1.0] for c in BASIC}})
    p = model.predict(rows)
    assert np.all((p > 0) & (p < 1))


# --- the real data -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cow_panel() -> Panel:
    """Every organization of COW IGO v3, replayed and turned into rows at risk (about a minute)."""
    return panel_of(histories_of([COW]))


@needs_cow
def test_backtest_on_cow_fit_until_1989_beats_constant_rate_and_persistence(cow_panel):
    """Fit until 1989, predict 1990-2014: the fitted log-loss is lower than both baselines', and its AUC higher."""
    table = run_backtest(cow_panel, 1989, (1990, 2014)).table()
    everything = table[table.rows_of == "all"].set_index("model")
    assert everything.loc["fitted", "rows"] > 1_000_000
    for baseline in ("constant rate", "persistence"):
        assert everything.loc["fitted", "log_loss"] < everything.loc[baseline, "log_loss"]
        assert everything.loc["fitted", "auc"] > everything.loc[baseline, "auc"]


@needs_cow
def test_the_bundled_model_is_what_the_data_gives(cow_panel):
    """Refitting COW IGO v3 with the basic covariates reproduces scenarios/models/cow-igo-v3-basic.json."""
    bundled = HazardModel.from_json(open(MODEL, encoding="utf-8").read())
    fresh = fit(cow_panel, BASIC)
    for kind in KINDS:
        assert fresh.fits[kind].names == bundled.fits[kind].names
        assert np.allclose(fresh.fits[kind].params, bundled.fits[kind].params, rtol=1e-6, atol=1e-8)
        assert fresh.fits[kind].rows == bundled.fits[kind].rows


def test_fit_saves_a_model_a_scenario_can_use(synthetic, run, tmp_path):
    """`orgsim fit --covariates basic -o` writes a model; a scenario names it, and one fitted on the fly agrees."""
    path = synthetic[0]
    model = tmp_path / "m.json"
    code, out, err = run("fit", "--data", path, "--covariates", "basic", "-o", str(model), "--format", "json")
    assert code == 0, err
    printed = json.loads(out)
    assert {r["kind"] for r in printed["coefficients"]} == set(KINDS)
    assert printed["about"]["data"] == ["COW IGO v3 (synthetic_state_year.csv)"]
    saved = HazardModel.from_json(model.read_text(encoding="utf-8"))
    results = []
    for stochastic in ("  model: fitted\n  hazards: m.json\n", f"  model: fitted\n  fit: [{path}]\n"):
        scenario = _scenario(tmp_path, stochastic + "  start: '2019-05-01'\n  until: '2024-12-31'\n"
                                                  "  candidates: [UZB, AZE]\n")
        code, out, err = run("scenario", "run", scenario, "--runs", "5", "--seed", "1", "--format", "json")
        assert code == 0, err
        results.append(json.loads(out))
    assert results[0]["members"] == results[1]["members"]  # the same data gives the same hazards either way
    assert saved.fits["exit"].rows > 1000


def test_fit_refuses_a_model_file_that_is_not_json(synthetic, run, tmp_path):
    """-o must name a .json file; nothing is written."""
    code, _out, err = run("fit", "--data", synthetic[0], "-o", str(tmp_path / "m.yaml"))
    assert code == 2 and "a model is saved as .json" in err and not list(tmp_path.iterdir())


@pytest.mark.parametrize("damage", ["nan", "not_positive", "short"])
def test_a_damaged_model_is_refused_before_any_run(tmp_path, run, damage):
    """A covariance no run could draw from, a NaN or a missing coefficient: one line naming the file."""
    model = json.loads(open(MODEL, encoding="utf-8").read())
    fit_ = model["fits"][0]
    if damage == "nan":
        fit_["params"][1] = float("nan")
    elif damage == "not_positive":
        fit_["cov"][0][0] = -1.0
    else:
        fit_["params"] = fit_["params"][:-1]
    (tmp_path / "m.json").write_text(json.dumps(model), encoding="utf-8")
    code, _out, err = run("scenario", "run", _scenario(tmp_path, "  model: fitted\n  hazards: m.json\n"), "--runs", "2")
    assert code == 2 and "m.json" in err and len(err.strip().splitlines()) == 1, err
