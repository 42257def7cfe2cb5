"""docs/writing-a-log.md runs: its blocks build the fictional Tidewater Compact, and every command in it succeeds.

The guide is the source of the bundled example: events/logs/tidewater.yaml, its two source texts and
scenarios/tidewater-brennmark-stays.yaml must be exactly what the guide's blocks build.
"""

import os
import re
import shlex

import pytest

HERE = os.path.dirname(__file__)
REPO = os.path.join(HERE, "..")
GUIDE = os.path.join(REPO, "docs", "writing-a-log.md")
BLOCK = re.compile(r"```(\w+)(?: file=(\S+))?\n(.*?)```", re.S)
#: Where each file the guide builds ships, and the one line that differs there (a bundled log is named, not a path).
SHIPPED = {
    "tidewater.yaml": ("events/logs/tidewater.yaml", None),
    "tidewater-chronicle.txt": ("events/logs/tidewater-chronicle.txt", None),
    "tidewater-register.txt": ("events/logs/tidewater-register.txt", None),
    "tidewater-brennmark-stays.yaml": ("scenarios/tidewater-brennmark-stays.yaml",
                                       ("log: tidewater.yaml", "log: tidewater")),
}


def guide_blocks() -> list[tuple[str, str | None, str]]:
    """(language, file or None, text) of every fenced block in the guide, in order."""
    with open(GUIDE, encoding="utf-8") as fh:
        return BLOCK.findall(fh.read())


def guide_files() -> dict[str, str]:
    """The files the guide builds: the blocks that name a file, joined in order."""
    files: dict[str, str] = {}
    for _lang, name, text in guide_blocks():
        if name:
            files[name] = files.get(name, "") + text
    return files


@pytest.fixture
def built(tmp_path, monkeypatch):
    """An empty folder holding only what the guide's blocks write, as the working folder."""
    for name, text in guide_files().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_guide_builds_exactly_the_bundled_example():
    """The bundled Tidewater log, its sources and its scenario are the guide's blocks, verbatim."""
    files = guide_files()
    assert set(files) == set(SHIPPED)
    for name, (shipped, swap) in SHIPPED.items():
        with open(os.path.join(REPO, shipped), encoding="utf-8") as fh:
            text = files[name].replace(*swap) if swap else files[name]
            assert fh.read() == text, f"{shipped} differs from the blocks of docs/writing-a-log.md"


def test_every_command_in_the_guide_runs_on_the_log_it_builds(built, run):
    """Must show: validate, state, graph, report and a scenario run on the organization built from the guide."""
    lines = [ln.split("  #")[0].strip() for lang, _n, text in guide_blocks() if lang == "sh"
             for ln in text.splitlines() if ln.startswith("orgsim ")]
    assert {shlex.split(ln)[1] for ln in lines} >= {"validate", "state", "graph", "report", "scenario"}
    outputs = {}
    for line in lines:
        code, out, err = run(*shlex.split(line)[1:])
        assert code == 0, f"{line}: {err}"
        outputs[line] = " ".join(out.split())
    assert "sources: 9 quotes found on their cited lines" in outputs["orgsim validate tidewater.yaml"]
    assert "; 0 warnings" in outputs["orgsim validate tidewater.yaml"]
    assert (built / "tidewater-1976.png").stat().st_size > 0
    assert (built / "tidewater-report" / "index.html").stat().st_size > 0
    compared = outputs["orgsim scenario compare tidewater-brennmark-stays.yaml"]
    assert "differences in bodies and other organizations on 1980" in compared
    assert "TIDE.FLEET" in compared and "xbr-returns-fleet-1990" in compared


def test_the_guides_python_runs_and_answers_as_the_guide_says(built, capsys):
    """The Python block runs in the built folder; the fleet command and the observer are as the text says."""
    for lang, _name, text in guide_blocks():
        if lang == "python":
            exec(compile(text, GUIDE, "exec"), {})
    out = capsys.readouterr().out
    assert "'XFE': 'observer'" in out and "'XES': 'member'" in out
    assert "'id': 'XBR', 'name': 'Brennmark', 'status': 'withdrawn'" in out


def test_the_guides_log_has_each_thing_the_guide_promises(built):
    """Founding, enlargement, a body with members, leaving and returning to it, an observer, a conflict."""
    import orgsim

    h = orgsim.load("tidewater.yaml")
    kinds = {e.kind for e in h.log.events}
    assert {"treaty_signed", "treaty_in_force", "accession", "body_created", "withdrawal", "readmission",
            "observer_status", "suspension"} <= kinds
    fleet = {y: {m["id"]: m["status"] for m in h.at(y).memberships("TIDE.FLEET")}["XBR"] for y in ("1965", "1980", "1991")}
    assert fleet == {"1965": "member", "1980": "withdrawn", "1991": "member"}
    assert h.members_at("1984")["XES"] == "suspended"
    assert orgsim.load("tidewater.yaml", readings={"xes-1983": "left"}).members_at("1984")["XES"] == "withdrawn"
    assert orgsim.load("tidewater").members_at("1984") == h.members_at("1984")  # the bundled copy
