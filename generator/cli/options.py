"""The options and arguments more than one command takes, each declared once: the same name,
meaning, default and help wherever it appears.

A stacks directory is where a practice's stack files live and so where its ledger is by
default: `--stacks-dir` for every command, `generate` (which writes it) included, where `--out`
is the same option (or the project's `stacks/` with `--project-dir`). Commands that read the
ledger say on stderr which one they used (`ledger_note`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

# The Pulumi project's stackConfigDir, generator.pipeline.STACKS_DIR, spelt out here so that
# `clinicgen --help` loads no core module; tests/cli/test_options.py holds the two equal.
DEFAULT_STACKS_DIR = Path("stacks")


def profile_argument(*, required: bool = True, default: Path | None = None) -> Callable[[F], F]:
    """The PROFILE argument: a practice profile file."""
    return click.argument(
        "profile",
        required=required,
        default=default,
        type=click.Path(dir_okay=False, path_type=Path),
    )


def format_option(*choices: str, help_text: str) -> Callable[[F], F]:
    """`--format`, one of `choices`, the first by default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help_text,
    )


def force_option(help_text: str) -> Callable[[F], F]:
    """`--force`: overwrite what the command would otherwise refuse to; `help_text` says what."""
    return click.option("--force", is_flag=True, help=help_text)


LEDGER_OPTION = click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Allocation ledger: the addresses, VLANs, ASNs and rule priorities already handed "
    "out, which stay where they are [default: <practice>.ledger.yaml in the stacks directory].",
)

STACKS_DIR_HELP = (
    "Stacks directory: where `clinicgen generate` writes the practice's stack files and ledger, "
    "and where every command finds them."
)

STACKS_DIR_OPTION = click.option(
    "--stacks-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_STACKS_DIR,
    show_default=True,
    help=STACKS_DIR_HELP,
)


def ledger_note(line: str) -> None:
    """Tell the user, on stderr, which ledger a command used (stdout stays the report)."""
    click.echo(line, err=True)


# What preview, check and diff print.
REPORT_FORMAT_OPTION = format_option(
    "text",
    "json",
    "markdown",
    help_text="text for people (as wide as the terminal, 120 columns when piped), json for "
    "machines, markdown for a pull-request comment (summaries, the detail folded, under "
    "GitHub's 65,536-character limit).",
)
