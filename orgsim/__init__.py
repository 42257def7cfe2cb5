"""orgsim: an event-sourced organizational history simulator.

>>> import orgsim
>>> h = orgsim.load_history()          # the bundled CST / CSTO log
>>> len(h.at("2000-06-01").members(status="member"))
6
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from orgsim.engine.history import History
    from orgsim.events import load_log, parse_date

# Imported on first use, not here: the command line imports this package first, and `orgsim --version`
# must not pay for NumPy and the engine.
_LAZY = {"History": "orgsim.engine.history", "load_log": "orgsim.events", "parse_date": "orgsim.events"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'orgsim' has no attribute {name!r}")


def load_history(path: str | None = None, **kwargs: Any) -> "History":
    """Load a log (default: the bundled CSTO log) as a History ready to answer any date."""
    from orgsim.engine.history import History

    return History.load(path, **kwargs) if path else History.load_bundled(**kwargs)


__all__ = ["History", "load_history", "load_log", "parse_date", "__version__"]
