"""The committed `stacks/` are golden files: regenerating every example reproduces them byte
for byte, so a reviewer sees every change to generated infrastructure as a diff.

After an intended change to the examples, sizing, templates or generation, regenerate with
the command in REGENERATE from the repository root and review the diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.pipeline import generate_stacks
from generator.profile import load_profile
from tests.paths import EXAMPLES, ROOT

GOLDEN = ROOT / "stacks"
REGENERATE = 'for profile in examples/*.yaml; do clinicgen generate "$profile" --out stacks; done'


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_committed_stacks_are_reproduced_byte_for_byte(example: Path, tmp_path: Path) -> None:
    practice = load_profile(example).practice.id
    ledger = GOLDEN / f"{practice}.ledger.yaml"
    if ledger.is_file():
        shutil.copy(ledger, tmp_path / ledger.name)
    result = generate_stacks(example, tmp_path)
    for written in result.files:
        relative = written.path.relative_to(tmp_path)
        golden = GOLDEN / relative
        assert golden.is_file(), f"stacks/{relative} is not committed; run: {REGENERATE}"
        assert golden.read_bytes() == written.path.read_bytes(), (
            f"stacks/{relative} differs from what {example.name} generates; run: {REGENERATE}"
        )


def test_every_golden_file_belongs_to_an_example() -> None:
    expected = {"README.md"}
    for example in EXAMPLES:
        profile = load_profile(example)
        practice = profile.practice.id
        expected |= {
            f"{practice}.ledger.yaml",
            f"Pulumi.{practice}-core.yaml",
            f"runbook/{practice}.md",
        }
        for site in profile.sites:
            expected |= {
                f"Pulumi.{practice}-site-{site.id}.yaml",
                f"handoff/{practice}-site-{site.id}.md",
            }
    committed = {str(path.relative_to(GOLDEN)) for path in GOLDEN.rglob("*") if path.is_file()}
    assert committed == expected
