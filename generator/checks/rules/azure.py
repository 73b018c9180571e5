"""The azure-native resource types the checks read, and how ARM values compare.

Inputs are engine-level: the camelCase names and flattened `properties` that azure-native sends
to the provider. A value the provider defaults securely (and cannot be set insecurely by
omission) passes when absent; anything else must be stated.
"""

from __future__ import annotations

import re

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
