"""A small fleet in a temporary folder: the example standard and three of its clients, each
test free to edit them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.paths import ROOT

EXAMPLE_FLEET = ROOT / "examples" / "fleet"
SMALL_FLEET = ("maple-grove.yaml", "riverside.yaml", "cedar-ortho.yaml")


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    """examples/fleet's standard with maple-grove, riverside and cedar-ortho as clients."""
    root = tmp_path / "fleet"
    (root / "clients").mkdir(parents=True)
    shutil.copy(EXAMPLE_FLEET / "fleet.yaml", root / "fleet.yaml")
    for name in SMALL_FLEET:
        shutil.copy(EXAMPLE_FLEET / "clients" / name, root / "clients" / name)
    return root


def edit_yaml(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Load the YAML file at `path`, let `change` edit the document, write it back."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
