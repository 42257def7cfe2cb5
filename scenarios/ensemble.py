"""Ensembles: many runs of a scenario through an executor, aggregated in run order.

Run ``i`` is seeded by ``(seed, i)`` and nothing else (``scenarios/streams.py``),
so it gives the same outcome wherever it runs. The runs are cut into chunks
and each chunk is submitted to a standard ``concurrent.futures`` executor:

- one worker: this process (:class:`InlineExecutor`);
- several: local processes (``ProcessPoolExecutor``, started with ``spawn``);
- ``scheduler=ADDRESS``: a Dask distributed cluster, whose client gives a
  standard executor (``pip install 'orgsim[dask]'``).

Results are collected by chunk, in run order, whatever order the chunks finish
in, so an ensemble is identical for any number of workers and on any cluster.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import signal
import threading
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from orgsim.events.errors import InputError

from .plan import TALLIES, Plan, iso
from .run import Outcome
from .simulate import run_once

#: Percentiles of the member count reported for each date.
PERCENTILES = (5, 25, 50, 75, 95)
#: Statuses that make a state a party to the treaty, in the record drawn before the fork.
PARTY_STATUSES = frozenset({"member", "signatory"})


def run_chunk(plan: Plan, seed: int, first: int, stop: int) -> list[Outcome]:
    """Runs ``first`` to ``stop - 1`` of a plan (what each worker is given)."""
    return [run_once(plan, seed, i).outcome for i in range(first, stop)]


class InlineExecutor(Executor):
    """A standard executor that runs each call at once, in this process."""

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:  # type: ignore[override]
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # handed to the caller through the future, as executors do
            future.set_exception(exc)
        # Not BaseException: Ctrl-C (KeyboardInterrupt) must stop the ensemble, not be kept in one chunk's future.
        return future


@contextlib.contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """A Dask distributed client's standard executor (the client is closed afterwards)."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise InputError("--scheduler needs Dask: pip install 'orgsim[dask]'") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        yield client.get_executor(pure=False)  # pure=False: never reuse a result by its arguments
    finally:
        client.close()


@contextlib.contextmanager
def executor_for(workers: int = 1, scheduler: str | None = None) -> Iterator[Executor]:
    """The executor runs go through: Dask if a scheduler is given, else local processes (or this one)."""
    if scheduler:
        with dask_executor(scheduler) as ex:
            yield ex
    elif workers <= 1:
        yield InlineExecutor()
    else:
        ex = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=ignore_sigint)
        _start_workers(ex)
        try:
            yield ex
        except BaseException:  # Ctrl-C or an error: no worker may outlive the command
            stop_workers(ex)
            raise
        ex.shutdown(wait=True)


def ignore_sigint() -> None:
    """In a worker: leave Ctrl-C to the parent, which stops the workers (no traceback from each of them)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start_workers(ex: ProcessPoolExecutor) -> None:
    """Start the pool's workers now, with SIGINT ignored, so they inherit ignoring it from their first instant."""
    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ex.submit(int)  # a spawn pool starts all its workers at the first submit
    finally:
        signal.signal(signal.SIGINT, previous)


def stop_workers(ex: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end every worker process at once (a chunk in progress is abandoned)."""
    processes = list((getattr(ex, "_processes", None) or {}).values())
    ex.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        p.terminate()
    for p in processes:
        p.join(timeout=5)


def chunks(runs: int, workers: int) -> list[tuple[int, int]]:
    """Cut runs into about four chunks per worker (at most 50 runs each), in run order.

    >>> chunks(10, 1)
    [(0, 3), (3, 6), (6, 9), (9, 10)]
    >>> len(chunks(1000, 2)), chunks(1000, 2)[-1]
    (20, (950, 1000))
    """
    size = max(1, min(50, math.ceil(runs / (4 * max(1, workers)))))
    return [(i, min(i + size, runs)) for i in range(0, runs, size)]


@dataclass
class Ensemble:
    """The runs' outcomes, stacked in run order, and their distribution as DataFrames."""

    plan: Plan
    seed: int
    count: np.ndarray  # (runs, dates): how many members
    members: np.ndarray  # (runs, dates, states): member or not
    bodies: np.ndarray  # (runs, dates, bodies): exists or not
    forces: np.ndarray  # (runs, dates, forces)
    tally: np.ndarray  # (runs, tallies)

    @classmethod
    def stack(cls, plan: Plan, seed: int, outcomes: list[Outcome]) -> "Ensemble":
        """Stack the outcomes of runs 0, 1, 2… in that order."""
        return cls(plan, seed, np.stack([o.count for o in outcomes]), np.stack([o.members for o in outcomes]),
                   np.stack([o.bodies for o in outcomes]), np.stack([o.forces for o in outcomes]),
                   np.stack([o.tally for o in outcomes]))

    @property
    def runs(self) -> int:
        """How many runs."""
        return len(self.count)

    @property
    def dates(self) -> list[str]:
        """The observation dates, as YYYY-MM-DD."""
        return [iso(d) for d in self.plan.dates]

    def members_frame(self):
        """Members per date: the mean count and its percentiles across runs."""
        import pandas as pd

        counts = self.count.astype(float)
        data = {"mean": counts.mean(axis=0)}
        for p, values in zip(PERCENTILES, np.percentile(counts, PERCENTILES, axis=0)):
            data[f"p{p:02d}"] = values
        data["min"], data["max"] = counts.min(axis=0), counts.max(axis=0)
        return pd.DataFrame(data, index=self._index())

    def _probabilities(self, flags: np.ndarray, ids: tuple[str, ...]):
        import pandas as pd

        return pd.DataFrame(flags.mean(axis=0), index=self._index(), columns=list(ids))

    def _index(self):
        """The observation dates as a DatetimeIndex named ``date`` (what pandas resamples and plots)."""
        import pandas as pd

        return pd.DatetimeIndex(pd.to_datetime(self.dates), name="date")

    def membership_frame(self):
        """The probability that each state is a member, per date (columns: states)."""
        return self._probabilities(self.members, self.plan.states)

    def bodies_frame(self):
        """The probability that each body exists, per date (columns: bodies)."""
        return self._probabilities(self.bodies, self.plan.bodies)

    def forces_frame(self):
        """The probability that each force exists, per date (columns: forces)."""
        return self._probabilities(self.forces, self.plan.forces)

    def tallies_frame(self):
        """Each run's tallies (sessions, absences, decisions…), one row per run."""
        import pandas as pd

        return pd.DataFrame(self.tally, index=pd.RangeIndex(self.runs, name="run"), columns=list(TALLIES))

    def tidy(self):
        """Everything as one long DataFrame: table, date, id, value (for CSV)."""
        import pandas as pd

        parts = [("members", self.members_frame()), ("membership", self.membership_frame()),
                 ("bodies", self.bodies_frame()), ("forces", self.forces_frame())]
        rows = [(table, f"{date:%Y-%m-%d}", col, float(value)) for table, frame in parts
                for date, row in frame.iterrows() for col, value in row.items()]
        return pd.DataFrame(rows, columns=["table", "date", "id", "value"])

    def __repr__(self) -> str:
        # Not the dataclass's: that would print the plan's whole branch log and every run's arrays.
        return (f"<Ensemble {self.plan.name!r}: {self.runs} runs, seed {self.seed}, "
                f"{self.dates[0]}…{self.dates[-1]}, {len(self.plan.states)} states>")

    def _repr_html_(self) -> str:
        from orgsim.events.reprs import summary_html

        members = self.members_frame()
        return summary_html(f"Ensemble: {self.plan.name}", [
            ("runs", self.runs), ("seed", self.seed), ("fork", self.dates[0]), ("horizon", self.dates[-1]),
            ("mean members at the horizon", f"{members['mean'].iloc[-1]:.2f}"), ("states", self.plan.states),
            ("bodies", self.plan.bodies), ("forces", self.plan.forces)])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the rates and how they were set, and every frame."""
        def records(frame) -> dict:
            return {f"{date:%Y-%m-%d}": {k: float(v) for k, v in row.items()} for date, row in frame.iterrows()}

        rates = self.plan.rates
        return {
            "scenario": self.plan.name, "runs": self.runs, "seed": self.seed,
            "log_hash": self.plan.log_hash, "branch_hash": self.plan.branch_hash,
            "fork": iso(self.plan.start), "horizon": iso(self.plan.until),
            "rates": {"absence": rates.absence, "withdrawal": rates.withdrawal, "accession": rates.accession,
                      "request": rates.request},
            "estimates": [e.to_dict() for e in rates.estimates],
            "hazards": None if self.plan.hazards is None else {
                "model": "fitted", "source": self.plan.hazards.source, "covariates": list(
                    self.plan.hazards.model.covariates), "about": self.plan.hazards.model.about},
            "members": records(self.members_frame()), "membership": records(self.membership_frame()),
            "bodies": records(self.bodies_frame()), "forces": records(self.forces_frame()),
            "tallies_mean": {k: float(v) for k, v in self.tallies_frame().mean().items()},
        }


def run_ensemble(plan: Plan, runs: int, seed: int = 0, workers: int = 1, scheduler: str | None = None,
                 executor: Executor | None = None, progress: Callable[[int], None] | None = None) -> Ensemble:
    """Run a plan ``runs`` times; ``progress(n)`` is called as each chunk of n runs is done."""
    if runs < 1:
        raise InputError("an ensemble needs at least one run")
    with contextlib.ExitStack() as stack:
        ex = executor or stack.enter_context(executor_for(workers, scheduler))
        parts = chunks(runs, workers)
        results: list[list[Outcome]] = [[] for _ in parts]
        # A few chunks in flight at a time, not all at once: progress is reported as each chunk ends (an inline
        # executor would otherwise run every chunk inside the submitting loop), and Ctrl-C leaves little to cancel.
        queue = iter(enumerate(parts))
        pending: dict[Future, int] = {}

        def submit_next() -> None:
            nxt = next(queue, None)
            if nxt is not None:
                i, (first, stop) = nxt
                pending[ex.submit(run_chunk, plan, seed, first, stop)] = i

        for _ in range(2 * max(1, workers)):
            submit_next()
        while pending:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for f in done:
                i = pending.pop(f)
                results[i] = f.result()
                if progress:
                    progress(len(results[i]))
                submit_next()
        outcomes = [o for part in results for o in part]  # in run order, however they finished
    return Ensemble.stack(plan, seed, outcomes)


def record_before_fork(plan: Plan) -> list[tuple[str, int]]:
    """The branch's count of states party (members and signatories) at each date it changed before the fork.

    A signatory is a party to the treaty before it is in force (the CST's six signatories of May 1992):
    counting members alone would draw the record at zero until entry into force.
    """
    from orgsim.engine.history import History

    history = History(plan.log, readings=plan.readings, org=plan.org, strict=False)
    out: list[tuple[str, int]] = []
    for d in sorted({e.date.key for e in plan.log.events if e.date.key < plan.start}) + [plan.start]:
        n = len({r["id"] for r in history.at(iso(d)).members() if r["status"] in PARTY_STATUSES})
        if not out or out[-1][1] != n or d == plan.start:
            out.append((iso(d), n))
    return out
