"""Lossless conversion between plan dataclasses and JSON-ready data.

Tuples become lists and back, optional members become null, and a field whose metadata names
a `json` key (a flow's `from`/`to`) uses that key. A field marked `OMIT_DEFAULT` is left out
while it holds its default: a member added for a new kind of practice (a Virtual WAN hub)
leaves every stack file of the practices before it byte for byte as it was.
`from_data(Plan, to_data(plan)) == plan` for every plan: the property tests hold it to that.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import cache
from typing import Any, TypeVar, get_args, get_origin

T = TypeVar("T")

# Field metadata: leave the field out of the data while it holds its default.
OMIT_DEFAULT = {"omit_default": True}


def to_data(value: Any) -> Any:
    """A dataclass tree as plain dicts, lists, strings, numbers, booleans and None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            _json_key(f): to_data(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not (f.metadata.get("omit_default") and getattr(value, f.name) == f.default)
        }
    if isinstance(value, tuple | list):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_data(item) for key, item in sorted(value.items())}
    return value


def from_data(cls: type[T], data: Any) -> T:
    """The dataclass `cls` rebuilt from `to_data` output."""
    return typing.cast(T, _build(cls, data))


def dumps(value: Any) -> str:
    """Canonical JSON: sorted keys, two-space indent, trailing newline."""
    return json.dumps(to_data(value), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def loads(cls: type[T], text: str) -> T:
    return from_data(cls, json.loads(text))


def _json_key(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("json", f.name))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(annotation: Any, data: Any) -> Any:
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        hints = _hints(annotation)
        kwargs = {}
        for f in dataclasses.fields(annotation):
            key = _json_key(f)
            if key in data:
                kwargs[f.name] = _build(hints[f.name], data[key])
        return annotation(**kwargs)
    origin = get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        if data is None:
            return None
        (member,) = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _build(member, data)
    if origin is tuple:
        (item_type, _ellipsis) = get_args(annotation)
        return tuple(_build(item_type, item) for item in data)
    if origin is dict:
        _key_type, value_type = get_args(annotation)
        return {key: _build(value_type, item) for key, item in data.items()}
    return data
