"""Device ingest: an IoT Hub for medical-device telemetry, sized from device counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import iothub, resources

from blueprints.azure import naming
from blueprints.azure.diagnostics import send_to_workspace
from blueprints.azure.platform import facts
from blueprints.azure.private_link import PrivateNetwork, connect_privately
from blueprints.options import protected
from generator.plan.model import DeviceIngest as DeviceIngestPlan


@dataclass(frozen=True)
class DeviceIngestArgs:
    practice_id: str
    location: str
    tags: Mapping[str, str]
    plan: DeviceIngestPlan
    identity_id: pulumi.Input[str]  # the ingest workload identity
    private_network: PrivateNetwork
    workspace_id: pulumi.Input[str]


class DeviceIngest(pulumi.ComponentResource):
    """IoT Hub of the plan's tier and units, reached only through its private endpoint in the
    ingest subnet, TLS 1.2, Entra ID for services (no hub-wide shared keys), telemetry kept
    for the plan's retention."""

    resource_group_name: pulumi.Output[str]
    resource_group_id: pulumi.Output[str]
    hub_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: DeviceIngestArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:DeviceIngest", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        platform, plan = facts("device_ingest"), args.plan
        group = resources.ResourceGroup(
            f"{name}-group",
            resource_group_name=naming.resource_group(args.practice_id, "ingest"),
            location=args.location,
            tags=dict(args.tags),
            opts=child_opts,
        )
        hub = iothub.IotHubResource(
            f"{name}-hub",
            resource_name_=naming.global_name("iot-hub", args.practice_id),
            resource_group_name=group.name,
            location=args.location,
            sku=iothub.IotHubSkuInfoArgs(name=plan.tier, capacity=plan.units),
            identity=iothub.ArmIdentityArgs(
                type=iothub.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[args.identity_id],
            ),
            properties=iothub.IotHubPropertiesArgs(
                public_network_access="Disabled",
                min_tls_version=platform["min_tls"],
                disable_local_auth=True,
                event_hub_endpoints={
                    "events": iothub.EventHubPropertiesArgs(
                        retention_time_in_days=plan.retention_days,
                        partition_count=platform["partitions"],
                    )
                },
            ),
            tags=dict(args.tags),
            opts=protected(child_opts),
        )
        connect_privately(
            f"{name}-hub",
            "iot-hub",
            hub.id,
            naming.scoped(naming.NETWORK, "iot", args.practice_id),
            args.private_network,
            group.name,
            args.location,
            args.tags,
            child_opts,
        )
        send_to_workspace(
            f"{name}-hub-diagnostics", "iot-hub", hub.id, args.workspace_id, child_opts
        )
        self.resource_group_name = group.name
        self.resource_group_id = group.id
        self.hub_id = hub.id
        self.register_outputs({"resource_group_name": group.name, "hub_id": hub.id})
