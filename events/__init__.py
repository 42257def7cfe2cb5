"""The event model: dates, events, the vocabulary of kinds, loading and validating logs."""

from __future__ import annotations

import os

from .dates import DateError, HistDate, parse_date, parse_query_date
from .errors import InputError, LogError
from .model import Conflict, Event, Log, Reading, Source
from .load import load_log
from .parse import load_log_text
from .vocabulary import KINDS, SCHEMA_VERSION

LOGS_DIR = os.path.join(os.path.dirname(__file__), "logs")
#: The log used when none is named.
DEFAULT_LOG = "csto"


def bundled_logs() -> list[str]:
    """Names of the logs shipped with orgsim."""
    return sorted(f[:-5] for f in os.listdir(LOGS_DIR) if f.endswith(".yaml"))


def bundled_log_path(name: str = DEFAULT_LOG) -> str:
    """Path of a bundled log by name."""
    path = os.path.join(LOGS_DIR, f"{name}.yaml")
    if not os.path.exists(path):
        raise InputError(f"no bundled log {name!r} (have: {', '.join(bundled_logs())})")
    return path


__all__ = ["DateError", "HistDate", "parse_date", "parse_query_date", "InputError", "LogError", "Conflict",
           "Event", "Log", "Reading", "Source", "load_log", "load_log_text", "KINDS", "SCHEMA_VERSION",
           "bundled_logs", "bundled_log_path", "LOGS_DIR", "DEFAULT_LOG"]
