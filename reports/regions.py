"""The UN M49 region of each state, from ``data/regions.json`` (see ``data/README.md``).

A large organization's network groups its states by status, then by these regions, so that 190 members
make a few labelled blocks a reader can scan, not one strip of labels.

>>> region_of("KAZ"), region_of("DDR"), region_of("TA.B01")
('Asia', 'Europe', 'other')
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

#: The M49 regions in the order they are drawn; anything else (an organization, an unlisted id) comes last.
REGION_ORDER = ("Africa", "Americas", "Asia", "Europe", "Oceania", "other")


@lru_cache(maxsize=1)
def regions() -> dict[str, tuple[str, str]]:
    """ISO alpha-3 → (M49 region, M49 sub-region)."""
    text = resources.files("orgsim.reports").joinpath("data", "regions.json").read_text(encoding="utf-8")
    return {k: (v[0], v[1]) for k, v in json.loads(text)["regions"].items()}


def region_of(state: str) -> str:
    """The M49 region of a state id ('other' when the id is not a country the data knows)."""
    found = regions().get(state)
    return found[0] if found else "other"
