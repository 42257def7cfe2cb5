"""Plain words for figures: dates as a reader says them, events by what happened and to whom.

Captions never show the log's internal language (event ids, EDTF syntax):

>>> from orgsim.events.dates import parse_date
>>> [plain_date(parse_date(t)) for t in ("1996-23", "../2016-10", "2000/2002", "2006-08", "1995-06-01", "2012")]
['autumn 1996', 'by October 2016', 'between 2000 and 2002', 'August 2006', '1 June 1995', '2012']
>>> plain_date(parse_date("2016-10~")), plain_date(parse_date("2009?")), plain_date(parse_date("1999-06/2000-02"))
('about October 2016', '2009 (uncertain)', 'between June 1999 and February 2000')
>>> plain_date(parse_date("2003/..")), plain_date(parse_date("199X"))
('from 2003 on', 'the 1990s')
"""

from __future__ import annotations

import datetime as _dt
import re

from orgsim.events.dates import HistDate, parse_date

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
_SIMPLE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?([~?%])?$")


def _side(text: str) -> str:
    m = _SIMPLE.match(text)
    if not m:
        return _fallback(parse_date(text))
    year, month, day, q = m.groups()
    if day:
        words = f"{int(day)} {MONTHS[int(month) - 1]} {year}"
    elif month and int(month) in SEASONS:
        words = f"{SEASONS[int(month)]} {year}"
    elif month and 1 <= int(month) <= 12:
        words = f"{MONTHS[int(month) - 1]} {year}"
    else:
        words = year
    if q in ("~", "%"):
        words = f"about {words}"
    if q in ("?", "%"):
        words = f"{words} (uncertain)"
    return words


def _fallback(d: HistDate) -> str:
    lo, hi = d.first, d.last
    if hi is None:
        return f"from {lo.year} on"
    if lo.month == 1 and lo.day == 1 and hi.month == 12 and hi.day == 31:
        if lo.year % 10 == 0 and hi.year == lo.year + 9:
            return f"the {lo.year}s"
        return str(lo.year) if lo.year == hi.year else f"between {lo.year} and {hi.year}"
    return f"between {_month(lo)} and {_month(hi)}"


def _month(d: _dt.date) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}"


def plain_date(d: HistDate | str) -> str:
    """A date as a reader says it: 'autumn 1996', 'by October 2016', 'between 2000 and 2002', 'August 2006'."""
    if isinstance(d, str):
        d = parse_date(d)
    text = d.text
    try:
        if text.startswith(".."):
            return "by " + _side(text.lstrip("./"))
        if text.endswith("/.."):
            return f"from {_side(text[:-3])} on"
        if "/" in text:
            a, b = text.split("/", 1)
            return f"between {_side(a)} and {_side(b)}"
        return _side(text)
    except Exception:  # any other EDTF form: say its bounds in words
        return _fallback(d)


#: What happened, in a few words, by kind ({who}: the actors' names, {what}: the target's name).
KIND_WORDS = {
    "treaty_signed": "treaty signed", "treaty_in_force": "treaty in force", "org_founded": "{what} founded",
    "charter_signed": "charter signed", "charter_in_force": "charter in force", "org_renamed": "renamed {what}",
    "org_dissolved": "{what} dissolved", "protocol_signed": "protocol signed by {who}",
    "protocol_in_force": "protocol in force", "accession": "accession of {who}", "non_renewal": "no renewal by {who}",
    "withdrawal": "withdrawal of {who}", "suspension": "suspension of {who}", "readmission": "readmission of {who}",
    "observer_status": "observer status for {who}", "partner_status": "partner status for {who}",
    "associate_status": "associate status for {who}", "status_ended": "{who}: status ended",
    "status_unknown": "{who}: status not known", "membership_attested": "membership of {who} attested",
    "body_created": "{what} created", "body_renamed": "{what} renamed", "body_dissolved": "{what} dissolved",
    "force_formed": "{what} formed", "force_contribution": "contribution of {who} to {what}",
    "force_strength": "strength of {what}", "force_disbanded": "{what} disbanded", "rule_adopted": "rule adopted",
    "rule_repealed": "rule repealed", "chair": "chair: {who}", "office_appointment": "{what}: appointment",
    "armed_conflict": "conflict: {who}", "base_established": "base in {who}", "decision": "decision",
    "session": "session", "request": "request by {who}", "proposal": "proposal by {who}", "refusal": "refusal by {who}",
    "treaty_invoked": "treaty invoked", "agreement_signed": "agreement signed", "exercise": "exercise",
    "operation": "operation", "deployment": "deployment", "statement": "statement",
}


def names_list(names: list[str], most: int = 3) -> str:
    """'Armenia', 'Armenia and Belarus', 'Armenia, Belarus and Russia', '9 states'."""
    if len(names) > most:
        return f"{len(names)} states"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


#: Kinds whose event is best named by its own title (or name) in the log, not by its kind.
NAMED_BY_PAYLOAD = frozenset({"statement", "decision", "agreement_signed", "operation", "exercise", "session",
                              "proposal", "request", "refusal", "rule_adopted", "rule_repealed", "deployment",
                              "treaty_invoked", "armed_conflict"})


def event_title(state, event, most_chars: int | None = 70) -> str:
    """An event in a few words, by its kind and the names of its actors and target (never its id); None: uncut."""
    who = names_list([state.name_of(a) for a in event.actors]) or "members"
    target = event.target or event.org
    what = state.name_of(target) if target else "the organization"
    titled = event.payload.get("title") or (event.payload.get("name") if event.kind in NAMED_BY_PAYLOAD else None)
    if titled and event.kind in NAMED_BY_PAYLOAD:
        words = str(titled)
        if event.kind == "operation":
            words = f"operation {words}"
    else:
        pattern = KIND_WORDS.get(event.kind, event.kind.replace("_", " "))
        words = pattern.format(who=who, what=what)
    if most_chars is not None and len(words) > most_chars:
        words = words[: most_chars - 1].rstrip(" ,;") + "…"
    return words[0].upper() + words[1:]
