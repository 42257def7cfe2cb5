"""Timing helpers: the median of many calls, and a peak-memory probe."""

from __future__ import annotations

import gc
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterable
from typing import Any


def once(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds one call takes, and what it returned."""
    gc.collect()
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def median_call(fn: Callable[..., Any], args: Iterable[tuple], warmup: int = 1) -> float:
    """Median seconds per call over the argument tuples (the first ``warmup`` calls are not counted)."""
    args = list(args)
    for a in args[:warmup]:
        fn(*a)
    times = []
    for a in args:
        t = time.perf_counter()
        fn(*a)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def median_repeat(fn: Callable[[], Any], repeat: int) -> float:
    """Median seconds of ``repeat`` fresh calls."""
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def traced_peak(fn: Callable[[], Any]) -> tuple[int, Any]:
    """Peak bytes Python and NumPy allocate during one call (tracemalloc sees NumPy's buffers)."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    out = fn()
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, out


def max_rss() -> int:
    """The process's largest resident set so far, in bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
