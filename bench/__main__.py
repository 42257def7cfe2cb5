"""``python -m bench``: orgsim and its peers on one synthetic history per size, each tool in a process of its own.

    .venv/bin/python -m bench --size 100000                 # one size
    .venv/bin/python -m bench --size 100000,1000000         # two sizes: the growth exponent too
    .venv/bin/python -m bench --size 1000000 --markdown out/bench.md

Peers are optional extras (``pip install -e '.[bench]'``); a missing one is skipped with the reason.
What is measured, and how, is in ``bench/fair.py`` and ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time

from orgsim.events.synth.plan import SynthSpec

from . import data, orgsim_side
from .fair import PARTS, TOOLS, make_queries, run_tool, write_inputs


def intervals_of(index: object) -> int:
    """Membership intervals in a compiled index."""
    return len(index.table.ent)  # type: ignore[attr-defined]


def machine() -> str:
    """CPU model, cores, memory, Python, load and date: where the numbers came from."""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next((ln.split(":", 1)[1].strip() for ln in lscpu.splitlines() if ln.startswith("Model name")), "?")
    except OSError:
        model = platform.processor() or "?"
    with open("/proc/meminfo") as fh:
        mem = int(fh.readline().split()[1]) / 1024**2
    load = os.getloadavg()[0]
    return (f"{model}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, "
            f"load average {load:.1f} at the start (a shared machine: timings vary by up to 2x)")


def _t(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


def _ratio(mine: float | None, theirs: float | None) -> str:
    if not mine or not theirs:
        return "—"
    r = mine / theirs
    return f"**{r:.2g}**" if r < 1 else f"{r:.2g}"


def _slope(xs: list[float], ys: list[float | None]) -> str:
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if y]
    if len(pts) < 2:
        return "—"
    (x0, y0), (x1, y1) = pts[0], pts[-1]
    return f"{(y1 - y0) / (x1 - x0):.2f}"


def _cli(*args: str) -> tuple[float, str]:
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "orgsim", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"orgsim {' '.join(args)} failed: {done.stderr.strip()}")
    return time.perf_counter() - t, done.stdout


#: Runs one command in this fresh process and reports, apart, the seconds spent importing orgsim's command
#: line (every command module) and the seconds the command itself took, wall and CPU (on a loaded machine
#: the CPU time is what the command cost; the wall time also holds the waits for a core and the disk).
_TIMED = """
import json, sys, time
t0 = time.perf_counter()
from orgsim.cli import main
t1, c1 = time.perf_counter(), time.process_time()
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
else:
    code = 0
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"imports": t1 - t0, "work": t2 - t1, "cpu": c2 - c1, "code": code}), file=sys.stderr)
"""


def timed_cli(*args: str) -> tuple[float, float, float]:
    """(imports, work, work's CPU) seconds of one `orgsim` command in a fresh process."""
    done = subprocess.run([sys.executable, "-c", _TIMED, *args], capture_output=True, text=True)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    if report["code"] not in (0, None):
        raise SystemExit(f"orgsim {' '.join(args)} failed: {done.stderr.strip()}")
    return report["imports"], report["work"], report["cpu"]


def _append_args(store: str, n: int) -> list[str]:
    # A statement dated after every synthetic event (the bench's histories end by 2015).
    return ["append", "--store", store, "--id", f"bench-note-{n}", "--date", f"2100-01-{n:02d}",
            "--kind", "statement", "--target", "O0001", "--payload", "title=bench", "--provenance", "dataset=bench"]


def store_figures(folder: str, events: int, seed: int) -> list[tuple[str, str]]:
    """Seconds of `store import` of a synthetic log, `append`s on the result, `verify`, each a fresh process."""
    log = os.path.join(folder, f"store-{events}.parquet")
    _cli("synth", "--events", str(events), "--orgs", "200", "--states", "100", "--years", "200", "--seed",
         str(seed), "-o", log)
    store = os.path.join(folder, f"store-{events}.sqlite")
    _cli("store", "init", "--store", store)
    rows = []
    secs, cpu = _timed_wall("store", "import", log, "--store", store)
    rows.append((f"`store import` of a {events:,}-event synthetic log (Parquet): the whole process, wall; "
                 "its work's CPU", f"{_t(secs)}; {_t(cpu)}"))
    for n, what in ((1, "one `append` on that store (a new event dated after every other)"),
                    (2, "… a second `append`, on the state the first one kept")):
        t = time.perf_counter()
        imports, work, cpu = timed_cli(*_append_args(store, n))
        wall = time.perf_counter() - t
        rows.append((f"{what}: orgsim's work (imports excluded), wall; CPU", f"{_t(work)}; {_t(cpu)}"))
        rows.append(("… its imports; the whole process, wall", f"{_t(imports)}; {_t(wall)}"))
    secs, cpu = _timed_wall("verify", store)
    rows.append((f"`verify` of its {events + 3:,} rows: the whole process, wall; its work's CPU",
                 f"{_t(secs)}; {_t(cpu)}"))
    return rows


def _timed_wall(*args: str) -> tuple[float, float]:
    """(wall seconds of the whole process, CPU seconds of its work) of one `orgsim` command."""
    t = time.perf_counter()
    _imports, _work, cpu = timed_cli(*args)
    return time.perf_counter() - t, cpu


def hash_figures(parquet: str) -> list[tuple[str, str]]:
    """`state --format json` on the large log twice: the second reads the index and the log hash from the cache."""
    cache = parquet + ".orgsim-index"
    if os.path.exists(cache):
        os.unlink(cache)
    org = data_org(parquet)
    first, _ = _cli("state", "--log", parquet, "--org", org, "--at", "1900", "--format", "json")
    second, _ = _cli("state", "--log", parquet, "--org", org, "--at", "1900", "--format", "json")
    return [("`state --format json`, first call (compiles, hashes the log, writes the cache)", _t(first)),
            ("… second call (index and log hash read from the cache)", _t(second))]


def data_org(parquet: str) -> str:
    """The first organization of a synthetic log."""
    import pyarrow.parquet as pq

    import json

    header = json.loads(pq.read_schema(parquet).metadata[b"orgsim_log"])
    return next(iter(header["entities"]["organizations"]))


IMPORT_PROBES = [["--version"], ["--help"], ["state", "--at", "2009-06-14"],
                 ["state", "--at", "2009-06-14", "--format", "json"], ["validate"], ["store", "--help"],
                 ["export", "--format", "json"], ["comembership", "--at", "2009-06-14"]]
HEAVY = ("pandas", "numpy", "pyarrow", "networkx", "matplotlib", "rich", "simpy", "yaml")


def import_profile(repeat: int = 3) -> list[tuple[str, str, str]]:
    """Each command's wall time (median of ``repeat`` fresh processes) and the heavy libraries it imports."""
    probe = ("import sys, runpy\nsys.argv = ['orgsim', *sys.argv[1:]]\nimport io, contextlib\n"
             "try:\n    with contextlib.redirect_stdout(io.StringIO()):\n"
             "        runpy.run_module('orgsim', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             f"print(','.join(m for m in {HEAVY!r} if m in sys.modules) or '-', file=sys.stderr)\n")
    out = []
    base = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        base.append(time.perf_counter() - t)
    out.append(("`python -c pass`", _t(sorted(base)[repeat // 2]), "-"))
    for args in IMPORT_PROBES:
        times, mods = [], "-"
        for _ in range(repeat):
            t = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True)
            times.append(time.perf_counter() - t)
            mods = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "?"
        out.append((f"`orgsim {' '.join(args)}`", _t(sorted(times)[repeat // 2]), mods))
    return out


def tables(sizes: list[int], spec: dict, parse: list, results: dict[int, list[dict]], store: list, hashing: list,
           imports: list) -> str:
    """Everything measured, as Markdown, with the machine and the date."""
    out = [f"Machine: {machine()}", "",
           f"Histories: `orgsim synth --orgs {spec['orgs']} --states {spec['states']} --years {spec['years']} "
           f"--seed {spec['seed']}` at {', '.join(f'{n:,}' for n in sizes)} events.", ""]
    for n in sizes:
        res = results[n]
        mine = next((r for r in res if r["tool"] == "orgsim" and "skipped" not in r), None)
        out += [f"### {n:,} events ({res[0].get('intervals', '?')} membership intervals)", "",
                "| tool | version | time to first answer | one org, non-empty (median) | one org, empty (median) | "
                "every membership at a date (median) | resident growth | answers agree | orgsim/peer: first | "
                "non-empty | empty | world |",
                "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
        for r in res:
            if "skipped" in r:
                out.append(f"| {r['tool']} | skipped: {r['skipped']} | | | | | | | | | | |")
                continue
            note = f" ({r['note']})" if r.get("note") else ""
            ratios = ["", "", "", ""] if r is mine or mine is None else [
                _ratio(mine["first"], r["first"]), _ratio(mine["nonempty"], r["nonempty"]),
                _ratio(mine["empty"], r["empty"]), _ratio(mine["world"], r["world"])]
            out.append(f"| {r['tool']}{note} | {r['version']} | {_t(r['first'])} | {_t(r['nonempty'])} | "
                       f"{_t(r['empty'])} | {_t(r['world'])} | {r['rss'] / 1e6:.0f} MB | "
                       f"{'yes' if r['agree'] else '**no**'} ({r['asked']} queries) | {' | '.join(ratios)} |")
        out.append("")
    if len(sizes) > 1:
        out += [f"Growth exponents from {sizes[0]:,} to {sizes[-1]:,} events (1.0: linear; time ~ size^k):", "",
                "| tool | time to first answer | non-empty query | resident growth |", "|---|---:|---:|---:|"]
        for tool in TOOLS:
            rs = [next((r for r in results[n] if r["tool"] == tool and "skipped" not in r), None) for n in sizes]
            if any(r is None for r in rs):
                continue
            out.append(f"| {tool} | {_slope(sizes, [r['first'] for r in rs])} | "
                       f"{_slope(sizes, [r['nonempty'] for r in rs])} | {_slope(sizes, [r['rss'] for r in rs])} |")
        out.append("")
    if parse:
        out += ["File parsing (load and validate):", "", "| format | events | file | load | per event |",
                "|---|---:|---:|---:|---:|"]
        out += [f"| {r['format']} | {r['events']:,} | {r['bytes'] / 1e6:.1f} MB | {_t(r['seconds'])} | "
                f"{_t(r['seconds'] / r['events'])} |" for r in parse]
        out.append("")
    if store or hashing:
        out += ["The store and the log hash (each a fresh `orgsim` process, wall time):", "", "| measure | time |",
                "|---|---:|"]
        out += [f"| {a} | {b} |" for a, b in store + hashing]
        out.append("")
    if imports:
        out += ["Import profile (wall time of a fresh process, median of 3; heavy libraries it imported):", "",
                "| command | time | imports |", "|---|---:|---|"]
        out += [f"| {a} | {b} | {c} |" for a, b, c in imports]
        out.append("")
    return "\n".join(out) + "\n"


def main() -> None:
    """Parse the options, measure every size, print (and optionally write) the tables."""
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--size", "--events", dest="size", default="1000000",
                    help="events in the synthetic history; several, comma-separated, give growth exponents")
    ap.add_argument("--orgs", type=int, default=500, help="organizations (default: %(default)s)")
    ap.add_argument("--states", type=int, default=200, help="states (default: %(default)s)")
    ap.add_argument("--years", type=int, default=200, help="years covered (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=7, help="seed of the synthetic history (default: %(default)s)")
    ap.add_argument("--queries", type=int, default=200, help="non-empty queries, and as many empty ones")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated: " + ", ".join(TOOLS))
    ap.add_argument("--small-events", type=int, default=50_000,
                    help="events in the YAML / JSON lines / Parquet files compared for parsing (0: skip)")
    ap.add_argument("--store-events", type=int, default=100_000, help="events for the store figures (0: skip)")
    ap.add_argument("--dynetx-orgs", type=int, default=3, help="organizations DyNetX is given (it is slow)")
    ap.add_argument("--eventsourcing-intervals", type=int, default=150_000,
                    help="past this many intervals, eventsourcing is given a proportional part of the organizations")
    ap.add_argument("--no-imports", action="store_true", help="skip the import profile")
    ap.add_argument("--no-hash", action="store_true",
                    help="skip `state --format json` twice on the largest log (the log hash and its cache)")
    ap.add_argument("--markdown", default=None, help="also write the tables to this file")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.size.split(",") if s)
    tools = [t for t in args.tools.split(",") if t]
    results: dict[int, list[dict]] = {}
    parse: list = []
    hashing: list = []
    with tempfile.TemporaryDirectory(prefix="orgsim-bench-") as root:
        for n in sizes:
            folder = os.path.join(root, str(n))
            os.makedirs(folder)
            spec = SynthSpec(args.orgs, args.states, args.years, n, args.seed)
            print(f"{n:,} events: building the history…", flush=True)
            h = data.build(spec, folder, args.small_events if n == sizes[-1] else 0, 1)
            from orgsim.engine.index import FactIndex
            from orgsim.events import load_log

            index = FactIndex(load_log(h.parquet), cache=False)
            write_inputs(folder, index)
            queries, reference = make_queries(index, args.queries, args.seed)
            PARTS.clear()
            PARTS["dynetx"] = args.dynetx_orgs
            if intervals_of(index) > args.eventsourcing_intervals:  # ~1 ms an interval: given a part
                PARTS["eventsourcing"] = max(1, args.orgs * args.eventsourcing_intervals // intervals_of(index))
            queries["parts"] = {}
            for tool, k in PARTS.items():
                part, ref = make_queries(index, args.queries, args.seed, first_orgs=k)
                queries["parts"][tool] = part
                reference.update(ref)
            intervals = len(index.table.ent)
            del index
            results[n] = []
            for tool in tools:
                print(f"  {tool}…", flush=True)
                r = run_tool(tool, folder, queries, reference)
                r["intervals"] = f"{intervals:,}"
                results[n].append(r)
            if n == sizes[-1]:
                if args.small_events:
                    parse = orgsim_side.parsing(h)
                hashing = [] if args.no_hash else hash_figures(h.parquet)
        store = store_figures(root, args.store_events, args.seed) if args.store_events else []
    imports = [] if args.no_imports else import_profile()
    spec_d = {"orgs": args.orgs, "states": args.states, "years": args.years, "seed": args.seed}
    text = tables(sizes, spec_d, parse, results, store, hashing, imports)
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
