"""orgsim: an event-sourced organizational history simulator.

>>> import orgsim
>>> h = orgsim.load_history()          # the bundled CST / CSTO log
>>> len(h.at("2000-06-01").members(status="member"))
6
"""

from orgsim.engine.history import History
from orgsim.events import load_log, parse_date

__version__ = "0.1.0"


def load_history(path: str | None = None, **kwargs) -> History:
    """Load a log (default: the bundled CSTO log) as a History ready to answer any date."""
    return History.load(path, **kwargs) if path else History.load_bundled(**kwargs)


__all__ = ["History", "load_history", "load_log", "parse_date", "__version__"]
