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


def compared(run, *args):
    """`orgsim reconcile … --format csv`: every compared fact, by (state, fact, when, verdict)."""
    code, out, err = run("reconcile", *args, "--format", "csv")
    assert code == 0, err
    return {(r["state"], r["fact"], r["when"], r["verdict"]): r for r in csv.DictReader(io.StringIO(out))}


def verdicts(rows, verdict):
    """The (state, fact, when) of the rows with one verdict."""
    return {k[:3] for k in rows if k[3] == verdict}


def check_seed_vs_cow(run, cow_log):
    """Year against year under COW's rule (any part of the year): the seed and COW disagree on Uzbekistan
    2002-2005 and agree on its return in 2006; each side cited."""
    rows = compared(run, SEED, cow_log)
    real = verdicts(rows, "disagree")
    assert ("UZB", "years", "2002-2005") in real
    assert real == {("UZB", "years", "2002-2005"), ("UZB", "years", "2012"), ("AFG", "years", "2013-2014"),
                    ("SRB", "years", "2013-2014")}
    assert ("UZB", "years", "2006-2011") in verdicts(rows, "agree")  # the August 2006 return counts for 2006
    assert not verdicts(rows, "coding_difference")  # both count full membership only
    uzb = rows[("UZB", "years", "2002-2005", "disagree")]
    assert (uzb["a_status"], uzb["b_status"], uzb["difference"]) == ("not_renewed", "member", "real")
    assert uzb["a_source"] == "aze-geo-uzb-non-renewal-1999 (000_8ab9e1a82047c36f.txt line 5)"
    assert uzb["b_source"].startswith("cow-csto-2002-uzb-accession (state_year_format3.csv row ")
    assert rows[("AFG", "years", "2013-2014", "disagree")]["b_status"] == "observer"
    dec31 = verdicts(compared(run, SEED, cow_log, "--year-rule", "dec31"), "disagree")
    assert ("UZB", "years", "2012") not in dec31  # suspended in December: not a member on 31 December


def check_seed_vs_atop(run, atop_log):
    """Date against date, ATOP's signature counted as membership: Belarus's entry (1993-12 against 1994-01-03)
    is a real difference, the 1992-93 signatures only coding differences; Uzbekistan's 2012 exit differs by
    156 days, its 2006 return agrees within the month."""
    rows = compared(run, SEED, atop_log, "--org-b", "ATOP-4220")
    real = verdicts(rows, "disagree")
    # The 1999 lapse is read at the end of the treaty's term (the log's default reading, conflict
    # non-renewal-1999), 1999-04-20, which is ATOP's date too: those exits agree.
    assert real == {("BLR", "entry", "1993"), ("UZB", "exit", "2012")}
    blr = rows[("BLR", "entry", "1993", "disagree")]
    assert (blr["a_date"], blr["b_date"], blr["gap_days"], blr["difference"]) == ("1993-12", "1994-01-03", "3", "real")
    assert blr["a_source"] == "geo-blr-accession-1993 (000_8ab9e1a82047c36f.txt line 280)"
    assert blr["b_source"].startswith("atop-4220-blr-1994-01-03-accession (atop5_1m.csv row ")
    exit_ = rows[("UZB", "exit", "2012", "disagree")]
    assert (exit_["a_date"], exit_["b_date"], exit_["gap_days"]) == ("2012-12", "2012-06-28", "156")
    assert ("UZB", "exit", "1999") in verdicts(rows, "agree")
    back = rows[("UZB", "entry", "2006", "agree")]
    assert (back["verdict"], back["a_date"], back["b_date"], back["gap_days"]) == ("agree", "2006-08", "2006-08-17",
                                                                                     "0")
    coding = verdicts(rows, "coding_difference")
    assert coding == {(s, "entry", "1992") for s in ("ARM", "KAZ", "KGZ", "RUS", "TJK", "UZB")} | \
        {("AZE", "entry", "1993"), ("GEO", "entry", "1993")}
    rus = rows[("RUS", "entry", "1992", "coding_difference")]
    assert (rus["a_status"], rus["b_status"], rus["difference"]) == ("member", "member", "coding")
    assert rus["a_source"] == "cst-in-force-1994 (000_8ab9e1a82047c36f.txt line 5)"
    assert rus["b_source"].startswith("atop-4220-rus-1992-05-15-accession (atop5_1m.csv row ")
    assert not any(s == "RUS" for (s, _f, _w) in real)  # read alike, the founders agree to the day
    assert ("RUS", "entry", "1992") in verdicts(rows, "agree")


def test_fixture_reconcile_lists_each_disagreement_with_both_sources(run, tmp_path):
    """Seed vs COW (years) and seed vs ATOP (dates), fixtures: every fact, with event ids, seed lines and data rows."""
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
    assert result.precision == "year" and result.rule == "any"
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
    assert data["b"]["coding"]["year_rule"] == "any" and data["a"]["coding"]["membership"] == ["member"]
    assert data["precision"] == "year"
    assert data["summary"]["disagree"] > 0
    assert data["real_differences"][0]["a_source"] and data["coding_differences"] == []
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, _o, err = run("reconcile", SEED, cow, "-o", str(tmp_path / "fig.txt"))
    assert code == 2 and "extension" in err


def test_unknown_organization_is_refused(run, tmp_path):
    """An --org-b the second log does not have is a one-line error."""
    cow = imported(run, tmp_path, "cow-igo", COW, "--org", "CSTO")
    code, _o, err = run("reconcile", SEED, cow, "--org-b", "NATO")
    assert code == 2 and "no organization 'NATO'" in err
