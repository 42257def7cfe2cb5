"""`orgsim new` scaffolds a log and a scenario that validate as written, and never overwrites a file."""

import os

import jsonschema

from orgsim.events.yamlio import load_yaml_file, strip_lines
from orgsim.schemas import load_schema


def test_new_log_and_scenario_validate_as_written(tmp_path, run, monkeypatch):
    """A scaffolded log (header, source, one event) and a scenario on it pass validate and the schemas."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run("new", "log", "my.yaml", "--org", "MY-ALLIANCE", "--name", "My Alliance",
                         "--founded", "1961", "--members", "FRA,DEU")
    assert code == 0, err
    assert os.path.exists("my-alliance-source.txt") and "placeholder" in out
    code, out, err = run("validate", "my.yaml")
    assert code == 0 and "1 event, 1 applied" in out and "1 quote found" in out, err
    code, out, err = run("new", "scenario", "what-if.yaml", "--log", "my.yaml")
    assert code == 0, err
    assert run("scenario", "validate", "what-if.yaml")[0] == 0
    jsonschema.validate(strip_lines(load_yaml_file("my.yaml")), load_schema("log"))
    jsonschema.validate(strip_lines(load_yaml_file("what-if.yaml")), load_schema("scenario"))


def test_new_log_quotes_an_existing_source_text(tmp_path, run, monkeypatch):
    """With --source naming a text that exists, the founding event quotes its first non-empty line."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "charter.txt").write_text("\nThe Compact was signed at Port Vell in 1961.\n", encoding="utf-8")
    code, _, err = run("new", "log", "c.yaml", "--org", "PVC", "--source", "charter.txt")
    assert code == 0, err
    assert 'quote: "The Compact was signed at Port Vell in 1961."' in (tmp_path / "c.yaml").read_text()
    assert "line: 2" in (tmp_path / "c.yaml").read_text()
    assert run("validate", "c.yaml")[0] == 0


def test_new_never_overwrites_and_refuses_bad_ids(tmp_path, run, monkeypatch):
    """An existing file, a malformed organization id or an unknown state code is one line, exit 2, nothing written."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken.yaml").write_text("mine\n", encoding="utf-8")
    code, _, err = run("new", "log", "taken.yaml", "--org", "T")
    assert code == 2 and "already exists" in err and (tmp_path / "taken.yaml").read_text() == "mine\n"
    code, _, err = run("new", "log", "x.yaml", "--org", "my alliance")
    assert code == 2 and "--org 'my alliance'" in err
    code, _, err = run("new", "log", "y.yaml", "--org", "Y", "--members", "FRA,QQQ")
    assert code == 2 and "unknown state code 'QQQ'" in err and not (tmp_path / "y.yaml").exists()
