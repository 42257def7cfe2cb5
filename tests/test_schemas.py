"""The JSON Schemas shipped for logs and scenarios accept every bundled file and refuse broken ones."""

import filecmp
import glob
import os

import jsonschema
import pytest

from orgsim.events import LOGS_DIR
from orgsim.events.vocabulary import KINDS
from orgsim.events.yamlio import load_yaml_file, strip_lines
from orgsim.schemas import load_schema, schema_path

HERE = os.path.dirname(__file__)
DOCS = os.path.join(HERE, "..", "docs", "schemas")
SCENARIOS = os.path.join(HERE, "..", "scenarios")
LOGS = sorted(glob.glob(os.path.join(LOGS_DIR, "*.yaml")))
SCENARIO_FILES = sorted(glob.glob(os.path.join(SCENARIOS, "*.yaml")) +
                        glob.glob(os.path.join(LOGS_DIR, "*", "*.scenario.yaml")))


def _data(path):
    return strip_lines(load_yaml_file(path))  # as orgsim reads it: dates stay text


@pytest.mark.parametrize("path", LOGS, ids=os.path.basename)
def test_every_bundled_log_matches_the_log_schema(path):
    """jsonschema validates each bundled log against the published log schema."""
    jsonschema.validate(_data(path), load_schema("log"), cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=os.path.basename)
def test_every_bundled_scenario_matches_the_scenario_schema(path):
    """jsonschema validates each bundled scenario against the published scenario schema."""
    jsonschema.validate(_data(path), load_schema("scenario"), cls=jsonschema.Draft202012Validator)


def test_the_schemas_are_valid_and_the_docs_hold_the_same_files():
    """Both schemas are valid JSON Schema 2020-12, and docs/schemas/ is a copy of the package's."""
    for name in ("log", "scenario"):
        jsonschema.Draft202012Validator.check_schema(load_schema(name))
        assert filecmp.cmp(schema_path(name), os.path.join(DOCS, f"{name}.schema.json"), shallow=False), name


def test_the_log_schema_lists_exactly_the_vocabulary():
    """An editor completes `kind:` from the same closed vocabulary the loader accepts."""
    assert load_schema("log")["$defs"]["event"]["properties"]["kind"]["enum"] == list(KINDS)


@pytest.mark.parametrize("change, where", [
    ({"kind": "joined"}, "kind"), ({"colour": "red"}, "colour"), ({"sources": []}, "sources"),
])
def test_the_log_schema_refuses_what_the_loader_refuses(change, where):
    """An unknown kind, an unknown field or an empty source list is a schema error."""
    data = _data(os.path.join(LOGS_DIR, "csto.yaml"))
    data["events"][0] = {**data["events"][0], **change}
    with pytest.raises(jsonschema.ValidationError) as info:
        jsonschema.validate(data, load_schema("log"), cls=jsonschema.Draft202012Validator)
    assert where in str(info.value)
