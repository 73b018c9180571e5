"""Options every `clinicgen fleet` subcommand shares, each declared once."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

FLEET_ARGUMENT = click.argument(
    "fleet_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path)
)


def _jobs_default() -> int:
    from generator.fleet.run import default_jobs

    return default_jobs()


JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=_jobs_default,
    show_default="one per core",
    help="Worker processes: clients (or stacks) are examined this many at a time.",
)


class _Silent:
    """What a progress bar is where no one watches it (stderr is a pipe or a file)."""

    def __enter__(self) -> _Silent:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def update(self, _steps: int) -> None:
        return None


def progress_bar(length: int, label: str) -> Any:
    """A progress bar on stderr (stdout stays the report), on a terminal only: click would
    print its label alone into a log."""
    if not sys.stderr.isatty():
        return _Silent()
    return click.progressbar(length=length, label=label, file=sys.stderr)
