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

from .errors import JointreportError
from .files import Unreadable, decode_text, guarded_read

MAX_YAML_BYTES = 1_000_000
# Measured before anything is built (an alias bomb of a few hundred bytes expands to billions of nodes,
# and PyYAML composes and constructs nested nodes recursively).
MAX_YAML_DEPTH = 50
MAX_ALIAS_EXPANSION = 10_000  # nodes that aliases may add to a project file
NO_ALIASES = ("YAML aliases are not allowed in front matter or sidecar files (the '*' and '&' marks); "
              "write the values out in full")
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
    return node.value if isinstance(node, yaml.ScalarNode) and not node.style else None  # libyaml: '', PyYAML: None


class StrictLoader(yaml.SafeLoader):
    pass


# The same loader on libyaml, PyYAML's C parser, where the wheel has it: ten times faster on a long outline.
# Its error messages are terser, so a file it refuses is read again by StrictLoader for the message.
FastLoader = type("FastLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})

for _loader in (StrictLoader, FastLoader):
    _loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LocatedDict:
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


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    result.mark, result.item_marks = node.start_mark, [child.start_mark for child in node.value]
    result.item_texts = [_source_text(child) for child in node.value]
    return result


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:  # e.g. 2011-02-30
        raise yaml.constructor.ConstructorError(None, None, f"{node.value!r} is not a real date ({exc})",
                                                node.start_mark) from None


for _loader in (StrictLoader, FastLoader):
    _loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    _loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class YamlError(JointreportError):
    """A YAML syntax problem, already phrased as `file:line:col: problem`."""


def position(label: str, mark) -> str:
    return f"{label}:{mark.line + 1}:{mark.column + 1}" if mark is not None else label


def _check_shape(text: str, label: str, aliases: bool, loader=StrictLoader) -> None:
    """Walk the YAML's events (PyYAML's parser keeps its own stack, so nothing recurses) and refuse, before
    a single node is built, nesting deeper than MAX_YAML_DEPTH and aliases: any at all where `aliases` is
    False, else more expansion than MAX_ALIAS_EXPANSION nodes."""
    sizes: dict[str, int] = {}  # anchor → nodes it stands for
    stack: list[list] = []  # open collections: [nodes so far, anchor]
    added = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            if not aliases:
                raise YamlError(f"{position(label, event.start_mark)}: {NO_ALIASES}")
            size = sizes.get(event.anchor, 1)
            added += size
            if added > MAX_ALIAS_EXPANSION:
                raise YamlError(f"{position(label, event.start_mark)}: its aliases ('*{event.anchor}') expand to "
                                f"more than {MAX_ALIAS_EXPANSION:,} values; write the values out instead")
            if stack:
                stack[-1][0] += size
        elif isinstance(event, yaml.CollectionStartEvent):
            if not aliases and event.anchor:
                raise YamlError(f"{position(label, event.start_mark)}: {NO_ALIASES}")
            stack.append([1, event.anchor])
            if len(stack) > MAX_YAML_DEPTH:
                raise YamlError(f"{position(label, event.start_mark)}: nested more than {MAX_YAML_DEPTH} levels "
                                "deep; flatten it")
        elif isinstance(event, yaml.CollectionEndEvent):
            size, anchor = stack.pop()
            if anchor:
                sizes[anchor] = size
            if stack:
                stack[-1][0] += size
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor:
                if not aliases:
                    raise YamlError(f"{position(label, event.start_mark)}: {NO_ALIASES}")
                sizes[event.anchor] = 1
            if stack:
                stack[-1][0] += 1


def parse_yaml(text: str, label: str, aliases: bool = True):
    """Parse YAML text; `label` names the file in error messages. Without `aliases` (an agency's front
    matter or sidecar), anchors and aliases are refused; with them, an alias bomb is."""
    if len(text) > MAX_YAML_BYTES:
        raise YamlError(f"{label}: {len(text) / 1_000_000:.1f} MB of YAML is more than the "
                        f"{MAX_YAML_BYTES / 1_000_000:g} MB allowed; keep metadata short")
    try:
        _check_shape(text, label, aliases, FastLoader)
        return yaml.load(text, Loader=FastLoader)  # a SafeLoader
    except yaml.YAMLError:
        pass  # said again below, in PyYAML's own words
    try:
        _check_shape(text, label, aliases)
        return yaml.load(text, Loader=StrictLoader)  # StrictLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        start = exc.context_mark
        if start is not None and mark is not None and start.line != mark.line:
            problem += f" (the unfinished part starts at line {start.line + 1}, column {start.column + 1})"
        raise YamlError(f"{position(label, mark)}: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"{label}: {exc}") from None


def read_yaml(path: Path, label: str, aliases: bool = True):
    """A project file (or, without `aliases`, an agency's sidecar), read through the one guard every input
    passes."""
    try:
        return parse_yaml(decode_text(guarded_read(path, MAX_YAML_BYTES)), label, aliases)
    except Unreadable as exc:
        raise YamlError(f"{label}: {exc}") from None
