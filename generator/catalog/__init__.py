"""The healthcare catalog: versioned data files that hold clinicgen's domain knowledge.

Segments, flows, SKU tables, retention rules, persona roles, regions and specialties live in
YAML files beside this module, each entry with its source, read once and cached. Code reads
facts from here; it does not repeat them as literals.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from generator.yaml_input import FAST_SAFE_LOADER


@cache
def load(name: str) -> dict[str, Any]:
    """The catalog file `<name>.yaml`, parsed with YAML safe loading."""
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=FAST_SAFE_LOADER)
    if not isinstance(data, dict) or "version" not in data:
        raise ValueError(f"catalog {name}.yaml must be a mapping with a version")
    return data
