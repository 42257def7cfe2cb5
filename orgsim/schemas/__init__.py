"""JSON Schemas for orgsim's files: ``log.schema.json`` (event logs) and ``scenario.schema.json``.

Point an editor at them (the YAML language server reads ``# yaml-language-server: $schema=PATH``) to
complete and check a log while it is typed. They describe the shape only; ``orgsim validate`` checks the rest
(dates, ids, citations, a strict replay). docs/schemas/ holds the same files.
"""

from __future__ import annotations

import json
import os
from typing import Any

SCHEMAS_DIR = os.path.dirname(__file__)
NAMES = ("log", "scenario")


def schema_path(name: str) -> str:
    """The path of a shipped schema: ``log`` or ``scenario``."""
    if name not in NAMES:
        raise ValueError(f"no schema {name!r} (have: {', '.join(NAMES)})")
    return os.path.join(SCHEMAS_DIR, f"{name}.schema.json")


def load_schema(name: str) -> dict[str, Any]:
    """A shipped schema as a dict, ready for ``jsonschema.validate``."""
    with open(schema_path(name), encoding="utf-8") as fh:
        return json.load(fh)


__all__ = ["NAMES", "SCHEMAS_DIR", "load_schema", "schema_path"]
