"""The wheel holds everything clinicgen reads at run time: every module, every catalog file and
every template. Installing it and running commands outside the checkout is `.ci/run`'s job; this
test builds the wheel (no install) and reads its file list."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.paths import ROOT

# What the build reads; copied so that the build's own `build/` and egg-info stay out of the
# checkout (and out of the way of other tests running in parallel).
BUILD_INPUTS = ("pyproject.toml", "README.md", "generator", "blueprints", "templates")


def _wheel_names(tmp_path: Path) -> set[str]:
    source = tmp_path / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run(
        [*build, "-w", str(tmp_path / "dist"), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("clinicgen-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_holds_every_module_catalog_file_and_template(tmp_path: Path) -> None:
    names = _wheel_names(tmp_path)
    expected = {
        path.relative_to(ROOT).as_posix()
        for package in ("generator", "blueprints")
        for path in (ROOT / package).rglob("*")
        if path.suffix in (".py", ".yaml") and "__pycache__" not in path.parts
    }
    # The top-level templates folder ships inside the package, where templating looks for it.
    expected |= {
        f"generator/templates/{path.relative_to(ROOT / 'templates').as_posix()}"
        for path in (ROOT / "templates").rglob("*.jinja")
    }
    assert expected - names == set()
    assert any(name.startswith("generator/catalog/") for name in expected)
    assert any(name.startswith("generator/templates/") for name in expected)
