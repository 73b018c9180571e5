"""Identity rules: least-privilege roles for each persona group and each workload identity.

Source: catalog/roles.yaml (Azure built-in and GCP predefined roles, each persona with its
source; its `forbidden` list follows the CIS Microsoft Azure and Google Cloud Foundations
benchmarks: no Owner, no basic roles); Google Cloud "Using IAM securely" (a separate service
account for each service), which clinicgen applies on both clouds: one identity per workload.
"""

from __future__ import annotations

from typing import Any

from generator.catalog import load
from generator.errors import PlanError
from generator.plan.model import Decision, PersonaAccess, RoleGrant, WorkloadIdentity
from generator.profile.model import PersonaGroup
from generator.sizing.sized import Sized
from generator.wording import counted

ALWAYS_SCOPES = ("network", "key-vault", "backup", "monitoring", "workloads")


def scopes(health_data: bool, imaging: bool, ingest: bool) -> frozenset[str]:
    """The logical scopes the plan creates; grants anywhere else are left out."""
    present = set(ALWAYS_SCOPES)
    present |= {"health-data"} if health_data else set()
    present |= {"imaging-archive"} if imaging else set()
    present |= {"ingest"} if ingest else set()
    return frozenset(present)


def restricted_specialties(specialties: set[str]) -> Sized[bool]:
    """IAM-BH-01: behavioural-health records tighten access: people get no data-plane roles.

    Source: catalog/roles.yaml restricted_data_specialties (42 CFR Part 2; HIPAA 164.508(a)(2)
    psychotherapy notes): patient data is reached through the clinical applications only.
    """
    listed = set(load("roles")["restricted_data_specialties"]["specialties"])
    found = sorted(specialties & listed)
    if found:
        reason = f"{', '.join(found)} at a site: persona data-plane roles removed"
    else:
        reason = "no restricted-record specialty: data-plane roles as catalogued"
    return Sized(
        bool(found), Decision("IAM-BH-01", "identity.data_plane", str(not found).lower(), reason)
    )


def _grants(
    entries: list[dict[str, Any]], present: frozenset[str], data_plane: bool
) -> tuple[RoleGrant, ...]:
    return tuple(
        RoleGrant(role=str(e["role"]), scope=str(e["scope"]))
        for e in entries
        if e["scope"] in present and (data_plane or not e.get("data_plane", False))
    )


def _check_allowed(cloud: str, grants: tuple[RoleGrant, ...], who: str) -> None:
    forbidden = set(load("roles")["forbidden"][cloud])
    bad = sorted({g.role for g in grants} & forbidden)
    if bad:
        raise PlanError(f"roles catalog grants {', '.join(bad)} to {who}: never allowed")


def persona_access(
    cloud: str, group: PersonaGroup, present: frozenset[str], restricted: bool
) -> Sized[PersonaAccess]:
    """IAM-PER-01: a persona group's roles at their scopes, least privilege, never Owner.

    Source: catalog/roles.yaml personas (HIPAA 164.308(a)(4) information access management).
    """
    entries = load("roles")["personas"][group.persona][cloud]
    grants = _grants(entries, present, data_plane=not restricted)
    _check_allowed(cloud, grants, group.persona)
    access = PersonaAccess(persona=group.persona, group=group.group, grants=grants)
    value = ", ".join(f"{g.role} @ {g.scope}" for g in grants)
    dropped = len(entries) - len(grants)
    reason = f"{group.persona}: {counted(len(grants), 'role')}" + (
        f" ({dropped} left out: scope absent or data-plane restricted)" if dropped else ""
    )
    return Sized(
        access, Decision("IAM-PER-01", f"identity.personas.{group.persona}", value, reason)
    )


def workload_identity(
    cloud: str, workload: str, present: frozenset[str]
) -> Sized[WorkloadIdentity]:
    """IAM-WID-01: one identity per workload with only the data-plane roles it needs.

    Source: catalog/roles.yaml workloads; Google Cloud "Best practices for using service
    accounts" (https://cloud.google.com/iam/docs/best-practices-service-accounts): single-purpose
    service accounts; on Azure a user-assigned managed identity per workload plays that role.
    """
    grants = _grants(load("roles")["workloads"][workload][cloud], present, data_plane=True)
    _check_allowed(cloud, grants, f"workload {workload}")
    identity = WorkloadIdentity(workload=workload, grants=grants)
    value = ", ".join(f"{g.role} @ {g.scope}" for g in grants) or "no roles"
    reason = f"{workload}: its own identity with {counted(len(grants), 'role')}"
    return Sized(identity, Decision("IAM-WID-01", f"identity.workloads.{workload}", value, reason))


def persona_mfa_policy(opted_in: bool, groups: int) -> Sized[bool]:
    """IAM-MFA-01 (Azure): whether the core stack deploys the Conditional Access policy that
    requires multifactor authentication for the persona groups (HIPAA 164.312(d)).

    Source: Microsoft Learn "Require MFA for Azure management with Conditional Access"
    (https://learn.microsoft.com/entra/identity/conditional-access/howto-conditional-access-policy-azure-management);
    Conditional Access needs Microsoft Entra ID P1 ("What is Conditional Access?", License
    requirements), so the profile opts in (identity.conditional_access).
    """
    if opted_in:
        reason = f"identity.conditional_access: MFA required for {counted(groups, 'persona group')}"
    else:
        reason = "not opted in: the tenant's own Conditional Access policy must require MFA"
    return Sized(
        opted_in,
        Decision("IAM-MFA-01", "identity.conditional_access", str(opted_in).lower(), reason),
    )
