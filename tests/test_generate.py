"""`clinicgen generate`: stack files that read back as the plan, handoff sheets, stability,
determinism, hand-edit protection and crash safety, on the bundled example profiles."""

from __future__ import annotations

import ast
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

from generator import __version__
from generator.generate import (
    PROJECT_DESCRIPTION,
    STACKS_DIR,
    generate_project,
    generate_stacks,
)
from generator.ipam import load_ledger
from generator.plan.codec import from_data
from generator.plan.model import CoreStackPlan, SiteStackPlan, split_into_stacks
from generator.profile import load_profile
from generator.profile.loader import parse_document
from generator.render.stack_config import KIND_KEY, PLAN_KEY, PROJECT, stack_config
from generator.sizing import build_plan
from generator.write import FileStatus
from tests.paths import EXAMPLES, ROOT
from tests.render.test_templating import hostile_text

EXAMPLE_IDS = [path.stem for path in EXAMPLES]


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def _config(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(document) == {"config"}
    return document["config"]


def _document(example: Path) -> dict[str, Any]:
    return parse_document(example.read_text(encoding="utf-8"), str(example))


def _write_profile(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=False))
    return path


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_stack_files_read_back_as_the_plan(example: Path, tmp_path: Path) -> None:
    result = generate_stacks(example, tmp_path)
    ledger = load_ledger(tmp_path / f"{result.practice_id}.ledger.yaml")
    plan, _ = build_plan(load_profile(example), ledger)
    core, sites = split_into_stacks(plan)
    assert [stack.stack for stack in result.stacks] == [
        f"{plan.practice.id}-core",
        *(f"{plan.practice.id}-site-{site.id}" for site in plan.sites),
    ]
    core_config = _config(result.stacks[0].path)
    assert core_config == stack_config("core", core)
    assert core_config[KIND_KEY] == "core"
    assert from_data(CoreStackPlan, core_config[PLAN_KEY]) == core
    for stack, site in zip(result.stacks[1:], sites, strict=True):
        config = _config(stack.path)
        assert config == stack_config("site", site)
        assert from_data(SiteStackPlan, config[PLAN_KEY]) == site
        assert config[PLAN_KEY]["core_stack"] == f"{plan.practice.id}-core"
    provider_keys = {key for key in core_config if not key.startswith(f"{PROJECT}:")}
    expected = {"azure-native:location"} if plan.cloud == "azure" else {"gcp:project", "gcp:region"}
    assert provider_keys == expected


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_every_file_is_listed_and_sheets_cover_every_site(example: Path, tmp_path: Path) -> None:
    result = generate_stacks(example, tmp_path)
    profile = load_profile(example)
    practice = profile.practice.id
    expected = {
        f"{practice}.ledger.yaml",
        f"Pulumi.{practice}-core.yaml",
        *(f"Pulumi.{practice}-site-{site.id}.yaml" for site in profile.sites),
        *(f"handoff/{practice}-{site.id}.md" for site in profile.sites),
    }
    assert set(_tree(tmp_path)) == expected
    assert {str(w.path.relative_to(tmp_path)) for w in result.files} == expected
    assert {w.status for w in result.files} == {FileStatus.CREATED}


def test_handoff_sheet_has_vlans_vpn_and_flows_but_no_key(tmp_path: Path) -> None:
    example = ROOT / "examples" / "lakeside-health.yaml"
    generate_stacks(example, tmp_path)
    plan, _ = build_plan(load_profile(example), load_ledger(tmp_path / "lakeside.ledger.yaml"))
    site = plan.site("downtown")
    sheet = (tmp_path / "handoff" / "lakeside-downtown.md").read_text()
    assert "# Site handoff: Downtown Medical Center\n" in sheet
    for segment in site.segments:
        assert f"| {segment.vlan} | " in sheet
        assert f"`{segment.cidr}` | `{segment.gateway}` | `{segment.dhcp_start}` to " in sheet
    assert site.vpn is not None
    assert f"`{site.vpn.peer_ip}`" in sheet
    assert "pulumi stack output vpnGatewayAddresses -s lakeside-core" in sheet
    assert f"| IKE version | {plan.ipsec.ike_version} |" in sheet
    for prefix in site.vpn.local_prefixes:
        assert f"`{prefix}`" in sheet
    guest = [s for s in site.segments if not s.crosses_vpn]
    assert all(s.cidr not in site.vpn.local_prefixes for s in guest)
    assert "--name vpn-psk-downtown --query value" in sheet
    assert "pulumi config" not in sheet
    for flow in (f for f in plan.flows if f.site == "downtown"):
        assert f"| {flow.id} | " in sheet.replace("\\-", "-")


def test_project_dir_is_a_self_contained_pulumi_project(tmp_path: Path) -> None:
    example = ROOT / "examples" / "maple-grove.yaml"
    result = generate_project(example, tmp_path / "client")
    project = tmp_path / "client"
    pulumi_yaml = yaml.safe_load((project / "Pulumi.yaml").read_text())
    assert pulumi_yaml == {
        "name": PROJECT,
        "description": PROJECT_DESCRIPTION,
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}},
        "stackConfigDir": STACKS_DIR,
    }
    entry = ast.parse((project / "__main__.py").read_text())
    imports = [node for node in entry.body if isinstance(node, ast.ImportFrom)]
    assert [(node.module, [a.name for a in node.names]) for node in imports] == [
        ("blueprints.program", ["main"])
    ]
    requirements = (project / "requirements.txt").read_text().splitlines()
    assert [line for line in requirements if not line.startswith("#")] == [
        f"clinicgen=={__version__}"
    ]
    assert (project / "README.md").is_file()
    assert (project / "stacks" / "Pulumi.maple-grove-core.yaml").is_file()
    assert (project / "stacks" / "maple-grove.ledger.yaml").is_file()
    assert result.next_commands()[:3] == [
        f"cd {project}",
        "pulumi install",
        "pulumi stack init maple-grove-core",
    ]


def test_root_pulumi_yaml_runs_the_program_against_stacks() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["name"] == PROJECT
    assert project["description"] == PROJECT_DESCRIPTION
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": ".venv"},
    }
    assert project["stackConfigDir"] == STACKS_DIR
    assert (ROOT / project["main"] / "__main__.py").is_file()


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
    example = ROOT / "examples" / "maple-grove.yaml"
    first = generate_stacks(example, Path(STACKS_DIR))
    assert first.next_commands() == [
        "pulumi stack init maple-grove-core",
        "pulumi preview -s maple-grove-core",
        "pulumi stack init maple-grove-site-main",
        "pulumi preview -s maple-grove-site-main",
    ]
    elsewhere = generate_stacks(example, Path("build"))
    assert elsewhere.next_commands()[1] == (
        "pulumi preview -s maple-grove-core --config-file build/Pulumi.maple-grove-core.yaml"
    )


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
    assert _tree(tmp_path / "0") == _tree(tmp_path / "1") == _tree(tmp_path / "4242")


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reversed(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(item) for item in value]
    return value


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_output_does_not_depend_on_profile_key_order(example: Path, tmp_path: Path) -> None:
    shuffled = _write_profile(tmp_path / example.name, _reversed(_document(example)))
    generate_stacks(example, tmp_path / "original")
    generate_stacks(shuffled, tmp_path / "reordered")
    assert _tree(tmp_path / "original") == _tree(tmp_path / "reordered")


def test_hand_edited_stack_file_is_refused_until_forced(tmp_path: Path, run_cli) -> None:
    example = ROOT / "examples" / "maple-grove.yaml"
    out = tmp_path / "stacks"
    assert run_cli("generate", example, "--out", out).exit_code == 0
    core = out / "Pulumi.maple-grove-core.yaml"
    edit = '  azure-native:subscriptionId: "mine"\n'
    core.write_text(core.read_text() + edit)
    document = _document(example)
    document["sites"][0]["devices"]["workstations"] += 40
    grown = _write_profile(tmp_path / "grown.yaml", document)
    before = _tree(out)
    refused = run_cli("generate", grown, "--out", out)
    assert refused.exit_code == 1
    assert f"{core}: edited since clinicgen wrote it" in refused.stderr
    assert _tree(out) == before  # nothing written, not even the ledger
    forced = run_cli("generate", grown, "--out", out, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert f"updated   {core}" in forced.stdout
    assert "mine" not in core.read_text()


def test_cli_prints_what_it_wrote_and_what_to_run(tmp_path: Path, run_cli) -> None:
    example = ROOT / "examples" / "maple-grove.yaml"
    out = tmp_path / "stacks"
    first = run_cli("generate", example, "--out", out)
    assert first.exit_code == 0, first.stderr
    assert f"created   {out / 'Pulumi.maple-grove-core.yaml'}" in first.stdout
    assert "  pulumi stack init maple-grove-core" in first.stdout
    assert "no secret to set" in first.stdout
    again = run_cli("generate", example, "--out", out)
    assert f"unchanged {out / 'Pulumi.maple-grove-core.yaml'}" in again.stdout
    assert "pulumi preview" not in again.stdout
    both = run_cli("generate", example, "--out", out, "--project-dir", tmp_path / "p")
    assert both.exit_code == 2
    assert not (tmp_path / "p").exists()


def test_lone_secure_tag_is_refused(tmp_path: Path, run_cli) -> None:
    document = _document(ROOT / "examples" / "maple-grove.yaml")
    document["practice"]["tags"] = {"secure": "x"}
    profile = _write_profile(tmp_path / "p.yaml", document)
    result = run_cli("generate", profile, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "practice.tags: a lone tag named `secure`" in result.stderr
    assert not (tmp_path / "out").exists()


def test_removed_site_is_reported_stale_not_deleted(tmp_path: Path) -> None:
    example = ROOT / "examples" / "lakeside-health.yaml"
    generate_stacks(example, tmp_path / "out")
    document = _document(example)
    document["sites"] = [s for s in document["sites"] if s["id"] != "urgent"]
    smaller = _write_profile(tmp_path / "smaller.yaml", document)
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
    document = _document(example)
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
    before = _tree(out)
    document = _with_added_site(example, first)
    result = generate_stacks(_write_profile(tmp_path / "grown.yaml", document), out)
    after = _tree(out)
    practice = result.practice_id
    core = f"Pulumi.{practice}-core.yaml"
    changed = {name for name in after if before.get(name) != after[name]}
    # Every existing site's stack file and sheet is byte for byte what it was.
    assert changed - {core} == {
        f"{practice}.ledger.yaml",
        f"Pulumi.{practice}-site-added.yaml",
        f"handoff/{practice}-added.md",
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
    changed = _write_profile(tmp_path / "changed.yaml", document)
    shutil.copytree(out, reference)
    generate_stacks(changed, reference)
    old, new = _tree(out), _tree(reference)
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
    interrupted = _tree(out)
    assert set(interrupted) <= set(new)  # no temporary file is left behind
    assert {name for name in interrupted if interrupted[name] == new[name] != old.get(name)} == {
        str(Path(target).relative_to(out.resolve())) for target in renamed
    }
    assert all(content in (old.get(name), new[name]) for name, content in interrupted.items())
    generate_stacks(changed, out)
    assert _tree(out) == new


# The profile's free text: display names and waiver text. Everything else is validated to a
# closed form (slugs, enums, addresses, group ids, label keys and values).
def _fill_free_text(document: dict[str, Any], texts: list[str]) -> dict[str, Any]:
    document["practice"]["name"] = texts[0]
    for site, text in zip(document["sites"], texts[1:], strict=False):
        site["name"] = text
    waiver = {"check": "CG-AZ-NET-001", "resource": texts[-1], "reason": f"{texts[-1]} is accepted"}
    document["waivers"] = [waiver]
    return document


def _generate_in(root: Path, document: dict[str, Any]) -> Path:
    root.mkdir()
    profile = _write_profile(root / "profile.yaml", document)
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
@given(texts=st.lists(hostile_text.filter(bool), min_size=4, max_size=4))
@example(texts=["{{ x }}" * 1500, "\u202e../\n---\n$(x)`y`${z}" * 600, "a" * 10_000, "é" * 10_000])
def test_hostile_free_text_round_trips_as_data(
    base: Path, texts: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("hostile")
    filled = _fill_free_text(_document(base), texts)
    names = {site["id"]: site["name"] for site in filled["sites"]}
    out = _generate_in(root / "hostile", filled)
    plain = _generate_in(root / "plain", _fill_free_text(_document(base), ["Plain Name"] * 4))
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
