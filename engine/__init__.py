"""The engine: replay a log, index its facts, answer any date as state, graphs, frames and diffs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .apply import Finding, Unmet, apply_event
    from .history import History, as_date
    from .replay import Replay, Skipped, replay
    from .state import State

# Names are imported on first use: importing one engine module (the replay, for the store) must not
# load the index and NumPy with it.
_LAZY = {"Finding": "apply", "Unmet": "apply", "apply_event": "apply", "History": "history", "as_date": "history",
         "Replay": "replay", "Skipped": "replay", "replay": "replay", "State": "state"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Finding", "Unmet", "apply_event", "History", "as_date", "Replay", "Skipped", "replay", "State"]
