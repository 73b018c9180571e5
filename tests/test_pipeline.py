"""The pipeline end to end, profile to files on disk: every file listed, stability across
edits, determinism, stale stacks, crash safety and hostile text, on the example profiles."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.errors import OutputError
from generator.pipeline import STACKS_DIR, generate_stacks
from generator.profile import load_profile
from generator.profile.loader import parse_document
from generator.render.stack_config import PLAN_KEY
from generator.write import FileStatus
from tests.paths import EXAMPLES, ROOT
from tests.render.test_templating import hostile_text

EXAMPLE_IDS = [path.stem for path in EXAMPLES]


def file_tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def profile_document(example: Path) -> dict[str, Any]:
    return parse_document(example.read_text(encoding="utf-8"), str(example))


def write_profile(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=False))
    return path


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_every_file_is_listed_and_sheets_cover_every_site(example: Path, tmp_path: Path) -> None:
    result = generate_stacks(example, tmp_path)
    profile = load_profile(example)
    practice = profile.practice.id
    expected = {
        f"{practice}.ledger.yaml",
        f"Pulumi.{practice}-core.yaml",
        *(f"Pulumi.{practice}-site-{site.id}.yaml" for site in profile.sites),
        *(f"handoff/{practice}-site-{site.id}.md" for site in profile.sites),
        f"runbook/{practice}.md",
    }
    assert set(file_tree(tmp_path)) == expected
    assert result.runbook == tmp_path / "runbook" / f"{practice}.md"
    assert {str(w.path.relative_to(tmp_path)) for w in result.files} == expected
    assert {w.status for w in result.files} == {FileStatus.CREATED}


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_rerun_rewrites_zero_files(example: Path, tmp_path: Path) -> None:
    generate_stacks(example, tmp_path)
    before = _mtimes(tmp_path)
    result = generate_stacks(example, tmp_path)
    assert {w.status for w in result.files} == {FileStatus.UNCHANGED}
    assert _mtimes(tmp_path) == before
    assert result.next_commands() == []


def test_next_commands_init_new_stacks_and_preview_changed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    example = ROOT / "examples" / "maple-grove.yaml"
    first = generate_stacks(example, Path(STACKS_DIR))
    assert first.next_commands() == [
        "pulumi stack init maple-grove-core",
        "pulumi preview -s maple-grove-core",
        "pulumi stack init maple-grove-site-main",
        "pulumi preview -s maple-grove-site-main",
    ]
    # Stack files no Pulumi.yaml reads: no `pulumi` command can use them there, so the next
    # step is the self-contained project.
    elsewhere = generate_stacks(example, Path("build"))
    assert elsewhere.pulumi_project is None
    assert elsewhere.next_commands() == [
        f"clinicgen generate {example} --project-dir maple-grove-infra"
    ]
    # Beside a project that names them as its stackConfigDir: from that project's directory.
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "Pulumi.yaml").write_text("name: infra\nstackConfigDir: deploy\n")
    beside = generate_stacks(example, Path("infra/deploy"))
    assert beside.pulumi_project == Path("infra")
    assert beside.next_commands()[:2] == ["cd infra", "pulumi stack init maple-grove-core"]


def _run_generate(profile: Path, out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    command = [sys.executable, "-m", "generator", "generate", str(profile), "--out", str(out)]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr


@pytest.mark.parametrize("name", ["lakeside-health", "harbor-behavioral"], ids=["azure", "gcp"])
def test_output_is_byte_identical_across_hash_seeds(name: str, tmp_path: Path) -> None:
    example = ROOT / "examples" / f"{name}.yaml"
    for seed in ("0", "1", "4242"):
        _run_generate(example, tmp_path / seed, seed)
    assert file_tree(tmp_path / "0") == file_tree(tmp_path / "1") == file_tree(tmp_path / "4242")


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reversed(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(item) for item in value]
    return value


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_output_does_not_depend_on_profile_key_order(example: Path, tmp_path: Path) -> None:
    shuffled = write_profile(tmp_path / example.name, _reversed(profile_document(example)))
    generate_stacks(example, tmp_path / "original")
    generate_stacks(shuffled, tmp_path / "reordered")
    assert file_tree(tmp_path / "original") == file_tree(tmp_path / "reordered")


def test_removed_site_is_reported_stale_not_deleted(tmp_path: Path) -> None:
    example = ROOT / "examples" / "lakeside-health.yaml"
    generate_stacks(example, tmp_path / "out")
    document = profile_document(example)
    document["sites"] = [s for s in document["sites"] if s["id"] != "urgent"]
    smaller = write_profile(tmp_path / "smaller.yaml", document)
    result = generate_stacks(smaller, tmp_path / "out")
    stale = tmp_path / "out" / "Pulumi.lakeside-site-urgent.yaml"
    assert result.stale == (stale,)
    assert stale.is_file()


def _leaf_changes(old: Any, new: Any, path: str = "") -> set[str]:
    """Dotted paths of the values that differ between two JSON-like trees."""
    if isinstance(old, dict) and isinstance(new, dict):
        return {
            change
            for key in old.keys() | new.keys()
            for change in _leaf_changes(old.get(key), new.get(key), f"{path}.{key}".lstrip("."))
        }
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        pairs = enumerate(zip(old, new, strict=True))
        return {change for i, (a, b) in pairs for change in _leaf_changes(a, b, f"{path}[{i}]")}
    return set() if old == new else {path}


# What adding one more site (a copy of the last one) changes in each example's core plan, and
# why: the VPN gateway is sized from all sites' tunnels and bandwidth; workloads are sized from
# device counts (ingest), modalities (imaging) and staff (hosted EHR) across sites; maple-grove's
# second site passes the firewall threshold, so a firewall tier and its subnet appear.
CORE_CHANGES_ON_NEW_SITE = {
    "brightsmile-dental": {"vpn", "workloads.imaging", "workloads.ingest"},
    "harbor-behavioral": {"vpn"},
    "lakeside-health": {"vpn", "workloads.ehr"},
    "maple-grove": {"vpn", "workloads.ingest", "core.firewall_tier", "core.subnets"},
}


def _area(change: str) -> str:
    parts = re.sub(r"\[\d+\]", "", change).split(".")
    return parts[0] if parts[0] == "vpn" else ".".join(parts[:2])


def _with_added_site(example: Path, first: bool) -> dict[str, Any]:
    document = profile_document(example)
    added = {
        **document["sites"][-1],
        "id": "added",
        "name": "Added Site",
        "connectivity": {"bandwidth_mbps": 200, "vpn_peer_ip": "198.51.100.77"},
    }
    document["sites"].insert(0 if first else len(document["sites"]), added)
    return document


@pytest.mark.parametrize("first", [True, False], ids=["inserted-first", "appended"])
@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_adding_a_site_changes_only_its_stack_the_ledger_and_core_sizing(
    example: Path, first: bool, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    generate_stacks(example, out)
    before = file_tree(out)
    document = _with_added_site(example, first)
    result = generate_stacks(write_profile(tmp_path / "grown.yaml", document), out)
    after = file_tree(out)
    practice = result.practice_id
    core = f"Pulumi.{practice}-core.yaml"
    changed = {name for name in after if before.get(name) != after[name]}
    # Every existing site's stack file and sheet is byte for byte what it was; the runbook
    # lists every site's stack, so it gains the new one.
    assert changed - {core} == {
        f"{practice}.ledger.yaml",
        f"Pulumi.{practice}-site-added.yaml",
        f"handoff/{practice}-site-added.md",
        f"runbook/{practice}.md",
    }
    # The core stack changes only where its plan truly depends on every site together.
    old_plan = yaml.safe_load(before[core].decode())["config"][PLAN_KEY]
    new_plan = yaml.safe_load(after[core].decode())["config"][PLAN_KEY]
    areas = {_area(change) for change in _leaf_changes(old_plan, new_plan)}
    assert areas == CORE_CHANGES_ON_NEW_SITE[example.stem]
    assert (core in changed) == bool(areas)
    assert new_plan["vpn"]["sites"] == old_plan["vpn"]["sites"] + 1
    # A subnet may be added (a firewall once there are enough sites); none moves.
    new_subnets = {subnet["name"]: subnet for subnet in new_plan["core"]["subnets"]}
    assert all(new_subnets[s["name"]] == s for s in old_plan["core"]["subnets"])


@pytest.mark.parametrize("survivors", [0, 1, 6])
def test_killed_generation_leaves_every_file_old_or_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, survivors: int
) -> None:
    example = ROOT / "examples" / "lakeside-health.yaml"
    out, reference = tmp_path / "out", tmp_path / "reference"
    generate_stacks(example, out)
    document = _with_added_site(example, first=False)
    document["practice"]["name"] = "Lakeside Health Partners, renamed"
    changed = write_profile(tmp_path / "changed.yaml", document)
    shutil.copytree(out, reference)
    generate_stacks(changed, reference)
    old, new = file_tree(out), file_tree(reference)
    real_replace = os.replace
    renamed: list[str] = []

    def replace_until_killed(source: str, target: str) -> None:
        if len(renamed) == survivors:
            raise KeyboardInterrupt
        renamed.append(target)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_until_killed)
    with pytest.raises(KeyboardInterrupt):
        generate_stacks(changed, out)
    monkeypatch.undo()
    interrupted = file_tree(out)
    assert set(interrupted) <= set(new)  # no temporary file is left behind
    assert {name for name in interrupted if interrupted[name] == new[name] != old.get(name)} == {
        str(Path(target).relative_to(out.resolve())) for target in renamed
    }
    assert all(content in (old.get(name), new[name]) for name, content in interrupted.items())
    generate_stacks(changed, out)
    assert file_tree(out) == new


# The profile's free text: display names and waiver text. Everything else is validated to a
# closed form (slugs, enums, addresses, group ids, label keys and values).
def _fill_free_text(document: dict[str, Any], texts: list[str]) -> dict[str, Any]:
    document["practice"]["name"] = texts[0]
    for site, text in zip(document["sites"], texts[1:], strict=False):
        site["name"] = text
    waiver = {"check": "CG-AZ-NET-001", "resource": texts[-1], "reason": f"{texts[-1]} is accepted"}
    document["waivers"] = [waiver]
    return document


def _is_profile_text(text: str) -> bool:
    # Validation refuses a lone surrogate: no file can hold it as UTF-8.
    return bool(text) and not any("\ud800" <= char <= "\udfff" for char in text)


def _generate_in(root: Path, document: dict[str, Any]) -> Path:
    root.mkdir()
    profile = write_profile(root / "profile.yaml", document)
    with contextlib.chdir(root):
        generate_stacks(Path(profile.name), Path("out"))
    assert sorted(path.name for path in root.iterdir()) == ["out", "profile.yaml"]
    return root / "out"


@pytest.mark.parametrize(
    "base",
    [ROOT / "examples" / "maple-grove.yaml", ROOT / "examples" / "harbor-behavioral.yaml"],
    ids=["azure", "gcp"],
)
@settings(max_examples=12, deadline=None)
@given(texts=st.lists(hostile_text.filter(_is_profile_text), min_size=4, max_size=4))
@example(texts=["{{ x }}" * 1500, "\u202e../\n---\n$(x)`y`${z}" * 600, "a" * 10_000, "é" * 10_000])
def test_hostile_free_text_round_trips_as_data(
    base: Path, texts: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("hostile")
    filled = _fill_free_text(profile_document(base), texts)
    names = {site["id"]: site["name"] for site in filled["sites"]}
    out = _generate_in(root / "hostile", filled)
    plain = _generate_in(
        root / "plain", _fill_free_text(profile_document(base), ["Plain Name"] * 4)
    )
    for path in out.glob("*.yaml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name.startswith("Pulumi."):
            plan = document["config"][PLAN_KEY]
            assert plan["practice"]["name"] == texts[0]
            if "site" in plan:
                assert plan["site"]["name"] == names[plan["site"]["id"]]
    for sheet in (out / "handoff").iterdir():
        hostile_lines = sheet.read_text(encoding="utf-8").splitlines()
        plain_lines = (plain / "handoff" / sheet.name).read_text(encoding="utf-8").splitlines()
        # The names change the lines they are on and nothing else: no line, cell or section
        # appears, disappears or moves.
        assert len(hostile_lines) == len(plain_lines)
        differing = [(h, p) for h, p in zip(hostile_lines, plain_lines, strict=True) if h != p]
        assert all(
            "Plain Name" in p or p.startswith("<!-- clinicgen-sha256:") for h, p in differing
        )


def test_generating_loads_no_pulumi_sdk(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from generator.cli import main\n"
        "sys.argv = ['clinicgen', 'generate', sys.argv[1], '--out', sys.argv[2]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0].startswith('pulumi')))\n"
    )
    example = ROOT / "examples" / "lakeside-health.yaml"
    command = [sys.executable, "-c", script, str(example), str(tmp_path)]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    assert completed.stdout.splitlines()[-1] == "[]"


def test_a_stack_file_of_another_practice_is_never_replaced(tmp_path: Path) -> None:
    # What practice `ab-site-cd`'s core stack and practice `ab`'s site `cd-core` did to each
    # other before such practice ids were refused: one stack file, two practices.
    out = tmp_path / "stacks"
    lakeside = generate_stacks(ROOT / "examples" / "lakeside-health.yaml", out)
    maple_core = out / "Pulumi.maple-grove-core.yaml"
    maple_core.write_bytes(lakeside.stacks[0].path.read_bytes())
    with pytest.raises(OutputError) as caught:
        generate_stacks(ROOT / "examples" / "maple-grove.yaml", out)
    assert str(caught.value).startswith(
        f"{maple_core}: holds practice 'lakeside''s stack, not 'maple-grove''s; refusing"
    )
    assert maple_core.read_bytes() == lakeside.stacks[0].path.read_bytes()
    assert not (out / "maple-grove.ledger.yaml").exists()
