"""Options several commands take mean the same on each: one name, default and help."""

from __future__ import annotations

import click

from generator.cli import cli
from generator.cli.options import DEFAULT_STACKS_DIR, STACKS_DIR_HELP
from generator.pipeline import STACKS_DIR


def _options(name: str) -> dict[str, click.Option]:
    """Each command taking option `name`, with its declaration."""
    return {
        command_name: param
        for command_name, command in cli.commands.items()
        for param in command.params
        if isinstance(param, click.Option) and name in param.opts
    }


# The commands that read or write the allocation ledger, as README lists them.
LEDGER_COMMANDS = {"plan", "generate", "preview", "check", "diff", "cost", "export", "report"}


def test_every_command_that_reads_or_writes_a_ledger_takes_the_same_ledger_option() -> None:
    ledger = _options("--ledger")
    assert set(ledger) == LEDGER_COMMANDS
    assert len({(p.name, p.help, p.default) for p in ledger.values()}) == 1


def test_the_stacks_directory_defaults_to_the_pulumi_projects_stack_config_dir() -> None:
    stacks_dir = _options("--stacks-dir")
    # One option, meaning the same everywhere: generate's --out is its other name.
    assert set(stacks_dir) == LEDGER_COMMANDS
    assert {p.default for p in stacks_dir.values()} == {DEFAULT_STACKS_DIR}
    assert all(p.help and p.help.startswith(STACKS_DIR_HELP) for p in stacks_dir.values())
    assert _options("--out")["generate"] is stacks_dir["generate"]
    assert DEFAULT_STACKS_DIR.as_posix() == STACKS_DIR


def test_the_report_formats_are_the_same_for_preview_check_and_diff() -> None:
    formats = _options("--format")
    kinds = [formats[name].type for name in ("preview", "check", "diff")]
    assert all(isinstance(kind, click.Choice) for kind in kinds)
    assert {tuple(kind.choices) for kind in kinds if isinstance(kind, click.Choice)} == {
        ("text", "json", "markdown")
    }
