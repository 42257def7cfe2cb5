"""The engine: replay a log, index its facts, answer any date as state, graph, frames and diffs."""

from .apply import Finding, Unmet, apply_event
from .history import History, as_date
from .replay import Replay, Skipped, replay
from .state import State

__all__ = ["Finding", "Unmet", "apply_event", "History", "as_date", "Replay", "Skipped", "replay", "State"]
