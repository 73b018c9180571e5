"""Reading a profile file: the strict, bounded YAML loader (`generator.yaml_input`), then the
document's basic shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.errors import Problem, ProfileError
from generator.yaml_input import YamlInputError, parse_yaml, read_yaml_file

MAX_PROFILE_BYTES = 1_048_576


def _file_error(label: str, message: str) -> ProfileError:
    return ProfileError([Problem(label, "", message)])


def read_document(path: Path, label: str) -> dict[str, Any]:
    """The profile file as a mapping, or ProfileError naming `label` (the file as the user
    gave it) and what is wrong with the file itself."""
    try:
        document = read_yaml_file(path, MAX_PROFILE_BYTES, "a profile")
    except YamlInputError as err:
        raise _file_error(label, str(err)) from err
    return _profile_mapping(document, label)


def parse_document(text: str, label: str) -> dict[str, Any]:
    """Profile text as a mapping, or ProfileError naming `label` and what is wrong."""
    try:
        document = parse_yaml(text)
    except YamlInputError as err:
        raise _file_error(label, str(err)) from err
    return _profile_mapping(document, label)


def _profile_mapping(document: Any, label: str) -> dict[str, Any]:
    if document is None:
        raise _file_error(label, "the file is empty; start from `clinicgen init`")
    if not isinstance(document, dict):
        kind = "list" if isinstance(document, list) else "single value"
        raise _file_error(label, f"a profile must be a mapping of keys to values, not a {kind}")
    return document
