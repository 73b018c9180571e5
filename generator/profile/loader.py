"""Reading a profile file: size limit, YAML safe loading, and the document's basic shape.

The loader resolves YAML the way YAML 1.2 does for the scalars that matter here: only
`true`/`false` are booleans, so `pacs: on` stays the string "on" and the ISO code `NO`
(Norway) stays "NO" instead of becoming False. Duplicate keys are errors rather than the last
one silently winning, and documents that expand through aliases beyond a sane size are refused.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from generator.errors import Problem, ProfileError

MAX_PROFILE_BYTES = 1_048_576
MAX_VALUES = 200_000


class _ProfileLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and duplicate-key detection."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if isinstance(key, list | dict):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    f"key {key!r} first defined",
                    seen[key].start_mark,
                    f"duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


_ProfileLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ProfileLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _file_error(label: str, message: str) -> ProfileError:
    return ProfileError([Problem(label, "", message)])


def read_document(path: Path, label: str) -> dict[str, Any]:
    """The profile file as a mapping, or ProfileError naming `label` (the file as the user
    gave it) and what is wrong with the file itself."""

    try:
        size = path.stat().st_size
        if size > MAX_PROFILE_BYTES:
            raise _file_error(
                label, f"file is {size} bytes; a profile may be at most {MAX_PROFILE_BYTES}"
            )
        raw = path.read_bytes()
    except FileNotFoundError as err:
        raise _file_error(label, "no such file") from err
    except IsADirectoryError as err:
        raise _file_error(label, "is a directory, not a profile file") from err
    except OSError as err:
        raise _file_error(label, f"cannot read the file: {err.strerror}") from err
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _file_error(label, f"is not UTF-8 text (byte {err.start})") from err
    return parse_document(text, label)


def parse_document(text: str, label: str) -> dict[str, Any]:
    """Profile text as a mapping, or ProfileError naming `label` and what is wrong."""

    try:
        document = yaml.load(text, Loader=_ProfileLoader)
    except yaml.MarkedYAMLError as err:
        raise _file_error(label, _describe_yaml_error(err)) from err
    except yaml.YAMLError as err:
        raise _file_error(label, f"not valid YAML: {err}") from err
    except RecursionError as err:
        raise _file_error(label, "YAML nesting is too deep") from err
    if document is None:
        raise _file_error(label, "the file is empty; start from `clinicgen init`")
    if not isinstance(document, dict):
        kind = "list" if isinstance(document, list) else "single value"
        raise _file_error(label, f"a profile must be a mapping of keys to values, not a {kind}")
    if _count_values(document, MAX_VALUES) > MAX_VALUES:
        raise _file_error(
            label, f"the document expands to more than {MAX_VALUES} values (YAML aliases?)"
        )
    return document


def _describe_yaml_error(err: yaml.MarkedYAMLError) -> str:
    mark = err.problem_mark or err.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = err.problem or "invalid YAML"
    tag = re.search(r"constructor for the tag '([^']*)'", problem)
    if tag:
        problem = f"YAML tag {tag.group(1)} is not allowed: a profile is plain data"
    context = (
        f" ({err.context} at line {err.context_mark.line + 1})"
        if (err.context and err.context_mark and err.context_mark is not mark)
        else ""
    )
    return f"{where}{problem}{context}"


def _count_values(value: Any, budget: int) -> int:
    """How many values the document holds once aliases are expanded, stopping past `budget`."""
    count = 0
    stack = [value]
    while stack and count <= budget:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count
