"""One ledger, found by every command: `--stacks-dir` means the same for generate (where
`--out` is the same option) as for plan, preview, check and diff, and each says on stderr
which ledger it used, or that there was none where it looked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.paths import ROOT

MAPLE = ROOT / "examples" / "maple-grove.yaml"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("option", ["--out", "--stacks-dir"])
def test_generate_takes_the_stacks_dir_every_command_takes(
    run_cli: Callable[..., Result], tmp_path: Path, option: str
) -> None:
    assert run_cli("generate", MAPLE, option, "build/maple").exit_code == 0
    assert (tmp_path / "build" / "maple" / "maple-grove.ledger.yaml").is_file()


@pytest.mark.parametrize(
    "command",
    [
        ("plan", str(MAPLE), "--format", "json"),
        ("preview", str(MAPLE), "--format", "json"),
        ("check", str(MAPLE)),
        ("diff", "build/maple", str(MAPLE)),
    ],
)
def test_every_command_finds_the_ledger_generate_wrote_and_says_so(
    run_cli: Callable[..., Result], command: tuple[str, ...]
) -> None:
    assert run_cli("generate", MAPLE, "--out", "build/maple").exit_code == 0
    result = run_cli(*command, "--stacks-dir", "build/maple")
    assert result.exit_code == 0, result.stderr
    assert "ledger: build/maple/maple-grove.ledger.yaml\n" in result.stderr


@pytest.mark.parametrize("command", ["plan", "preview"])
def test_no_ledger_where_one_is_looked_for_is_said(
    run_cli: Callable[..., Result], command: str
) -> None:
    assert run_cli("generate", MAPLE, "--out", "build/maple").exit_code == 0
    result = run_cli(command, MAPLE, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert (
        "ledger: none at stacks/maple-grove.ledger.yaml, so every address is allocated from "
        "scratch; if `clinicgen generate` wrote the stacks elsewhere, pass the same --stacks-dir "
        "(or --ledger FILE)"
    ) in result.stderr
