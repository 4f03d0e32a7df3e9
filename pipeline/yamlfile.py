"""YAML reading that is strict where PyYAML is lenient.

PyYAML's safe loader accepts duplicate keys (the last silently wins) and reads
`NO` as False (Norway's ISO code) — both have bitten report projects. This
loader keeps the safe constructor, rejects duplicate keys, reads only
true/false as booleans, and remembers where every value came from so schema
errors can say file:line:col.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .files import Unreadable, decode_text, guarded_read

MAX_YAML_BYTES = 1_000_000
# Front matter at the top of a Markdown file: --- YAML --- (or ...).
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


class LocatedDict(dict):
    """A mapping that remembers the position of its values, and the source text of its plain scalars
    (so `edition: 2025` can be read as the text "2025" where a text is expected)."""

    mark = None
    value_marks: dict
    value_texts: dict


class LocatedList(list):
    mark = None
    item_marks: list
    item_texts: list


def _source_text(node: yaml.Node) -> str | None:
    """What a person typed for an unquoted scalar, before YAML made it a number, date or boolean."""
    return node.value if isinstance(node, yaml.ScalarNode) and node.style is None else None


class StrictLoader(yaml.SafeLoader):
    pass


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: StrictLoader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    result = LocatedDict()
    result.mark, result.value_marks, result.value_texts = node.start_mark, {}, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int)):
            raise yaml.constructor.ConstructorError(None, None, "keys must be plain words", key_node.start_mark)
        key = str(key)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (each key may appear only once)", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.value_marks[key] = value_node.start_mark
        result.value_texts[key] = _source_text(value_node)
    return result


def _construct_sequence(loader: StrictLoader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.mark, result.item_marks = node.start_mark, [child.start_mark for child in node.value]
    result.item_texts = [_source_text(child) for child in node.value]
    return result


def _construct_timestamp(loader: StrictLoader, node: yaml.ScalarNode):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:  # e.g. 2011-02-30
        raise yaml.constructor.ConstructorError(None, None, f"{node.value!r} is not a real date ({exc})",
                                                node.start_mark) from None


StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
StrictLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class YamlError(Exception):
    """A YAML syntax problem, already phrased as `file:line:col: problem`."""


def position(label: str, mark) -> str:
    return f"{label}:{mark.line + 1}:{mark.column + 1}" if mark is not None else label


def parse_yaml(text: str, label: str):
    """Parse YAML text; `label` names the file in error messages."""
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 — StrictLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        start = exc.context_mark
        if start is not None and mark is not None and start.line != mark.line:
            problem += f" (the unfinished part starts at line {start.line + 1}, column {start.column + 1})"
        raise YamlError(f"{position(label, mark)}: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"{label}: {exc}") from None


def read_yaml(path: Path, label: str):
    """A project file, read through the one guard every input passes."""
    try:
        return parse_yaml(decode_text(guarded_read(path, MAX_YAML_BYTES)), label)
    except Unreadable as exc:
        raise YamlError(f"{label}: {exc}") from None
