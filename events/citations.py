"""Citations checked against their source files: each file found, each quote on its line, each day dated.

Where a source file is looked for (the first folder holding it wins):

1. an absolute ``file`` is used as it is;
2. the log's own folder;
3. each folder given with ``--sources-path`` (``search`` below), in order;
4. each folder of the environment variable ``ORGSIM_SOURCES_PATH`` (separated like ``PATH``);
5. each folder the source lists under ``paths:`` in the log's header, relative to the log's folder.

A quote that is not on its cited line is an error (a :class:`LogError` naming the event). A day-precision
date whose day and year no quote of its event states is a warning: the numbers are looked for in any
script's digits (Thai ``๒๕๓๕`` as well as ``2535``) and, for a source whose ``language`` has another
calendar, in that calendar's years too (Thai: the Buddhist era, CE + 543).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .errors import LogError
from .model import Event, Log

#: The environment variable that lists folders to look for source files in.
SOURCES_PATH_ENV = "ORGSIM_SOURCES_PATH"
#: Years a source in this language may write in another calendar: (name, years added to the Common Era).
CALENDARS: dict[str, tuple[tuple[str, int], ...]] = {"th": (("B.E.", 543),)}
#: Source files larger than this are refused rather than read (a log's sources are texts, not data sets).
MAX_SOURCE_BYTES = 64 * 1024 * 1024
_DAY = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[~?%]?$")


@dataclass
class CitationReport:
    """What the check found: the file each source resolved to, the quotes checked, and warnings."""

    files: dict[str, str] = field(default_factory=dict)
    quotes: int = 0
    warnings: list[str] = field(default_factory=list)


def log_folder(log: Log) -> str:
    """The folder a log's relative source files are resolved from (the working folder for a log from text)."""
    path = log.path.removesuffix("#derived")
    return os.path.dirname(os.path.abspath(path)) if os.path.exists(path) else os.getcwd()


def search_folders(log: Log, key: str, search: Sequence[str] = ()) -> list[str]:
    """The folders a source's file is looked for in, in order (see the module's docstring)."""
    base = log_folder(log)
    env = [p for p in os.environ.get(SOURCES_PATH_ENV, "").split(os.pathsep) if p]
    listed = (log.sources.get(key) or {}).get("paths") or ()
    if isinstance(listed, str):
        listed = (listed,)
    return [base, *search, *env, *(os.path.normpath(os.path.join(base, str(p))) for p in listed)]


def resolve_source(log: Log, key: str, search: Sequence[str] = ()) -> str:
    """The path of a header source's file; a LogError saying where it was looked for if it is nowhere."""
    name = str((log.sources.get(key) or {}).get("file") or key)
    if os.path.isabs(name):
        if os.path.isfile(name):
            return name
        folders: list[str] = []
    else:
        folders = search_folders(log, key, search)
        for folder in folders:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                return candidate
    looked = f" (looked in {', '.join(dict.fromkeys(folders))})" if folders else ""
    raise LogError(f"source {key!r}: file {name} not found{looked}; give its folder with --sources-path DIR, "
                   f"or check without the sources with --no-source-check", log.path)


def _read_lines(path: str, log: Log, key: str) -> list[str]:
    if os.path.getsize(path) > MAX_SOURCE_BYTES:
        raise LogError(f"source {key!r}: {path} is larger than {MAX_SOURCE_BYTES:,} bytes", log.path)
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return [unicodedata.normalize("NFC", ln) for ln in fh.read().splitlines()]
    except UnicodeDecodeError as exc:
        raise LogError(f"source {key!r}: {path} is not UTF-8 (byte {exc.start})", log.path) from None
    except OSError as exc:
        raise LogError(f"source {key!r}: cannot read {path}: {exc.strerror}", log.path) from None


def _ascii_digits(text: str) -> str:
    """Every script's decimal digits as ASCII, so ``๑๕`` reads as ``15``."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def _states(text: str, number: int) -> bool:
    return re.search(rf"(?<![0-9])0*{number}(?![0-9])", text) is not None


def date_warnings(ev: Event, languages: dict[str, str]) -> list[str]:
    """Why a day-precision date of an event is not borne out by its quotes (empty if it is)."""
    quotes = [_ascii_digits(s.quote) for s in ev.sources]
    if not quotes:
        return []
    out = []
    for part in ev.date.text.split("/"):
        m = _DAY.match(part)
        if not m:
            continue
        year, day = int(m.group(1)), int(m.group(3))
        years = [(str(year), year)]
        for lang in {languages.get(s.source, "") for s in ev.sources}:
            years += [(f"{name} {year + shift}", year + shift) for name, shift in CALENDARS.get(lang, ())]
        missing = []
        if not any(_states(q, day) for q in quotes):
            missing.append(f"the day {day}")
        if not any(_states(q, y) for q in quotes for _n, y in years):
            missing.append("the year " + " or ".join(n for n, _y in years))
        if missing:
            out.append(f"{ev.where}: event '{ev.id}': its date {part} is day-precise, but no quote of the event "
                       f"states {' nor '.join(missing)}")
    return out


def check_citations(log: Log, search: Sequence[str] = ()) -> CitationReport:
    """Check every citation of a log against its source file: raises LogError at the first quote not on its line."""
    report = CitationReport()
    lines: dict[str, list[str]] = {}
    languages = {k: str((v or {}).get("language") or "") for k, v in log.sources.items()}
    for ev in log.events:
        for s in ev.sources:
            if s.source not in lines:
                report.files[s.source] = resolve_source(log, s.source, search)
                lines[s.source] = _read_lines(report.files[s.source], log, s.source)
            text = lines[s.source]
            name = os.path.basename(report.files[s.source])
            if s.line > len(text):
                raise LogError(f"cites line {s.line} of {name}, which has {len(text)} lines", ev.file, ev.line, ev.id)
            quote = unicodedata.normalize("NFC", s.quote)
            if quote not in text[s.line - 1]:
                elsewhere = [i + 1 for i, ln in enumerate(text) if quote in ln][:3]
                hint = f" (it is on line {', '.join(map(str, elsewhere))})" if elsewhere else ""
                raise LogError(f"the quote {_short(s.quote)!r} is not on line {s.line} of {name}{hint}",
                               ev.file, ev.line, ev.id)
            report.quotes += 1
        report.warnings += date_warnings(ev, languages)
    return report


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def citation_summary(report: CitationReport) -> Iterable[str]:
    """The lines ``orgsim validate`` prints about the sources."""
    from_files = ", ".join(f"{k}: {p}" for k, p in report.files.items())
    n = report.quotes
    if not n:
        yield "sources: no event quotes a source text (imported or scenario events carry provenance or a rationale)"
        return
    yield (f"sources: {n} quote{'' if n == 1 else 's'} found on {'its' if n == 1 else 'their'} cited lines"
           + (f" ({from_files})" if from_files else "")
           + f"; {len(report.warnings)} warning{'' if len(report.warnings) == 1 else 's'}")
    for w in report.warnings:
        yield f"  warning {w}"


__all__ = ["CitationReport", "SOURCES_PATH_ENV", "CALENDARS", "check_citations", "citation_summary",
           "date_warnings", "resolve_source", "search_folders", "log_folder"]
