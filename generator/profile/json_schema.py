"""The profile schema as JSON Schema (draft 2020-12), derived from the Cerberus schema.

Editors with the YAML language server use it to complete keys and flag errors as people type
(`# yaml-language-server: $schema=...` at the top of a profile). Deriving it keeps one source
of truth: a field added to the Cerberus schema appears here without a second edit. Cross-field
rules (region per cloud, group id form, overlaps) stay with `clinicgen validate`.
"""

from __future__ import annotations

import json
from typing import Any

from generator import __version__
from generator.profile.schema import profile_schema

SCHEMA_ID = "https://clinicgen.dev/schema/profile-v1.json"
# The schema's file beside a profile, which the profile's first line names (`init` writes it,
# `generate --project-dir` writes it beside the project's copy, examples/ keeps one): a
# relative path that holds wherever the profile and its schema are copied together.
SCHEMA_FILE = "clinicgen.schema.json"

_TYPES = {
    "string": "string",
    "integer": "integer",
    "boolean": "boolean",
    "list": "array",
    "dict": "object",
}


def profile_json_schema() -> dict[str, Any]:
    root = _object(profile_schema())
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"clinicgen practice profile (version 1, clinicgen {__version__})",
        **root,
    }


def profile_json_schema_text() -> str:
    return json.dumps(profile_json_schema(), indent=2, sort_keys=True) + "\n"


def _object(fields: dict[str, Any]) -> dict[str, Any]:
    required = sorted(name for name, rules in fields.items() if rules.get("required"))
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: _field(rules) for name, rules in fields.items()},
    }
    if required:
        schema["required"] = required
    return schema


def _field(rules: dict[str, Any]) -> dict[str, Any]:
    kind = rules.get("type")
    schema: dict[str, Any] = {}
    if kind == "dict" and "schema" in rules:
        schema = _object(rules["schema"])
    elif kind == "dict":
        schema = {"type": "object"}
        if "keysrules" in rules:
            schema["propertyNames"] = _field(rules["keysrules"])
        if "valuesrules" in rules:
            values = _field(rules["valuesrules"])
            # Numbers are accepted and read as text (cost-center: 4410).
            values["type"] = ["string", "number"]
            schema["additionalProperties"] = values
    elif kind == "list":
        schema = {"type": "array"}
        if "schema" in rules:
            schema["items"] = _field(rules["schema"])
    elif kind:
        schema = {"type": _TYPES[kind]}
    if rules.get("nullable"):
        schema["type"] = [schema["type"], "null"]
    meta = rules.get("meta", {})
    if "description" in meta:
        schema["description"] = meta["description"]
    if "hint" in meta:
        schema["x-hint"] = meta["hint"]
    if "enum" in meta:
        schema["enum"] = meta["enum"]
    for cerberus_rule, json_rule in _KEYWORDS.items():
        if cerberus_rule in rules:
            schema[json_rule] = rules[cerberus_rule]
    if "allowed" in rules:
        schema["enum"] = list(rules["allowed"])
    if "regex" in rules:
        schema["pattern"] = "^(?:" + rules["regex"].removesuffix(r"\Z") + ")$"
    _apply_lengths(rules, schema)
    if rules.get("empty") is False and kind == "string":
        schema.setdefault("minLength", 1)
    if "default" in rules:
        schema["default"] = rules["default"]
    return schema


_KEYWORDS = {
    "min": "minimum",
    "max": "maximum",
}
_LENGTHS = {"minlength": ("minLength", "minItems"), "maxlength": ("maxLength", "maxItems")}


def _apply_lengths(rules: dict[str, Any], schema: dict[str, Any]) -> None:
    for cerberus_rule, (text_rule, list_rule) in _LENGTHS.items():
        if cerberus_rule in rules:
            schema[list_rule if rules.get("type") == "list" else text_rule] = rules[cerberus_rule]
