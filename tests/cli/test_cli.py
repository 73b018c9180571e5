"""The command line as a whole: every command that reads a profile holds it to the one
definition of valid input, and reports a problem the same way, exit status 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import ROOT

HARBOR = ROOT / "examples" / "harbor-behavioral.yaml"
UNKNOWN_CHECK = "CG-GCP-LOG-999"


@pytest.fixture(autouse=True)
def no_stray_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def waiving_an_unknown_check(tmp_path: Path) -> Path:
    """Harbor with a second waiver, after its own (the patients' Cloud Run invoker)."""
    profile = tmp_path / "harbor.yaml"
    waiver = f"  - check: {UNKNOWN_CHECK}\n    reason: The archive keeps the older logs\n"
    profile.write_text(HARBOR.read_text(encoding="utf-8") + "\n" + waiver, encoding="utf-8")
    return profile


COMMANDS = {
    "validate": lambda profile: ("validate", profile),
    "plan": lambda profile: ("plan", profile),
    "generate": lambda profile: ("generate", profile, "--out", "out"),
    "preview": lambda profile: ("preview", profile),
    "check": lambda profile: ("check", profile),
    "diff-old": lambda profile: ("diff", profile, HARBOR),
    "diff-new": lambda profile: ("diff", HARBOR, profile),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_waiver_id_is_the_same_input_error_for_every_command(
    run_cli, tmp_path: Path, command: str
) -> None:
    profile = waiving_an_unknown_check(tmp_path)
    result = run_cli(*COMMANDS[command](profile))
    assert result.exit_code == 2, result.output
    # diff reads OLD (and says which ledger it used) before NEW is found invalid.
    problems = [line for line in result.stderr.splitlines(True) if not line.startswith("ledger:")]
    assert "".join(problems) == (
        f"{profile}: waivers[1].check: is not a clinicgen check id "
        f"(see `clinicgen check --list`) (got '{UNKNOWN_CHECK}')\n"
    )
    assert result.stdout == ""
    assert not (tmp_path / "out").exists() and not (tmp_path / "stacks").exists()


def test_clinicgen_alone_prints_the_help_and_succeeds(run_cli) -> None:
    result = run_cli()
    assert result.exit_code == 0
    assert "Typical session:" in result.stdout
