"""Benchmarks of orgsim at scale against the tools a user might pick instead (not part of the test suite).

Run ``make bench`` or ``.venv/bin/python -m bench`` (``--help`` for sizes). Results: docs/benchmarks.md.
"""
