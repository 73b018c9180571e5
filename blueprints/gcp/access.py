"""Access grants: the plan's persona and workload roles, each bound at the narrowest real
resource its logical scope maps to, never with a basic or IAM-administration role."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import compute, healthcare, iap, kms, projects, pubsub, serviceaccount, storage

from blueprints.gcp import naming
from blueprints.gcp.context import GcpContext
from blueprints.gcp.identity import WorkloadAccount
from generator.plan.model import IdentityPlan, RoleGrant


@dataclass(frozen=True)
class Scope:
    """The resources a grant binds at: `kind` says which IAM resource type, `targets` maps a
    stable key (part of the binding's name) to each resource's id (project id, key ring id,
    bucket name...). `condition` (title, CEL expression) narrows a project-level binding."""

    # project | key-ring | dataset | fhir-store | dicom-store | bucket | topic | subscription |
    # iap-tunnel-instance | instance (both at `instance_at`) | service-account
    kind: str
    targets: Mapping[str, pulumi.Input[str]]
    condition: tuple[str, pulumi.Input[str]] | None = None
    instance_at: tuple[str, str] | None = None  # (project, zone) of an instance target


@dataclass(frozen=True)
class AccessGrantsArgs:
    context: GcpContext
    identity: IdentityPlan
    accounts: Mapping[str, WorkloadAccount]  # by workload
    # Logical scope -> resources. A key `scope:prefix` overrides `scope` for roles whose name
    # (without `roles/`) starts with `prefix`: `key-vault:secretmanager` binds Secret Manager
    # roles apart from the key rings that `key-vault` means for Cloud KMS roles.
    scopes: Mapping[str, Scope]


def scope_for(grant: RoleGrant, scopes: Mapping[str, Scope]) -> Scope:
    """The resources `grant` binds at: the longest matching `scope:prefix`, else `scope`."""
    role = grant.role.removeprefix("roles/")
    matches = [
        key
        for key in scopes
        if key == grant.scope
        or (key.startswith(f"{grant.scope}:") and role.startswith(key.split(":", 1)[1]))
    ]
    if not matches:
        raise ValueError(
            f"the plan grants {grant.role} at scope {grant.scope!r}, "
            "which this practice has no resource for"
        )
    return scopes[max(matches, key=len)]


Binder = Callable[
    [str, pulumi.Input[str], str, pulumi.Input[str], Scope, ResourceOptions],
    pulumi.CustomResource,
]


def _bind_project(
    name: str,
    target: pulumi.Input[str],
    role: str,
    member: pulumi.Input[str],
    scope: Scope,
    opts: ResourceOptions,
) -> pulumi.CustomResource:
    condition = (
        projects.IAMMemberConditionArgs(title=scope.condition[0], expression=scope.condition[1])
        if scope.condition
        else None
    )
    return projects.IAMMember(
        name, project=target, role=role, member=member, condition=condition, opts=opts
    )


def _instance_at(scope: Scope) -> tuple[str, str]:
    """The project and zone an instance-level binding names its instance in."""
    if scope.instance_at is None:
        raise ValueError(f"a {scope.kind} scope needs the instance's project and zone")
    return scope.instance_at


def _instance_binder(make: Callable[..., pulumi.CustomResource], instance_arg: str) -> Binder:
    """A binder for an instance-level IAM member, which names its instance by project and zone
    and by `instance_arg`."""

    def bind(
        name: str,
        target: pulumi.Input[str],
        role: str,
        member: pulumi.Input[str],
        scope: Scope,
        opts: ResourceOptions,
    ) -> pulumi.CustomResource:
        project, zone = _instance_at(scope)
        return make(
            name,
            project=project,
            zone=zone,
            role=role,
            member=member,
            opts=opts,
            **{instance_arg: target},
        )

    return bind


# The API each kind of binding is made through (GCP-API-01).
_APIS = {
    "project": "cloudresourcemanager",
    "key-ring": "cloudkms",
    "dataset": "healthcare",
    "fhir-store": "healthcare",
    "dicom-store": "healthcare",
    "bucket": "storage",
    "topic": "pubsub",
    "subscription": "pubsub",
    "iap-tunnel-instance": "iap",
    "instance": "compute",
    "service-account": "iam",
}

_BINDERS: dict[str, Binder] = {
    "project": _bind_project,
    "key-ring": lambda n, target, role, member, _, opts: kms.KeyRingIAMMember(
        n, key_ring_id=target, role=role, member=member, opts=opts
    ),
    "dataset": lambda n, target, role, member, _, opts: healthcare.DatasetIamMember(
        n, dataset_id=target, role=role, member=member, opts=opts
    ),
    "fhir-store": lambda n, target, role, member, _, opts: healthcare.FhirStoreIamMember(
        n, fhir_store_id=target, role=role, member=member, opts=opts
    ),
    "dicom-store": lambda n, target, role, member, _, opts: healthcare.DicomStoreIamMember(
        n, dicom_store_id=target, role=role, member=member, opts=opts
    ),
    "bucket": lambda n, target, role, member, _, opts: storage.BucketIAMMember(
        n, bucket=target, role=role, member=member, opts=opts
    ),
    "topic": lambda n, target, role, member, _, opts: pubsub.TopicIAMMember(
        n, topic=target, role=role, member=member, opts=opts
    ),
    "subscription": lambda n, target, role, member, _, opts: pubsub.SubscriptionIAMMember(
        n, subscription=target, role=role, member=member, opts=opts
    ),
    # IAP TCP forwarding to one instance (Terraform google_iap_tunnel_instance_iam_member).
    "iap-tunnel-instance": _instance_binder(iap.TunnelInstanceIAMMember, "instance"),
    "instance": _instance_binder(compute.InstanceIAMMember, "instance_name"),
    "service-account": lambda n, target, role, member, _, opts: serviceaccount.IAMMember(
        n, service_account_id=target, role=role, member=member, opts=opts
    ),
}


class AccessGrants(pulumi.ComponentResource):
    """Who may do what: persona groups and workload service accounts, least privilege."""

    def __init__(
        self, name: str, args: AccessGrantsArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:AccessGrants", name, None, opts)
        child_opts = ResourceOptions(parent=self)
        forbidden = set(args.context.facts("forbidden_roles"))

        principals: list[tuple[str, pulumi.Input[str], tuple[RoleGrant, ...]]] = [
            (persona.persona.replace("_", "-"), persona.group, persona.grants)
            for persona in args.identity.personas
        ]
        principals += [
            (workload.workload, args.accounts[workload.workload].member, workload.grants)
            for workload in args.identity.workloads
        ]
        bindings: dict[str, pulumi.CustomResource] = {}
        for principal, member, grants in principals:
            for grant in grants:
                if grant.role in forbidden:
                    raise ValueError(
                        f"the plan grants {grant.role} to {principal}; clinicgen never binds "
                        "basic or IAM-administration roles"
                    )
                scope = scope_for(grant, args.scopes)
                for target_key, target in scope.targets.items():
                    # Two logical scopes may land on one resource: bind the role there once.
                    binding = f"{name}-{principal}-{naming.role_slug(grant.role)}-{target_key}"
                    if binding not in bindings:
                        opts = ResourceOptions.merge(
                            child_opts, args.context.api_opts(_APIS[scope.kind])
                        )
                        bindings[binding] = _BINDERS[scope.kind](
                            binding, target, grant.role, member, scope, opts
                        )

        self.register_outputs({"bindings": len(bindings)})
