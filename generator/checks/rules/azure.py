"""The azure-native resource types the checks and rules read, how ARM values compare, and
readings several of them share (NSG rules, subnets).

Inputs are engine-level: the camelCase names and flattened `properties` that azure-native sends
to the provider. A value the provider defaults securely (and cannot be set insecurely by
omission) passes when absent; anything else must be stated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from generator.checks.graph import Graph, get, items
from generator.checks.model import Resource

NSG = "azure-native:network:NetworkSecurityGroup"
SECURITY_RULE = "azure-native:network:SecurityRule"
VNET = "azure-native:network:VirtualNetwork"
SUBNET = "azure-native:network:Subnet"
NIC = "azure-native:network:NetworkInterface"
FLOW_LOG = "azure-native:network:FlowLog"
FIREWALL = "azure-native:network:AzureFirewall"
FIREWALL_POLICY = "azure-native:network:FirewallPolicy"
VPN_CONNECTION = "azure-native:network:VirtualNetworkGatewayConnection"
VM = "azure-native:compute:VirtualMachine"
STORAGE = "azure-native:storage:StorageAccount"
WEB_APP = "azure-native:web:WebApp"
KEY_VAULT = "azure-native:keyvault:Vault"
KEY = "azure-native:keyvault:Key"
BACKUP_VAULT = "azure-native:recoveryservices:Vault"
PROTECTED_ITEM = "azure-native:recoveryservices:ProtectedItem"
DIAGNOSTIC_SETTINGS = (
    "azure-native:monitor:DiagnosticSetting",
    "azure-native:insights:DiagnosticSetting",
)
RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
POLICY_ASSIGNMENT = "azure-native:authorization:PolicyAssignment"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
PUBLIC_IP = "azure-native:network:PublicIPAddress"
VNET_GATEWAY = "azure-native:network:VirtualNetworkGateway"
LOCAL_GATEWAY = "azure-native:network:LocalNetworkGateway"
BASTION = "azure-native:network:BastionHost"
NETWORK_WATCHER = "azure-native:network:NetworkWatcher"
IOT_HUB = "azure-native:iothub:IotHubResource"
MANAGED_IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"

# Scopes that reach beyond one resource group: the subscription, a management group, the tenant.
WIDE_SCOPE = re.compile(
    r"^(/|/subscriptions/[^/]+|/providers/microsoft\.management/managementgroups/[^/]+)/?$",
    re.IGNORECASE,
)


def equals(value: object, *accepted: str) -> bool:
    """Whether `value` is one of `accepted`, ignoring case as ARM does."""
    return isinstance(value, str) and value.lower() in {a.lower() for a in accepted}


def last_segment(value: object) -> str:
    """The last segment of an ARM id, lowercased: a role or policy definition's GUID or name."""
    return str(value or "").rstrip("/").rsplit("/", 1)[-1].lower()


def security_rules(graph: Graph) -> Iterator[tuple[Resource, str, Mapping[str, Any]]]:
    """Every NSG rule with the resource that carries it and the property path to it: standalone
    SecurityRule resources and rules written inline on a NetworkSecurityGroup."""
    for rule in graph.of_type(SECURITY_RULE):
        yield rule, "", rule.inputs
    for nsg in graph.of_type(NSG):
        for index, rule in enumerate(items(nsg.inputs.get("securityRules"))):
            yield nsg, f"securityRules[{index}].", rule


def sources(rule: Mapping[str, Any]) -> list[Any]:
    """An NSG rule's source prefixes or service tags."""
    found = items(rule.get("sourceAddressPrefix")) + items(rule.get("sourceAddressPrefixes"))
    # No prefix and no application security group: the rule is read as matching any source.
    if not found and not rule.get("sourceApplicationSecurityGroups"):
        return ["*"]
    return found


def destinations(rule: Mapping[str, Any]) -> list[Any]:
    """An NSG rule's destination prefixes or service tags; none reads as any destination."""
    found = items(rule.get("destinationAddressPrefix")) + items(
        rule.get("destinationAddressPrefixes")
    )
    if not found and not rule.get("destinationApplicationSecurityGroups"):
        return ["*"]
    return found


def ports(rule: Mapping[str, Any]) -> list[Any]:
    """An NSG rule's destination ports or ranges; none reads as every port."""
    found = items(rule.get("destinationPortRange")) + items(rule.get("destinationPortRanges"))
    return found or ["*"]


def nsg_rules(graph: Graph, nsg: Resource) -> list[tuple[Resource, str, Mapping[str, Any]]]:
    """The rules of one NSG, whichever stack added them: written inline on it, or standalone
    rules naming it (and its resource group, when they say)."""
    name = str(nsg.inputs.get("networkSecurityGroupName") or nsg.outputs.get("name") or "")
    group = str(nsg.inputs.get("resourceGroupName") or "")
    return [
        (holder, path, rule)
        for holder, path, rule in security_rules(graph)
        if holder is nsg
        or (
            holder.type == SECURITY_RULE
            and equals(rule.get("networkSecurityGroupName"), name)
            and (not rule.get("resourceGroupName") or equals(rule.get("resourceGroupName"), group))
        )
    ]


@dataclass(frozen=True)
class SubnetView:
    """One subnet, standalone or written inline on its virtual network: the resource that
    carries it, the property path there, its name, address prefixes and NSG reference."""

    holder: Resource
    path: str
    name: str
    prefixes: tuple[str, ...]
    nsg_id: str


def subnets(graph: Graph) -> Iterator[SubnetView]:
    """Every subnet of every virtual network, as `SubnetView`s."""
    for vnet in graph.of_type(VNET):
        for index, subnet in enumerate(items(vnet.inputs.get("subnets"))):
            yield _view(vnet, f"subnets[{index}].", subnet, str(subnet.get("name", "")))
    for subnet in graph.of_type(SUBNET):
        yield _view(subnet, "", subnet.inputs, standalone_subnet_name(subnet))


def standalone_subnet_name(subnet: Resource) -> str:
    """The name of a standalone `Subnet` resource."""
    return str(subnet.inputs.get("subnetName") or subnet.outputs.get("name") or "")


def referenced_subnet_name(graph: Graph, reference: object) -> str:
    """The name of the subnet an ARM subnet id refers to: the standalone subnet it names (by
    id, or by the URN an id unknown until deployment was computed from), else the name the
    id ends in."""
    subnet = graph.find(reference, SUBNET)
    return standalone_subnet_name(subnet) if subnet is not None else subnet_name(reference)


def _view(holder: Resource, path: str, subnet: Mapping[str, Any], name: str) -> SubnetView:
    prefixes = items(subnet.get("addressPrefix")) + items(subnet.get("addressPrefixes"))
    reference = get(subnet, "networkSecurityGroup.id")
    # Kept as it is (not through str()): an id unknown until deployment resolves by URN.
    nsg_id = reference if isinstance(reference, str) else ""
    return SubnetView(holder, path, name, tuple(str(p) for p in prefixes), nsg_id)


def subnet_name(subnet_id: object) -> str:
    """The subnet name an ARM subnet id ends in (`.../subnets/GatewaySubnet`), or ""."""
    text = str(subnet_id or "").rstrip("/")
    return text.rsplit("/subnets/", 1)[1] if "/subnets/" in text else ""
