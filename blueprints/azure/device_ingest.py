"""Device ingest: an IoT Hub for medical-device telemetry, sized from device counts."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import iothub

from blueprints.azure import naming
from blueprints.azure.context import AzureContext
from blueprints.azure.diagnostics import send_to_workspace
from blueprints.azure.private_link import PrivateNetwork, connect_privately
from blueprints.options import protected
from generator.plan.model import DeviceIngest as DeviceIngestPlan


def min_tls_version(context: AzureContext) -> str | None:
    """TLS 1.2 enforcement where IoT Hub accepts `minTlsVersion` at creation, else None (the
    property left out): 'Transport Layer Security (TLS) support in IoT Hub' lists the regions,
    and TLS 1.0/1.1 ended on every hub on 31 August 2025 either way."""
    facts = context.facts("device_ingest")
    return str(facts["min_tls"]) if context.location in facts["min_tls_regions"] else None


@dataclass(frozen=True)
class DeviceIngestArgs:
    context: AzureContext
    ingest: DeviceIngestPlan
    identity_id: pulumi.Input[str]  # the ingest workload identity
    private_network: PrivateNetwork


class DeviceIngest(pulumi.ComponentResource):
    """IoT Hub of the plan's tier and units, reached only through its private endpoint in the
    ingest subnet, TLS 1.2 (enforced where the region offers it), Entra ID for services (no
    hub-wide shared keys), telemetry kept for the plan's retention."""

    resource_group_name: pulumi.Output[str]
    resource_group_id: pulumi.Output[str]
    hub_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: DeviceIngestArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:DeviceIngest", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        platform, plan = args.context.facts("device_ingest"), args.ingest
        group = args.context.resource_group(name, "ingest", child_opts)
        hub = iothub.IotHubResource(
            f"{name}-hub",
            resource_name_=naming.global_name("iot-hub", args.context.practice_id),
            resource_group_name=group.name,
            location=args.context.location,
            sku=iothub.IotHubSkuInfoArgs(name=plan.tier, capacity=plan.units),
            identity=iothub.ArmIdentityArgs(
                type=iothub.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[args.identity_id],
            ),
            properties=iothub.IotHubPropertiesArgs(
                public_network_access="Disabled",
                min_tls_version=min_tls_version(args.context),
                disable_local_auth=True,
                event_hub_endpoints={
                    "events": iothub.EventHubPropertiesArgs(
                        retention_time_in_days=plan.retention_days,
                        partition_count=platform["partitions"],
                    )
                },
            ),
            tags=args.context.tags,
            opts=protected(child_opts),
        )
        connect_privately(
            args.context,
            f"{name}-hub",
            "iot-hub",
            hub.id,
            naming.scoped(naming.NETWORK, "iot", args.context.practice_id),
            args.private_network,
            group.name,
            child_opts,
        )
        send_to_workspace(args.context, f"{name}-hub-diagnostics", "iot-hub", hub.id, child_opts)
        self.resource_group_name = group.name
        self.resource_group_id = group.id
        self.hub_id = hub.id
        self.register_outputs({"resource_group_name": group.name, "hub_id": hub.id})
