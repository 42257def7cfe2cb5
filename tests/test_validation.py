"""A bad log gets one line naming the file, the line and the event, and exit status 2."""

import re
import textwrap

import pytest

BAD_EVENTS = {
    "malformed date": ("""\
        - id: bad-date
          date: "2009-02-30"
          kind: accession
          actors: [BEL]
          sources: [{source: notes, line: 2, quote: q, gloss: g}]
        """, "bad-date", 13, "day is out of range"),
    "unknown kind": ("""\
        - id: bad-kind
          date: "1991"
          kind: coup
          sources: [{source: notes, line: 2, quote: q, gloss: g}]
        """, "bad-kind", 13, "unknown kind 'coup'"),
    "duplicate id": ("""\
        - id: ta-signed
          date: "1991"
          kind: accession
          actors: [BEL]
          sources: [{source: notes, line: 2, quote: q, gloss: g}]
        """, "ta-signed", 13, "duplicate id (first used at line 7)"),
    "withdrawal of a non-member": ("""\
        - id: bel-leaves
          date: "1991"
          kind: withdrawal
          actors: [BEL]
          target: TA
          sources: [{source: notes, line: 2, quote: q, gloss: g}]
        """, "bel-leaves", 13, "BEL is not a member of TA"),
    "force under a body that does not exist yet": ("""\
        - id: early-force
          date: "1991"
          kind: force_formed
          target: TA.RRF
          payload: {name: Rapid Force, parent: TA.COUNCIL}
          sources: [{source: notes, line: 2, quote: q, gloss: g}]
        """, "early-force", 13, "parent TA.COUNCIL does not exist"),
    "unknown field": ("""\
        - id: typo
          date: "1991"
          kind: accession
          actor: [BEL]
          sources: [{source: notes, line: 2, quote: q, gloss: g}]
        """, "typo", 13, "unknown field 'actor'"),
    "unknown state code": ("""\
        - id: atlantis
          date: "1991"
          kind: accession
          actors: [ATL]
          sources: [{source: notes, line: 2, quote: q, gloss: g}]
        """, "atlantis", 13, "unknown state code 'ATL'"),
    "rule without a target": ("""\
        - id: ruleless
          date: "1991"
          kind: rule_adopted
          payload: {title: Consensus}
          sources: [{source: notes, line: 2, quote: q, gloss: g}]
        """, "ruleless", 13, "a rule_adopted event needs a target"),
    "payload key that is not text": ("""\
        - id: numbered
          date: "1991"
          kind: accession
          actors: [BEL]
          payload: {1: one}
          sources: [{source: notes, line: 2, quote: q, gloss: g}]
        """, "numbered", 17, "payload key 1 is not text"),
    "accession to a dissolved organization": ("""\
        - id: ta-ends
          date: "1995"
          kind: org_dissolved
          target: TA
          sources: [{source: notes, line: 2, quote: q, gloss: g}]
        - id: late-joiner
          date: "1996"
          kind: accession
          actors: [BEL]
          target: TA
          sources: [{source: notes, line: 3, quote: q, gloss: g}]
        """, "late-joiner", 18, "organization TA was dissolved (1995)"),
    "partner status for a signatory": ("""\
        - {id: e0, date: "1991", kind: partner_status, actors: [FRA], target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e0", 13, "FRA is a signatory of TA on 1991, not a candidate for partner status"),
    "associate status for a signatory": ("""\
        - {id: e1, date: "1991", kind: associate_status, actors: [DEU], target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e1", 13, "DEU is a signatory of TA on 1991, not a candidate for associate status"),
    "end of a status never held": ("""\
        - {id: e2, date: "1991", kind: status_ended, actors: [FRA], target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e2", 13, "FRA is not an observer, partner or associate of TA on 1991: its status is signatory (since 1990)"),
    "return of a state still in the system": ("""\
        - {id: e3, date: "1991", kind: system_return, actors: [DEU], target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e3", 13, "DEU is not out of the state system and holding a status of TA on 1991: its status is signatory (since 1990)"),
    "return with a status the vocabulary lacks": ("""\
        - {id: e4, date: "1991", kind: system_return, actors: [DEU], target: TA, payload: {status: ally}, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e4", 13, "payload.status must be one of associate, member, none, observer, unknown"),
    "renaming a body that does not exist": ("""\
        - {id: e5, date: "1991", kind: body_renamed, target: TA.COUNCIL, payload: {name: Board}, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e5", 13, "body TA.COUNCIL does not exist on 1991"),
    "dissolving a body that does not exist": ("""\
        - {id: e6, date: "1991", kind: body_dissolved, target: TA.COUNCIL, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e6", 13, "body TA.COUNCIL does not exist on 1991"),
    "disbanding a force that does not exist": ("""\
        - {id: e7, date: "1991", kind: force_disbanded, target: TA.RRF, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e7", 13, "force TA.RRF does not exist on 1991"),
    "the strength of a force that does not exist": ("""\
        - {id: e8, date: "1991", kind: force_strength, target: TA.RRF, payload: {strength: 10}, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e8", 13, "force TA.RRF does not exist on 1991"),
    "repealing a rule not in force": ("""\
        - {id: e9, date: "1991", kind: rule_repealed, target: TA.R.X, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e9", 13, "rule TA.R.X is not in force on 1991"),
    "a war with one side": ("""\
        - {id: e10, date: "1991", kind: armed_conflict, actors: [FRA], sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e10", 13, "an armed conflict needs two or more actors"),
    "a base without its user": ("""\
        - {id: e11, date: "1991", kind: base_established, actors: [FRA], payload: {name: Port}, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e11", 13, "a base needs payload.user"),
    "a rule of unknown standing": ("""\
        - {id: e12, date: "1991", kind: rule_adopted, target: TA.R.X, payload: {standing: proposed}, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e12", 13, "payload.standing must be adopted or stated, not 'proposed'"),
    "accession of a signatory": ("""\
        - {id: e13, date: "1991", kind: accession, actors: [FRA], target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e13", 13, "FRA was already a signatory of TA on 1991 (since 1990)"),
    "non-renewal by a state that never joined": ("""\
        - {id: e14, date: "1991", kind: non_renewal, actors: [ITA], target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e14", 13, "ITA is not a member of TA on 1991: its status is none"),
    "suspension of a signatory": ("""\
        - {id: e15, date: "1991", kind: suspension, actors: [FRA], target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e15", 13, "FRA is not a member of TA on 1991: its status is signatory (since 1990)"),
    "founding an organization twice": ("""\
        - {id: e16, date: "1991", kind: org_founded, actors: [ITA], target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e16", 13, "organization TA already exists"),
    "readmission of a state that never joined": ("""\
        - {id: e-readmit, date: "1991", kind: readmission, actors: [ITA], target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e-readmit", 13, "ITA was never a member of TA before 1991: its status is none"),
    "a session of a body that does not exist": ("""\
        - {id: e-session, date: "1991", kind: session, target: TA.BOARD, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """, "e-session", 13, "body TA.BOARD does not exist on 1991"),
    "a contribution by a state that is not a member": ("""\
        - {id: in-force, date: "1991", kind: treaty_in_force, target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        - {id: council, date: "1991-02", kind: body_created, target: TA.COUNCIL, payload: {name: Council, parent: TA}, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
        - {id: force, date: "1992", kind: force_formed, target: TA.RRF, actors: [FRA], payload: {name: Force, parent: TA.COUNCIL}, sources: [{source: notes, line: 4, quote: q, gloss: g}]}
        - {id: ita-helps, date: "1993", kind: force_contribution, actors: [ITA], target: TA.RRF, sources: [{source: notes, line: 5, quote: q, gloss: g}]}
        """, "ita-helps", 16, "ITA is not a member of TA on 1993 (status none), so it cannot contribute to TA.RRF"),
    "the treaty in force twice": ("""\
        - {id: first, date: "1991", kind: treaty_in_force, target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        - {id: again, date: "1992", kind: treaty_in_force, target: TA, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
        """, "again", 14, "the treaty of TA is already in force or ended (in_force)"),
    "no source": ("""\
        - id: hearsay
          date: "1991"
          kind: accession
          actors: [BEL]
        """, "hearsay", 13, "needs sources"),
}


@pytest.mark.parametrize("case", sorted(BAD_EVENTS))
def test_bad_log_fails_validate_with_one_line(case, write_log, run):
    """orgsim validate exits 2 with one stderr line naming the file, line and event."""
    events_yaml, event_id, line, message = BAD_EVENTS[case]
    path = write_log(events_yaml)
    code, out, err = run("validate", path)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"orgsim: error: {path}:{line}: event '{event_id}': ")
    assert message in lines[0]


def test_valid_prefix_passes(write_log, run):
    """The harness's own header and first event are valid, so the failures above are the events'."""
    code, out, _ = run("validate", write_log(""))
    assert code == 0 and out.startswith("ok:")


@pytest.mark.parametrize("content, fragment", [
    ("- just\n- a list\n", "must be a YAML mapping"),
    ("orgsim_log: 9\norganization: X\nevents: []\n", "newer orgsim"),
    ("orgsim_log: 2\norganization: X\nevents: [\n", "not valid YAML"),
    ("a: &x [1]\nb: *x\n", "aliases are not allowed"),
    ("orgsim_log: 2\norganization: X\norganization: Y\nevents: []\n", "duplicate key"),
])
def test_broken_files_are_refused(tmp_path, run, content, fragment):
    """Files that are not logs are refused with one line and exit 2."""
    path = tmp_path / "broken.yaml"
    path.write_text(content, encoding="utf-8")
    code, _, err = run("validate", str(path))
    assert code == 2 and fragment in err and len(err.strip().splitlines()) == 1
    assert re.match(rf"orgsim: error: {re.escape(str(path))}(:\d+)?: ", err)


def test_an_unquoted_impossible_date_is_a_date_error(write_log, run):
    """`date: 2009-02-30` without quotes is read as text and refused by the date parser, not by YAML."""
    path = write_log("""\
        - id: unquoted
          date: 2009-02-30
          kind: accession
          actors: [BEL]
          sources: [{source: notes, line: 2, quote: q, gloss: g}]
        """)
    code, _, err = run("validate", path)
    assert code == 2 and f"{path}:13: event 'unquoted': '2009-02-30' is not a valid date" in err


def test_non_utf8_is_refused_with_its_line(tmp_path, run):
    """Bytes that are not UTF-8 are reported with the line they are on."""
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"orgsim_log: 2\norganization: X\n# caf\xe9\nevents: []\n")
    code, _, err = run("validate", str(path))
    assert code == 2 and f"{path}:3: not UTF-8" in err


def test_missing_file_is_one_line(run, tmp_path):
    """A log that does not exist is an input error, not a traceback."""
    code, _, err = run("validate", str(tmp_path / "nope.yaml"))
    assert code == 2 and "cannot read" in err


BODY_EXIT_AND_RETURN = """\
    - id: ta-cmd
      date: "1991"
      kind: body_created
      actors: [FRA, DEU]
      target: TA.CMD
      payload: {name: Integrated Command, parent: TA}
      sources: [{source: notes, line: 1, quote: q, gloss: g}]
    - id: fra-leaves-cmd
      date: "1995"
      kind: withdrawal
      actors: [FRA]
      target: TA.CMD
      sources: [{source: notes, line: 1, quote: q, gloss: g}]
    - id: fra-returns-cmd
      date: "2009"
      kind: readmission
      actors: [FRA]
      target: TA.CMD
      sources: [{source: notes, line: 1, quote: q, gloss: g}]
    """


def test_a_state_leaves_a_body_and_is_readmitted(write_log, run):
    """Readmission to a body a state withdrew from works (it said the organization did not exist)."""
    from orgsim.engine.history import History

    path = write_log(BODY_EXIT_AND_RETURN)
    code, out, err = run("validate", path)
    assert code == 0, err
    h = History.load(path)
    status = {y: {m["id"]: m["status"] for m in h.at(y).memberships("TA.CMD")}["FRA"] for y in ("2000", "2010")}
    assert status == {"2000": "withdrawn", "2010": "member"}
    assert h.at("2010") == h.replay_to("2010")


@pytest.mark.parametrize("target, fragment", [
    ("TA.NOPE", "a readmission targets an organization or a body, and there is no organization or body TA.NOPE"),
])
def test_readmission_to_something_that_is_not_joinable_says_what_is_wrong(write_log, run, target, fragment):
    """A readmission whose target is neither an organization nor a body says so, naming the target."""
    path = write_log(BODY_EXIT_AND_RETURN.rsplit("target: TA.CMD", 1)[0] + f"target: {target}\n"
                     "      sources: [{source: notes, line: 1, quote: q, gloss: g}]\n")
    code, _, err = run("validate", path)
    assert code == 2 and "event 'fra-returns-cmd'" in err and fragment in err, err


def test_an_organization_the_log_founds_later_does_not_exist_before(tmp_path, run):
    """TB is declared and founded in 1995: renaming it in 1993 is one line naming the event and TB's absence."""
    (tmp_path / "notes.txt").write_text("q\nq\nq\n", encoding="utf-8")
    path = tmp_path / "two.yaml"
    path.write_text(textwrap.dedent("""\
        orgsim_log: 2
        id: two
        organization: TA
        entities: {organizations: {TA: {name: Test Alliance}, TB: {name: Second Body}}}
        sources: {notes: {file: notes.txt}}
        events:
        - {id: ta-founded, date: "1990", kind: org_founded, actors: [FRA, DEU], target: TA, sources: [{source: notes, line: 1, quote: q, gloss: g}]}
        - {id: tb-renamed, date: "1993", kind: org_renamed, target: TB, payload: {name: Early Name}, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        - {id: tb-founded, date: "1995", kind: org_founded, actors: [FRA], target: TB, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
        """), encoding="utf-8")
    code, out, err = run("validate", str(path))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith(f"orgsim: error: {path}:8: event 'tb-renamed': ") and "organization TB does not exist on 1993" in err


def test_a_session_of_the_organization_itself_needs_no_body(write_log, run):
    """A session whose target is TA (not a body id like TA.COUNCIL) is valid as written."""
    code, out, err = run("validate", write_log("""\
        - {id: summit, date: "1991", kind: session, target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
        """))
    assert code == 0 and out.startswith("ok:"), err
