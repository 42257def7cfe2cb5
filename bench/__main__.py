"""``python -m bench``: build one synthetic history, measure orgsim and its peers on it, print the tables.

    .venv/bin/python -m bench                     # 1,000,000 events, 500 organizations, 200 states, 200 years
    .venv/bin/python -m bench --events 100000     # quicker
    .venv/bin/python -m bench --markdown out/bench.md

Peers are optional extras (``pip install -e '.[bench]'``); a missing one is skipped with the reason.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import tempfile

from orgsim.events.synth import SynthSpec

from . import data, orgsim_side
from .peers import PEERS, run_peers

COW_FILE = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "cow-igo-v3",
                        "state_year_format3.csv")


def machine() -> str:
    """CPU model, cores, memory, Python and date: where the numbers came from."""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next((ln.split(":", 1)[1].strip() for ln in lscpu.splitlines() if ln.startswith("Model name")), "?")
    except OSError:
        model = platform.processor() or "?"
    with open("/proc/meminfo") as fh:
        mem = int(fh.readline().split()[1]) / 1024**2
    return (f"{model}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}, {dt.date.today().isoformat()}")


def _t(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


def _x(ratio: float) -> str:
    return f"{ratio:.0f}×" if ratio >= 10 else f"**{ratio:.2f}×**" if ratio < 1 else f"{ratio:.1f}×"


def tables(h: data.History, parse: list, mine: dict, peers: list, cow: dict | None) -> str:
    """The results as Markdown."""
    out = [f"Machine: {machine()}", "",
           f"History: {mine['events']:,} events, {h.spec.orgs} organizations, {h.spec.states} states, "
           f"{h.spec.years} years (seed {h.spec.seed}); {mine['intervals']:,} membership intervals.", "",
           "File parsing (load and validate, measured apart from the compile):", "",
           "| format | events | file | load | per event |", "|---|---:|---:|---:|---:|"]
    for r in parse:
        out.append(f"| {r['format']} | {r['events']:,} | {r['bytes'] / 1e6:.1f} MB | {_t(r['seconds'])} | "
                   f"{_t(r['seconds'] / r['events'])} |")
    ok = lambda x, target: "yes" if x <= target else "**no**"
    out += ["", "The index (compile path: " + mine["method"] + "):", "",
            "| measure | orgsim | target | met |", "|---|---:|---:|---|",
            f"| compile {mine['events']:,} events (median of 5; first {_t(mine['compile_first'])}) | "
            f"{_t(mine['compile'])} | 0.5 s | {ok(mine['compile'], 0.5)} |",
            f"| members of one organization at a date (median) | {_t(mine['members_of'])} | 20 µs | "
            f"{ok(mine['members_of'], 20e-6)} |",
            f"| … its first call, which cuts each organization's intervals into buckets | "
            f"{_t(mine['buckets_first'])} | — | |",
            f"| all organizations' memberships at a date, as a DataFrame (median) | {_t(mine['memberships_at'])} | "
            f"10 ms | {ok(mine['memberships_at'], 10e-3)} |",
            f"| … its first call, which cuts the whole timeline into buckets | {_t(mine['time_buckets_first'])} "
            f"| — | |",
            f"| co-membership graph (networkx) at a date | {_t(mine['comembership'])} | — | |",
            f"| every fact at a date as Fact objects (the State API) | {_t(mine['facts_at'])} | — | |",
            f"| peak memory: compile, then both bucket structures (tracemalloc) | {mine['peak_bytes'] / 1e6:.0f} MB | 500 MB | "
            f"{ok(mine['peak_bytes'], 500e6)} |",
            f"| largest resident set of the benchmark process so far | {mine['rss_bytes'] / 1e6:.0f} MB | — | |",
            f"| index reloaded from FILE.orgsim-index (median) | {_t(mine['cache_load'])} | — | |"]
    out += ["", "Against the peers (same history, same random queries):", "",
            "| tool | version | ingest | members of one org | orgsim faster by | all memberships | orgsim faster by"
            " | answers agree |", "|---|---|---:|---:|---:|---:|---:|---|",
            f"| **orgsim** (Parquet load + compile) | | {_t(parse[-1]['seconds'] + mine['compile'])} | "
            f"{_t(mine['members_of'])} | | {_t(mine['memberships_at'])} | | |"]
    for p in peers:
        if "skipped" in p:
            out.append(f"| {p['name']} | skipped: {p['skipped']} | | | | | | |")
            continue
        note = f" ({p['note']})" if p.get("note") else ""
        whole = p.get("whole", True)  # a peer given part of the history: its "all memberships" is not comparable
        out.append(f"| {p['name']}{note} | {p['version']} | {_t(p['ingest'])} | {_t(p['members_of'])} | "
                   f"{_x(p['members_of'] / mine['members_of'])} | {_t(p['memberships_at'])} | "
                   f"{_x(p['memberships_at'] / mine['memberships_at']) if whole else 'n/a (part)'} | "
                   f"{'yes' if p['agrees'] else '**no**'} |")
    if cow:
        out += ["", f"COW IGO v3 ({cow['file']}: {cow['organizations']} organizations, {cow['events']:,} events):", "",
                "| import (read, convert, validate) | compile (" + cow["method"] + ") | memberships on 1 July 1975 "
                "(first call / median) | the same through History.at().memberships() |", "|---:|---:|---:|---:|",
                f"| {_t(cow['import'])} | {_t(cow['compile'])} | {_t(cow['first_answer'])} / "
                f"{_t(cow['memberships_at'])} ({cow['rows_1975']:,} rows) | {_t(cow['state_api'])} |"]
    return "\n".join(out) + "\n"


def main() -> None:
    """Parse the options, run everything once, print (and optionally write) the tables."""
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000, help="events in the synthetic history (default: %(default)s)")
    ap.add_argument("--orgs", type=int, default=500, help="organizations (default: %(default)s)")
    ap.add_argument("--states", type=int, default=200, help="states (default: %(default)s)")
    ap.add_argument("--years", type=int, default=200, help="years covered (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=7, help="seed of the synthetic history (default: %(default)s)")
    ap.add_argument("--queries", type=int, default=200, help="random (organization, date) queries")
    ap.add_argument("--slow-queries", type=int, default=20, help="queries for the slow peers")
    ap.add_argument("--small-events", type=int, default=50_000,
                    help="events in the YAML / JSON lines / Parquet files compared for parsing (YAML is slow)")
    ap.add_argument("--peers", default=",".join(PEERS), help="comma-separated: " + ", ".join(PEERS))
    ap.add_argument("--dynetx-orgs", type=int, default=3, help="organizations DyNetX is given (it is slow)")
    ap.add_argument("--cow", default=COW_FILE, help="COW IGO v3 state_year_format3.csv (skipped if missing)")
    ap.add_argument("--markdown", default=None, help="also write the tables to this file")
    args = ap.parse_args()
    spec = SynthSpec(args.orgs, args.states, args.years, args.events, args.seed)
    with tempfile.TemporaryDirectory(prefix="orgsim-bench-") as folder:
        print("building the history…", flush=True)
        h = data.build(spec, folder, args.small_events, args.queries)
        print("parsing…", flush=True)
        parse = orgsim_side.parsing(h)
        print("orgsim…", flush=True)
        mine, index = orgsim_side.measure(h)
        frame = data.intervals_frame(index)

        def reference(org: str, day: int) -> set:
            actors, statuses = index.members_of(org, day)
            return set(zip(actors.tolist(), statuses.tolist()))

        print("peers…", flush=True)
        peers = run_peers(frame, h.queries, args.slow_queries, reference,
                          [p for p in args.peers.split(",") if p], args.dynetx_orgs)
    print("COW…", flush=True)
    cow = orgsim_side.cow(os.path.normpath(args.cow))
    text = tables(h, parse, mine, peers, cow)
    if cow is None:
        text += "\nCOW IGO: skipped (no importer or no file at --cow).\n"
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
