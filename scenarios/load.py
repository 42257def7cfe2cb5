"""Reading a scenario file and checking it against its log: every error is one line with the file's line.

A scenario file looks like this (see ``scenarios/*.yaml`` for the bundled ones)::

    orgsim_scenario: 1
    name: Uzbekistan signs the 1999 extension
    question: What if Uzbekistan had signed the protocol extending the treaty in April 1999?
    log: csto                      # a bundled log, or a path relative to this file
    raised_by: [{line: 5, quote: "...", gloss: "..."}]
    expected: Uzbekistan stays a member ...
    interventions:
      - change: aze-geo-uzb-non-renewal-1999
        set: {actors: [AZE, GEO]}
        why: Uzbekistan signs with the six.
"""

from __future__ import annotations

import os
from typing import Any

from orgsim.events import DEFAULT_LOG, bundled_log_path, bundled_logs
from orgsim.events.dates import DateError, parse_date
from orgsim.events.errors import InputError
from orgsim.events.model import Log
from orgsim.events.parse import EVENT_FIELDS, ID_RE, event_for_log
from orgsim.events.load import load_any
from orgsim.events.vocabulary import KINDS
from orgsim.events.yamlio import LINE_KEY, load_yaml_file

from .model import RULE_MODES, VERBS, Intervention, Scenario, Stochastic, event_fields

MAX_SCENARIO_BYTES = 1024 * 1024
TOP_FIELDS = {"orgsim_scenario", "name", "question", "log", "raised_by", "expected", "interventions",
              "stochastic", "compare_at", LINE_KEY}
#: What an intervention may hold besides its verb: the verbs' arguments and `why`.
INTERVENTION_FIELDS = {"to", "set", "mode", "choose", "why", LINE_KEY}
STOCHASTIC_FIELDS = {"start", "until", "absence", "withdrawal", "accession", "candidates", "request", "runs",
                     "model", "hazards", "fit", LINE_KEY}
MODELS = ("constant", "fitted")


def _err(msg: str, path: str, line: int | None) -> InputError:
    return InputError(msg, path, line)


def resolve_log(ref: str, scenario_path: str) -> str:
    """A bundled log's name, or a path relative to the scenario file."""
    if ref in bundled_logs():
        return bundled_log_path(ref)
    path = ref if os.path.isabs(ref) else os.path.join(os.path.dirname(os.path.abspath(scenario_path)), ref)
    if not ref or not os.path.isfile(path):
        raise InputError(f"log {ref!r} is neither a bundled log nor a file")
    return path


def _date(value: Any, path: str, line: int, what: str) -> str:
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    try:
        if text is None:
            raise DateError(f"{value!r} is not a date")
        parse_date(text)
    except DateError as exc:
        raise _err(f"{what}: {exc}", path, line) from None
    return text


def _rule_ids(log: Log) -> set[str]:
    return {e.target for e in log.events if e.kind == "rule_adopted" and e.target}


def _event_raw(target: str, log: Log, inserted: dict[str, dict]) -> dict:
    """The fields of a log's (or an inserted) event, as a scenario's `change` starts from them."""
    if target in inserted:
        return {k: v for k, v in inserted[target].items() if k != LINE_KEY}
    ev = log.by_id[target]
    return event_fields(ev)


def _check_event(raw: dict, log: Log, path: str, line: int) -> None:
    """Validate an inserted or changed event as the log's own are, naming the intervention's line."""
    event_for_log({**raw, LINE_KEY: line}, log, len(log.events), path)


def _is_kind(value: Any) -> bool:
    return isinstance(value, str) and value in KINDS


def _intervention(raw: Any, log: Log, path: str, inserted: dict[str, dict]) -> Intervention:
    if not isinstance(raw, dict):
        raise _err("each intervention must be a mapping like `remove: EVENT_ID`", path, None)
    line = raw.get(LINE_KEY, 0)
    verbs = [v for v in VERBS if v in raw]
    if len(verbs) != 1:
        raise _err(f"an intervention needs exactly one of: {', '.join(VERBS)}", path, line)
    verb = verbs[0]
    unknown = set(raw) - INTERVENTION_FIELDS - {verb}
    if unknown:
        raise _err(f"{verb}: unknown field {sorted(unknown, key=repr)[0]!r}", path, line)
    if not isinstance(raw.get("why", ""), str):
        raise _err(f"{verb}: `why:` must be text", path, line)
    why = raw.get("why", "")
    if verb == "insert":
        event = raw["insert"]
        if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not ID_RE.fullmatch(event["id"]):
            raise _err("insert: needs an event mapping with a valid id", path, line)
        if event["id"] in log.by_id or event["id"] in inserted:
            raise _err(f"insert: event id {event['id']!r} is already in the log", path, line)
        if not str(event.get("rationale", "")).strip():
            raise _err(f"insert {event['id']!r}: a new event needs a `rationale` (it has no source)", path, line)
        if not _is_kind(event.get("kind")):
            raise _err(f"insert {event['id']!r}: unknown kind {event.get('kind')!r}", path, line)
        _date(event.get("date"), path, line, f"insert {event['id']!r}")
        _check_event({k: v for k, v in event.items() if k != LINE_KEY}, log, path, line)
        inserted[event["id"]] = event
        return Intervention(verb, event["id"], {"event": event}, why, line)
    target = raw[verb]
    if not isinstance(target, str):
        raise _err(f"{verb}: needs an id", path, line)
    if verb == "rule":
        if target not in _rule_ids(log):
            raise _err(f"rule: unknown rule {target!r} (the log's rules: {', '.join(sorted(_rule_ids(log)))})",
                       path, line)
        mode = raw.get("mode")
        if mode not in RULE_MODES:
            raise _err(f"rule {target}: mode must be one of {', '.join(RULE_MODES)}", path, line)
        return Intervention(verb, target, {"mode": mode}, why, line)
    if verb == "reading":
        conflict = next((c for c in log.conflicts if c.id == target), None)
        if conflict is None:
            raise _err(f"reading: unknown conflict {target!r}", path, line)
        if not isinstance(raw.get("choose"), str) or raw["choose"] not in {r.id for r in conflict.readings}:
            raise _err(f"reading {target}: choose one of {', '.join(r.id for r in conflict.readings)}", path, line)
        return Intervention(verb, target, {"choose": raw["choose"]}, why, line)
    if target not in log.by_id and target not in inserted:
        raise _err(f"{verb}: unknown event {target!r}", path, line)
    if verb == "move":
        return Intervention(verb, target, {"to": _date(raw.get("to"), path, line, f"move {target}")}, why, line)
    if verb == "change":
        changes = raw.get("set")
        if not isinstance(changes, dict) or not changes:
            raise _err(f"change {target}: needs `set:` with the fields to replace", path, line)
        bad = set(changes) - EVENT_FIELDS - {LINE_KEY} | ({"id"} & set(changes))
        if bad:
            raise _err(f"change {target}: cannot set {sorted(bad, key=repr)[0]!r}", path, line)
        if "date" in changes:
            _date(changes["date"], path, line, f"change {target}")
        if "kind" in changes and not _is_kind(changes["kind"]):
            raise _err(f"change {target}: unknown kind {changes['kind']!r}", path, line)
        _check_event({**_event_raw(target, log, inserted), "rationale": "scenario change",
                      **{k: v for k, v in changes.items() if k != LINE_KEY}}, log, path, line)
        return Intervention(verb, target, {"set": {k: v for k, v in changes.items() if k != LINE_KEY}}, why, line)
    return Intervention(verb, target, {}, why, line)


def _stochastic(raw: Any, path: str) -> Stochastic:
    if raw is None:
        return Stochastic()
    if not isinstance(raw, dict):
        raise _err("stochastic: must be a mapping", path, None)
    line = raw.get(LINE_KEY, 0)
    unknown = set(raw) - STOCHASTIC_FIELDS
    if unknown:
        raise _err(f"stochastic: unknown parameter {sorted(unknown, key=str)[0]!r}", path, line)
    values = {k: v for k, v in raw.items() if k != LINE_KEY}
    for k in ("start", "until"):
        if k in values:
            values[k] = _date(values[k], path, line, f"stochastic.{k}")
    for k in ("absence", "withdrawal", "accession", "request"):
        v = values.get(k, 0.0)
        ok = v == "estimate" and k in ("withdrawal", "accession") or (
            isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1)
        if not ok:
            raise _err(f"stochastic.{k}: a probability from 0 to 1" + (" or 'estimate'" if k in (
                "withdrawal", "accession") else ""), path, line)
    candidates = values.get("candidates") or []
    if not isinstance(candidates, list) or not all(isinstance(c, str) for c in candidates):
        raise _err("stochastic.candidates: a list of state codes", path, line)
    values["candidates"] = tuple(candidates)
    runs = values.get("runs", 1)
    if not isinstance(runs, int) or isinstance(runs, bool) or runs < 1:
        raise _err("stochastic.runs: a whole number of runs, 1 or more", path, line)
    values.update(_model(values, path, line))
    return Stochastic(**values, line=line)


def _relative(ref: Any, path: str, line: int, what: str) -> str:
    """A file named by a scenario: absolute, or relative to the scenario file (it must exist)."""
    if not isinstance(ref, str) or not ref.strip():
        raise _err(f"{what}: a file name", path, line)
    full = ref if os.path.isabs(ref) else os.path.join(os.path.dirname(os.path.abspath(path)), ref)
    if not os.path.exists(full):
        raise _err(f"{what}: {ref} does not exist (paths are relative to the scenario file)", path, line)
    return full


def _model(values: dict, path: str, line: int) -> dict:
    """``model: constant`` (the default) or ``model: fitted`` with one of ``hazards:`` or ``fit:``."""
    model = values.get("model", "constant")
    if model not in MODELS:
        raise _err(f"stochastic.model: one of {', '.join(MODELS)}, not {model!r}", path, line)
    if model == "constant":
        for k in ("hazards", "fit"):
            if k in values:
                raise _err(f"stochastic.{k}: only with model: fitted", path, line)
        return {}
    for k in ("withdrawal", "accession"):
        if k in values:
            raise _err(f"stochastic.{k}: with model: fitted the hazards come from the model; leave it out", path, line)
    if ("hazards" in values) == ("fit" in values):
        raise _err("stochastic: model: fitted needs one of hazards: FILE.json or fit: [data paths]", path, line)
    if "hazards" in values:
        return {"hazards": _relative(values["hazards"], path, line, "stochastic.hazards")}
    paths = values["fit"]
    if not isinstance(paths, list) or not paths:
        raise _err("stochastic.fit: a list of logs or data files to fit the hazards on", path, line)
    return {"fit": tuple(_relative(p, path, line, "stochastic.fit") for p in paths)}


def load_scenario(path: str) -> Scenario:
    """Parse a scenario file and check every intervention against the log it branches."""
    data = load_yaml_file(path, limit=MAX_SCENARIO_BYTES)
    if not isinstance(data, dict):
        raise _err("a scenario must be a YAML mapping (name, question, log, interventions)", path, 1)
    if data.get("orgsim_scenario") != 1 or isinstance(data.get("orgsim_scenario"), bool):
        raise _err("missing `orgsim_scenario: 1` (the scenario format version)", path, 1)
    unknown = set(data) - TOP_FIELDS
    if unknown:
        raise _err(f"unknown field {sorted(unknown)[0]!r}", path, 1)
    for key in ("name", "question"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise _err(f"`{key}:` is required", path, 1)
    try:
        log_path = resolve_log(str(data.get("log", DEFAULT_LOG)), path)
    except InputError as exc:
        raise _err(exc.message, path, 1) from None
    log = load_any(log_path)
    raw = data.get("interventions") or []
    if not isinstance(raw, list):
        raise _err("interventions: must be a list", path, 1)
    raised_by = data.get("raised_by") or []
    if not isinstance(raised_by, list) or not all(isinstance(r, dict) for r in raised_by):
        raise _err("raised_by: a list of the passages behind the question ({line, quote, gloss})", path, 1)
    inserted: dict[str, dict] = {}
    interventions = tuple(_intervention(r, log, path, inserted) for r in raw)
    compare_at = data.get("compare_at")
    return Scenario(
        name=data["name"], question=data["question"], log=log_path, path=path, interventions=interventions,
        stochastic=_stochastic(data.get("stochastic"), path),
        raised_by=tuple(raised_by), expected=str(data.get("expected", "")),
        compare_at=_date(compare_at, path, 1, "compare_at") if compare_at is not None else None,
    )
