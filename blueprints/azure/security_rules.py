"""NSG rules as standalone `SecurityRule` resources, never inline on the NSG.

The hub's rules (core stack) and each site's rules (its own stack) land in the same NSGs; inline
`security_rules` on an NSG would make Pulumi delete whatever another stack added, so every rule
is its own resource, whichever stack owns it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import network

from blueprints.azure import naming
from generator.plan.model import Flow

# Flow protocols as the plan spells them -> NSG protocol names.
PROTOCOLS = {"tcp": "Tcp", "udp": "Udp", "icmp": "Icmp", "any": "*"}


@dataclass(frozen=True)
class RuleSpec:
    """One NSG rule: who may reach what on which ports, at which priority."""

    rule_name: str
    priority: int
    direction: str  # Inbound | Outbound
    sources: Sequence[str]  # CIDRs or service tags; ("*",) for any
    destinations: Sequence[str]
    ports: Sequence[int | str] = ()  # ports or "low-high" ranges; empty: every port
    protocol: str = "tcp"
    access: str = "Allow"
    description: str = ""


def flow_rule(owner: str, flow: Flow) -> tuple[str, RuleSpec]:
    """The hub subnet whose NSG carries `flow`, and the rule (named after `owner`, a site id or
    `pooled_sites`): inbound at the cloud subnet for site-to-cloud flows, outbound at it for
    cloud-to-site ones."""
    inbound = flow.direction == "site-to-cloud"
    return (flow.destination if inbound else flow.source), RuleSpec(
        rule_name=f"{owner}-{flow.id}",
        priority=flow.priority,
        direction="Inbound" if inbound else "Outbound",
        sources=flow.source_cidrs,
        destinations=flow.destination_cidrs,
        ports=flow.ports,
        protocol=flow.protocol,
        description=flow.reason,
    )


def add_rule(
    name: str,
    nsg_name: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    spec: RuleSpec,
    opts: pulumi.ResourceOptions,
) -> network.SecurityRule:
    """Register `spec` as a standalone rule in the NSG `nsg_name`."""
    sources, destinations = list(spec.sources), list(spec.destinations)
    return network.SecurityRule(
        name,
        security_rule_name=naming.scoped(naming.NETWORK, spec.rule_name),
        network_security_group_name=nsg_name,
        resource_group_name=resource_group_name,
        priority=spec.priority,
        direction=spec.direction,
        access=spec.access,
        protocol=PROTOCOLS[spec.protocol],
        source_port_range="*",
        # Service tags and "*" are only valid in the singular fields; the lists take CIDRs.
        source_address_prefix=sources[0] if len(sources) == 1 else None,
        source_address_prefixes=sources if len(sources) > 1 else None,
        destination_address_prefix=destinations[0] if len(destinations) == 1 else None,
        destination_address_prefixes=destinations if len(destinations) > 1 else None,
        destination_port_range="*" if not spec.ports else None,
        destination_port_ranges=[str(port) for port in spec.ports] if spec.ports else None,
        description=spec.description or None,
        opts=opts,
    )
