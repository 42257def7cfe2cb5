"""Reading YAML safely, with the line of every mapping, for logs and scenario files alike.

Nothing in a file is executed (safe loading only); anchors and aliases are
refused, which also closes the "billion laughs" expansion; oversized files are
refused before they are parsed, and no more than the limit is ever read (a FIFO
or ``/dev/zero`` cannot exhaust memory). Nesting deeper than :data:`MAX_DEPTH`
is refused with its line, before Python's recursion limit is reached, and only
plain data comes out: text, numbers, booleans, null, lists and mappings (the
``!!binary``, ``!!set``, ``!!omap`` and ``!!pairs`` tags are refused).

>>> data = load_yaml_text("a: 1\\nb:\\n  c: 2\\n", "x.yaml")
>>> data["b"]["__line__"]
3
"""

from __future__ import annotations

import os
from typing import Any

import yaml

from .errors import InputError

#: Largest YAML file read (bytes). Bigger logs belong in the columnar format.
MAX_YAML_BYTES = 64 * 1024 * 1024
#: Deepest nesting of lists and mappings accepted (a log needs about six levels).
MAX_DEPTH = 64
LINE_KEY = "__line__"

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader that records each mapping's line and refuses aliases, duplicate keys and deep nesting."""

    def construct_document(self, node: yaml.Node) -> Any:
        _check_tree(node)
        return super().construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases are not allowed", node.start_mark)
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            if key == LINE_KEY:  # it would be overwritten by the line number below, silently
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {LINE_KEY!r} is reserved for orgsim's line numbers", key_node.start_mark)
            seen.add(key)
        mapping = super().construct_mapping(node, deep=True)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


def _check_tree(root: yaml.Node) -> None:
    """Refuse aliases and deep nesting by walking the parsed nodes without recursion, before construction."""
    stack, seen = [(root, 1)], set()
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:  # the composer gives an alias the very node of its anchor
            raise yaml.constructor.ConstructorError(
                None, None, "anchors and aliases are not allowed", node.start_mark)
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            continue
        if depth > MAX_DEPTH:
            raise yaml.constructor.ConstructorError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", node.start_mark)
        stack.extend((child, depth + 1) for child in children)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)
# Dates stay the strings they were written as: EDTF parsing (events/dates.py) is the one place a date is
# read, and YAML's own conversion would crash on 2009-02-30 and lose the precision of the text.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def _refuse_tag(loader: _LineLoader, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None, None, f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed (plain data only)",
        node.start_mark)


# Plain data only: bytes, sets and ordered pairs have no place in a log, and JSON could not export them.
for _tag in ("binary", "set", "omap", "pairs"):
    _LineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)


def load_yaml_text(text: str, name: str) -> Any:
    """Parse YAML text; a syntax error becomes an InputError naming the file and line."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(f"not valid YAML: {exc.problem or exc.context}", name, line) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a NUL byte, say)
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        raise InputError(f"not valid YAML: {exc.reason} (character #x{code:04x})", name,
                         _line_at(text, exc.position)) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", name) from None
    except (ValueError, TypeError, RecursionError) as exc:  # a constructor refusing a value
        raise InputError(f"not valid YAML: {exc}", name) from None


def _line_at(text: str, position: int) -> int:
    """The line of a reader error's position (a byte offset in UTF-8 for the C parser)."""
    if _Base is not yaml.SafeLoader:
        return text.encode("utf-8", "surrogatepass")[:position].count(b"\n") + 1
    return text[:position].count("\n") + 1


def read_text(path: str, limit: int = MAX_YAML_BYTES) -> str:
    """Read a UTF-8 text file, refusing missing, oversized and non-UTF-8 files with one line.

    At most ``limit + 1`` bytes are read, whatever the file claims its size is (a FIFO,
    ``/dev/zero``, a file still growing), so memory stays bounded.
    """
    try:
        size = os.path.getsize(path)
        if size > limit:
            raise InputError(f"file is {size:,} bytes, larger than the {limit:,} bytes a YAML file may be", path)
        if os.path.isdir(path):
            raise InputError("cannot read: it is a folder", path)
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path) from None
    if len(raw) > limit:
        raise InputError(f"file is larger than the {limit:,} bytes a YAML file may be", path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (byte {exc.start})", path, line) from None


def load_yaml_file(path: str, limit: int = MAX_YAML_BYTES) -> Any:
    """Read and parse a YAML file with line numbers."""
    return load_yaml_text(read_text(path, limit), path)


def strip_lines(value: Any) -> Any:
    """Remove the recorded line numbers from parsed YAML."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value
