"""Private endpoints: data services are reached from the hub's subnets only, by private DNS."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import network

from blueprints.azure import naming
from blueprints.azure.context import AzureContext


@dataclass(frozen=True)
class PrivateNetwork:
    """Where private endpoints go: hub subnet ids by plan key, private DNS zone ids by zone."""

    subnet_ids: Mapping[str, pulumi.Input[str]]
    zone_ids: Mapping[str, pulumi.Input[str]]


def zones_for(context: AzureContext, services: tuple[str, ...]) -> tuple[str, ...]:
    """The private DNS zones the given private-endpoint services resolve in, in catalog order."""
    catalog = context.facts("private_endpoints")
    return tuple(dict.fromkeys(zone for service in services for zone in catalog[service]["zones"]))


def connect_privately(
    context: AzureContext,
    name: str,
    service: str,
    target_id: pulumi.Input[str],
    endpoint_name: str,
    private_network: PrivateNetwork,
    resource_group_name: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> network.PrivateEndpoint:
    """A private endpoint to `target_id` in the subnet the catalog gives `service`, registered
    in that service's private DNS zones."""
    entry = context.facts("private_endpoints")[service]
    endpoint = network.PrivateEndpoint(
        f"{name}-endpoint",
        private_endpoint_name=naming.scoped(naming.NETWORK, "pe", endpoint_name),
        resource_group_name=resource_group_name,
        location=context.location,
        subnet=network.SubnetArgs(id=private_network.subnet_ids[entry["subnet"]]),
        private_link_service_connections=[
            network.PrivateLinkServiceConnectionArgs(
                name=endpoint_name,
                private_link_service_id=target_id,
                group_ids=[entry["group_id"]],
            )
        ],
        tags=context.tags,
        opts=opts,
    )
    network.PrivateDnsZoneGroup(
        f"{name}-dns",
        private_dns_zone_group_name="default",
        private_endpoint_name=endpoint.name,
        resource_group_name=resource_group_name,
        private_dns_zone_configs=[
            network.PrivateDnsZoneConfigArgs(
                name=zone.replace(".", "-"), private_dns_zone_id=private_network.zone_ids[zone]
            )
            for zone in entry["zones"]
        ],
        opts=opts,
    )
    return endpoint
