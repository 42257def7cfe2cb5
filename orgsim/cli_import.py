"""Commands of the `orgsim` CLI for this area (registered on the main group)."""

from __future__ import annotations
