"""The record a generation leaves in its project, and what makes a project out of date."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest

from generator.generation_record import RECORD_FILE, generation_record, is_up_to_date
from generator.write import GeneratedFile, commit, prepare

INPUTS = "a" * 64


def _generate(root: Path, inputs: str = INPUTS) -> None:
    files = [
        GeneratedFile(PurePosixPath("stacks/Pulumi.x-core.yaml"), "config: {}\n"),
        GeneratedFile(PurePosixPath("x.ledger.yaml"), "practice: x\n", stamped=False),
    ]
    pending = prepare(root, files)
    commit(pending + prepare(root, [generation_record(root, inputs, pending)]))


def test_a_project_as_generated_is_up_to_date(tmp_path: Path) -> None:
    _generate(tmp_path)
    assert is_up_to_date(tmp_path, INPUTS)
    record = (tmp_path / RECORD_FILE).read_bytes()
    _generate(tmp_path)
    # Deterministic: the same generation records the same bytes.
    assert (tmp_path / RECORD_FILE).read_bytes() == record


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / "stacks/Pulumi.x-core.yaml").write_text("config: {edited: 1}\n"),
        lambda root: (root / "stacks/Pulumi.x-core.yaml").unlink(),
        lambda root: (root / "x.ledger.yaml").write_text("practice: y\n"),
        lambda root: (root / RECORD_FILE).unlink(),
        lambda root: (root / RECORD_FILE).write_text("{not json"),
        lambda root: (root / RECORD_FILE).write_text(json.dumps({"layout": 1, "inputs": INPUTS})),
        lambda root: (root / RECORD_FILE).write_text('{"layout": 1, "files": []}'),
    ],
    ids=[
        "edited",
        "deleted",
        "ledger",
        "no-record",
        "bad-json",
        "no-files",
        "files-not-a-mapping",
    ],
)
def test_any_difference_makes_the_project_out_of_date(tmp_path: Path, change) -> None:
    _generate(tmp_path)
    change(tmp_path)
    assert not is_up_to_date(tmp_path, INPUTS)


def test_other_inputs_make_the_project_out_of_date(tmp_path: Path) -> None:
    _generate(tmp_path)
    assert not is_up_to_date(tmp_path, "b" * 64)
