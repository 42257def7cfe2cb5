"""Loading a log from any file that holds one: YAML (or JSON), Parquet, an event store or a store's export.

This is the one door every command and the notebook API come in by; the readers behind it
(``parse``, ``columnar``, ``store``) know nothing of one another.
"""

from __future__ import annotations

import dataclasses

from .model import Log
from .parse import parse_log
from .store.chain import StoreError, is_store_path
from .store.export import export_rows
from .store.view import recorded_time, store_rows, view_log
from .yamlio import load_yaml_file


def load_log(path: str) -> Log:
    """Load and validate a log file: YAML, or Parquet for a ``.parquet`` path (``events/columnar/``)."""
    if str(path).lower().endswith(".parquet"):
        from .columnar.parquet import load_parquet  # pyarrow is imported only for a Parquet log

        return load_parquet(path)
    return parse_log(load_yaml_file(path), path)


def load_any(path: str, as_recorded: str | None = None) -> Log:
    """A log from a YAML file or a store; ``as_recorded`` needs a store or a store's export."""
    if as_recorded is None:
        return view_log(store_rows(path), path) if is_store_path(path) else load_log(path)
    if is_store_path(path):
        rows = store_rows(path, as_recorded)
    else:
        until = recorded_time(as_recorded)
        rows = [r for r in export_rows(path) if r.recorded_at <= until]
        if not rows:
            raise StoreError(f"nothing was recorded by {until}", path)
    # Named for the time it answers, so nothing keyed on the file (a cached index) mistakes it for the log now.
    return dataclasses.replace(view_log(rows, path), path=f"{path}@{recorded_time(as_recorded)}")


__all__ = ["load_log", "load_any"]
