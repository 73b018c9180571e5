"""Telehealth: the visit web app on an App Service plan sized from peak sessions, and
Communication Services for the audio and video."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import communication, monitor, web

from blueprints.azure import naming
from blueprints.azure.context import AzureContext
from blueprints.azure.diagnostics import send_to_workspace
from blueprints.azure.storage import Lifecycle, SecureStorage, SecureStorageArgs
from generator.plan.model import TelehealthPlan


def communication_data_location(context: AzureContext) -> str:
    """The Communication Services geography that keeps data at rest near the stack's region."""
    region = context.location
    for geography, regions in context.facts("communication_data_locations").items():
        if isinstance(regions, list) and region in regions:
            return str(geography)
    raise ValueError(f"no Communication Services data location is known for region {region!r}")


@dataclass(frozen=True)
class TelehealthArgs:
    context: AzureContext
    telehealth: TelehealthPlan
    subnet_id: pulumi.Input[str]  # the hub's telehealth (VNet integration) subnet
    identity_id: pulumi.Input[str]  # the telehealth workload identity
    redundancy: str  # for the recordings archive
    recording_retention_days: int  # the medical-record rule: recorded visits are records


class Telehealth(pulumi.ComponentResource):
    """App Service plan of the plan's SKU at its minimum instances, autoscaling to its maximum;
    a web app that is HTTPS-only with TLS 1.2, no FTP or basic publishing credentials, all
    outbound traffic through the hub; Communication Services in the practice's geography;
    an immutable recordings archive when visits are recorded."""

    resource_group_name: pulumi.Output[str]
    resource_group_id: pulumi.Output[str]
    web_app_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: TelehealthArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:Telehealth", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        platform, plan, pid = (
            args.context.facts("telehealth"),
            args.telehealth,
            args.context.practice_id,
        )
        group = args.context.resource_group(name, "telehealth", child_opts)
        service_plan = web.AppServicePlan(
            f"{name}-plan",
            name=naming.scoped(naming.APP_SERVICE_PLAN, "asp", pid, "telehealth"),
            resource_group_name=group.name,
            location=args.context.location,
            kind="linux",
            reserved=True,
            sku=web.SkuDescriptionArgs(name=plan.sku, capacity=plan.min_instances),
            tags=args.context.tags,
            opts=child_opts,
        )
        monitor.AutoscaleSetting(
            f"{name}-autoscale",
            autoscale_setting_name=naming.scoped(naming.NETWORK, "autoscale", pid, "telehealth"),
            resource_group_name=group.name,
            location=args.context.location,
            target_resource_uri=service_plan.id,
            enabled=True,
            profiles=[
                monitor.AutoscaleProfileArgs(
                    name="peak-sessions",
                    capacity=monitor.ScaleCapacityArgs(
                        minimum=str(plan.min_instances),
                        maximum=str(plan.max_instances),
                        default=str(plan.min_instances),
                    ),
                    rules=[
                        _cpu_rule(
                            service_plan.id,
                            monitor.ComparisonOperationType.GREATER_THAN,
                            platform["scale_out_cpu_percent"],
                            monitor.ScaleDirection.INCREASE,
                        ),
                        _cpu_rule(
                            service_plan.id,
                            monitor.ComparisonOperationType.LESS_THAN,
                            platform["scale_in_cpu_percent"],
                            monitor.ScaleDirection.DECREASE,
                        ),
                    ],
                )
            ],
            tags=args.context.tags,
            opts=child_opts,
        )
        app_name = naming.global_name("telehealth-app", pid)
        app = web.WebApp(
            f"{name}-app",
            name=app_name,
            resource_group_name=group.name,
            location=args.context.location,
            kind="app,linux",
            server_farm_id=service_plan.id,
            https_only=True,
            client_affinity_enabled=False,
            identity=web.ManagedServiceIdentityArgs(
                type=web.ManagedServiceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[args.identity_id],
            ),
            key_vault_reference_identity=args.identity_id,
            virtual_network_subnet_id=args.subnet_id,
            outbound_vnet_routing=web.OutboundVnetRoutingArgs(all_traffic=True),
            site_config=web.SiteConfigArgs(
                min_tls_version=platform["min_tls"],
                scm_min_tls_version=platform["min_tls"],
                ftps_state="Disabled",
                http20_enabled=True,
                always_on=True,
                remote_debugging_enabled=False,
            ),
            tags=args.context.tags,
            opts=child_opts,
        )
        # Basic-auth publishing credentials bypass Entra ID; deployments use it instead.
        for endpoint, resource in (("ftp", web.WebAppFtpAllowed), ("scm", web.WebAppScmAllowed)):
            resource(
                f"{name}-app-{endpoint}-basic-auth",
                name=app.name,
                resource_group_name=group.name,
                allow=False,
                opts=child_opts,
            )
        send_to_workspace(args.context, f"{name}-app-diagnostics", "web-app", app.id, child_opts)
        communication.CommunicationService(
            f"{name}-communication",
            communication_service_name=naming.global_name("communication", pid),
            resource_group_name=group.name,
            location="global",
            data_location=communication_data_location(args.context),
            tags=args.context.tags,
            opts=child_opts,
        )
        if plan.recording:
            retention_days = args.recording_retention_days
            SecureStorage(
                f"{name}-recordings",
                SecureStorageArgs(
                    context=args.context,
                    account_name=naming.global_name("recordings-archive", pid),
                    resource_group_name=group.name,
                    redundancy=args.redundancy,
                    containers=("recordings",),
                    lifecycle=Lifecycle(delete_after_days=retention_days),
                    immutable_days=retention_days,
                ),
                opts=child_opts,
            )
        self.resource_group_name = group.name
        self.resource_group_id = group.id
        self.web_app_id = app.id
        self.register_outputs({"resource_group_name": group.name, "web_app_id": app.id})


def _cpu_rule(
    plan_id: pulumi.Input[str],
    operator: monitor.ComparisonOperationType,
    threshold: int,
    direction: monitor.ScaleDirection,
) -> monitor.ScaleRuleArgs:
    """Change the instance count by one when average CPU over ten minutes crosses `threshold`."""
    return monitor.ScaleRuleArgs(
        metric_trigger=monitor.MetricTriggerArgs(
            metric_name="CpuPercentage",
            metric_resource_uri=plan_id,
            operator=operator,
            statistic=monitor.MetricStatisticType.AVERAGE,
            threshold=threshold,
            time_aggregation=monitor.TimeAggregationType.AVERAGE,
            time_grain="PT1M",
            time_window="PT10M",
        ),
        scale_action=monitor.ScaleActionArgs(
            direction=direction, type=monitor.ScaleType.CHANGE_COUNT, value="1", cooldown="PT5M"
        ),
    )
