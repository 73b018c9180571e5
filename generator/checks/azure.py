"""Check logic over azure-native resources; each check's metadata is in catalog checks.yaml.

Inputs are engine-level: the camelCase names and flattened `properties` that azure-native sends
to the provider. A value the provider defaults securely (and cannot be set insecurely by
omission) passes when absent; anything else must be stated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from generator.checks.graph import Graph, get, is_internet, iso_days, items, port_in, refers_to
from generator.checks.model import CheckContext, Resource, Violation
from generator.checks.registry import Registry

logic = Registry()

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
_WIDE_SCOPE = re.compile(
    r"^(/|/subscriptions/[^/]+|/providers/microsoft\.management/managementgroups/[^/]+)/?$",
    re.IGNORECASE,
)


def _equals(value: object, *accepted: str) -> bool:
    return isinstance(value, str) and value.lower() in {a.lower() for a in accepted}


def _last_segment(value: object) -> str:
    return str(value or "").rstrip("/").rsplit("/", 1)[-1].lower()


# -- network exposure -------------------------------------------------------------------------


def _security_rules(graph: Graph) -> Iterator[tuple[Resource, str, Mapping[str, Any]]]:
    """Every NSG rule with the resource that carries it and the property path to it: standalone
    SecurityRule resources and rules written inline on a NetworkSecurityGroup."""
    for rule in graph.of_type(SECURITY_RULE):
        yield rule, "", rule.inputs
    for nsg in graph.of_type(NSG):
        for index, rule in enumerate(items(nsg.inputs.get("securityRules"))):
            yield nsg, f"securityRules[{index}].", rule


def _sources(rule: Mapping[str, Any]) -> list[Any]:
    sources = items(rule.get("sourceAddressPrefix")) + items(rule.get("sourceAddressPrefixes"))
    # No prefix and no application security group: the rule is read as matching any source.
    if not sources and not rule.get("sourceApplicationSecurityGroups"):
        return ["*"]
    return sources


def _ports(rule: Mapping[str, Any]) -> list[Any]:
    ports = items(rule.get("destinationPortRange")) + items(rule.get("destinationPortRanges"))
    return ports or ["*"]


@logic("CG-AZ-NET-001")
@logic("CG-AZ-NET-002")
def internet_to_management_port(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    port = int(params["port"])
    protocols = {p.lower() for p in params["protocols"]} | {"*"}
    for holder, path, rule in _security_rules(graph):
        if not (_equals(rule.get("direction"), "Inbound") and _equals(rule.get("access"), "Allow")):
            continue
        if str(rule.get("protocol", "*")).lower() not in protocols:
            continue
        open_sources = [s for s in _sources(rule) if is_internet(s)]
        if open_sources and any(port_in(spec, port) for spec in _ports(rule)):
            yield Violation(
                holder,
                f"{path}sourceAddressPrefix",
                f"allows {open_sources[0]} (the internet) to port {port}",
            )


@logic("CG-AZ-NET-003")
def subnet_without_nsg(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    exempt = {name.lower() for name in params["exempt_subnets"]}
    for vnet in graph.of_type(VNET):
        for index, subnet in enumerate(items(vnet.inputs.get("subnets"))):
            name = str(subnet.get("name", ""))
            if name.lower() not in exempt and not get(subnet, "networkSecurityGroup.id"):
                yield Violation(
                    vnet,
                    f"subnets[{index}].networkSecurityGroup",
                    f"subnet {name or index} has no network security group",
                )
    for subnet in graph.of_type(SUBNET):
        name = str(subnet.inputs.get("subnetName") or subnet.outputs.get("name") or "")
        if name.lower() not in exempt and not get(subnet.inputs, "networkSecurityGroup.id"):
            yield Violation(
                subnet, "networkSecurityGroup", f"subnet {name} has no network security group"
            )


@logic("CG-AZ-NET-004")
def public_ip_on_vm(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for nic in graph.of_type(NIC):
        for index, config in enumerate(items(nic.inputs.get("ipConfigurations"))):
            if config.get("publicIPAddress"):
                yield Violation(
                    nic,
                    f"ipConfigurations[{index}].publicIPAddress",
                    "network interface has a public IP address",
                )
    for vm in graph.of_type(VM):
        nic_configs = items(get(vm.inputs, "networkProfile.networkInterfaceConfigurations"))
        for n, nic_config in enumerate(nic_configs):
            for i, config in enumerate(items(nic_config.get("ipConfigurations"))):
                if config.get("publicIPAddressConfiguration"):
                    yield Violation(
                        vm,
                        f"networkProfile.networkInterfaceConfigurations[{n}]"
                        f".ipConfigurations[{i}].publicIPAddressConfiguration",
                        "virtual machine is given a public IP address",
                    )


def _is_deny_all(rule: Mapping[str, Any]) -> bool:
    return (
        _equals(rule.get("access"), "Deny")
        and str(rule.get("protocol", "*")) == "*"
        and all(is_internet(s) for s in _sources(rule))
        and all(str(p) == "*" for p in _ports(rule))
        and all(
            is_internet(d)
            for d in items(rule.get("destinationAddressPrefix"))
            + items(rule.get("destinationAddressPrefixes"))
        )
    )


@logic("CG-AZ-NET-005")
def nsg_without_final_deny(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    standalone = graph.of_type(SECURITY_RULE)
    for nsg in graph.of_type(NSG):
        name = nsg.inputs.get("networkSecurityGroupName") or nsg.outputs.get("name")
        group = nsg.inputs.get("resourceGroupName")
        rules: list[tuple[Resource, str, Mapping[str, Any]]] = [
            (nsg, f"securityRules[{i}]", rule)
            for i, rule in enumerate(items(nsg.inputs.get("securityRules")))
        ]
        rules += [
            (rule, "priority", rule.inputs)
            for rule in standalone
            if rule.inputs.get("networkSecurityGroupName") == name
            and rule.inputs.get("resourceGroupName") in (group, None)
        ]
        inbound = [r for r in rules if _equals(r[2].get("direction"), "Inbound")]
        deny_all = [r for r in inbound if _is_deny_all(r[2])]
        if not deny_all:
            yield Violation(
                nsg,
                "securityRules",
                f"no inbound deny-all rule: Azure's default AllowVnetInBound (priority 65000) "
                f"lets every address in the virtual network reach subnets behind {name}",
            )
            continue
        last = max(float(r[2].get("priority", 0)) for r in deny_all)
        for holder, path, rule in inbound:
            if float(rule.get("priority", 0)) > last:
                yield Violation(
                    holder,
                    path,
                    f"inbound rule at priority {int(rule['priority'])} comes after the deny-all "
                    f"at {int(last)} and is never reached",
                )


@logic("CG-AZ-NET-007")
def storage_network_access(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for account in graph.of_type(STORAGE):
        disabled = _equals(account.inputs.get("publicNetworkAccess"), "Disabled")
        if not disabled and not _equals(
            get(account.inputs, "networkRuleSet.defaultAction"), "Deny"
        ):
            yield Violation(
                account,
                "networkRuleSet.defaultAction",
                "storage account accepts traffic from any network",
            )


@logic("CG-AZ-NET-008")
def firewall_threat_intel(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    exempt_tiers = {tier.lower() for tier in params["exempt_tiers"]}
    for policy in graph.of_type(FIREWALL_POLICY):
        if str(get(policy.inputs, "sku.tier") or "").lower() in exempt_tiers:
            continue
        if not _equals(policy.inputs.get("threatIntelMode"), "Deny"):
            yield Violation(
                policy, "threatIntelMode", "traffic to known-malicious addresses is not denied"
            )
    for firewall in graph.of_type(FIREWALL):
        if firewall.inputs.get("firewallPolicy"):
            continue  # governed by its firewall policy, checked above
        if str(get(firewall.inputs, "sku.tier") or "").lower() in exempt_tiers:
            continue
        if not _equals(firewall.inputs.get("threatIntelMode"), "Deny"):
            yield Violation(
                firewall, "threatIntelMode", "traffic to known-malicious addresses is not denied"
            )


# -- encryption and TLS -----------------------------------------------------------------------


@logic("CG-AZ-ENC-001")
def storage_min_tls(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for account in graph.of_type(STORAGE):
        value = account.inputs.get("minimumTlsVersion")
        if not _equals(value, *params["accepted"]):
            yield Violation(
                account, "minimumTlsVersion", f"accepts TLS below 1.2 (minimum {value or 'unset'})"
            )


@logic("CG-AZ-ENC-002")
def storage_https_only(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for account in graph.of_type(STORAGE):
        if account.inputs.get("enableHttpsTrafficOnly") is False:
            yield Violation(account, "enableHttpsTrafficOnly", "accepts unencrypted HTTP")


def _version(value: object) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", str(value)))


@logic("CG-AZ-ENC-004")
def web_app_min_tls(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    minimum = _version(params["minimum"])
    for app in graph.of_type(WEB_APP):
        value = get(app.inputs, "siteConfig.minTlsVersion")
        # Absent: App Service has defaulted new apps to TLS 1.2 since 2018.
        if value is not None and _version(value) < minimum:
            yield Violation(app, "siteConfig.minTlsVersion", f"accepts TLS {value}")


@logic("CG-AZ-ENC-006")
def vpn_ipsec_policy(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    weak = {w.lower() for w in params["weak"]}
    for connection in graph.of_type(VPN_CONNECTION):
        if not _equals(connection.inputs.get("connectionType"), "IPsec"):
            continue
        protocol = connection.inputs.get("connectionProtocol")
        if protocol is not None and not _equals(protocol, "IKEv2"):
            yield Violation(connection, "connectionProtocol", f"negotiates {protocol}")
        policies = items(connection.inputs.get("ipsecPolicies"))
        if not policies:
            yield Violation(
                connection,
                "ipsecPolicies",
                "no custom IPsec policy: the default offers SHA1 and DH group 2",
            )
        for index, policy in enumerate(policies):
            for key, value in sorted(policy.items()):
                if isinstance(value, str) and value.lower() in weak:
                    yield Violation(
                        connection, f"ipsecPolicies[{index}].{key}", f"uses weak {key} {value}"
                    )


# -- key management ---------------------------------------------------------------------------


@logic("CG-AZ-KMS-002")
def key_vault_soft_delete(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    minimum = int(params["min_retention_days"])
    for vault in graph.of_type(KEY_VAULT):
        if get(vault.inputs, "properties.enableSoftDelete") is False:
            yield Violation(vault, "properties.enableSoftDelete", "soft delete is disabled")
        days = get(vault.inputs, "properties.softDeleteRetentionInDays")
        if days is not None and float(days) < minimum:
            yield Violation(
                vault,
                "properties.softDeleteRetentionInDays",
                f"deleted keys are recoverable for {int(days)} days, under {minimum}",
            )


@logic("CG-AZ-KMS-004")
def key_vault_public_network(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for vault in graph.of_type(KEY_VAULT):
        disabled = _equals(get(vault.inputs, "properties.publicNetworkAccess"), "Disabled")
        denied = _equals(get(vault.inputs, "properties.networkAcls.defaultAction"), "Deny")
        if not (disabled or denied):
            yield Violation(
                vault,
                "properties.publicNetworkAccess",
                "key vault is reachable from any network",
            )


@logic("CG-AZ-KMS-005")
def key_rotation(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    max_days = float(params["max_days"])
    for key in graph.of_type(KEY):
        actions = items(get(key.inputs, "properties.rotationPolicy.lifetimeActions"))
        rotate_after = [
            iso_days(get(action, "trigger.timeAfterCreate"))
            for action in actions
            if _equals(get(action, "action.type"), "Rotate")
        ]
        if not any(days is not None and days <= max_days for days in rotate_after):
            yield Violation(
                key,
                "properties.rotationPolicy.lifetimeActions",
                f"key is not rotated automatically within {int(max_days)} days of creation",
            )


# -- backup and retention ---------------------------------------------------------------------


@logic("CG-AZ-BAK-001")
def backup_vault_soft_delete(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    path = "properties.securitySettings.softDeleteSettings.softDeleteState"
    for vault in graph.of_type(BACKUP_VAULT):
        if not _equals(get(vault.inputs, path), "Enabled", "AlwaysON"):
            yield Violation(vault, path, "deleted backups are not kept for recovery")


@logic("CG-AZ-BAK-002")
def backup_vault_immutability(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    path = "properties.securitySettings.immutabilitySettings.state"
    for vault in graph.of_type(BACKUP_VAULT):
        if not _equals(get(vault.inputs, path), "Unlocked", "Locked"):
            yield Violation(
                vault, path, "recovery points can be deleted or shortened before they expire"
            )


@logic("CG-AZ-BAK-003")
def backup_vault_geo_redundancy(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    if not context.dr_region:
        return
    for vault in graph.of_type(BACKUP_VAULT):
        settings = get(vault.inputs, "properties.redundancySettings") or {}
        if not _equals(settings.get("standardTierStorageRedundancy"), "GeoRedundant"):
            yield Violation(
                vault,
                "properties.redundancySettings.standardTierStorageRedundancy",
                f"backups are not copied to the paired region (practice DR region "
                f"{context.dr_region})",
            )
        if not _equals(settings.get("crossRegionRestore"), "Enabled"):
            yield Violation(
                vault,
                "properties.redundancySettings.crossRegionRestore",
                "backups cannot be restored in the secondary region",
            )


@logic("CG-AZ-BAK-004")
def vm_backup_coverage(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    sources = [
        get(item.inputs, "properties.sourceResourceId") for item in graph.of_type(PROTECTED_ITEM)
    ]
    for vm in graph.of_type(VM):
        if not any(refers_to(source, vm) for source in sources):
            yield Violation(vm, "", "virtual machine is not a protected item of any backup vault")


# -- logging and audit ------------------------------------------------------------------------


@logic("CG-AZ-LOG-002")
def vnet_flow_logs(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    flow_logs = [log for log in graph.of_type(FLOW_LOG) if log.inputs.get("enabled") is not False]
    for vnet in graph.of_type(VNET):
        if not any(refers_to(log.inputs.get("targetResourceId"), vnet) for log in flow_logs):
            yield Violation(vnet, "", "no enabled flow log records this network's traffic")


@logic("CG-AZ-LOG-003")
def diagnostic_settings(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    destinations = ("workspaceId", "storageAccountId", "eventHubAuthorizationRuleId")
    settings = [
        setting
        for setting in graph.of_type(*DIAGNOSTIC_SETTINGS)
        if any(setting.inputs.get(key) for key in destinations)
        and any(log.get("enabled") for log in items(setting.inputs.get("logs")))
    ]
    for resource in graph.of_type(*params["types"]):
        if not any(refers_to(s.inputs.get("resourceUri"), resource) for s in settings):
            yield Violation(
                resource, "", "no diagnostic setting sends this resource's logs anywhere"
            )


@logic("CG-AZ-LOG-004")
def compliance_initiative(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    assignments = graph.of_type(POLICY_ASSIGNMENT)
    for group in graph.of_type(RESOURCE_GROUP):
        for initiative in context.policy_initiatives:
            wanted = _last_segment(initiative)
            if not any(
                _last_segment(a.inputs.get("policyDefinitionId")) == wanted
                and (
                    _WIDE_SCOPE.match(str(a.inputs.get("scope", "")))
                    or refers_to(a.inputs.get("scope"), group)
                )
                for a in assignments
            ):
                yield Violation(
                    group,
                    "",
                    f"policy initiative {wanted} is not assigned to this resource group "
                    f"or its subscription",
                )


# -- identity ---------------------------------------------------------------------------------


@logic("CG-AZ-IAM-001")
def privileged_role(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    forbidden = {guid.lower(): name for guid, name in params["forbidden_roles"].items()}
    for assignment in graph.of_type(ROLE_ASSIGNMENT):
        role = _last_segment(assignment.inputs.get("roleDefinitionId"))
        if role in forbidden:
            yield Violation(
                assignment,
                "roleDefinitionId",
                f"grants {forbidden[role]}, which can grant itself any access",
            )


@logic("CG-AZ-IAM-002")
def wide_contributor(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    roles = {guid.lower() for guid in params["broad_roles"]}
    for assignment in graph.of_type(ROLE_ASSIGNMENT):
        if _last_segment(assignment.inputs.get("roleDefinitionId")) not in roles:
            continue
        scope = str(assignment.inputs.get("scope", ""))
        if not scope or _WIDE_SCOPE.match(scope):
            yield Violation(
                assignment, "scope", f"grants write access to everything under {scope or '/'}"
            )


@logic("CG-AZ-IAM-003")
def workload_managed_identity(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for workload in graph.of_type(*params["types"]):
        kind = str(get(workload.inputs, "identity.type") or "None")
        if "assigned" not in kind.lower():
            yield Violation(
                workload,
                "identity.type",
                "workload has no managed identity and would need stored credentials",
            )


@logic("CG-AZ-IAM-004")
def vm_password_login(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for vm in graph.of_type(VM):
        profile = get(vm.inputs, "osProfile") or {}
        if "windowsConfiguration" in profile:
            continue
        if get(profile, "linuxConfiguration.disablePasswordAuthentication") is not True:
            yield Violation(
                vm,
                "osProfile.linuxConfiguration.disablePasswordAuthentication",
                "Linux virtual machine accepts password logins",
            )
