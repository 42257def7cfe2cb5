"""Old logs keep loading: a schema-1 log is upcast and replays exactly as its schema-2 form."""

import textwrap

from orgsim.engine.history import History
from orgsim.events import load_log_text

V1 = textwrap.dedent("""\
    orgsim_log: 1
    id: old
    organization: TA
    entities: {organizations: {TA: {name: Test Alliance}}}
    source_file: notes.txt
    events:
    - id: signed
      date: "1990"
      type: treaty_signed
      actors: [FRA, DEU]
      target: TA
      source: {line: 1, quote: signed, gloss: signed}
    - id: in-force
      date: "1991-05"
      type: treaty_in_force
      target: TA
      source: {line: 2, quote: in force, gloss: in force}
    """)

V2 = textwrap.dedent("""\
    orgsim_log: 2
    id: old
    organization: TA
    entities: {organizations: {TA: {name: Test Alliance}}}
    sources: {main: {file: notes.txt}}
    events:
    - id: signed
      date: "1990"
      kind: treaty_signed
      actors: [FRA, DEU]
      target: TA
      sources: [{source: main, line: 1, quote: signed, gloss: signed}]
    - id: in-force
      date: "1991-05"
      kind: treaty_in_force
      target: TA
      sources: [{source: main, line: 2, quote: in force, gloss: in force}]
    """)


def test_a_schema_1_log_loads_as_schema_2():
    """The upcast log has the same events, kinds and citations as the log written in schema 2."""
    old, new = load_log_text(V1, "old.yaml"), load_log_text(V2, "new.yaml")
    assert old.version == new.version == 2
    strip = lambda log: [(e.id, e.kind, e.date.text, e.actors, e.sources) for e in log.events]  # noqa: E731
    assert strip(old) == strip(new)


def test_a_schema_1_log_replays_like_schema_2():
    """Replaying either form gives the same members on the same dates."""
    old, new = History(load_log_text(V1, "old.yaml")), History(load_log_text(V2, "new.yaml"))
    for date in ("1990-06", "1991-05-01", "2000"):
        assert old.at(date).facts == new.at(date).facts
    # The treaty entered into force some day of 1991: in May either status may hold, in both forms alike.
    assert sorted({(m["status"], m["modality"]) for m in old.at("1991-05").members()}) == \
        [("member", "possible"), ("signatory", "possible")]
    assert old.at("1991-05").alternatives == new.at("1991-05").alternatives
