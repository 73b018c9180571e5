"""`clinicgen diff`: what would change, stack by stack, between two versions of a practice."""

from __future__ import annotations

import json
from pathlib import Path

import click

from generator.cli.options import (
    LEDGER_OPTION,
    REPORT_FORMAT_OPTION,
    STACKS_DIR_OPTION,
    ledger_note,
)


@click.command("diff", short_help="What a change would create, update, replace or delete.")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--allow-destructive",
    is_flag=True,
    help="Accept replacing or deleting existing resources (protected ones stay blocked).",
)
@REPORT_FORMAT_OPTION
@LEDGER_OPTION
@STACKS_DIR_OPTION
def command(
    old: Path,
    new: Path,
    allow_destructive: bool,
    output_format: str,
    ledger_path: Path | None,
    stacks_dir: Path,
) -> None:
    """Show, per stack, which resources would be created, updated (and which inputs change),
    replaced or deleted going from OLD to NEW, offline. A stack whose stack file changes
    while none of its resources do (the core after a site is added) says so, with the values
    that change: the file still has to be committed and deployed.

    OLD and NEW are each a profile, a directory of generated stack files (what was last
    generated and deployed), or a saved `clinicgen preview --format json` (an approved plan).
    A profile as NEW is sized with OLD's address allocations, as regenerating would: the
    ledger OLD was sized with, or, for a stacks directory as OLD, the ledger beside its
    stack files (unless --ledger names one). A NEW that moves the practice to another cloud
    is sized afresh, as `generate --ledger NEW_PATH` would: everything is deleted on one
    cloud and created on the other.

    Exit status: 0 when nothing existing would be replaced or deleted; 3 when something
    would be (unless --allow-destructive) and always when a protected resource would be
    deleted or replaced (reported as BLOCKED); 2 for invalid input; 1 for other failures.

    --format markdown prints a pull-request comment: one row per stack, every replacement and
    deletion, each stack's changes folded.

    \b
    Examples:
      clinicgen diff stacks/ riverside.yaml
      clinicgen diff riverside-approved.json riverside.yaml --format json
      clinicgen diff stacks/ riverside.yaml --format markdown > comment.md
      clinicgen diff old/riverside.yaml riverside.yaml --allow-destructive
    """
    from generator.pipeline import diff_sources
    from generator.preview.comment import diff_comment
    from generator.preview.diff import diff_data, render_diff, require_safe
    from generator.render.layout import output_width

    diff = diff_sources(old, new, ledger_path, stacks_dir=stacks_dir, tell=ledger_note)
    if output_format == "json":
        click.echo(json.dumps(diff_data(diff), indent=2, sort_keys=True))
    elif output_format == "markdown":
        click.echo(diff_comment(diff), nl=False)
    else:
        click.echo(render_diff(diff, output_width()), nl=False)
    require_safe(diff, allow_destructive)
