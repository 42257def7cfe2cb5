"""orgsim: an event-sourced organizational history simulator.

>>> import orgsim
>>> h = orgsim.load()                   # the bundled CST / CSTO log
>>> len(h.members_at("2000-06-01", status="member"))
6

The public API, importable from here (``from orgsim import load, History, ...``):

- loading: ``load``, ``load_history``, ``load_log``, ``bundled_logs``, ``check_citations``;
- the model: ``History``, ``State``, ``Log``, ``Event``, ``HistDate``, ``parse_date``, ``to_date``, ``DateLike``;
- tables and graphs: ``membership_frame``, ``events_frame``, ``STATUS_DTYPE``, ``state_graph``;
- scenarios: ``load_scenario``, ``build_branch``, ``compare``, ``Branch``, ``Scenario``, ``prepare``,
  ``run_ensemble``, ``Ensemble``, ``simulate``;
- schemas: ``schema_path``, ``load_schema``;
- errors: ``InputError``, ``LogError``, ``DateError``.

Names are imported on first use, so ``import orgsim`` (and the command line) stays quick.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> the module it lives in. Imported on first use, not here: the command line imports this
#: package first, and `orgsim --version` must not pay for NumPy, pandas, networkx or simpy.
_LAZY = {
    "History": "orgsim.engine.history", "load_log": "orgsim.events", "parse_date": "orgsim.events",
    "bundled_logs": "orgsim.events",
    "State": "orgsim.engine.state", "Log": "orgsim.events.model", "Event": "orgsim.events.model",
    "HistDate": "orgsim.events.dates", "to_date": "orgsim.events.dates", "DateLike": "orgsim.events.dates",
    "DateError": "orgsim.events.dates", "InputError": "orgsim.events.errors", "LogError": "orgsim.events.errors",
    "check_citations": "orgsim.events.citations",
    "membership_frame": "orgsim.engine.frames", "events_frame": "orgsim.engine.frames",
    "STATUS_DTYPE": "orgsim.engine.frames", "state_graph": "orgsim.engine.graph",
    "load_scenario": "orgsim.scenarios.load", "Scenario": "orgsim.scenarios.model",
    "build_branch": "orgsim.scenarios.branch", "Branch": "orgsim.scenarios.branch",
    "compare": "orgsim.scenarios.compare", "prepare": "orgsim.scenarios.plan",
    "run_ensemble": "orgsim.scenarios.ensemble", "Ensemble": "orgsim.scenarios.ensemble",
    "simulate": "orgsim.scenarios.simulate",
    "schema_path": "orgsim.schemas", "load_schema": "orgsim.schemas",
}

if TYPE_CHECKING:  # what a type checker and an editor see (the package ships py.typed)
    from orgsim.engine.frames import STATUS_DTYPE, events_frame, membership_frame
    from orgsim.engine.graph import state_graph
    from orgsim.engine.history import History
    from orgsim.engine.state import State
    from orgsim.events import bundled_logs, load_log, parse_date
    from orgsim.events.citations import check_citations
    from orgsim.events.dates import DateError, DateLike, HistDate, to_date
    from orgsim.events.errors import InputError, LogError
    from orgsim.events.model import Event, Log
    from orgsim.scenarios.branch import Branch, build_branch
    from orgsim.scenarios.compare import compare
    from orgsim.scenarios.ensemble import Ensemble, run_ensemble
    from orgsim.scenarios.load import load_scenario
    from orgsim.scenarios.model import Scenario
    from orgsim.scenarios.plan import prepare
    from orgsim.scenarios.simulate import simulate
    from orgsim.schemas import load_schema, schema_path


def load(source: str | None = None, **kwargs: Any) -> "History":
    """A History from a bundled log's name (``csto``, ``tidewater``), a log file or a store; default: the CSTO log."""
    from orgsim.engine.history import History
    from orgsim.events import bundled_logs

    if source is None or source in bundled_logs():
        return History.load_bundled(source, **kwargs) if source else History.load_bundled(**kwargs)
    return History.load(source, **kwargs)


def load_history(path: str | None = None, **kwargs: Any) -> "History":
    """Load a log (default: the bundled CSTO log) as a History ready to answer any date."""
    from orgsim.engine.history import History

    return History.load(path, **kwargs) if path else History.load_bundled(**kwargs)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'orgsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = ["load", "load_history", "__version__", *_LAZY]
