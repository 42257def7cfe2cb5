"""Hostile input, round two (issue 14): each class of attack through the real command line.

Every case runs ``python -m orgsim`` in a child process with resource limits (CPU time
and file size) and checks what a user sees: the exit status, exactly one line on
stderr naming the file, row or event, no traceback, and the file system as it was.
The classes are numbered as in the issue; class 2 (the index cache) is tested with
``engine/index_cache.py``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import pty
import re
import resource
import select
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET

import pytest

from .conftest import TINY

HERE = os.path.dirname(__file__)
FUTURE = os.path.join(HERE, "..", "scenarios", "future-2030.yaml")
COW = os.path.join(HERE, "fixtures", "cow_state_year", "state_year_format3.csv")
ATOP = os.path.join(HERE, "fixtures", "atop_4220", "atop5_1m.csv")
#: Every child gets these limits: no case may spin or fill the disk.
CPU_SECONDS, FILE_BYTES = 300, 256 * 1024 * 1024


def _limits(file_bytes: int = FILE_BYTES) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))


def orgsim(*args: str, cwd: str | os.PathLike | None = None, stdout: object = subprocess.PIPE,
           file_bytes: int = FILE_BYTES, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``orgsim ARGS`` in a child process with CPU and file-size limits."""
    return subprocess.run([sys.executable, "-m", "orgsim", *args], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE,
                          timeout=timeout, preexec_fn=lambda: _limits(file_bytes),
                          env={**os.environ, **(env or {})})


def text(data: bytes | None) -> str:
    """Output as text (bytes, so that a raw control character cannot be lost on the way)."""
    return (data or b"").decode("utf-8")


def one_error(proc: subprocess.CompletedProcess, *fragments: str, code: int = 2) -> str:
    """The run failed as a user should see it: the exit status, one `orgsim: error:` line, no traceback."""
    err = text(proc.stderr)
    assert proc.returncode == code, (proc.returncode, err)
    assert "Traceback" not in err, err
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].startswith("orgsim: error: "), err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert not _unshowable(err), err
    return lines[0]


def _unshowable(s: str) -> list[str]:
    """Characters a terminal would obey, other than line breaks."""
    return [c for c in s if c not in "\n" and (unicodedata.category(c) == "Cc" or c in "\u202e\u202d\u2066\u2067")]


def snapshot(folder: str | os.PathLike) -> dict:
    """Every entry in a folder: its type, mode and content hash (to show nothing changed)."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            digest = hashlib.sha256(open(p, "rb").read()).hexdigest() if stat.S_ISREG(st.st_mode) else None
            out[os.path.relpath(p, folder)] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), digest)
    return out


def tiny_with(tmp_path, old: str, new: str, name: str = "log.yaml") -> str:
    """The tiny test log with one piece of text replaced (the piece must be there)."""
    src = open(TINY, encoding="utf-8").read()
    assert old in src, old
    path = tmp_path / name
    path.write_text(src.replace(old, new, 1), encoding="utf-8")
    return str(path)


def line_of(path: str, fragment: str) -> int:
    """The line of a log that holds a fragment."""
    for n, line in enumerate(open(path, encoding="utf-8"), start=1):
        if fragment in line:
            return n
    raise AssertionError(fragment)


# --- 1. output paths --------------------------------------------------------------------


def test_output_onto_a_fifo_is_refused_and_it_stays_a_fifo(tmp_path):
    """`-o FIFO` (export, a figure, store export, synth) is exit 2 with one line, and the FIFO is still a FIFO."""
    for name in ("pipe.csv", "pipe.png", "pipe.yaml"):
        os.mkfifo(tmp_path / name)
    assert orgsim("store", "init", "--store", str(tmp_path / "s.sqlite")).returncode == 0
    assert orgsim("store", "import", TINY, "--store", str(tmp_path / "s.sqlite")).returncode == 0
    before = snapshot(tmp_path)
    for args in (["export", "--format", "csv", "-o", "pipe.csv"], ["timeline", "-o", "pipe.png"],
                 ["store", "export", "--store", "s.sqlite", "-o", "pipe.yaml"],
                 ["synth", "--events", "50", "-o", "pipe.yaml"]):
        one_error(orgsim(*args, cwd=tmp_path), f"cannot write {args[-1]}: it is a FIFO, not a regular file")
        assert snapshot(tmp_path) == before
    assert all(stat.S_ISFIFO(os.lstat(tmp_path / n).st_mode) for n in ("pipe.csv", "pipe.png", "pipe.yaml"))


def test_output_onto_a_device_a_folder_or_a_symlink_is_refused(tmp_path):
    """/dev/null stays a character device; a folder and a symbolic link are refused too, and nothing appears."""
    (tmp_path / "dir.csv").mkdir()
    (tmp_path / "target.csv").write_text("mine\n")
    os.symlink(tmp_path / "target.csv", tmp_path / "link.csv")
    before = snapshot(tmp_path)
    one_error(orgsim("export", "--format", "csv", "-o", "/dev/null", cwd=tmp_path), "/dev/null",
              "a character device")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    one_error(orgsim("export", "--format", "csv", "-o", str(tmp_path / "dir.csv"), cwd=tmp_path), "a folder")
    one_error(orgsim("export", "--format", "csv", "-o", str(tmp_path / "link.csv"), cwd=tmp_path),
              "a symbolic link")
    assert snapshot(tmp_path) == before


def test_replacing_a_file_keeps_its_mode_and_says_so(tmp_path):
    """An existing 0600 file is replaced (exit 0) and stays 0600; one line on stderr says it was replaced."""
    out = tmp_path / "panel.csv"
    out.write_text("old\n")
    os.chmod(out, 0o600)
    proc = orgsim("export", "--format", "csv", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, text(proc.stderr)
    assert text(proc.stderr).strip() == f"orgsim: replaced {out} (mode 0600 kept)"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600 and out.read_text().startswith("state,year")
    assert sorted(os.listdir(tmp_path)) == ["panel.csv"]  # no temporary file left


def test_a_read_only_file_or_a_store_is_replaced_only_with_force(tmp_path):
    """A read-only file and an SQLite store are refused (exit 2, untouched) unless --force is given."""
    ro = tmp_path / "ro.yaml"
    ro.write_text("keep me\n")
    os.chmod(ro, 0o444)
    assert orgsim("store", "init", "--store", str(tmp_path / "s.sqlite"), cwd=tmp_path).returncode == 0
    before = snapshot(tmp_path)
    one_error(orgsim("export", "--format", "json", "-o", str(ro), cwd=tmp_path), "read-only", "--force")
    one_error(orgsim("export", "--format", "json", "-o", str(tmp_path / "s.sqlite"), cwd=tmp_path),
              "SQLite database", "--force")
    assert snapshot(tmp_path) == before
    proc = orgsim("export", "--format", "json", "-o", str(ro), "--force", cwd=tmp_path)
    assert proc.returncode == 0 and "replaced" in text(proc.stderr)
    assert stat.S_IMODE(os.stat(ro).st_mode) == 0o444 and ro.read_text().startswith("{")


# --- 3. terminal markup and control characters -------------------------------------------


def _hostile_names(tmp_path) -> str:
    path = tiny_with(tmp_path, "payload: {name: Council, parent: TA, type: council}",
                     'payload: {name: "[/x] [link=https://evil.invalid]click[/link] [bold]B", parent: TA, '
                     'type: council}')
    src = open(path, encoding="utf-8").read()
    src = src.replace('quote: "council", gloss: "council"', 'quote: "csi\\x9b2J bidi\\u202eevil", gloss: "[/x]"')
    src = src.replace("payload: {name: Test Alliance, short: TA}", 'payload: {name: "Test \\x9b2J Alliance", short: TA}')
    open(path, "w", encoding="utf-8").write(src)
    return path


def test_markup_in_a_log_is_printed_as_written(tmp_path):
    """`[/x]` and a `[link=…]` tag in a body's name are printed literally by `state`, never a crash or a link."""
    log = _hostile_names(tmp_path)
    proc = orgsim("state", "--at", "1992", "--log", log, env={"FORCE_COLOR": "1", "COLUMNS": "300"})
    out = text(proc.stdout)
    assert proc.returncode == 0 and text(proc.stderr) == "", text(proc.stderr)
    assert "[/x]" in out and "[link=https://evil.invalid]click[/link]" in out and "[bold]B" in out
    assert "\x1b]8;" not in out  # no hidden hyperlink (OSC 8)


def test_control_characters_from_a_log_are_shown_escaped(tmp_path):
    """A C1 CSI and a bidi override in names and quotes reach `state`, `sources` and JSON only as escapes."""
    log = _hostile_names(tmp_path)
    for args in (["state", "--at", "1992"], ["sources", "council"], ["state", "--at", "1992", "--format", "json"],
                 ["export", "--format", "json"]):
        proc = orgsim(*args, "--log", log)
        out = text(proc.stdout)
        assert proc.returncode == 0, text(proc.stderr)
        assert not _unshowable(out.replace("\x1b", "")) and "\x9b" not in out and "\u202e" not in out, args
        assert "\\x9b2J" in out or "\\u009b2J" in out, (args, out)


def test_an_error_quoting_a_hostile_argument_is_escaped(tmp_path):
    """`sources` with an id holding an escape sequence: one error line, the sequence shown as text."""
    line = one_error(orgsim("sources", "x\x1b]0;owned\x07\x1b[2J"), "no event")
    assert "\\x1b]0;owned\\x07" in line


# --- 4. CSV formula injection --------------------------------------------------------------


def _formula_log(tmp_path) -> str:
    path = tiny_with(tmp_path, "payload: {name: Council, parent: TA, type: council}",
                     "payload: {name: '=HYPERLINK(\"http://evil.invalid\",\"x\")', parent: TA, type: council}")
    src = open(path, encoding="utf-8").read()
    src = src.replace('quote: "rule", gloss: "rule"', 'quote: "+SUM(1,2)", gloss: "@cmd"')
    src = src.replace("{id: suspended, summary: suspended,", "{id: suspended, summary: \"-2+3\",")
    open(path, "w", encoding="utf-8").write(src)
    return path


def _formula_cells(csv_text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(csv_text)) for c in row
            if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not re.fullmatch(r"[+-]?\d+(\.\d+)?", c)]


def test_csv_cells_never_start_a_formula(tmp_path):
    """`state`, `sources`, `conflicts` and `diff` as CSV: cells from the log starting with = + - @ get a '."""
    log = _formula_log(tmp_path)
    seen = []
    for args in (["state", "--at", "1995"], ["sources", "consensus"], ["conflicts"],
                 ["diff", "1990", "1995"], ["events"]):
        proc = orgsim(*args, "--format", "csv", "--log", log)
        out = text(proc.stdout)
        assert proc.returncode == 0, text(proc.stderr)
        assert _formula_cells(out) == [], (args, _formula_cells(out))
        seen += [c for row in csv.reader(io.StringIO(out)) for c in row if c.startswith("'")]
    assert {"'=HYPERLINK(\"http://evil.invalid\",\"x\")", "'+SUM(1,2)", "'@cmd", "'-2+3"} <= set(seen)


def test_raw_csv_writes_cells_as_they_are(tmp_path):
    """--raw-csv turns the guard off: the cell is the name exactly; numbers such as -1 are never prefixed."""
    log = _formula_log(tmp_path)
    out = text(orgsim("state", "--at", "1995", "--format", "csv", "--raw-csv", "--log", log).stdout)
    assert '"=HYPERLINK(""http://evil.invalid"",""x"")"' in out
    panel = text(orgsim("export", "--format", "csv").stdout)  # the bundled log: -1 before a founding
    assert ",-1" in panel and "'" not in panel


# --- 5. XML --------------------------------------------------------------------------------


def test_a_character_xml_cannot_carry_is_refused_at_validation(tmp_path):
    """A vertical tab in a body's name: `validate` and `export --format gexf -o` are exit 2 naming line and event."""
    log = tiny_with(tmp_path, "payload: {name: Council,", 'payload: {name: "Coun\\vcil",')
    line = line_of(log, "Coun\\vcil")
    before = snapshot(tmp_path)
    one_error(orgsim("validate", log), f"{log}:{line}: event 'council'", "U+000B")
    one_error(orgsim("export", "--format", "gexf", "-o", str(tmp_path / "g.gexf"), "--log", log), "U+000B")
    one_error(orgsim("export", "--format", "graphml", "--log", log), "U+000B")
    assert snapshot(tmp_path) == before


def test_exports_of_hostile_but_valid_names_are_xml(tmp_path):
    """Markup, `<`, `&`, `]]>`, a C1 control and a bidi override in names still export as parseable XML."""
    log = _hostile_names(tmp_path)
    src = open(log, encoding="utf-8").read().replace("name: Rapid Force", "name: \"<x>&amp;]]> Force\"")
    open(log, "w", encoding="utf-8").write(src)
    for fmt in ("gexf", "graphml"):
        out = tmp_path / f"g.{fmt}"
        proc = orgsim("export", "--format", fmt, "-o", str(out), "--log", log)
        assert proc.returncode == 0, text(proc.stderr)
        ET.parse(out)


# --- 6. ids ---------------------------------------------------------------------------------


def test_an_id_with_a_trailing_newline_is_refused(tmp_path):
    """`"sg\\n"` as an event id and `TA.COUNCIL\\n` as a target are not ids: exit 2 naming the line."""
    log = tiny_with(tmp_path, "  - id: sg\n", '  - id: "sg\\n"\n')
    one_error(orgsim("validate", log), f"{log}:{line_of(log, 'sg')}", "malformed")
    log2 = tiny_with(tmp_path, "    target: TA.RRF\n    actors: [BEL]", '    target: "TA.RRF\\n"\n    actors: [BEL]',
                     name="log2.yaml")
    one_error(orgsim("state", "--at", "2000", "--log", log2), f"{log2}:", "event 'bel-joins-force'", "malformed id")


def test_twin_names_in_nfc_and_nfd_are_refused(tmp_path):
    """A source key in NFD, or a conflict or reading id outside [a-z0-9._-] (NFD, `=`), is exit 2 with its line."""
    nfd = unicodedata.normalize("NFD", "café")
    log = tiny_with(tmp_path, "sources:\n  notes:\n", f"sources:\n  {nfd}:\n    file: x.txt\n  notes:\n")
    one_error(orgsim("validate", log), "normal form NFC")
    log2 = tiny_with(tmp_path, "  - id: c-exit\n", f"  - id: c-{nfd}\n", name="log2.yaml")
    one_error(orgsim("conflicts", "--log", log2), f"{log2}:{line_of(log2, 'c-caf')}", "malformed")


# --- 7. importers ---------------------------------------------------------------------------


COW_CASES = {
    "binary": b"ccode,year,state,ab\n365,2000,russia,1\x00\xff\xfe\n",
    "huge field": b"ccode,year,state,ab\n365,2000,\"" + b"x" * 200_000 + b"\",1\n",
    "duplicated column": b"ccode,year,state,ab,AB\n365,2000,russia,1,0\n",
    "300-character name": b"ccode,year,state," + b"a" * 300 + b"\n365,2000,russia,1\n",
    "year 99999": b"ccode,year,state,ab\n365,99999,russia,1\n",
    "year -2000": b"ccode,year,state,ab\n365,-2000,russia,1\n",
    "markup name": b"ccode,year,state,[b]x\n365,2000,russia,1\n",
    "path separator": b"ccode,year,state,../escape\n365,2000,russia,1\n",
}
COW_ROWS = {"binary": 2, "huge field": 2, "duplicated column": 1, "300-character name": 1, "year 99999": 2,
            "year -2000": 2, "markup name": 1, "path separator": 1}


@pytest.mark.parametrize("case", sorted(COW_CASES))
def test_a_hostile_cow_file_is_one_line_naming_file_and_row(case, tmp_path):
    """Each hostile COW file: exit 2, `FILE:ROW:` on one line, and nothing written (not even in -o folder/)."""
    src = tmp_path / "cow.csv"
    src.write_bytes(COW_CASES[case])
    (tmp_path / "out").mkdir()
    before = snapshot(tmp_path)
    one_error(orgsim("import", "cow-igo", str(src), "-o", str(tmp_path / "out") + "/", cwd=tmp_path),
              f"{src}:{COW_ROWS[case]}: ")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("case", ["binary", "huge field", "duplicated column", "year 99999", "newline name"])
def test_a_hostile_atop_file_is_one_line_naming_file_and_row(case, tmp_path):
    """The ATOP importer refuses the same attacks with the file and the row, and writes nothing."""
    lines = open(ATOP, encoding="utf-8").read().splitlines()
    header, row = lines[0], lines[1].split(",")
    if case == "binary":
        data = (header + "\n" + lines[1] + "\n").encode() + b"\x00\x01\x02"
    elif case == "huge field":
        data = (header + "\n" + lines[1] + ",\"" + "x" * 200_000 + "\"\n").encode()
    elif case == "duplicated column":
        data = (header + ",atopid\n" + lines[1] + ",1\n").encode()
    elif case == "year 99999":
        row[5] = "99999"
        data = (header + "\n" + ",".join(row) + "\n").encode()
    else:
        row[0] = '"4220\n1"'
        data = (header + "\n" + ",".join(row) + "\n").encode()
    folder = tmp_path / "atop"
    folder.mkdir()
    (folder / "atop5_1m.csv").write_bytes(data)
    before = snapshot(tmp_path)
    one_error(orgsim("import", "atop", str(folder), "-o", str(tmp_path / "a.yaml"), cwd=tmp_path),
              f"{folder / 'atop5_1m.csv'}:")
    assert snapshot(tmp_path) == before


# --- 8. cancelling ----------------------------------------------------------------------------


def _live_processes(session: int) -> list[str]:
    """Processes still running in a session (zombies, already dead, are not counted)."""
    out = subprocess.run(["ps", "-e", "-o", "sid=,stat=,pid=,args="], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.split()[0] == str(session) and not line.split()[1].startswith("Z")]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigint_ends_a_100000_run_ensemble_within_two_seconds(workers, tmp_path):
    """SIGINT to `scenario run --runs 100000`: exit 130 within 2 s, one line, no worker left, nothing written."""
    chart = tmp_path / "fan.png"
    proc = subprocess.Popen([sys.executable, "-m", "orgsim", "scenario", "run", FUTURE, "--runs", "100000",
                             "--workers", workers, "-o", str(chart)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, preexec_fn=_limits, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 120
        # Wait until the runs are under way: with workers, until they exist; inline, until the plan is built.
        while time.monotonic() < deadline:
            live = _live_processes(proc.pid)
            if (workers == "1" and _cpu_seconds(proc.pid) > 4) or (workers != "1" and len(live) >= 3):
                break
            time.sleep(0.2)
        time.sleep(1)
        assert proc.poll() is None, text(proc.stderr.read())
        start = time.monotonic()
        os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - start
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130 and took < 2, (proc.returncode, took, text(err))
    assert text(err).strip() == "orgsim: interrupted; nothing was written" and out == b""
    time.sleep(0.3)
    assert _live_processes(proc.pid) == []
    assert os.listdir(tmp_path) == []


def _cpu_seconds(pid: int) -> float:
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_the_progress_bar_moves_chunk_by_chunk(tmp_path):
    """On a terminal, `scenario run --runs 300` shows several percentages between 0% and 100%, not a jump."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "orgsim", "scenario", "run", FUTURE, "--runs", "300",
                             "--format", "json"], stdout=subprocess.DEVNULL, stderr=slave, preexec_fn=_limits,
                            env={**os.environ, "COLUMNS": "120", "TERM": "xterm"})
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=300)
    os.close(master)
    assert proc.returncode == 0
    shown = {int(p) for p in re.findall(rb"(\d+)%", seen)}
    assert len({p for p in shown if 0 < p < 100}) >= 3, sorted(shown)


# --- 9. other tracebacks ----------------------------------------------------------------------


def test_an_organization_named_as_a_member_is_a_validation_error(tmp_path):
    """An organization among an accession's actors: validate, graph and report are exit 2 naming the event."""
    log = tiny_with(tmp_path, "    kind: accession\n    actors: [NLD]", "    kind: accession\n    actors: [NLD, TA]")
    line = line_of(log, "id: nld-accession")
    before = snapshot(tmp_path)
    for args in (["validate", log], ["graph", "--at", "1995", "-o", str(tmp_path / "g.png"), "--log", log],
                 ["report", "-o", str(tmp_path / "r"), "--log", log]):
        one_error(orgsim(*args), f"{log}:{line}: event 'nld-accession'", "'TA' is not a state")
    assert snapshot(tmp_path) == before


def test_an_organization_observing_another_is_drawn(tmp_path):
    """An organization as an observer (a kind whose actors may be anything): graph and report draw it, exit 0."""
    log = tiny_with(tmp_path, "TA: {name: Test Alliance}", "TA: {name: Test Alliance}\n    TB: {name: Other}")
    observer = ('  - id: tb-observer\n    date: "2009"\n    kind: observer_status\n    actors: [TB]\n'
                '    target: TA\n    sources: [{source: notes, line: 12, quote: "obs", gloss: "obs"}]\n')
    src = open(log, encoding="utf-8").read().replace("  - id: attest\n", observer + "  - id: attest\n", 1)
    open(log, "w", encoding="utf-8").write(src)
    for args in (["graph", "--at", "2010", "-o", str(tmp_path / "g.png")], ["report", "-o", str(tmp_path / "r")]):
        proc = orgsim(*args, "--log", log)
        assert proc.returncode == 0 and "Traceback" not in text(proc.stderr), text(proc.stderr)


def test_a_seq_beyond_64_bits_is_a_validation_error(tmp_path):
    """seq: 2**64 is refused by validate and by every export, with its line and event."""
    log = tiny_with(tmp_path, "  - id: sg\n", f"  - id: sg\n    seq: {2**64}\n")
    for args in (["validate", log], ["export", "--format", "json", "--log", log],
                 ["export", "--format", "gexf", "--log", log]):
        one_error(orgsim(*args), f"{log}:{line_of(log, 'id: sg')}: event 'sg'", "64 bits")


def test_writing_to_a_full_disk_is_one_line():
    """`> /dev/full`: state (a table), export (JSON) and store rows are exit 2 with one line, no traceback."""
    with open("/dev/full", "wb") as full:
        for args in (["state", "--at", "2009"], ["export", "--format", "json"], ["events", "--format", "csv"]):
            one_error(orgsim(*args, stdout=full), "No space left on device")


def test_a_file_size_limit_is_one_line_and_leaves_nothing(tmp_path):
    """Over RLIMIT_FSIZE, `export -o` and `report -o` are exit 2 with one line; no partial or temporary file."""
    one_error(orgsim("export", "--format", "json", "-o", str(tmp_path / "h.json"), file_bytes=4096),
              str(tmp_path / "h.json"), "File too large")
    one_error(orgsim("report", "-o", str(tmp_path / "r"), file_bytes=4096), "File too large")
    assert os.listdir(tmp_path) in ([], ["r"])  # the report's folder may be made; no file in it
    assert not (tmp_path / "r").exists() or os.listdir(tmp_path / "r") == []


def test_dates_without_members_or_without_dates_are_handled(tmp_path):
    """`comembership --at 1000` is an empty answer (exit 0); `graph --at ,` is one line and exit 2."""
    proc = orgsim("comembership", "--at", "1000", "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["pairs"] == [], text(proc.stderr)
    one_error(orgsim("graph", "--at", ",", "-o", str(tmp_path / "g.png")), "--at ','")
    assert os.listdir(tmp_path) == []


# --- 10. truncation and a rewritten tail -------------------------------------------------------


def _store(tmp_path) -> tuple[str, str, int]:
    store = str(tmp_path / "s.sqlite")
    assert orgsim("store", "init", "--store", store).returncode == 0
    proc = orgsim("store", "import", TINY, "--store", store)
    assert proc.returncode == 0, text(proc.stderr)
    head = re.search(r"head ([0-9a-f]{64})", text(proc.stdout)).group(1)
    rows = int(re.search(r"store version (\d+)", text(proc.stdout)).group(1))
    return store, head, rows


def _untriggered(store: str) -> sqlite3.Connection:
    conn = sqlite3.connect(store)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    return conn


def test_verify_head_catches_a_deleted_last_row(tmp_path):
    """The last row deleted with the triggers dropped: the chain looks intact, but `verify --head` exits 1."""
    store, head, rows = _store(tmp_path)
    proc = orgsim("store", "import", TINY, "--store", store)  # printed on every write, whole
    conn = _untriggered(store)
    conn.execute("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)")
    conn.commit()
    conn.close()
    assert orgsim("verify", "--store", store).returncode == 0  # what --head is for
    one_error(orgsim("verify", "--store", store, "--head", head), "no row has the published head", code=1)
    one_error(orgsim("verify", "--store", store, "--rows", str(rows), "--head", head[:16]), "fewer than the",
              code=1)
    assert proc.returncode == 0


def test_verify_head_catches_a_rewritten_tail_and_an_emptied_store(tmp_path):
    """The last row rewritten with its hash recomputed, or every row deleted: `verify --rows N --head H` exits 1."""
    from orgsim.events.store.rows import row_hash

    store, head, rows = _store(tmp_path)
    conn = _untriggered(store)
    seq, type_, eid, version, at, content, prev = conn.execute(
        "SELECT seq, type, event_id, version, recorded_at, content, prev_hash FROM events ORDER BY seq DESC").fetchone()
    forged = content.replace('"member"', '"observer"') if '"member"' in content else content.replace("}", ',"note":"x"}', 1)
    conn.execute("UPDATE events SET content = ?, hash = ? WHERE seq = ?",
                 (forged, row_hash(prev, type_, eid, version, at, forged), seq))
    conn.commit()
    assert orgsim("verify", "--store", store).returncode == 0
    one_error(orgsim("verify", "--store", store, "--rows", str(rows), "--head", head), "were rewritten", code=1)
    conn.execute("DELETE FROM events")
    conn.commit()
    conn.close()
    one_error(orgsim("verify", "--store", store, "--rows", str(rows)), "every row was removed", code=1)


# --- 11. the smaller items ----------------------------------------------------------------------


def test_a_line_key_in_a_log_is_refused(tmp_path):
    """`__line__: 3` in a payload would be dropped silently: exit 2 naming the line."""
    log = tiny_with(tmp_path, "payload: {name: Council, parent: TA, type: council}",
                    "payload: {name: Council, parent: TA, type: council, __line__: 3}")
    one_error(orgsim("validate", log), f"{log}:{line_of(log, '__line__')}", "'__line__' is reserved")


def test_two_readings_for_one_conflict_are_refused():
    """`--reading c=a --reading c=b`: the last no longer wins silently; exit 2 with one line."""
    one_error(orgsim("state", "--at", "2013", "--reading", "uzb-2012=withdrew", "--reading", "uzb-2012=suspended"),
              "already read as 'withdrew'")


def test_a_conflict_id_with_an_equals_sign_is_refused(tmp_path):
    """A conflict id `c=exit` could never be chosen by --reading: exit 2 with its line."""
    log = tiny_with(tmp_path, "  - id: c-exit\n", "  - id: c=exit\n")
    one_error(orgsim("conflicts", "--log", log), f"{log}:{line_of(log, 'c=exit')}", "conflict id 'c=exit'")


def test_a_negative_force_strength_is_refused(tmp_path):
    """strength: -5000 is exit 2 naming its line and the event, for validate and graph."""
    log = tiny_with(tmp_path, "strength: 5000", "strength: -5000")
    for args in (["validate", log], ["graph", "--at", "1995", "-o", str(tmp_path / "g.png"), "--log", log]):
        one_error(orgsim(*args), f"{log}:{line_of(log, 'strength: -5000')}: event 'force'", "strength")


def test_synth_refuses_a_yaml_log_the_loader_would_refuse(tmp_path, monkeypatch):
    """With the YAML limit lowered, `synth -o x.yaml` is exit 2 with one line and writes nothing."""
    from click.testing import CliRunner

    from orgsim.cli import cli
    from orgsim.events.synth import write as synth_write

    monkeypatch.setattr(synth_write, "MAX_YAML_BYTES", 20_000)
    result = CliRunner().invoke(cli, ["synth", "--events", "2000", "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2 and "larger than the 20,000 bytes" in result.stderr, result.stderr
    assert os.listdir(tmp_path) == []
