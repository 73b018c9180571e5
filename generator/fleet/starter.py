"""The commented starter standard `clinicgen fleet init` writes, checked by the standard's own
validation before anyone sees it."""

from __future__ import annotations

import re
from pathlib import Path
from shlex import quote

from generator.errors import OutputError
from generator.fleet.cache import CACHE_DIR
from generator.fleet.standard import CLIENTS_DIR, FLEET_FILE, load_standard
from generator.render.templating import render
from generator.write import write_text


def starter_standard(fleet_dir: Path, name: str) -> str:
    """The starter fleet.yaml text for a fleet named `name`."""
    # A tag value both clouds accept: lowercase letters, digits and hyphens.
    name_tag = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:63] or "msp"
    # The folder appears in comments as a shell word: a line break or control character in
    # its name would end the comment and write YAML, so such a name is shown as DIR.
    shown = quote(str(fleet_dir)) if str(fleet_dir).isprintable() else "DIR"
    return render("fleet/fleet.yaml.jinja", name=name, name_tag=name_tag, fleet_dir=shown)


def write_starter(fleet_dir: Path, name: str, *, force: bool = False) -> Path:
    """Write `fleet_dir/fleet.yaml`, make `fleet_dir/clients/`, and keep the check cache out
    of git (a `.gitignore` there, unless one exists); the standard's path."""
    path = fleet_dir / FLEET_FILE
    if path.exists() and not force:
        raise OutputError(f"{path}: exists; pass --force to overwrite it")
    write_text(path, starter_standard(fleet_dir, name))
    (fleet_dir / CLIENTS_DIR).mkdir(parents=True, exist_ok=True)
    ignore = fleet_dir / ".gitignore"
    if not ignore.exists():
        # `fleet check`'s results are this machine's to keep, not the repository's.
        write_text(ignore, f"{CACHE_DIR}/\n")
    load_standard(fleet_dir)
    return path
