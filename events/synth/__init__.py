"""Synthetic histories: many organizations and states over centuries, a valid log of any size.

Organizations are founded over the span (more of them later, as international
organizations were), some by a treaty that enters into force a few years on; some are
dissolved, some give way to a successor. Each state enters the state system at some
date. Every (organization, state) pair that could meet gets a share of the events,
spread over the years both exist, and walks a chain of statuses: joining, leaving,
suspension, readmission, observer, partner and associate statuses, non-renewal and
unknown codings. Each step is drawn among the moves the current status allows, so
the log replays strictly. Dates are given to the day, the month or the year.

The same seed gives the same log, event for event.

``plan`` draws the organizations, the states and the moves a pair may make; ``events`` walks the pairs
and builds the log's columns; ``write`` saves them as Parquet or YAML.
"""
