"""Identity rules: least privilege per persona, behavioural-health restriction, workloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalog import load
from generator.pipeline import plan_profile
from generator.plan.model import RoleGrant
from generator.profile.model import PersonaGroup
from generator.sizing import identity
from tests.paths import ROOT

# Every scope a plan can create, the bastion (NET-BAS-01, added by build_plan) included.
ALL_SCOPES = identity.scopes(health_data=True, imaging=True, ingest=True) | {"bastion"}
CLOUDS = ("azure", "gcp")


def _every_grant(cloud: str) -> list[str]:
    roles = load("roles")
    entries = [e for p in roles["personas"].values() for e in p[cloud]]
    entries += [e for w in roles["workloads"].values() for e in w[cloud]]
    return [str(e["role"]) for e in entries]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_catalog_never_grants_owner_contributor_or_basic_roles(cloud: str) -> None:
    forbidden = {"Owner", "Contributor", "User Access Administrator"} | {
        "roles/owner",
        "roles/editor",
        "roles/viewer",
    }
    assert not set(_every_grant(cloud)) & forbidden
    if cloud == "gcp":
        assert all(role.startswith("roles/") for role in _every_grant(cloud))


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("persona", ["platform_admins", "security_auditors", "app_operators"])
def test_persona_grants_follow_the_catalog(cloud: str, persona: str) -> None:
    sized = identity.persona_access(cloud, PersonaGroup(persona, "g"), ALL_SCOPES, False)
    expected = [e["role"] for e in load("roles")["personas"][persona][cloud]]
    assert [g.role for g in sized.value.grants] == expected
    assert sized.decision.rule == "IAM-PER-01"


def test_security_auditors_only_read() -> None:
    grants = identity.persona_access(
        "azure", PersonaGroup("security_auditors", "g"), ALL_SCOPES, False
    )
    assert all("Reader" in g.role for g in grants.value.grants)


@pytest.mark.parametrize("cloud", CLOUDS)
def test_behavioural_health_removes_every_persona_data_plane_role(cloud: str) -> None:
    group = PersonaGroup("app_operators", "g")
    open_access = identity.persona_access(cloud, group, ALL_SCOPES, restricted=False).value
    restricted = identity.persona_access(cloud, group, ALL_SCOPES, restricted=True).value
    data_roles = {
        e["role"] for e in load("roles")["personas"]["app_operators"][cloud] if e.get("data_plane")
    }
    assert data_roles and data_roles <= {g.role for g in open_access.grants}
    assert not data_roles & {g.role for g in restricted.grants}
    assert identity.restricted_specialties({"behavioral-health", "dental"}).value is True
    assert identity.restricted_specialties({"dental"}).value is False


def test_grants_at_scopes_the_plan_does_not_create_are_left_out() -> None:
    without_health_data = identity.scopes(health_data=False, imaging=False, ingest=False)
    access = identity.persona_access(
        "azure", PersonaGroup("app_operators", "g"), without_health_data, False
    ).value
    assert all(g.scope != "health-data" for g in access.grants)
    assert (
        "left out"
        in identity.persona_access(
            "azure", PersonaGroup("app_operators", "g"), without_health_data, False
        ).decision.reason
    )


def test_each_workload_gets_its_own_identity() -> None:
    ingest = identity.workload_identity("gcp", "ingest", ALL_SCOPES).value
    assert ingest.workload == "ingest"
    assert ingest.grants == (RoleGrant("roles/pubsub.subscriber", "ingest"),)


def test_gcp_backup_operators_run_and_restore_vault_backups() -> None:
    # roles/backupdr.user is the management-console role; vault backups need these two.
    group = PersonaGroup("backup_operators", "ops@example.org")
    roles = {g.role for g in identity.persona_access("gcp", group, ALL_SCOPES, False).value.grants}
    assert {"roles/backupdr.backupUser", "roles/backupdr.restoreUser"} <= roles
    assert "roles/backupdr.user" not in roles


@pytest.mark.parametrize("opted_in", [True, False])
def test_the_persona_mfa_policy_follows_the_profile(opted_in: bool) -> None:
    sized = identity.persona_mfa_policy(opted_in, 4)
    assert sized.value is opted_in
    assert (sized.decision.rule, sized.decision.subject) == (
        "IAM-MFA-01",
        "identity.conditional_access",
    )
    expected = (
        "identity.conditional_access: MFA required for 4 persona groups"
        if opted_in
        else "not opted in: the tenant's own Conditional Access policy must require MFA"
    )
    assert sized.decision.reason == expected


@pytest.mark.parametrize(
    ("example", "decided"),
    [
        ("lakeside-health.yaml", "true"),
        ("maple-grove.yaml", "false"),
        ("harbor-behavioral.yaml", None),
    ],
)
def test_only_azure_plans_decide_the_persona_mfa_policy(example: str, decided: str | None) -> None:
    plan = plan_profile(ROOT / "examples" / example, ledger_path=Path("/nonexistent.yaml")).plan
    values = [d.value for d in plan.decisions if d.rule == "IAM-MFA-01"]
    assert values == ([decided] if decided else [])
    assert plan.identity.conditional_access is (decided == "true")
