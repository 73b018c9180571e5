"""Azure platform facts the blueprints build around: generator/catalog/azure_platform.yaml."""

from __future__ import annotations

from typing import Any

from generator.catalog import load


def facts(section: str) -> Any:
    """One section of the Azure platform catalog."""
    return load("azure_platform")[section]
