"""`orgsim scenario run`: stochastic ensembles (registered on the scenario group)."""

from __future__ import annotations
