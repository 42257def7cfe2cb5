"""`orgsim validate` checks every log's citations against its source files, not only the bundled log's."""

import os
import textwrap

import pytest

from orgsim.events import load_log
from orgsim.events.citations import SOURCES_PATH_ENV, check_citations

from .conftest import SEED

HEAD = """\
orgsim_log: 2
id: c
organization: TA
entities: {organizations: {TA: {name: Test Alliance}}}
sources: {src: {file: source.txt, language: LANG}}
events:
"""
SOURCE = "The alliance was signed on 15 May 1992 in Tashkent.\nสนธิสัญญาลงนามเมื่อวันที่ ๑๕ พฤษภาคม พ.ศ. ๒๕๓๕\n"


def _log(folder, events: str, lang: str = "en", source: str | None = SOURCE) -> str:
    folder.mkdir(exist_ok=True)
    if source is not None:
        (folder / "source.txt").write_text(source, encoding="utf-8")
    path = folder / "log.yaml"
    path.write_text(HEAD.replace("LANG", lang) + textwrap.dedent(events), encoding="utf-8")
    return str(path)


def _signed(date: str, line: int, quote: str) -> str:
    return f"""\
    - id: ta-signed
      date: "{date}"
      kind: treaty_signed
      actors: [FRA, DEU]
      target: TA
      sources: [{{source: src, line: {line}, quote: "{quote}", gloss: signed}}]
    """


def test_a_quote_not_on_its_cited_line_fails_validate_with_one_line_naming_the_event(tmp_path, run):
    """Must show: a quote that does not occur on its cited line is exit 2 and one line naming the event."""
    path = _log(tmp_path / "a", _signed("1992-05-15", 1, "signed on 16 May 1992"))
    code, out, err = run("validate", path)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        f"orgsim: error: {path}:7: event 'ta-signed': the quote 'signed on 16 May 1992' is not on line 1 of source.txt"]


def test_a_quote_on_another_line_says_which(tmp_path, run):
    """A quote cited on the wrong line names the line it is on."""
    path = _log(tmp_path / "a", _signed("1992-05-15", 2, "signed on 15 May 1992"))
    code, _, err = run("validate", path)
    assert code == 2 and "is not on line 2 of source.txt (it is on line 1)" in err


def test_a_day_no_quote_states_is_a_warning_naming_the_event(tmp_path, run):
    """Must show: a day-precision date that is nowhere in its quotes gets a warning naming the event."""
    path = _log(tmp_path / "a", _signed("1992-05-16", 1, "signed on 15 May 1992"))
    code, out, err = run("validate", path)
    assert code == 0, err
    assert (f"warning {path}:7: event 'ta-signed': its date 1992-05-16 is day-precise, but no quote of the event "
            "states the day 16") in out


@pytest.mark.parametrize("lang, date, warned", [
    ("th", "1992-05-15", False),   # ๑๕ and พ.ศ. ๒๕๓๕ (B.E. 2535 = 1992) are the day and the year
    ("th", "1991-05-15", True),    # B.E. 2535 is not 1991
    ("en", "1992-05-15", True),    # an English source has no Buddhist-era years
])
def test_thai_digits_and_buddhist_era_years_count(tmp_path, run, lang, date, warned):
    """The day and year are read in the source language's digits and calendar (Thai: B.E. = CE + 543)."""
    path = _log(tmp_path / "a", _signed(date, 2, "ลงนามเมื่อวันที่ ๑๕ พฤษภาคม พ.ศ. ๒๕๓๕"), lang=lang)
    code, out, err = run("validate", path)
    assert code == 0, err
    assert ("event 'ta-signed': its date" in out) is warned, out


def test_a_missing_source_file_is_an_error_that_says_where_it_looked(tmp_path, run):
    """A source file found nowhere fails validate, naming the folders searched and the two ways out."""
    path = _log(tmp_path / "a", _signed("1992-05-15", 1, "15 May 1992"), source=None)
    code, _, err = run("validate", path)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"source 'src': file source.txt not found (looked in {tmp_path / 'a'})" in err
    assert "--sources-path DIR" in err and "--no-source-check" in err


def test_no_source_check_says_so(tmp_path, run):
    """--no-source-check validates the rest and says the citations were not checked."""
    path = _log(tmp_path / "a", _signed("1992-05-15", 1, "15 May 1992"), source=None)
    code, out, _ = run("validate", "--no-source-check", path)
    assert code == 0 and "sources: not checked (--no-source-check)" in out


def test_sources_are_found_by_the_documented_rule(tmp_path, run, monkeypatch):
    """The log's folder first, then --sources-path, then ORGSIM_SOURCES_PATH, then the header's `paths`."""
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "source.txt").write_text(SOURCE, encoding="utf-8")
    path = _log(tmp_path / "a", _signed("1992-05-15", 1, "15 May 1992"), source=None)
    assert run("validate", path, "--sources-path", str(texts))[0] == 0
    monkeypatch.setenv(SOURCES_PATH_ENV, str(texts))
    assert run("validate", path)[0] == 0
    monkeypatch.delenv(SOURCES_PATH_ENV)
    with open(path, encoding="utf-8") as fh:
        text = fh.read().replace("{file: source.txt,", "{file: source.txt, paths: [../texts],")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    report = check_citations(load_log(path))
    assert report.files == {"src": os.path.normpath(str(texts / "source.txt"))} and report.quotes == 1


def test_the_bundled_log_finds_its_seed_beside_the_clone(run):
    """The CSTO log lists ../shared/seeds (beside the clone) as where its seed is; every quote checks out."""
    if not os.path.exists(SEED):
        code, _, err = run("validate")
        assert code == 2 and "000_8ab9e1a82047c36f.txt not found" in err and "--no-source-check" in err
        return
    code, out, err = run("validate")
    assert code == 0, err
    assert "sources: 2" in out and "quotes found on their cited lines" in out and "; 0 warnings" in out
