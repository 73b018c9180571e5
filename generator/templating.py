"""The one Jinja2 environment every generated file is rendered through.

Templates live in the project's top-level `templates/` folder, mirror the output tree and
end in `.jinja`. Undefined names are errors (StrictUndefined), trailing newlines are kept, and
profile values reach YAML only through the `yaml` filter: they are data, never template source.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def yaml_value(value: Any) -> str:
    """`value` as one YAML flow scalar or collection that reads back equal to it.

    JSON is a subset of YAML 1.2 that PyYAML reads back exactly; json.dumps escapes every
    control character and never emits YAML syntax of its own (anchors, tags, document markers),
    so user text cannot change the structure of the file it lands in.
    """
    text = json.dumps(value, ensure_ascii=True, sort_keys=True)
    if yaml.safe_load(text) != value:
        raise ValueError(f"value does not round-trip through YAML: {value!r}")
    return text


def markdown_cell(value: Any) -> str:
    """Text safe inside one Markdown table cell: pipes escaped, newlines folded."""
    return " ".join(str(value).split()).replace("|", "\\|")


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["yaml"] = yaml_value
    env.filters["md"] = markdown_cell
    return env


def render(template: str, **context: Any) -> str:
    """Render `templates/<template>` (a path ending in `.jinja`) with `context`."""
    return environment().get_template(template).render(**context)
