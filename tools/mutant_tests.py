"""One mutant's tests: first those that run the mutated line, then, if it survives them, the whole selection.

cosmic-ray runs this as its test command, in a copy of the tree holding one mutant. The tests that ran each
statement of the module were recorded once, on the unmutated code (``tools/mutation.py`` builds
``out/mutation/<name>.lines.json`` with coverage's per-test contexts). A mutant can only change what a test
sees if the test runs the mutated statement, so those tests go first and most mutants die within seconds.
A mutant they do not kill is given the module's whole selection before it is called a survivor, so the
verdicts are those of the whole selection (a test reaching the line only in a subprocess, or at import,
still counts); only the time changes.

    python tools/mutant_tests.py NAME      # exit status: pytest's (0 survived, anything else killed)
"""

from __future__ import annotations

import ast
import difflib
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutation import MODULES, OUT, PYTEST  # noqa: E402

#: pytest's statuses for "not a verdict": a node id not found (4) or nothing collected (5).
_NO_VERDICT = (4, 5)


def statement_lines(source: str, changed: list[int]) -> set[int]:
    """The first line of the innermost statement (or except clause) holding each changed line.

    Coverage records a statement by its first line, so a mutant inside a statement written over several
    lines is found by the line the statement starts on. A line held by no statement (a decorator) gives none.

    >>> sorted(statement_lines("x = (1 +\\n     2)\\nif x:\\n    y = 3\\n", [2, 3]))
    [1, 3]
    """
    nodes = [n for n in ast.walk(ast.parse(source)) if isinstance(n, (ast.stmt, ast.excepthandler))]
    out = set()
    for line in changed:
        holding = [n for n in nodes if n.lineno <= line <= (n.end_lineno or n.lineno)]
        if holding:
            out.add(min(holding, key=lambda n: (n.end_lineno or n.lineno) - n.lineno).lineno)
    return out


def changed_lines(before: str, after: str) -> list[int]:
    """Lines of BEFORE that AFTER changes (1-based)."""
    out = []
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag != "equal":
            out += list(range(i1 + 1, max(i2, i1 + 1) + 1))
    return out


def tests_for(name: str, tree: Path) -> list[str]:
    """The recorded tests that ran a statement this mutant changes, in the selection's order."""
    recorded = json.loads((OUT / f"{name}.lines.json").read_text(encoding="utf-8"))
    now = (tree / MODULES[name][0]).read_text(encoding="utf-8")
    lines = statement_lines(recorded["source"], changed_lines(recorded["source"], now))
    picked = {i for line in lines for i in recorded["lines"].get(str(line), [])}
    return [recorded["order"][i] for i in sorted(picked)]


def main() -> int:
    name = sys.argv[1]
    tree = Path.cwd()
    first = tests_for(name, tree)
    if first:
        code = subprocess.run(PYTEST.split() + ["--", *first], cwd=tree).returncode
        if code not in (0, *_NO_VERDICT):
            return code
    return subprocess.run(f"{PYTEST} {MODULES[name][2]}", shell=True, cwd=tree).returncode


if __name__ == "__main__":
    sys.exit(main())
