"""The coding rules of each imported data set, as data: ``<dataset>.coding.yaml`` beside the importers.

An importer copies its data set's rules into every log it writes (``sources.<key>.coding``);
reconcile and the COW export read them from the log, so a log carries how its source meant
its codes: what counts as membership, what a missing row means, how a year is coded, and the
precision of its dates. A log that declares no coding (the bundled log) counts only ``member``
as membership and dates each event at its own precision.

>>> rules("cow_igo")["year_rule"], rules("atop")["membership"]
('any', ['member', 'signatory'])
>>> of_log_sources({})["membership"]
['member']
"""

from __future__ import annotations

import copy
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

#: What a log without a coding block means by membership.
DEFAULT = {"membership": ["member"], "precision": "event", "year_rule": "any"}


@lru_cache(maxsize=None)
def _load(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"{name}.coding.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def rules(name: str) -> dict[str, Any]:
    """The shipped coding rules of one data set (``cow_igo`` or ``atop``), as a fresh dict."""
    return copy.deepcopy(_load(name))


def of_log_sources(sources: Any) -> dict[str, Any]:
    """The coding a log declares in its sources (the first that has one), else the default."""
    for src in (sources or {}).values():
        coding = (src or {}).get("coding") if hasattr(src, "get") else None
        if coding:
            return {**DEFAULT, **{k: _thaw(v) for k, v in coding.items()}}
    return dict(DEFAULT)


def _thaw(value: Any) -> Any:
    if hasattr(value, "items"):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_thaw(v) for v in value]
    return value
