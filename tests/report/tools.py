"""The outside tools the report's tests check it with: Mermaid's parser (node and the npm
packages under tests/report, installed by `npm ci`) and Debian's Chromium.

Locally a test that needs a missing tool skips, saying how to install it. In CI (`.ci/run`
installs both and sets CLINICGEN_REPORT_TOOLS=1) a missing tool fails the test instead, so
these checks can never pass there by not running.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REQUIRED = os.environ.get("CLINICGEN_REPORT_TOOLS") == "1"


def require(found: object, what: str) -> None:
    """Skip (locally) or fail (in CI) when `found` is falsy."""
    if found:
        return
    message = f"{what} is not installed"
    if REQUIRED:
        pytest.fail(f"{message}, and CLINICGEN_REPORT_TOOLS=1 says this run must have it")
    pytest.skip(message)


def node() -> str:
    executable = shutil.which("node")
    require(executable, "node")
    require(
        (HERE / "node_modules" / "mermaid").is_dir(),
        "Mermaid (run `npm ci` in tests/report)",
    )
    assert executable is not None
    return executable
