"""Shared fixtures: the bundled example profiles and a CLI runner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli


@pytest.fixture
def run_cli():
    """Invoke `clinicgen ARGS...` in-process; returns the click Result (stdout, stderr apart)."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, [str(arg) for arg in args], prog_name="clinicgen")

    return invoke
