"""Shared fixtures: the bundled example profiles and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture
def run_cli():
    """Invoke `clinicgen ARGS...` in-process; returns the click Result (stdout, stderr apart)."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, [str(arg) for arg in args], prog_name="clinicgen")

    return invoke
