"""`clinicgen cost`: the practice's monthly cost, per stack, per site and per service line."""

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

PRICES_OPTION = click.option(
    "--prices",
    "prices_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Price catalog to use instead of the one shipped for the practice's cloud (for "
    "example one `clinicgen prices update --out FILE` wrote).",
)


@click.command("cost", short_help="Estimate the monthly cost, line by line, with its sources.")
@profile_argument()
@format_option(
    "text",
    "json",
    "markdown",
    help_text="text: tables as wide as the terminal (120 columns when piped); json: every line, "
    "total, assumption and price source; markdown: totals for a pull request, detail folded.",
)
@PRICES_OPTION
@LEDGER_OPTION
@STACKS_DIR_OPTION
def command(
    profile: Path,
    output_format: str,
    prices_path: Path | None,
    ledger_path: Path | None,
    stacks_dir: Path,
) -> None:
    """Estimate PROFILE's monthly cost as a low-high range in US dollars.

    Per stack, per site and per service line, then every line with its quantity, the sizing
    rule it comes from and its assumption, the assumptions (730 hours a month, traffic, log
    volume, imaging growth) and the source and capture date of every price used. A line
    with no citable list price is shown as unpriced with its quantity and left out of the
    total; the estimate says what share of its lines that is. Writes nothing.

    \b
    Examples:
      clinicgen cost riverside.yaml
      clinicgen cost riverside.yaml --format markdown > cost.md
    """
    from generator.cost import estimate_cost
    from generator.pipeline import plan_profile
    from generator.render.cost_report import cost_report
    from generator.render.layout import output_width

    plan = plan_profile(
        profile, stacks_dir=stacks_dir, ledger_path=ledger_path, tell=ledger_note
    ).plan
    click.echo(
        cost_report(estimate_cost(plan, prices=prices_path), output_format, output_width()),
        nl=False,
    )
