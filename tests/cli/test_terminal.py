"""What clinicgen prints is text, never terminal commands, and a failed write to standard output
is a message and exit status 1, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.cli.terminal import terminal_safe
from tests.paths import ROOT

BRIGHTSMILE = ROOT / "examples" / "brightsmile-dental.yaml"
# A terminal title change (OSC 0), a hyperlink (OSC 8), a colour (CSI), an 8-bit CSI that
# clears the screen, a carriage return and a bidi override.
HOSTILE_NAME = (
    "Ash \x1b]0;pwned\x07 \x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\ "
    "\x1b[31mred\x9b2J\rover \u202eeman"
)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _hostile_profile(tmp_path: Path) -> Path:
    profile = tmp_path / "hostile.yaml"
    text = BRIGHTSMILE.read_text(encoding="utf-8")
    quoted = HOSTILE_NAME.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    profile.write_text(text.replace("name: BrightSmile Ashford", f'name: "{quoted}"'))
    return profile


def test_terminal_safe_shows_every_control_character_as_an_escape() -> None:
    assert terminal_safe(HOSTILE_NAME) == (
        "Ash \\x1b]0;pwned\\x07 \\x1b]8;;https://evil.example/\\x1b\\link\\x1b]8;;\\x1b\\ "
        "\\x1b[31mred\\x9b2J\\x0dover \\u202eeman"
    )
    assert terminal_safe("tab\tand\nnewline stay") == "tab\tand\nnewline stay"


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_plan_prints_profile_text_without_its_control_characters(
    run_cli: Callable[..., Result], tmp_path: Path, output_format: str
) -> None:
    result = run_cli("plan", _hostile_profile(tmp_path), "--format", output_format)
    assert result.exit_code == 0, result.output
    controls = [char for char in result.stdout if ord(char) < 32 and char not in "\t\n"]
    assert controls == [] and "\x9b" not in result.stdout and "\u202e" not in result.stdout
    assert "pwned" in result.stdout


def test_errors_on_stderr_are_escaped_too(run_cli: Callable[..., Result]) -> None:
    result = run_cli("validate", "\x1b]0;pwned\x07.yaml")
    assert result.exit_code == 2
    assert result.stderr == "\\x1b]0;pwned\\x07.yaml: no such file\n"


def _clinicgen(*args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args], stderr=subprocess.PIPE, cwd=ROOT, **kwargs
    )


@pytest.mark.parametrize(
    "args",
    [("plan", str(BRIGHTSMILE)), ("plan", str(BRIGHTSMILE), "--format", "json"), ("schema",)],
    ids=["plan", "plan-json", "schema"],
)
def test_a_full_disk_behind_stdout_is_a_message_not_a_traceback(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    stacks = ("--stacks-dir", str(tmp_path)) if args[0] == "plan" else ()
    with open("/dev/full", "wb") as full:
        process = _clinicgen(*args, *stacks, stdout=full)
        _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert stderr.decode().splitlines()[-1] == (
        "standard output: cannot write: No space left on device"
    )
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    # The reader leaves before clinicgen, still starting, has printed anything (`| head -0`).
    process = _clinicgen(
        "plan", str(BRIGHTSMILE), "--stacks-dir", str(tmp_path), stdout=subprocess.PIPE
    )
    assert process.stdout is not None
    process.stdout.close()
    stderr = process.stderr.read() if process.stderr else b""
    process.wait(timeout=120)
    assert process.returncode == 1
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr
    assert stderr.decode().startswith("ledger: none at")
