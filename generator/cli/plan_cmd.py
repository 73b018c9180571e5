"""`clinicgen plan`: print the sized plan and the reason for every size."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.options import (
    LEDGER_OPTION,
    STACKS_DIR_OPTION,
    format_option,
    ledger_note,
    profile_argument,
)


@click.command("plan", short_help="Size the practice and show every value with its reason.")
@profile_argument()
@format_option(
    "text",
    "json",
    "markdown",
    help_text="text: tables as wide as the terminal (120 columns when piped); json: the whole "
    "plan; markdown: a review document, summaries first and the detail folded.",
)
@LEDGER_OPTION
@STACKS_DIR_OPTION
def command(profile: Path, output_format: str, ledger_path: Path | None, stacks_dir: Path) -> None:
    """Size PROFILE into a plan and print it, every value with the rule that chose it.

    Reads the allocation ledger in --stacks-dir (where `clinicgen generate` wrote it) when
    there is one, so the addresses shown are the ones generate keeps, and says on stderr
    which ledger it used; writes nothing.

    \b
    Examples:
      clinicgen plan riverside.yaml
      clinicgen plan riverside.yaml --format json > plan.json
      clinicgen plan riverside.yaml --format markdown > plan.md
    """
    from generator.pipeline import plan_profile

    plan = plan_profile(
        profile, stacks_dir=stacks_dir, ledger_path=ledger_path, tell=ledger_note
    ).plan
    from generator.render.layout import output_width
    from generator.render.plan_report import plan_report

    click.echo(plan_report(plan, output_format, output_width()), nl=False)
