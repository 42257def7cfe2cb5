"""Progress for commands that can take more than a moment: a spinner, the step under way and the time.

Drawn on standard error with rich, and only when both standard output and standard error are
terminals: piped, redirected or run by another program, a command prints exactly what it did
before. ``ORGSIM_PROGRESS=0`` turns it off everywhere. rich is imported only when something is drawn.

    from orgsim import progress
    progress.step("reading the log")
    for chunk in progress.track(chunks, "writing rows", total=n): ...
    progress.done()          # before printing the result
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

_state: dict[str, Any] = {"progress": None, "task": None}


def enabled() -> bool:
    """True when progress is drawn: both streams are terminals and ORGSIM_PROGRESS is not 0."""
    if os.environ.get("ORGSIM_PROGRESS", "1") == "0":
        return False
    try:
        return sys.stdout.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def _bar() -> Any:
    if _state["progress"] is None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        bar = Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(),
                       MofNCompleteColumn(), TimeElapsedColumn(), console=Console(stderr=True), transient=True,
                       redirect_stdout=False, redirect_stderr=False)
        bar.start()
        _state["progress"], _state["task"] = bar, bar.add_task("", total=None)
    return _state["progress"]


def step(description: str, total: int | None = None) -> None:
    """Say what the command is doing now (with a count to reach, if it knows one)."""
    if not enabled():
        return
    bar = _bar()
    bar.reset(_state["task"], total=total, description=description)


def advance(n: int = 1) -> None:
    """Count n more of the current step's total."""
    if _state["progress"] is not None:
        _state["progress"].advance(_state["task"], n)


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """The items, counting each one against the step (silent when progress is not drawn)."""
    if not enabled():
        yield from items
        return
    step(description, total)
    for item in items:
        yield item
        advance()


def done() -> None:
    """Take the progress display away (before a command prints its result, and when it ends)."""
    bar = _state["progress"]
    if bar is not None:
        _state["progress"] = _state["task"] = None
        bar.stop()
