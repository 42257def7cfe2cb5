"""`make mutation`: cosmic-ray over the core modules, each with the tests that guard it; report in docs/testing.md.

The source is mutated in a scratch copy (out/mutation/tree-<module>), never in the working tree: the editable
install maps ``orgsim.*`` to the working tree, so the copy gets an ``orgsim`` package of symlinks
(orgsim/events -> ../events, ...) and PYTHONPATH points at it, for subprocesses too.

    python tools/mutation.py                     # every module: init (once), run what is pending, report
    python tools/mutation.py dates reconcile     # some modules
    python tools/mutation.py --retest dates      # run the survivors again (after adding tests)
    python tools/mutation.py --report            # only write the report
    python tools/mutation.py --workers 2         # two mutants at a time, each in a copy of its own

Sessions are cosmic-ray work databases (out/mutation/<name>.sqlite): an interrupted run resumes.
Mutants a test cannot kill because they change nothing a user could see are listed with a reason in
tools/mutation_equivalent.yaml (matched by module, operator and the text of the mutated line, and by
cosmic-ray's occurrence number where one line holds two mutants of one operator).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import shlex
import shutil
import sqlite3
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "out" / "mutation"
PY = sys.executable
#: --assert=plain: a verdict needs pass or fail, not assertion messages, and rewriting (hypothesis included, as a
#: plugin) without a bytecode cache cost 1.5 to 3 s a mutant.
PYTEST = f"{PY} -m pytest -x -q -p no:cacheprovider -p no:randomly -W ignore --assert=plain"

#: Slow tests left out of a module's selection because they test something else (figures drawn, the
#: whole COW data set read for an importer's agreement): a mutant costs one run of the selection.
_FIGURES = ("--deselect tests/test_scenarios.py::test_compared_timelines_share_their_x_axis "
            "--deselect tests/test_scenarios.py::test_compare_writes_json_and_figures")
_COW_REAL = " ".join(f"--deselect tests/test_import_cow.py::{t}" for t in (
    "test_real_state_year_france_1943_and_no_system_exit_is_a_withdrawal", "test_docs_give_the_measured_year_rule_agreement",
    "test_real_round_trip_on_a_sample_of_organizations", "test_real_igo_year_dissolutions_in_the_deaddate_year",
    "test_real_igo_year_warsaw_pact_dissolved_in_1991"))

#: name -> (module path, functions to mutate (None: all), tests that guard it); with -x the first failure ends
#: a run, so the tests most likely to kill a module's mutants come first.
MODULES: dict[str, tuple[str, list[str] | None, str]] = {
    "dates": ("events/dates.py", None, "tests/test_mutants.py tests/test_dates.py"),
    "canonical": ("events/canonical.py", None, "tests/test_mutants.py tests/test_store_hashes.py tests/test_store_bulk.py "
                  "tests/test_store.py "
                  "tests/test_index_cache_cli.py::test_the_log_hash_is_computed_once_and_kept_with_the_cache"),
    "store_verify": ("events/store/verify.py", None, "tests/test_mutants.py tests/test_store.py"),
    "branch": ("scenarios/branch.py", None, f"tests/test_mutants.py tests/test_scenarios.py {_FIGURES}"),
    "rules": ("scenarios/rules.py", None, f"tests/test_mutants.py tests/test_scenarios.py {_FIGURES}"),
    "reconcile": ("reports/reconcile.py", ["coverage", "statuses", "reconcile", "spans", "summary", "_year",
                                           "_compare_dates", "_quiet", "_silent_on"],
                  "tests/test_mutants.py tests/test_reconcile_rules.py tests/test_import_reconcile.py"),
    "cow_export": ("engine/year_codes.py", ["cow_organizations", "cow_rows", "cow_state_year_frame"],
                   f"tests/test_mutants.py tests/test_import_cow.py tests/test_exports.py {_COW_REAL}"),
    "store_chain": ("events/store/chain.py", ["append", "_numbered", "restore", "head", "version"],
                    "tests/test_store.py tests/test_mutants.py tests/test_store_bulk.py tests/test_store_concurrency.py "
                    "--deselect 'tests/test_store_concurrency.py::test_writers_append_10000_events_between_them[8]'"),
    "apply": ("engine/apply.py", None, "tests/test_engine.py tests/test_validation.py tests/test_mutants.py"),
    "index": ("engine/index.py", None, "tests/test_mutants.py tests/test_engine.py tests/test_index_scale.py "
              "tests/test_index_cache_cli.py"),
    "vectorised": ("engine/vectorised.py", None, "tests/test_mutants.py tests/test_engine.py tests/test_index_scale.py"),
}

#: Plausible small bugs: boundaries, negations, swapped set operations, skipped loops and handlers.
#: (NumberReplacer is left out: in these modules its mutants are tuple indices and message numbers that
#: crash at once, and they would double the run.)
OPERATORS = re.compile(r"core/(ReplaceComparisonOperator_(Eq_NotEq|NotEq_Eq|Lt_LtE|LtE_Lt|Gt_GtE|GtE_Gt|Lt_GtE|GtE_Lt"
                       r"|Gt_LtE|LtE_Gt|Is_IsNot|IsNot_Is)|ReplaceBinaryOperator_(Add_Sub|Sub_Add|Mul_Div|Div_Mul"
                       r"|Mod_FloorDiv|BitAnd_BitOr|BitOr_BitAnd|BitXor_BitOr)|ReplaceUnaryOperator_(Delete_Not"
                       r"|USub_UAdd)|AddNot|ReplaceTrueWithFalse|ReplaceFalseWithTrue|ReplaceAndWithOr"
                       r"|ReplaceOrWithAnd|ReplaceBreakWithContinue|ReplaceContinueWithBreak"
                       r"|ZeroIterationForLoop|ExceptionReplacer)\Z")


def run(*cmd: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(list(cmd), check=True, **kw)


def env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg", "CI": "1"}


def prepare(tree: Path) -> None:
    """A fresh copy of the tracked and new files, with the `orgsim` package made of symlinks."""
    if tree.exists():
        shutil.rmtree(tree)
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, check=True,
                           capture_output=True, text=True).stdout.splitlines()
    for f in files:
        src = REPO / f
        if src.is_file() and not f.startswith(("out/", "tools/")):
            (tree / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, tree / f)
    for pkg in ("events", "engine", "scenarios", "reports"):
        (tree / "orgsim" / pkg).symlink_to(Path("..") / pkg)
    shared = OUT / "shared"  # tests find ../shared beside the repository
    if not shared.exists():
        shared.symlink_to(REPO.parent / "shared")
    where = subprocess.run([PY, "-c", "import orgsim.events.dates as m; print(m.__file__)"], cwd=tree, env=env(tree),
                           check=True, capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(tree)), f"the copy would not be tested: orgsim.events.dates is {where}"


def config(name: str, urls: list[str] | None = None) -> Path:
    """The session's cosmic-ray configuration: local (one mutant at a time) or http to the workers at URLS."""
    path, _funcs, tests = MODULES[name]
    cfg = OUT / f"{name}.toml"
    distributor = '[cosmic-ray.distributor]\nname = "local"\n'
    if urls:
        distributor = ('[cosmic-ray.distributor]\nname = "http"\n\n[cosmic-ray.distributor.http]\n'
                       f'worker-urls = [{", ".join(repr(u) for u in urls)}]\n')
    command = f"{PY} {REPO / 'tools' / 'mutant_tests.py'} {name}"  # the line's tests first, then the rest
    cfg.write_text(f'[cosmic-ray]\nmodule-path = "{path}"\ntimeout = 180.0\nexcluded-modules = []\n'
                   f'test-command = "{command}"\n\n{distributor}', encoding="utf-8")
    return cfg


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def http_workers(name: str, count: int):
    """COUNT cosmic-ray http workers, each in a copy of its own (a worker mutates its copy's files in place)."""
    procs, urls = [], []
    try:
        for i in range(2, count + 1):  # the first worker uses the session's own copy
            prepare(OUT / f"tree-{name}-{i}")
        for i in range(1, count + 1):
            tree = OUT / (f"tree-{name}" if i == 1 else f"tree-{name}-{i}")
            port = _free_port()
            procs.append(subprocess.Popen([PY, "-m", "cosmic_ray.cli", "http-worker", "--port", str(port)], cwd=tree,
                                          env=env(tree), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:  # a worker takes a second or two to listen
            host, port = url.rsplit(":", 1)[0][7:], int(url.rsplit(":", 1)[1])
            for _ in range(100):
                try:
                    socket.create_connection((host, port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise SystemExit(f"{name}: the cosmic-ray worker at {url} did not start")
        yield urls
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def spans(path: Path, funcs: list[str] | None) -> list[tuple[int, int]]:
    """Line ranges of the functions to mutate (the whole file when None)."""
    if funcs is None:
        return [(1, 10 ** 9)]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in funcs:
            out.append((node.lineno, node.end_lineno))
    return out


def annotations(path: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the type annotations are: with `from __future__ import annotations` they are never run."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        parts = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            parts = [node.returns] + [a.annotation for a in node.args.posonlyargs + node.args.args +
                                      node.args.kwonlyargs + [node.args.vararg, node.args.kwarg] if a]
        elif isinstance(node, ast.AnnAssign):
            parts = [node.annotation]
        out += [((n.lineno, n.col_offset), (n.end_lineno, n.end_col_offset)) for n in parts if n is not None]
    return out


def code_digest(text: str) -> str:
    """The code a session mutates: the module's syntax tree without its imports, docstrings kept, lines ignored.

    A moved import (a package reorganised) changes no mutant: cosmic-ray numbers a mutant by its operator's
    occurrence, and imports hold none of the operators run here.
    """
    tree = ast.parse(text)
    tree.body = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))]
    return hashlib.sha256(ast.dump(tree, include_attributes=False).encode("utf-8")).hexdigest()


def source_digest(name: str) -> str:
    """The module's code as it is now."""
    return code_digest((REPO / MODULES[name][0]).read_text(encoding="utf-8"))


def recorded_source(name: str) -> str | None:
    """The module's text when its session was made (None: not kept, an older session)."""
    kept = OUT / f"{name}.source.py"
    return kept.read_text(encoding="utf-8") if kept.exists() else None


def current(name: str) -> bool:
    """Whether the session was made from the module's present code (a session counts only for that code)."""
    kept = recorded_source(name)
    if kept is not None:
        return code_digest(kept) == source_digest(name)
    mark = OUT / f"{name}.source"  # sessions of before the text was kept: a digest of the file's bytes
    return mark.exists() and mark.read_text(encoding="utf-8").strip() == hashlib.sha256(
        (REPO / MODULES[name][0]).read_bytes()).hexdigest()


def init(name: str, tree: Path) -> Path:
    session = OUT / f"{name}.sqlite"
    if session.exists() and not current(name):
        # cosmic-ray finds a mutant by its operator's occurrence number: on a changed file the same session
        # would mutate other code than it records, so a changed module starts again.
        session.rename(session.with_suffix(".stale.sqlite"))
    if not session.exists():
        run(PY, "-m", "cosmic_ray.cli", "init", str(config(name)), str(session), cwd=tree, env=env(tree))
        shutil.copy2(REPO / MODULES[name][0], OUT / f"{name}.source.py")
    path, funcs, _tests = MODULES[name]
    keep = spans(tree / path, funcs)
    lines = (tree / path).read_text(encoding="utf-8").splitlines()
    typed = annotations(tree / path)
    db = sqlite3.connect(session)
    skip = []
    for job, op, line, col in db.execute("SELECT job_id, operator_name, start_pos_row, start_pos_col "
                                         "FROM mutation_specs"):
        text = lines[line - 1]
        if (not OPERATORS.match(op) or not any(a <= line <= b for a, b in keep) or "pragma: no mutate" in text
                or any(a <= (line, col) < b for a, b in typed)):
            skip.append(job)
    # the scope is decided afresh: a function added to MODULES since the session was made gets its mutants run
    db.execute("DELETE FROM work_results WHERE worker_outcome = 'SKIPPED'")
    db.executemany("INSERT OR REPLACE INTO work_results (job_id, worker_outcome, output) VALUES (?, 'SKIPPED', "
                   "'not in scope')", [(j,) for j in skip])
    db.commit()
    db.close()
    return session


def split_selection(tests: str, parts: int) -> list[str]:
    """The selection's test files in PARTS groups of about equal size, each with every option (--deselect ...).

    >>> split_selection("a.py b.py --deselect 'b.py::t[8]'", 2)
    ["a.py --deselect 'b.py::t[8]'", "b.py --deselect 'b.py::t[8]'"]
    """
    words, targets, options = shlex.split(tests), [], []
    for i, w in enumerate(words):
        (options if w.startswith("-") or (i and words[i - 1] == "--deselect") else targets).append(w)
    size = {t: (REPO / t.split("::")[0]).stat().st_size if (REPO / t.split("::")[0]).exists() else 0 for t in targets}
    groups: list[list[str]] = [[] for _ in range(min(parts, len(targets)) or 1)]
    for t in sorted(targets, key=lambda t: -size[t]):  # the largest file first, each to the lightest group
        min(groups, key=lambda g: (sum(size[x] for x in g), len(g))).append(t)
    opts = " ".join(shlex.quote(o) if not o.startswith("-") else o for o in options)
    return [" ".join(g + ([opts] if opts else [])) for g in groups]


def record_lines(name: str, tree: Path, workers: int = 1) -> None:
    """Run the selection once on the unmutated code under coverage and keep, per statement, the tests that ran it.

    The selection's files are shared among WORKERS processes, as its mutants will be.
    """
    from coverage import CoverageData

    path, _f, tests = MODULES[name]
    parts = split_selection(tests, workers)
    data = [OUT / f"{name}.{i}.coverage" for i in range(len(parts))]
    for d in data:
        d.unlink(missing_ok=True)
    procs = [subprocess.Popen(f"{PYTEST} --cov=. --cov-context=test --cov-report= {part}", shell=True, cwd=tree,
                              env={**env(tree), "COVERAGE_FILE": str(d)}, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for part, d in zip(parts, data)]
    for proc in procs:
        out = proc.communicate()[0]
        if proc.returncode != 0:
            sys.exit(f"{name}: the tests fail before any mutation:\n{out[-3000:]}")
    listed = subprocess.run(f"{PYTEST} -o addopts= --collect-only {tests}", shell=True, cwd=tree, env=env(tree),
                            capture_output=True, text=True, check=True).stdout.splitlines()
    order = [line for line in listed if "::" in line]
    index = {test: i for i, test in enumerate(order)}
    target = (tree / path).resolve()
    lines: dict[int, set[int]] = {}
    for d in data:
        covered = CoverageData(basename=str(d))
        covered.read()
        for f in covered.measured_files():
            if Path(f).resolve() == target:
                for line, contexts in covered.contexts_by_lineno(f).items():
                    lines.setdefault(line, set()).update(
                        index[t] for t in (c.rsplit("|", 1)[0] for c in contexts) if t in index)
        d.unlink(missing_ok=True)
    if not lines:
        sys.exit(f"{name}: coverage did not measure {path}: the line-first test selection cannot be made")
    (OUT / f"{name}.lines.json").write_text(json.dumps({
        "source": (tree / path).read_text(encoding="utf-8"), "order": order,
        "lines": {str(k): sorted(v) for k, v in sorted(lines.items()) if v}}), encoding="utf-8")


def execute(name: str, retest: bool, workers: int = 1) -> None:
    tree = OUT / f"tree-{name}"  # one copy per module: a module's run never sees another's mutant
    prepare(tree)
    session = init(name, tree)
    if retest:
        db = sqlite3.connect(session)
        db.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'")
        db.commit()
        db.close()
    record_lines(name, tree, workers)
    started, cpu = time.time(), os.times()
    if workers > 1:
        with http_workers(name, workers) as urls:
            run(PY, "-m", "cosmic_ray.cli", "exec", str(config(name, urls)), str(session), cwd=tree, env=env(tree))
    else:
        run(PY, "-m", "cosmic_ray.cli", "exec", str(config(name)), str(session), cwd=tree, env=env(tree))
    after = os.times()
    used = (after.children_user + after.children_system) - (cpu.children_user + cpu.children_system)
    print(f"{name}: ran in {time.time() - started:.0f} s wall, {used:.0f} s CPU, {workers} worker(s)", flush=True)


def results(name: str) -> list[dict]:
    session = OUT / f"{name}.sqlite"
    if not session.exists():
        return []
    path = MODULES[name][0]
    # the lines the session's positions refer to: the text it was made from
    lines = (recorded_source(name) or (REPO / path).read_text(encoding="utf-8")).splitlines()
    db = sqlite3.connect(session)
    rows = db.execute("SELECT s.job_id, s.operator_name, s.occurrence, s.start_pos_row, r.worker_outcome, "
                      "r.test_outcome FROM mutation_specs s LEFT JOIN work_results r ON r.job_id = s.job_id").fetchall()
    db.close()
    return [{"job": j, "operator": op.removeprefix("core/"), "occurrence": occ, "line": ln,
             "text": lines[ln - 1].strip() if ln <= len(lines) else "", "worker": (w or "").lower(), "outcome": (t or "").lower()}
            for j, op, occ, ln, w, t in rows]


def equivalents() -> list[dict]:
    path = REPO / "tools" / "mutation_equivalent.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or [] if path.exists() else []


def reason_for(name: str, m: dict, known: list[dict]) -> str | None:
    for e in known:
        if (e["module"] == name and e["operator"] == m["operator"] and e["line"].strip() == m["text"]
                and e.get("occurrence", m["occurrence"]) == m["occurrence"]):
            return e["reason"]
    return None


def report() -> str:
    known = equivalents()
    out = ["| module | file | mutants | killed | survived | equivalent | score (killed / non-equivalent) | last run (UTC) |",
           "|---|---|---|---|---|---|---|---|"]
    detail = []
    for name, (path, funcs, tests) in MODULES.items():
        rs = [r for r in results(name) if r["worker"] != "skipped"]
        if not rs:
            out.append(f"| {name} | `{path}` | not run | | | | | |")
            continue
        when = time.strftime("%Y-%m-%d %H:%M", time.gmtime((OUT / f"{name}.sqlite").stat().st_mtime))
        old = not current(name)
        if old:  # the figures hold for the code as it was; its survivors cannot be placed in the present file
            when += ", **on an earlier version of the file**: run it again"
        done = [r for r in rs if r["outcome"] in ("killed", "survived")]
        if not done:
            out.append(f"| {name} | `{path}` | not run | | | | | |")
            continue
        pending = len(rs) - len(done) - sum(1 for r in rs if r["outcome"] == "incompetent")
        killed = [r for r in done if r["outcome"] == "killed"]
        survived = [r for r in done if r["outcome"] == "survived"]
        equiv = [(r, reason_for(name, r, known)) for r in survived]
        eq = [r for r, why in equiv if why]
        real = len(done) - len(eq)
        score = f"{100 * len(killed) / real:.0f} %" if real else "-"
        note = f" ({pending} pending)" if pending else ""
        out.append(f"| {name} | `{path}` | {len(done)}{note} | {len(killed)} | {len(survived) - len(eq)} | "
                   f"{len(eq)} | {score} | {when} |")
        for r, why in sorted(equiv, key=lambda x: x[0]["line"]) if not old or recorded_source(name) else []:
            tag = f"equivalent: {why}" if why else "**survived**"
            detail.append(f"- {name} `{path}:{r['line']}` {r['operator']} #{r['occurrence']} `{r['text'][:90]}` "
                          f"— {tag}")
    listed_md = OUT / "listed.md"
    extra = ["", "The survivors issue 16 listed, each applied alone (`python tools/mutation.py --listed`):", "",
             listed_md.read_text(encoding="utf-8").strip()] if listed_md.exists() else []
    return "\n".join(out + ["", "Survivors:", ""] + (detail or ["- none"]) + extra)


def write_report() -> None:
    text = report()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.md").write_text(text + "\n", encoding="utf-8")
    doc = REPO / "docs" / "testing.md"
    start, end = "<!-- mutation-report:start -->", "<!-- mutation-report:end -->"
    body = doc.read_text(encoding="utf-8")
    if start in body and end in body:
        head, rest = body.split(start, 1)
        doc.write_text(f"{head}{start}\n{text}\n{end}{rest.split(end, 1)[1]}", encoding="utf-8")
    print(text)


#: The survivors issue 16 listed, as hand-made mutants: (file, text, its mutation, the test that kills it).
LISTED = [
    ("events/dates.py", 'approximate=q in ("~", "%")', 'approximate=q in ("~",)',
     "tests/test_mutants.py::test_percent_marks_a_date_approximate_and_uncertain"),
    ("events/dates.py", "hi.upper < lo.lower", "hi.upper < lo.upper",
     "tests/test_mutants.py::test_a_range_may_end_inside_its_start_year"),
    ("scenarios/branch.py", 'readings[iv.target] = iv.args["choose"]', "pass",
     "tests/test_mutants.py::test_a_branch_honours_a_reading_intervention"),
    ("scenarios/rules.py", "objecting = sorted(set(objections) & members)", "objecting = sorted(set(objections))",
     "tests/test_mutants.py::test_base_admitted_ignores_objections_from_states_that_are_not_members"),
    ("events/store/verify.py", "if prev is not None and r.recorded_at < prev.recorded_at:", "if False:",
     "tests/test_mutants.py::test_verify_detects_a_backdated_row"),
    ("events/store/verify.py", "if r.version != versions.get(key, 0) + 1:", "if r.version <= versions.get(key, 0):",
     "tests/test_mutants.py::test_verify_detects_a_skipped_version"),
    ("engine/year_codes.py", "exists[fact.key[1]] |= (start < y1) & (end > y0)",
     "exists[fact.key[1]] |= (start < y0) & (end > y0)",
     "tests/test_mutants.py::test_cow_export_counts_an_organization_founded_on_1_july_in_that_year"),
    ("reports/reconcile.py", "if best[2] in SILENT_STATUSES:", "if False:",
     "tests/test_reconcile_rules.py::test_every_year_of_an_unknown_status_is_silent_not_only_the_first"),
    ("events/canonical.py", '"default": c.default, ', "",
     "tests/test_mutants.py::test_changing_a_conflicts_default_reading_changes_the_log_hash"),
]


def listed() -> list[str]:
    """Apply each listed mutant alone in a copy and run the test named for it: it must fail."""
    tree = OUT / "listed-tree"
    prepare(tree)
    lines = []
    for path, old, new, test in LISTED:
        src = tree / path
        text = src.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{path}: {old!r} is not there once: update LISTED"
        src.write_text(text.replace(old, new), encoding="utf-8")
        try:
            done = subprocess.run(f"{PYTEST} {test}", shell=True, cwd=tree, env=env(tree), capture_output=True)
        finally:
            src.write_text(text, encoding="utf-8")
        verdict = "killed" if done.returncode != 0 else "**survived**"
        lines.append(f"- `{path}`: `{old}` → `{new or '(removed)'}` — {verdict} by `{test.split('::')[1]}`")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("modules", nargs="*", help=f"some of: {', '.join(MODULES)}")
    ap.add_argument("--retest", action="store_true", help="run the survivors again")
    ap.add_argument("--report", action="store_true", help="only write the report")
    ap.add_argument("--listed", action="store_true", help="only check the mutants issue 16 listed")
    ap.add_argument("--workers", type=int, default=1, help="mutants run at once, each in a copy (default 1)")
    args = ap.parse_args()
    unknown = set(args.modules) - set(MODULES)
    if unknown:
        ap.error(f"no module {', '.join(sorted(unknown))}")
    if args.workers < 1:
        ap.error("--workers must be at least 1")
    OUT.mkdir(parents=True, exist_ok=True)
    if args.listed:
        text = "\n".join(listed())
        (OUT / "listed.md").write_text(text + "\n", encoding="utf-8")
        print(text)
        return
    if not args.report:
        for name in args.modules or list(MODULES):
            execute(name, args.retest, args.workers)
    write_report()


if __name__ == "__main__":
    main()
