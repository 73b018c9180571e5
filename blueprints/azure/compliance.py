"""Compliance: the plan's policy initiatives (HIPAA HITRUST), Defender plans, VNet flow logs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization, managedidentity, network, security

from blueprints.azure import naming
from blueprints.azure.access import assignment_name, role_definition_id
from blueprints.azure.context import AzureContext
from blueprints.azure.monitoring import NetworkWatcher
from blueprints.azure.storage import Lifecycle, SecureStorage, SecureStorageArgs
from generator.plan.model import MonitoringPlan

# The flow-log writer's only role: blobs in its own account (the account takes no shared keys).
FLOW_LOG_WRITER_ROLE = "Storage Blob Data Contributor"


@dataclass(frozen=True)
class ComplianceArgs:
    context: AzureContext
    subscription_id: pulumi.Input[str]
    monitoring: MonitoringPlan
    redundancy: str  # for the flow-log archive
    vnet_id: pulumi.Input[str]
    network_watcher: NetworkWatcher | None  # the region's, when the plan keeps flow logs
    monitoring_resource_group: pulumi.Input[str]
    workspace_customer_id: pulumi.Input[str]  # the workspace GUID traffic analytics wants
    # what policy remediation touches (policy_remediation's kinds) -> resource group ids
    remediation_scopes: Mapping[str, Sequence[pulumi.Input[str]]]


class Compliance(pulumi.ComponentResource):
    """Each initiative the plan names assigned to the subscription, each Defender plan on the
    Standard tier, and VNet flow logs with traffic analytics, archived for the plan's log
    retention."""

    def __init__(
        self, name: str, args: ComplianceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:Compliance", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        pid, plan = args.context.practice_id, args.monitoring
        subscription_scope = pulumi.Output.concat("/subscriptions/", args.subscription_id)
        remediation = args.context.facts("policy_remediation")["initiatives"]
        for initiative in dict.fromkeys(plan.policy_initiatives):
            needs = remediation.get(initiative, {})
            assignment = authorization.PolicyAssignment(
                f"{name}-initiative-{initiative}",
                policy_assignment_name=naming.scoped(naming.POLICY_ASSIGNMENT, pid, initiative[:8]),
                display_name=f"clinicgen {pid}: built-in initiative {initiative}",
                policy_definition_id=(
                    f"/providers/Microsoft.Authorization/policySetDefinitions/{initiative}"
                ),
                scope=subscription_scope,
                enforcement_mode="Default",
                # The initiative's deploy-if-not-exists and modify policies remediate as this
                # identity; an initiative that only audits needs none.
                identity=authorization.IdentityArgs(
                    type=authorization.ResourceIdentityType.SYSTEM_ASSIGNED
                )
                if needs
                else None,
                location=args.context.location,
                opts=child_opts,
            )
            self._remediation_roles(name, args, initiative, needs, assignment, child_opts)
        for plan_name in plan.defender_plans:
            security.Pricing(
                f"{name}-defender-{plan_name.lower()}",
                pricing_name=plan_name,
                pricing_tier="Standard",
                scope_id=pulumi.Output.concat("subscriptions/", args.subscription_id),
                opts=child_opts,
            )
        if plan.flow_logs:
            self._flow_logs(name, args, child_opts)
        self.register_outputs({})

    @staticmethod
    def _remediation_roles(
        name: str,
        args: ComplianceArgs,
        initiative: str,
        needs: Mapping[str, Sequence[str]],
        assignment: authorization.PolicyAssignment,
        child_opts: pulumi.ResourceOptions,
    ) -> None:
        """The roles the initiative's deployIfNotExists and modify policies declare, for its
        identity, on the groups holding what they remediate: outside the portal Azure Policy
        grants none ('Remediate non-compliant resources with Azure Policy'). Not the plan's
        personas: this identity runs only the initiative's own templates."""
        identity = assignment.identity.apply(lambda i: i.principal_id if i else None)
        for kind, roles in needs.items():
            for index, scope in enumerate(args.remediation_scopes.get(kind, ())):
                for role in roles:
                    slug = role.lower().replace(" ", "-")
                    authorization.RoleAssignment(
                        f"{name}-initiative-{initiative}-{kind}-{index}-{slug}",
                        role_assignment_name=assignment_name(
                            args.context.practice_id, "policy", initiative, kind, str(index), role
                        ),
                        principal_id=identity,
                        principal_type="ServicePrincipal",
                        role_definition_id=role_definition_id(
                            args.context, args.subscription_id, role
                        ),
                        scope=scope,
                        opts=pulumi.ResourceOptions.merge(
                            child_opts, pulumi.ResourceOptions(depends_on=[assignment])
                        ),
                    )

    @staticmethod
    def _flow_logs(name: str, args: ComplianceArgs, child_opts: pulumi.ResourceOptions) -> None:
        pid, plan = args.context.practice_id, args.monitoring
        watcher = args.network_watcher
        if watcher is None:
            raise ValueError("the plan keeps flow logs but the stack made no Network Watcher")
        analytics = args.context.facts("network_watcher")
        archive = SecureStorage(
            f"{name}-flow-log-archive",
            SecureStorageArgs(
                context=args.context,
                account_name=naming.global_name("flow-log-archive", pid),
                resource_group_name=args.monitoring_resource_group,
                redundancy=args.redundancy,
                containers=(),
                lifecycle=Lifecycle(
                    cool_after_days=plan.log_retention_days,
                    delete_after_days=plan.log_archive_days,
                ),
                # Network Watcher appends to hourly blobs, which WORM retention would refuse.
                immutable_days=None,
            ),
            opts=child_opts,
        )
        writer = managedidentity.UserAssignedIdentity(
            f"{name}-flow-log-writer",
            resource_name_=naming.scoped(naming.MANAGED_IDENTITY, "id", pid, "flow-logs"),
            resource_group_name=args.monitoring_resource_group,
            location=args.context.location,
            tags=args.context.tags,
            opts=child_opts,
        )
        grant = authorization.RoleAssignment(
            f"{name}-flow-log-writer-blob-data",
            role_assignment_name=assignment_name(pid, "flow-logs", FLOW_LOG_WRITER_ROLE),
            principal_id=writer.principal_id,
            principal_type="ServicePrincipal",
            role_definition_id=role_definition_id(
                args.context, args.subscription_id, FLOW_LOG_WRITER_ROLE
            ),
            scope=archive.account_id,
            opts=child_opts,
        )
        network.FlowLog(
            f"{name}-vnet-flow-log",
            flow_log_name=naming.scoped(naming.NETWORK, "fl", pid, "hub"),
            network_watcher_name=watcher.resource.name,
            resource_group_name=watcher.resource_group_name,
            location=args.context.location,
            target_resource_id=args.vnet_id,
            storage_id=archive.account_id,
            enabled=True,
            format=network.FlowLogFormatParametersArgs(type="JSON", version=2),
            # The archive's lifecycle deletes old logs; the flow log itself keeps everything.
            retention_policy=network.RetentionPolicyParametersArgs(days=0, enabled=False),
            identity=network.ManagedServiceIdentityArgs(
                type=network.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[writer.id],
            ),
            flow_analytics_configuration=network.TrafficAnalyticsPropertiesArgs(
                network_watcher_flow_analytics_configuration=(
                    network.TrafficAnalyticsConfigurationPropertiesArgs(
                        enabled=True,
                        workspace_id=args.workspace_customer_id,
                        workspace_region=args.context.location,
                        workspace_resource_id=args.context.workspace(),
                        traffic_analytics_interval=analytics["traffic_analytics_interval_minutes"],
                    )
                )
            ),
            tags=args.context.tags,
            # The flow log writes as `writer` from its first hour: the grant exists first.
            opts=pulumi.ResourceOptions.merge(
                child_opts, pulumi.ResourceOptions(depends_on=[watcher.resource, grant])
            ),
        )
