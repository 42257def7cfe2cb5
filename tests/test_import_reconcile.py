"""`orgsim reconcile`: the seed's CSTO log against the COW and ATOP imports, state by state and year by year."""

import csv
import io
import json
import os

import pytest
from orgsim.engine.history import History
from orgsim.events import bundled_log_path
from orgsim.reports.reconcile import reconcile

HERE = os.path.dirname(__file__)
COW = os.path.join(HERE, "fixtures", "cow_state_year", "state_year_format3.csv")
ATOP = os.path.join(HERE, "fixtures", "atop_4220")
DATA = os.path.join(HERE, "..", "..", "shared", "data")
needs_data = pytest.mark.skipif(not os.path.isdir(DATA),
                                reason="../shared/data (COW IGO v3, ATOP 5.1) is not here: real-data test skipped")
SEED = bundled_log_path()


def imported(run, tmp_path, *args):
    """Run an `orgsim import …` command into a file and return its path."""
    out = str(tmp_path / f"{args[0]}.yaml")
    code, _o, err = run("import", *args, "-o", out)
    assert code == 0, err
    return out


def disagreements(run, *args):
    """`orgsim reconcile … --format csv`: the disagreeing runs, by state and years."""
    code, out, err = run("reconcile", *args, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    return {(r["state"], r["years"]): r for r in rows if r["verdict"] == "disagree"}


def check_seed_vs_cow(run, cow_log):
    """The seed and COW disagree on Uzbekistan 2002-2005 and on the 2013-2014 observers, each side cited."""
    found = disagreements(run, SEED, cow_log, "--year-rule", "dec31")
    assert set(found) == {("UZB", "2002-2005"), ("AFG", "2013-2014"), ("SRB", "2013-2014")}
    uzb = found[("UZB", "2002-2005")]
    assert (uzb["a_status"], uzb["b_status"]) == ("not_renewed", "member")
    assert uzb["a_source"] == "aze-geo-uzb-non-renewal-1999 (000_8ab9e1a82047c36f.txt line 5)"
    assert uzb["b_source"].startswith("cow-csto-2002-uzb-accession (state_year_format3.csv row ")
    assert found[("AFG", "2013-2014")]["b_status"] == "observer"
    any_rule = disagreements(run, SEED, cow_log, "--year-rule", "any")
    assert any_rule[("UZB", "2012")]["a_source"].startswith("uzb-readmission-2006-08 (")  # a member until December


def check_seed_vs_atop(run, atop_log):
    """ATOP codes signature dates, so it counts the 1992-1993 signatories as members; the seed does not."""
    found = disagreements(run, SEED, atop_log, "--org-b", "ATOP-4220")
    assert set(found) == {(s, "1992-1993") for s in ("ARM", "KAZ", "KGZ", "RUS", "TJK", "UZB")} | \
        {("AZE", "1993"), ("GEO", "1993")}
    rus = found[("RUS", "1992-1993")]
    assert (rus["a_status"], rus["b_status"]) == ("signatory", "member")
    assert rus["a_source"] == "cst-signed-1992 (000_8ab9e1a82047c36f.txt line 5)"
    assert rus["b_source"].startswith("atop-4220-rus-1992-05-15-accession (atop5_1m.csv row ")


def test_fixture_reconcile_lists_each_disagreement_with_both_sources(run, tmp_path):
    """Seed vs COW and seed vs ATOP (fixtures): every disagreement, with event ids, seed lines and data rows."""
    check_seed_vs_cow(run, imported(run, tmp_path, "cow-igo", COW, "--org", "CSTO"))
    check_seed_vs_atop(run, imported(run, tmp_path, "atop", ATOP, "--atopid", "4220"))


@needs_data
def test_real_reconcile_lists_each_disagreement_with_both_sources(run, tmp_path):
    """The same on the real COW state-year file and the real ATOP member file."""
    check_seed_vs_cow(run, imported(run, tmp_path, "cow-igo", os.path.join(DATA, "cow-igo-v3",
                                                                           "state_year_format3.csv"), "--org", "CSTO"))
    check_seed_vs_atop(run, imported(run, tmp_path, "atop", os.path.join(DATA, "atop-5.1"), "--atopid", "4220"))


def test_silence_outside_coverage(run, tmp_path):
    """COW is silent before 2002 (it does not code the 1992 treaty) and after 2014 (its last year)."""
    cow = History.load(imported(run, tmp_path, "cow-igo", COW, "--org", "CSTO"))
    result = reconcile(History.load(SEED), cow, "CSTO")
    assert result.cells[("RUS", 1995)][0] == "b_silent"
    assert result.cells[("RUS", 2016)][0] == "b_silent"
    assert result.cells[("RUS", 2005)][0] == "agree"
    assert result.summary()["a_silent"] == 0


def test_json_and_figure(run, tmp_path):
    """`--format json` gives the counts and runs with both sides' sources; `-o` draws the heat map."""
    cow = imported(run, tmp_path, "cow-igo", COW, "--org", "CSTO")
    fig = tmp_path / "reconcile.png"
    code, out, err = run("reconcile", SEED, cow, "--format", "json", "-o", str(fig))
    assert code == 0, err
    data = json.loads(out)
    assert data["a"]["org"] == data["b"]["org"] == "CSTO"
    assert "000_8ab9e1a82047c36f.txt" in data["a"]["log"] and "COW IGO 3" in data["b"]["log"]
    assert data["summary"]["disagree"] > 0 and data["spans"][0]["a_source"]
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, _o, err = run("reconcile", SEED, cow, "-o", str(tmp_path / "fig.txt"))
    assert code == 2 and "extension" in err


def test_unknown_organization_is_refused(run, tmp_path):
    """An --org-b the second log does not have is a one-line error."""
    cow = imported(run, tmp_path, "cow-igo", COW, "--org", "CSTO")
    code, _o, err = run("reconcile", SEED, cow, "--org-b", "NATO")
    assert code == 2 and "no organization 'NATO'" in err
