"""Declared shapes for the project's YAML files, checked in one pass that collects every error.

Modelled on MkDocs' config options: each file states its fields once, and the
editor gets all problems with their key and file:line:col, not just the first.
"""

from __future__ import annotations

import datetime as dt
import difflib
import reprlib
from dataclasses import dataclass
from typing import Any

from .yamlfile import LocatedDict, LocatedList, position


@dataclass(frozen=True)
class Field:
    kind: str  # str | int | bool | date | list | map | dict | any
    required: bool = False
    default: Any = None
    choices: tuple = ()
    items: Field | None = None  # list: shape of each item
    fields: dict[str, Field] | None = None  # map: fixed keys
    values: Field | None = None  # dict: free keys, shape of each value
    help: str = ""  # what the key is for, shown by editors and in the README's reference


_KIND_NAMES = {
    "str": "text",
    "text": "text, or a text per language ({en: …, fr: …})",
    "int": "a whole number",
    "bool": "true or false",
    "date": "a date (YYYY-MM-DD)",
    "list": "a list",
    "map": "a mapping of keys",
    "dict": "a mapping of keys",
}


class Validator:
    """Validates one file's data against a Field tree, collecting messages."""

    def __init__(self, label: str):
        self.label = label
        self.errors: list[str] = []

    def error(self, mark, keypath: str, message: str) -> None:
        where = position(self.label, mark)
        self.errors.append(f"{where}: {keypath}: {message}" if keypath else f"{where}: {message}")

    def check(self, value, spec: Field, keypath: str = "", mark=None, source: str | None = None):
        """`source` is the text a person typed for a plain scalar: where text is expected, `2025` or
        `1.10` are read as they were written, not as the number YAML made of them."""
        if value is None:
            if spec.required:
                self.error(mark, keypath, "is required")
            return spec.default
        if spec.kind in ("str", "text") and source is not None and isinstance(value, (int, float, dt.date)):
            value = source
        checker = getattr(self, f"_check_{spec.kind}")
        return checker(value, spec, keypath, getattr(value, "mark", None) or mark)

    def _wrong_kind(self, value, spec: Field, keypath: str, mark):
        hint = ""
        if spec.kind == "str" and isinstance(value, (bool, float, int)):
            hint = f' (YAML read it as {type(value).__name__} {value!r}; put it in quotes)'
        self.error(mark, keypath, f"should be {_KIND_NAMES[spec.kind]}, got {_shown(value)}{hint}")
        if spec.kind == "map":  # callers may still read every field
            return {name: field.default for name, field in spec.fields.items()}
        return spec.default

    def _check_any(self, value, spec, keypath, mark):
        return value

    def _check_str(self, value, spec, keypath, mark):
        if not isinstance(value, str):
            return self._wrong_kind(value, spec, keypath, mark)
        if spec.choices and value not in spec.choices:
            self.error(mark, keypath, f"{_shown(value)} is not one of: {', '.join(spec.choices)}")
            return spec.default
        return value

    def _check_text(self, value, spec, keypath, mark):
        """Localised text: always returned as {language: text}; '' holds a text given without a language."""
        if isinstance(value, str):
            return {"": value}
        if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
            texts = getattr(value, "value_texts", {})
            value = {k: texts.get(k) if isinstance(v, (int, float, dt.date)) and texts.get(k) else v
                     for k, v in value.items()}
            if all(isinstance(v, str) for v in value.values()):
                return value
        return self._wrong_kind(value, spec, keypath, mark)

    def _check_int(self, value, spec, keypath, mark):
        if isinstance(value, bool) or not isinstance(value, int):
            return self._wrong_kind(value, spec, keypath, mark)
        return value

    def _check_bool(self, value, spec, keypath, mark):
        return value if isinstance(value, bool) else self._wrong_kind(value, spec, keypath, mark)

    def _check_date(self, value, spec, keypath, mark):
        if isinstance(value, dt.datetime):
            return value.date()
        return value if isinstance(value, dt.date) else self._wrong_kind(value, spec, keypath, mark)

    def _check_list(self, value, spec, keypath, mark):
        if not isinstance(value, list):
            return self._wrong_kind(value, spec, keypath, mark)
        marks = getattr(value, "item_marks", [mark] * len(value))
        texts = getattr(value, "item_texts", [None] * len(value))
        checked = []
        for i, item in enumerate(value):
            if item is None:
                self.error(marks[i], f"{keypath}[{i}]", "is an empty entry")
                continue
            result = self.check(item, spec.items, f"{keypath}[{i}]", marks[i], texts[i])
            if result is not None:  # a wrong entry is reported above and left out
                checked.append(result)
        return checked

    def _check_map(self, value, spec, keypath, mark):
        if not isinstance(value, dict):
            return self._wrong_kind(value, spec, keypath, mark)
        marks, texts = (value.value_marks, value.value_texts) if isinstance(value, LocatedDict) else ({}, {})
        for key in value:
            if key not in spec.fields:
                close = difflib.get_close_matches(key, spec.fields, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(spec.fields)})"
                self.error(marks.get(key, mark), _join(keypath, key), f"unknown key{hint}")
        return {
            name: self.check(value.get(name), field_spec, _join(keypath, name), marks.get(name, mark), texts.get(name))
            for name, field_spec in spec.fields.items()
        }

    def _check_dict(self, value, spec, keypath, mark):
        if not isinstance(value, dict):
            return self._wrong_kind(value, spec, keypath, mark)
        marks, texts = (value.value_marks, value.value_texts) if isinstance(value, LocatedDict) else ({}, {})
        return {key: self.check(item, spec.values, _join(keypath, key), marks.get(key, mark), texts.get(key))
                for key, item in value.items()}


_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxlevel = 80, 80, 4, 4, 2


def _shown(value) -> str:
    """A value as an error message shows it: short, however large the YAML made it (aliases)."""
    return _SHORT.repr(value)


def _join(keypath: str, key: str) -> str:
    return f"{keypath}.{key}" if keypath else key


def mark_of(data, *path):
    """Position of a value inside located YAML data, for cross-reference errors."""
    mark = getattr(data, "mark", None)
    for key in path:
        if isinstance(data, LocatedDict) and key in data:
            mark, data = data.value_marks[key], data[key]
        elif isinstance(data, LocatedList) and isinstance(key, int) and key < len(data):
            mark, data = data.item_marks[key], data[key]
        else:
            break
    return mark


def json_schema(spec: Field, title: str | None = None) -> dict:
    """The same shape as a JSON Schema, so editors (VS Code's YAML extension) complete and check the file
    as it is typed; generated from the one declaration the loader uses, so the two cannot disagree."""
    schema: dict[str, Any]
    if spec.kind == "str":  # a number is read as the text it was written as
        schema = {"type": "string", "enum": list(spec.choices)} if spec.choices else {"type": ["string", "number"]}
    elif spec.kind == "text":
        schema = {"anyOf": [{"type": ["string", "number"]},
                            {"type": "object", "additionalProperties": {"type": "string"},
                             "description": "one text per language code, e.g. {en: …, fr: …}"}]}
    elif spec.kind == "int":
        schema = {"type": "integer"}
    elif spec.kind == "bool":
        schema = {"type": "boolean"}
    elif spec.kind == "date":
        schema = {"type": "string", "format": "date"}
    elif spec.kind == "list":
        schema = {"type": "array", "items": json_schema(spec.items)}
    elif spec.kind == "map":
        schema = {"type": "object", "additionalProperties": False,
                  "properties": {name: json_schema(field) for name, field in spec.fields.items()}}
        required = [name for name, field in spec.fields.items() if field.required]
        if required:
            schema["required"] = required
    elif spec.kind == "dict":
        schema = {"type": "object", "additionalProperties": json_schema(spec.values)}
    else:
        schema = {}
    if spec.help:
        schema["description"] = spec.help
    if title:
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **schema}
    return schema
