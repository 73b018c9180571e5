"""Monitoring: the practice's Log Analytics workspace, its retention, and the activity log."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import monitor, network, operationalinsights, resources

from blueprints.azure import naming
from blueprints.azure.context import AzureContext
from blueprints.options import protected


@dataclass(frozen=True)
class NetworkWatcher:
    """The region's Network Watcher and the group it sits in, which flow logs are created in."""

    resource: network.NetworkWatcher
    resource_group_name: pulumi.Output[str]
    resource_group_id: pulumi.Output[str]


@dataclass(frozen=True)
class MonitoringArgs:
    context: AzureContext
    log_retention_days: int  # interactive retention of every table
    log_archive_days: int  # total retention (interactive + archive) of the audit tables
    network_watcher: bool  # the plan keeps VNet flow logs, which a Network Watcher writes


class Monitoring(pulumi.ComponentResource):
    """Log Analytics workspace every diagnostic setting sends to, sized from the plan, and the
    region's Network Watcher when the plan keeps VNet flow logs."""

    resource_group_name: pulumi.Output[str]
    resource_group_id: pulumi.Output[str]
    workspace_id: pulumi.Output[str]
    workspace_customer_id: pulumi.Output[str]
    network_watcher: NetworkWatcher | None

    def __init__(
        self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:Monitoring", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        group = args.context.resource_group(name, "monitoring", child_opts)
        workspace = operationalinsights.Workspace(
            f"{name}-workspace",
            workspace_name=naming.scoped(naming.LOG_WORKSPACE, "log", args.context.practice_id),
            resource_group_name=group.name,
            location=args.context.location,
            sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"),
            retention_in_days=args.log_retention_days,
            # Entra ID only, and readers see the logs of the resources they may read.
            features=operationalinsights.WorkspaceFeaturesArgs(
                disable_local_auth=True,
                enable_log_access_using_only_resource_permissions=True,
            ),
            tags=args.context.tags,
            opts=protected(child_opts),
        )
        # HIPAA 164.316(b)(2): the audit trail outlives the interactive window, in archive.
        for table in args.context.facts("log_analytics")["archive_tables"]:
            operationalinsights.Table(
                f"{name}-{table.lower()}",
                table_name=table,
                workspace_name=workspace.name,
                resource_group_name=group.name,
                retention_in_days=args.log_retention_days,
                total_retention_in_days=args.log_archive_days,
                opts=child_opts,
            )
        monitor.SubscriptionDiagnosticSetting(
            f"{name}-activity-log",
            name=naming.scoped(naming.DIAGNOSTIC_SETTING, "clinicgen", args.context.practice_id),
            workspace_id=workspace.id,
            logs=[
                monitor.SubscriptionLogSettingsArgs(category=category, enabled=True)
                for category in args.context.facts("activity_log_categories")["categories"]
            ],
            opts=child_opts,
        )
        self.network_watcher = self._network_watcher(name, args, child_opts)
        self.resource_group_name = group.name
        self.resource_group_id = group.id
        self.workspace_id = workspace.id
        self.workspace_customer_id = workspace.customer_id
        self.register_outputs({"resource_group_name": group.name, "workspace_id": workspace.id})

    @staticmethod
    def _network_watcher(
        name: str, args: MonitoringArgs, child_opts: pulumi.ResourceOptions
    ) -> NetworkWatcher | None:
        """The region's Network Watcher where Azure would put it, made before the VNet: Azure
        enables one automatically only when a VNet is created, one per region and subscription
        ('Enable or disable Azure Network Watcher'). Both are kept on destroy: every VNet flow
        log in the region and subscription goes through this watcher."""
        if not args.network_watcher:
            return None
        facts = args.context.facts("network_watcher")
        shared = pulumi.ResourceOptions.merge(
            child_opts, pulumi.ResourceOptions(retain_on_delete=True)
        )
        group = resources.ResourceGroup(
            f"{name}-network-watcher-group",
            resource_group_name=facts["resource_group"],
            location=args.context.location,
            tags=args.context.tags,
            opts=shared,
        )
        watcher = network.NetworkWatcher(
            f"{name}-network-watcher",
            network_watcher_name=f"{facts['name_prefix']}{args.context.location}",
            resource_group_name=group.name,
            location=args.context.location,
            tags=args.context.tags,
            opts=shared,
        )
        return NetworkWatcher(watcher, group.name, group.id)
