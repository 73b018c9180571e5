"""The deployment runbook: roles, what to register or enable first, the order, each step's
check, all from the plan and the catalog."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pytest

from generator.catalog import load
from generator.pipeline import plan_profile
from generator.plan.model import Plan
from generator.render import runbook
from generator.render.runbook import render_runbook
from tests.paths import ROOT

STACKS = PurePosixPath("stacks")


def planned(example: str) -> Plan:
    return plan_profile(ROOT / "examples" / example, ledger_path=Path("/nonexistent.yaml")).plan


def commands(text: str) -> list[str]:
    """Every line of the runbook's shell blocks."""
    return [
        line for block in re.findall(r"```sh\n(.*?)```", text, re.S) for line in block.splitlines()
    ]


def test_azure_runbook_names_the_roles_providers_feature_and_order() -> None:
    plan = planned("lakeside-health.yaml")
    text = render_runbook(plan, STACKS).body
    assert "- Owner\n- User Access Administrator and Contributor\n" in text
    lines = commands(text)
    # Hosted EHR servers: Compute, and the feature their host encryption needs.
    for namespace in ("Microsoft.Compute", "Microsoft.Network", "Microsoft.HealthcareApis"):
        assert f"az provider register --namespace {namespace}" in lines
        assert (
            f"az provider show --namespace {namespace} --query registrationState --output tsv"
            in lines
        )
    register = lines.index(
        "az feature register --namespace Microsoft.Compute --name EncryptionAtHost"
    )
    again = lines.index("az provider register --namespace Microsoft.Compute", register)
    assert again > register
    core = lines.index("pulumi up -s lakeside-core")
    sites = [lines.index(f"pulumi up -s lakeside-site-{site.id}") for site in plan.sites]
    assert core < min(sites)
    assert "pulumi stack output -s lakeside-core" in lines
    assert all(f"`stacks/handoff/lakeside-site-{site.id}.md`" in text for site in plan.sites)


def test_no_feature_is_registered_without_virtual_machines() -> None:
    text = render_runbook(planned("maple-grove.yaml"), STACKS).body
    assert "az feature register" not in text
    assert "Microsoft.Compute" not in text
    assert "## 3. Deploy the stacks, core first" in text


def test_gcp_runbook_enables_the_apis_and_leaves_org_policies_to_the_organization() -> None:
    plan = planned("harbor-behavioral.yaml")
    text = render_runbook(plan, STACKS).body
    lines = commands(text)
    assert lines[lines.index("gcloud services enable --project harbor-bh-prod-2231 \\") + 1 :][
        :3
    ] == [
        "  backupdr.googleapis.com \\",
        "  cloudkms.googleapis.com \\",
        "  cloudresourcemanager.googleapis.com \\",
    ]
    assert "  run.googleapis.com \\" in lines and "  healthcare.googleapis.com \\" in lines
    assert (
        'gcloud services list --enabled --project harbor-bh-prod-2231 --format="value(config.name)"'
        in lines
    )
    assert "orgpolicy.googleapis.com" not in text
    for constraint in plan.platform.section("org_policies"):
        assert f"- `{constraint}`" in text
    assert "`roles/owner`" in text


def test_gcp_runbook_asks_for_the_org_role_when_the_profile_says_the_deployer_holds_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runbook, "org_policy_admin", lambda practice: True)
    text = render_runbook(planned("harbor-behavioral.yaml"), STACKS).body
    assert "needs `roles/orgpolicy.policyAdmin`\ngranted at the organization" in text
    assert "  orgpolicy.googleapis.com \\" in commands(text)


def test_every_provider_and_api_the_runbook_can_name_is_in_the_catalog() -> None:
    for cloud, table in (("azure", "providers"), ("gcp", "apis")):
        catalog = load("deployment")[cloud]
        used = {module for modules in catalog["uses"].values() for module in modules}
        assert used <= set(catalog[table]["modules"]), cloud


@pytest.mark.parametrize(
    ("example", "mfa_step"),
    [
        ("maple-grove.yaml", "Conditional Access needs Microsoft Entra ID P1"),
        ("harbor-behavioral.yaml", "2-Step Verification enforced"),
    ],
)
def test_runbook_makes_mfa_break_glass_and_logoff_prerequisites(
    example: str, mfa_step: str
) -> None:
    text = render_runbook(planned(example), STACKS).body
    section = text.split("## Before go-live: access safeguards the stacks do not build\n")[1]
    for rule in ("164.312(d)", "164.312(a)(2)(ii)", "164.312(a)(2)(iii)"):
        assert f"45 CFR {rule}" in section
    assert mfa_step in section
    assert text.endswith(".\n") and not text.endswith("\n\n")


def test_an_opted_in_azure_runbook_does_not_list_mfa_among_what_the_stacks_do_not_build() -> None:
    text = render_runbook(planned("lakeside-health.yaml"), STACKS).body
    section = text.split("## Before go-live: access safeguards the stacks do not build\n")[1]
    assert "45 CFR 164.312(d)" not in section
    for rule in ("164.312(a)(2)(ii)", "164.312(a)(2)(iii)"):
        assert f"45 CFR {rule}" in section


def test_an_opted_in_azure_runbook_names_what_the_mfa_policy_needs() -> None:
    opted_in = render_runbook(planned("lakeside-health.yaml"), STACKS).body
    not_opted = render_runbook(planned("maple-grove.yaml"), STACKS).body
    needs = load("deployment")["azure"]["conditional_access"]
    section = opted_in.split("## 2. Resource providers")[0]
    assert f"the tenant needs {needs['licence']}" in section
    assert f"the deployer the {needs['directory_role']} role in Entra ID" in section
    assert "Policy.ReadWrite.ConditionalAccess and Policy.Read.All" in section
    assert "Conditional Access Administrator role in Entra ID" not in not_opted
