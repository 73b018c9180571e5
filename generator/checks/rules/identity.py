"""Identity checks (CG-*-IAM-*): least privilege, and no stored credentials for workloads."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.checks.graph import Graph, get
from generator.checks.model import CheckContext, Violation
from generator.checks.registry import Params, Registry
from generator.checks.rules import azure, gcp

logic = Registry()


# -- Azure ------------------------------------------------------------------------------------


@logic("CG-AZ-IAM-001")
def privileged_role(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    forbidden = {guid.lower(): name for guid, name in params["forbidden_roles"].items()}
    for assignment in graph.of_type(azure.ROLE_ASSIGNMENT):
        role = azure.last_segment(assignment.inputs.get("roleDefinitionId"))
        if role in forbidden:
            yield Violation(
                assignment,
                "roleDefinitionId",
                f"grants {forbidden[role]}, which can grant itself any access",
            )


@logic("CG-AZ-IAM-002")
def wide_contributor(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    roles = {guid.lower() for guid in params["broad_roles"]}
    for assignment in graph.of_type(azure.ROLE_ASSIGNMENT):
        if azure.last_segment(assignment.inputs.get("roleDefinitionId")) not in roles:
            continue
        scope = str(assignment.inputs.get("scope", ""))
        if not scope or azure.WIDE_SCOPE.match(scope):
            yield Violation(
                assignment, "scope", f"grants write access to everything under {scope or '/'}"
            )


@logic("CG-AZ-IAM-003", "CG-AZ-IAM-005")
def workload_managed_identity(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for workload in graph.of_type(*params["types"]):
        kind = str(get(workload.inputs, "identity.type") or "None")
        if "assigned" not in kind.lower():
            yield Violation(
                workload,
                "identity.type",
                "workload has no managed identity and would need stored credentials",
            )


@logic("CG-AZ-IAM-004")
def vm_password_login(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    for vm in graph.of_type(azure.VM):
        profile = get(vm.inputs, "osProfile") or {}
        if "windowsConfiguration" in profile:
            continue
        if get(profile, "linuxConfiguration.disablePasswordAuthentication") is not True:
            yield Violation(
                vm,
                "osProfile.linuxConfiguration.disablePasswordAuthentication",
                "Linux virtual machine accepts password logins",
            )


@logic("CG-AZ-IAM-007")
def persona_mfa(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    covered = {
        group
        for policy in graph.of_type(params["policy_type"])
        if policy.inputs.get("state") == "enabled"
        and "mfa" in (get(policy.inputs, "grantControls.builtInControls") or [])
        for group in get(policy.inputs, "conditions.users.includedGroups") or []
    }
    for assignment in graph.of_type(azure.ROLE_ASSIGNMENT):
        if assignment.inputs.get("principalType") != "Group":
            continue
        if assignment.inputs.get("principalId") not in covered:
            yield Violation(
                assignment,
                "principalId",
                "no enabled Conditional Access policy requires multifactor authentication"
                " for this persona group",
            )


# -- Google Cloud -----------------------------------------------------------------------------


@logic("CG-GCP-IAM-002")
def public_principals(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    public = set(params["principals"])
    for grant in gcp.grants(graph):
        for member in gcp.members(grant):
            if member in public:
                yield Violation(grant, "member", f"grants access to {member}")


@logic("CG-GCP-IAM-003")
def service_account_keys(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for key in graph.of_type(gcp.SERVICE_ACCOUNT_KEY):
        yield Violation(
            key, "", "a downloadable service account key is a long-lived credential to leak"
        )


_DEFAULT_COMPUTE_ACCOUNT = re.compile(r"-compute@developer\.gserviceaccount\.com$")


@logic("CG-GCP-IAM-004")
def workload_service_account(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for instance in graph.of_type(gcp.INSTANCE):
        email = str(get(instance.inputs, "serviceAccount.email") or "")
        if not email or _DEFAULT_COMPUTE_ACCOUNT.search(email):
            yield Violation(
                instance,
                "serviceAccount.email",
                "runs as the default compute service account (Editor on the project)",
            )
    for service in graph.of_type(gcp.CLOUD_RUN):
        if not get(service.inputs, "template.serviceAccount"):
            yield Violation(
                service,
                "template.serviceAccount",
                "runs as the default compute service account (Editor on the project)",
            )
