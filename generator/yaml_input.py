"""Reading the YAML files a user hands clinicgen (profiles, ledgers) strictly and within bounds.

One loader for every input file, so that a hostile or damaged file is refused the same way
wherever it is read, quickly and with a message, never a traceback or an exhausted machine:

- the read itself is bounded (a device such as /dev/zero reports size 0 and never ends);
- text must be UTF-8;
- scalars resolve the way YAML 1.2 does where it matters: only `true`/`false` are booleans,
  so `pacs: on` stays the string "on" and the ISO code `NO` (Norway) stays "NO";
- a key given twice is an error rather than the last one silently winning;
- nesting deeper than any clinicgen file needs is refused while composing, before Python's
  recursion limit is reached;
- a document that expands through aliases beyond a sane number of values (an alias bomb) is
  refused before anything walks or prints the expanded value.

Problems are raised as `YamlInputError` with the message only; each caller wraps it in its own
error family (profile or ledger), naming the file.

clinicgen's own YAML (the catalog, a rendered stack file or value read back) needs none of
this and is read with `FAST_SAFE_LOADER` (`read_generated_yaml`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

# libyaml's safe loader where PyYAML was built with it, else Python's: the same safe
# constructor and YAML 1.1 resolver behind a parser in C, about ten times faster (the whole
# catalog: 0.35 s in Python, 0.03 s in C).
FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_generated_yaml(text: str) -> Any:
    """`text`, YAML clinicgen wrote, parsed with `FAST_SAFE_LOADER`. libyaml refuses a few
    escapes Python's loader reads (a lone surrogate's `\\ud800`), so those texts are read the
    slow way."""
    try:
        return yaml.load(text, Loader=FAST_SAFE_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)


MAX_DEPTH = 32  # a profile nests 5 deep, a ledger 5: far more is damage or an attack
MAX_VALUES = 200_000


class YamlInputError(Exception):
    """What is wrong with an input file's bytes or YAML, without the file's name."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans, duplicate-key detection and a nesting bound."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", mark
                )
            return super().compose_node(parent, index)  # type: ignore[no-untyped-call,no-any-return]
        finally:
            self._depth -= 1

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


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_yaml_file(path: Path, max_bytes: int, kind: str) -> Any:
    """The YAML document in the file at `path` (`kind` names what it should be, e.g. "a
    profile"), read without ever holding more than `max_bytes` + 1 bytes."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(max_bytes + 1)
    except FileNotFoundError as err:
        if path.is_symlink():
            # `ls` lists the link, so "no such file" alone would read as false.
            target = os.readlink(path)
            raise YamlInputError(f"is a symbolic link to {target}, which does not exist") from err
        raise YamlInputError("no such file") from err
    except IsADirectoryError as err:
        raise YamlInputError(f"is a directory, not {kind} file") from err
    except OSError as err:
        raise YamlInputError(f"cannot read the file: {err.strerror or err}") from err
    if len(raw) > max_bytes:
        raise YamlInputError(f"is larger than {max_bytes} bytes, the most {kind} file may be")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise YamlInputError(f"is not UTF-8 text (byte {err.start})") from err
    return parse_yaml(text)


def parse_yaml(text: str) -> Any:
    """The YAML document in `text`, loaded strictly (see the module docstring)."""
    try:
        document = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as err:
        raise YamlInputError(_describe_yaml_error(err)) from err
    except yaml.YAMLError as err:
        raise YamlInputError(f"not valid YAML: {err}") from err
    if _count_values(document, MAX_VALUES) > MAX_VALUES:
        raise YamlInputError(
            f"the document expands to more than {MAX_VALUES} values (YAML aliases?)"
        )
    return document


def _describe_yaml_error(err: yaml.MarkedYAMLError) -> str:
    mark = err.problem_mark or err.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = err.problem or "invalid YAML"
    tag = re.search(r"constructor for the tag '([^']*)'", problem)
    if tag:
        problem = f"YAML tag {tag.group(1)} is not allowed: the file is plain data"
    context = (
        f" ({err.context} at line {err.context_mark.line + 1})"
        if (err.context and err.context_mark and err.context_mark is not mark)
        else ""
    )
    return f"{where}{problem}{context}"


def _count_values(value: Any, budget: int) -> int:
    """How many values the document holds once aliases are expanded, stopping past `budget`.

    Aliases construct shared objects, so loading a bomb is cheap; walking it is not. This walk
    stops at the budget, before anything else walks (or prints) the expansion."""
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
