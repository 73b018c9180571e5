"""Role assignments: persona groups and workload identities get the plan's roles, each at the
narrowest real resource that stands for the plan's logical scope."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization

from blueprints.azure.context import AzureContext
from generator.plan.model import PersonaAccess, RoleGrant, WorkloadIdentity

# Role assignment names are GUIDs; uuid5 over stable ids keeps them the same on every run.
ASSIGNMENT_NAMESPACE = uuid.UUID("6c1f8e02-3a7b-4c55-9d0e-2f4b8a6c1d93")


def role_definition_id(
    context: AzureContext, subscription_id: pulumi.Input[str], role: str
) -> pulumi.Output[str]:
    """The ARM id of the built-in role called `role` in the subscription."""
    ids = context.facts("role_definitions")["ids"]
    if role not in ids:
        raise ValueError(f"{role!r} is not an Azure built-in role the catalog knows")
    return pulumi.Output.concat(
        "/subscriptions/",
        subscription_id,
        "/providers/Microsoft.Authorization/roleDefinitions/",
        ids[role],
    )


def assignment_name(*stable_ids: str) -> str:
    """A role assignment's name (a GUID) from the stable ids of what it grants."""
    return str(uuid.uuid5(ASSIGNMENT_NAMESPACE, "/".join(stable_ids)))


@dataclass(frozen=True)
class Principal:
    """Who receives grants: a persona's directory group or a workload's managed identity."""

    key: str  # persona or workload name
    principal_id: pulumi.Input[str]
    principal_type: str  # Group | ServicePrincipal
    grants: tuple[RoleGrant, ...]


def principals(
    personas: tuple[PersonaAccess, ...],
    workloads: tuple[WorkloadIdentity, ...],
    workload_principal_ids: Mapping[str, pulumi.Input[str]],
) -> tuple[Principal, ...]:
    """The plan's personas and workload identities as principals with their grants."""
    return tuple(
        Principal(persona.persona, persona.group, "Group", persona.grants) for persona in personas
    ) + tuple(
        Principal(
            workload.workload,
            workload_principal_ids[workload.workload],
            "ServicePrincipal",
            workload.grants,
        )
        for workload in workloads
    )


@dataclass(frozen=True)
class AccessGrantsArgs:
    context: AzureContext
    subscription_id: pulumi.Input[str]
    principals: tuple[Principal, ...]
    # logical scope -> {stable target key: ARM id}; `workloads` spans each workload's group
    scopes: Mapping[str, Mapping[str, pulumi.Input[str]]]


class AccessGrants(pulumi.ComponentResource):
    """One role assignment per principal, role and real scope the plan grants. Forbidden roles
    (Owner, Contributor, ...) and scopes this stack does not create are errors."""

    def __init__(
        self, name: str, args: AccessGrantsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:AccessGrants", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        forbidden = set(args.context.facts("forbidden_roles"))
        assignments = []
        for principal in args.principals:
            for grant in principal.grants:
                if grant.role in forbidden:
                    raise ValueError(
                        f"the plan grants {principal.key} the forbidden role {grant.role!r}"
                    )
                if grant.scope not in args.scopes:
                    raise ValueError(
                        f"the plan grants {principal.key} {grant.role!r} at {grant.scope!r}, "
                        "which the core stack does not create"
                    )
                role_slug = grant.role.lower().replace(" ", "-")
                for target, scope_id in args.scopes[grant.scope].items():
                    assignment = authorization.RoleAssignment(
                        f"{name}-{principal.key}-{role_slug}-{target}",
                        role_assignment_name=assignment_name(
                            args.context.practice_id, principal.key, grant.role, target
                        ),
                        principal_id=principal.principal_id,
                        principal_type=principal.principal_type,
                        role_definition_id=role_definition_id(
                            args.context, args.subscription_id, grant.role
                        ),
                        scope=scope_id,
                        opts=child_opts,
                    )
                    assignments.append(assignment.id)
        self.register_outputs({"assignment_ids": assignments})
