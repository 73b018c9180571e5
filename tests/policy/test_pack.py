"""Every generated project carries the practice's policy pack: its files are deterministic,
its entry builds one stack policy per check and rule (without starting the policy engine's
server, which constructing `PolicyPack` would), and its settings carry the practice's plan
facts and waivers."""

from __future__ import annotations

import runpy
from dataclasses import asdict
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from pulumi_policy import EnforcementLevel, StackValidationArgs, StackValidationPolicy

from generator.checks.model import CheckContext
from generator.errors import OutputError
from generator.pipeline import generate_project, plan_profile
from generator.policy import pack
from generator.policy.settings import SETTINGS_FILE, read_settings
from generator.policy.validators import NOTES_POLICY, pack_policies
from generator.preview.sources import stacks_from_plan
from tests.checks.test_fixtures import load
from tests.paths import ROOT
from tests.policy.engine import engine_resources

MAPLE = ROOT / "examples" / "maple-grove.yaml"
HARBOR = ROOT / "examples" / "harbor-behavioral.yaml"
POLICY_FILES = ["PulumiPolicy.yaml", "__main__.py", SETTINGS_FILE, "requirements.txt"]


class _Served:
    """Stands in for `pulumi_policy.PolicyPack`, which would serve forever."""

    calls: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, **kwargs: Any) -> None:
        _Served.calls.append(kwargs)


def _served(project: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    _Served.calls = []
    monkeypatch.setattr(pack, "PolicyPack", _Served)
    runpy.run_path(str(project / "policy" / "__main__.py"), run_name="__main__")
    (call,) = _Served.calls
    return call


@pytest.mark.parametrize(("example", "cloud"), [(MAPLE, "azure"), (HARBOR, "gcp")])
def test_the_packs_entry_serves_a_policy_per_check_and_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example: Path, cloud: str
) -> None:
    generate_project(example, tmp_path)
    assert sorted(p.name for p in (tmp_path / "policy").iterdir()) == sorted(POLICY_FILES)
    served = _served(tmp_path, monkeypatch)
    practice = yaml.safe_load(example.read_text())["practice"]["id"]
    assert served["name"] == f"clinicgen-{practice}"
    policies = served["policies"]
    assert all(isinstance(policy, StackValidationPolicy) for policy in policies)
    assert [policy.name for policy in policies] == [
        *(policy.id for policy in pack_policies(cloud)),
        NOTES_POLICY,
    ]
    levels = {policy.name: policy.enforcement_level for policy in policies}
    assert levels[NOTES_POLICY] == EnforcementLevel.ADVISORY
    assert {
        level for name, level in levels.items() if name != NOTES_POLICY and "-DEP-" in name
    } == {EnforcementLevel.MANDATORY}


def test_the_pack_is_written_byte_for_byte_the_same(tmp_path: Path) -> None:
    generate_project(MAPLE, tmp_path / "one")
    generate_project(MAPLE, tmp_path / "two")
    for name in POLICY_FILES:
        assert (tmp_path / "one" / "policy" / name).read_bytes() == (
            tmp_path / "two" / "policy" / name
        ).read_bytes()


def test_settings_carry_the_plans_check_context_and_the_profiles_waivers(tmp_path: Path) -> None:
    generate_project(MAPLE, tmp_path)
    settings = read_settings(tmp_path / "policy" / SETTINGS_FILE)
    planned = plan_profile(MAPLE)
    stacks = stacks_from_plan(planned.plan, planned.profile.waivers, str(MAPLE))
    assert settings.practice_id == "maple-grove"
    assert settings.context == stacks.context
    assert settings.waivers == planned.profile.waivers
    assert settings.waivers, "the example waives a check: the pack must carry it"


def test_the_packs_requirements_install_clinicgen_with_the_policy_sdk(tmp_path: Path) -> None:
    generate_project(MAPLE, tmp_path, source=str(ROOT))
    lines = (tmp_path / "policy" / "requirements.txt").read_text().splitlines()
    assert [line for line in lines if not line.startswith("#")] == [
        f"clinicgen[policy] @ {ROOT.resolve().as_uri()}"
    ]


def test_settings_that_are_not_the_packs_are_refused_naming_the_file(tmp_path: Path) -> None:
    broken = tmp_path / SETTINGS_FILE
    broken.write_text("practice: x\n")
    with pytest.raises(OutputError, match=str(broken)):
        read_settings(broken)


def test_a_mandatory_policy_reports_failures_and_the_notes_policy_its_waived_findings(
    tmp_path: Path,
) -> None:
    """The wiring as the engine calls it: the SDK's own args, proxy and report callback."""
    fixture = load("CG-AZ-NET-001")
    resources = engine_resources(fixture["insecure"]["resources"], unknown=False)
    waived = fixture["insecure"]["flags"][0]
    settings_file = tmp_path / SETTINGS_FILE
    settings_file.write_text(
        yaml.safe_dump(
            {
                "practice": "fixture",
                "context": {
                    **asdict(CheckContext(cloud="azure", log_retention_days=365)),
                    "policy_initiatives": [],
                },
                "waivers": [{"check": "CG-AZ-NET-001", "resource": waived, "reason": "jump host"}],
            }
        )
    )
    policies = {p.name: p for p in pack.policies(read_settings(settings_file))}
    reported: dict[str, list[tuple[str, str | None]]] = {}
    for name in ("CG-AZ-NET-001", NOTES_POLICY):
        found = reported.setdefault(name, [])
        policies[name].validate(
            StackValidationArgs(resources),
            lambda message, urn, found=found: found.append((message, urn)),
        )
    failed = {urn.rsplit("::", 1)[1] for _, urn in reported["CG-AZ-NET-001"] if urn}
    assert failed == set(fixture["insecure"]["flags"]) - {waived}
    ((message, urn),) = reported[NOTES_POLICY]
    assert urn is not None and urn.endswith(f"::{waived}")
    assert message.startswith("CG-AZ-NET-001: waived (jump host): ")
