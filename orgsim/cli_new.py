"""`orgsim new`: scaffold a log (header, sources, one event) or a scenario, ready for `validate`.

Both are written only after they load cleanly, and an existing file is never overwritten.
"""

from __future__ import annotations

import json
import os
import re

import click

from orgsim.cli_group import UserError, cli
from orgsim.events import bundled_log_path, bundled_logs, load_log, load_log_text
from orgsim.reports.files import atomic_output

ORG_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _write_new(path: str, text: str) -> None:
    if os.path.exists(path):
        raise UserError(f"{path} already exists: orgsim new never overwrites a file")
    with atomic_output(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)


def _first_line(path: str) -> tuple[int, str]:
    """The first non-empty line of a source text: (line number, its text)."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            for number, line in enumerate(fh, start=1):
                if line.strip():
                    return number, line.strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"--source {path}: cannot read it as UTF-8 text ({exc})") from None
    raise UserError(f"--source {path}: the file is empty; give a source text, or a name not yet used")


def log_scaffold(org: str, name: str, founded: str, members: list[str], source: str, language: str,
                 line: int, quote: str) -> str:
    """The text of a new log: header, one source, no conflicts, and the founding event citing the source."""
    from orgsim.schemas import schema_path

    return f"""\
# yaml-language-server: $schema={schema_path("log")}
# An orgsim log (docs/log-format.md; a walk-through: docs/writing-a-log.md). Check it with `orgsim validate FILE`.
orgsim_log: 2
id: {org.lower()}
title: {_q(name)}
organization: {org}
entities:
  organizations:
    {org}: {{name: {_q(name)}}}
  # Parliaments, unions and other actors that are not states are declared under `others`.
  others: {{}}
sources:
  main:
    # Looked for in this file's folder, then in --sources-path folders, ORGSIM_SOURCES_PATH and `paths`.
    file: {_q(source)}
    # ISO 639-1: the digits and calendar a date's day and year are looked for in.
    language: {language}
    description: The source text the events quote, line by line.
texts: []
# Where sources disagree: every reading, a default and why (docs/log-format.md, "Conflicts").
conflicts: []
events:
# One event; `orgsim kinds` lists every kind. A date is as precise as the source: 1949, 1949-04, 1949-04-04.
- id: {org.lower()}-founded
  date: {_q(founded)}
  kind: org_founded
  actors: [{", ".join(members)}]
  target: {org}
  payload: {{name: {_q(name)}, short: {org}}}
  confidence: high
  sources:
  - source: main
    line: {line}
    quote: {_q(quote)}
    gloss: {_q("(the quote in English)")}
"""


@cli.group()
def new() -> None:
    """Scaffold a new log or scenario that validates as written, to edit from there."""


@new.command("log")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--org", required=True, help="The organization's id: upper case, digits and '-' (NATO, MY-ALLIANCE).")
@click.option("--name", default=None, help="Its full name (default: the id).")
@click.option("--founded", default="2000", show_default=True, help="Its founding date as the source gives it.")
@click.option("--members", default="", help="Founding member states, ISO alpha-3, comma-separated (FRA,DEU).")
@click.option("--source", "source", default=None,
              help="The source text file, relative to FILE's folder (default: ORG-source.txt, created with a "
                   "placeholder line to replace).")
@click.option("--language", default="en", show_default=True, help="The source's language (ISO 639-1).")
def new_log(file: str, org: str, name: str | None, founded: str, members: str, source: str | None,
            language: str) -> None:
    """Write a log: its header, one source, and a founding event that cites the source's first line."""
    if not ORG_RE.match(org):
        raise UserError(f"--org {org!r}: use upper case letters, digits and '-' (NATO, MY-ALLIANCE)")
    if not re.fullmatch(r"[a-z]{2,3}", language):
        raise UserError(f"--language {language!r}: an ISO 639-1 code such as en, fr, th")
    name = name or org
    states = [m.strip().upper() for m in members.split(",") if m.strip()]
    folder = os.path.dirname(os.path.abspath(file))
    source = source or f"{org.lower()}-source.txt"
    source_path = os.path.join(folder, source)
    placeholder = not os.path.exists(source_path)
    if placeholder:
        line, quote = 1, f"PLACEHOLDER: replace this file with the source text. {name} was founded in {founded}."
    else:
        line, quote = _first_line(source_path)
    text = log_scaffold(org, name, founded, states, source, language, line, quote)
    try:
        load_log_text(text, file)  # every check a log gets, before anything is written
    except ValueError as exc:
        raise UserError(str(exc)) from None
    _write_new(file, text)
    if placeholder:
        _write_new(source_path, quote + "\n")
        print(f"wrote {source_path}: a placeholder line; replace it with the source text, then cite its lines")
    print(f"wrote {file}: {org}, one event citing line {line} of {source}")
    print(f"next: edit the events (docs/writing-a-log.md), then `orgsim validate {file}`")


@new.command("scenario")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--log", "log_ref", default="csto", show_default=True,
              help="The log it branches: a bundled log's name or a path.")
@click.option("--name", default="A new scenario", show_default=True, help="Its name.")
def new_scenario(file: str, log_ref: str, name: str) -> None:
    """Write a scenario that branches a log: its question, and the six kinds of intervention as comments."""
    if log_ref in bundled_logs():
        ref, log = log_ref, load_log(bundled_log_path(log_ref))
    else:
        if not os.path.isfile(log_ref):
            raise UserError(f"--log {log_ref!r} is neither a bundled log ({', '.join(bundled_logs())}) nor a file")
        log = load_log(log_ref)
        ref = os.path.relpath(os.path.abspath(log_ref), os.path.dirname(os.path.abspath(file)))
    last = log.events[-1].id if log.events else "EVENT_ID"
    conflict = log.conflicts[0] if log.conflicts else None
    text = f"""\
# An orgsim scenario (README, "Counterfactual scenarios"; schema: docs/schemas/scenario.schema.json).
# Check it with `orgsim scenario validate FILE`, compare it with `orgsim scenario compare FILE`.
orgsim_scenario: 1
name: {_q(name)}
question: {_q("What if ...?")}
log: {_q(ref)}                      # a bundled log's name, or a path relative to this file
raised_by: []                     # the passages that raise the question: {{line, quote, gloss}}
expected: {_q("What you expect to change, and why.")}
interventions: []
# Replace [] above with a list of these (ids from `orgsim events --log ...`):
# - remove: {last}
#   why: ...
# - move: {last}
#   to: "2001-06"
# - change: {last}
#   set: {{actors: [FRA]}}
# - insert: {{id: my-event, date: "2001", kind: accession, actors: [FRA], rationale: "why it is supposed"}}
# - rule: RULE_ID
#   mode: strict                  # off | recorded | strict
# - reading: {conflict.id if conflict else "CONFLICT_ID"}
#   choose: {conflict.readings[1].id if conflict else "READING_ID"}
"""
    _write_new(file, text)
    from orgsim.scenarios.load import load_scenario

    try:
        load_scenario(file)
    except ValueError as exc:  # should not happen; if it does, leave nothing half-made behind
        os.remove(file)
        raise UserError(str(exc)) from None
    print(f"wrote {file}: branches {ref}; add interventions, then `orgsim scenario validate {file}`")
