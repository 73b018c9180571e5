"""Where previews come from: profiles, generated stack files, saved preview JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.errors import PreviewInputError
from generator.pipeline import diff_sources, generate_stacks, preview_profile
from generator.preview.diff import diff_graphs
from generator.preview.report import preview_data, render_preview
from generator.preview.sources import (
    PracticePreview,
    read_preview_json,
    stacks_from_files,
)
from tests.paths import ROOT

HARBOR = ROOT / "examples" / "harbor-behavioral.yaml"
MAPLE = ROOT / "examples" / "maple-grove.yaml"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    stacks = tmp_path_factory.mktemp("stacks")
    generate_stacks(HARBOR, stacks)
    return stacks


@pytest.fixture(scope="module")
def harbor(tmp_path_factory: pytest.TempPathFactory) -> PracticePreview:
    return preview_profile(HARBOR, tmp_path_factory.mktemp("ledger") / "none.yaml")


def test_stack_files_hold_the_same_stacks_as_the_profile(
    generated: Path, harbor: PracticePreview
) -> None:
    stacks = stacks_from_files(generated)
    assert stacks.practice_id == "harbor"
    assert stacks.core == harbor.stacks.core
    assert {s.site.id for s in stacks.sites} == {s.site.id for s in harbor.stacks.sites}


def test_the_profile_against_its_own_generated_stacks_changes_nothing(generated: Path) -> None:
    diff = diff_sources(generated, HARBOR)
    assert diff.changes() == []
    assert {s.status for s in diff.stacks} == {"unchanged"}


def test_a_saved_preview_reads_back_as_the_same_graph(
    harbor: PracticePreview, tmp_path: Path
) -> None:
    saved = tmp_path / "approved.json"
    saved.write_text(json.dumps(preview_data(harbor)), encoding="utf-8")
    practice, runs = read_preview_json(saved)
    assert practice == "harbor"
    current = {run.stack: run.resources for run in harbor.runs}
    recorded = {run.stack: run.resources for run in runs}
    assert diff_graphs(practice, "saved", "now", recorded, current).changes() == []


def test_several_practices_in_one_directory_need_a_choice(generated: Path, tmp_path: Path) -> None:
    for path in generated.glob("Pulumi.*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    generate_stacks(MAPLE, tmp_path)
    assert stacks_from_files(tmp_path, "maple-grove").practice_id == "maple-grove"
    with pytest.raises(PreviewInputError, match="practices found: harbor, maple-grove"):
        stacks_from_files(tmp_path)


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({}, "no stack files for one practice"),
        ({"Pulumi.x.yaml": "config: [unclosed"}, "not a clinicgen stack file"),
        ({"Pulumi.x.yaml": "config: {clinicgen:kind: core}"}, "not a clinicgen stack file"),
    ],
)
def test_unreadable_stack_directories_are_input_errors(
    tmp_path: Path, files: dict[str, str], problem: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(PreviewInputError, match=problem) as raised:
        stacks_from_files(tmp_path)
    assert raised.value.exit_code == 2


@pytest.mark.parametrize("text", ["{", "[]", '{"practice": "p", "stacks": [{"name": "s"}]}'])
def test_unreadable_saved_previews_are_input_errors(tmp_path: Path, text: str) -> None:
    saved = tmp_path / "saved.json"
    saved.write_text(text, encoding="utf-8")
    with pytest.raises(PreviewInputError, match="not a saved clinicgen preview"):
        read_preview_json(saved)


def test_the_same_profile_always_reads_the_same(harbor: PracticePreview, tmp_path: Path) -> None:
    again = preview_profile(HARBOR, tmp_path / "none.yaml")
    assert render_preview(again) == render_preview(harbor)
    assert preview_data(again) == preview_data(harbor)
