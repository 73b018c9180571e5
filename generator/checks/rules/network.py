"""Network exposure checks (CG-*-NET-*): what the internet and other segments can reach."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from generator.checks.graph import Graph, get, is_internet, items, port_in, refers_to
from generator.checks.model import CheckContext, Resource, Violation
from generator.checks.registry import Params, Registry
from generator.checks.rules import azure, gcp

logic = Registry()

Rule = TypeVar("Rule")


# -- Both clouds ------------------------------------------------------------------------------


def _admits(protocol: object, ports: list[Any], port: int, protocols: set[str]) -> bool:
    """Whether a rule's protocol is one of `protocols` (with the cloud's wildcard) and its port
    ranges, none meaning every port, include `port`."""
    return str(protocol).lower() in protocols and any(
        port_in(spec, port) for spec in ports or ["*"]
    )


@dataclass(frozen=True)
class _Ending(Generic[Rule]):
    """Where a rule set ends: its last deny-all's priority, and the rules after it."""

    last: float
    unreached: list[Rule]


def _deny_all_ending(
    rules: list[Rule], denies_all: Callable[[Rule], bool], priority: Callable[[Rule], float]
) -> _Ending[Rule] | None:
    """How `rules` end, None when no rule denies all. Both clouds evaluate the lowest priority
    number first, so a rule numbered after the last deny-all is never reached."""
    deny_all = [priority(rule) for rule in rules if denies_all(rule)]
    if not deny_all:
        return None
    last = max(deny_all)
    return _Ending(last, [rule for rule in rules if priority(rule) > last])


# -- Azure ------------------------------------------------------------------------------------


@logic("CG-AZ-NET-001", "CG-AZ-NET-002")
def nsg_internet_to_management_port(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    port = int(params["port"])
    protocols = {p.lower() for p in params["protocols"]} | {"*"}
    for holder, path, rule in azure.security_rules(graph):
        if not (
            azure.equals(rule.get("direction"), "Inbound")
            and azure.equals(rule.get("access"), "Allow")
        ):
            continue
        open_sources = [s for s in azure.sources(rule) if is_internet(s)]
        if open_sources and _admits(rule.get("protocol", "*"), azure.ports(rule), port, protocols):
            yield Violation(
                holder,
                f"{path}sourceAddressPrefix",
                f"allows {open_sources[0]} (the internet) to port {port}",
            )


@logic("CG-AZ-NET-003")
def subnet_without_nsg(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    exempt = {name.lower() for name in params["exempt_subnets"]}
    for vnet in graph.of_type(azure.VNET):
        for index, subnet in enumerate(items(vnet.inputs.get("subnets"))):
            name = str(subnet.get("name", ""))
            if name.lower() not in exempt and not get(subnet, "networkSecurityGroup.id"):
                yield Violation(
                    vnet,
                    f"subnets[{index}].networkSecurityGroup",
                    f"subnet {name or index} has no network security group",
                )
    for subnet in graph.of_type(azure.SUBNET):
        name = str(subnet.inputs.get("subnetName") or subnet.outputs.get("name") or "")
        if name.lower() not in exempt and not get(subnet.inputs, "networkSecurityGroup.id"):
            yield Violation(
                subnet, "networkSecurityGroup", f"subnet {name} has no network security group"
            )


@logic("CG-AZ-NET-004")
def public_ip_on_vm(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    for nic in graph.of_type(azure.NIC):
        for index, config in enumerate(items(nic.inputs.get("ipConfigurations"))):
            if config.get("publicIPAddress"):
                yield Violation(
                    nic,
                    f"ipConfigurations[{index}].publicIPAddress",
                    "network interface has a public IP address",
                )
    for vm in graph.of_type(azure.VM):
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
        azure.equals(rule.get("access"), "Deny")
        and str(rule.get("protocol", "*")) == "*"
        and all(is_internet(s) for s in azure.sources(rule))
        and all(str(p) == "*" for p in azure.ports(rule))
        and all(
            is_internet(d)
            for d in items(rule.get("destinationAddressPrefix"))
            + items(rule.get("destinationAddressPrefixes"))
        )
    )


@logic("CG-AZ-NET-005")
def nsg_without_final_deny(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    standalone = graph.of_type(azure.SECURITY_RULE)
    for nsg in graph.of_type(azure.NSG):
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
        inbound = [r for r in rules if azure.equals(r[2].get("direction"), "Inbound")]
        ending = _deny_all_ending(
            inbound, lambda r: _is_deny_all(r[2]), lambda r: float(r[2].get("priority", 0))
        )
        if ending is None:
            yield Violation(
                nsg,
                "securityRules",
                f"no inbound deny-all rule: Azure's default AllowVnetInBound (priority 65000) "
                f"lets every address in the virtual network reach subnets behind {name}",
            )
            continue
        for holder, path, rule in ending.unreached:
            yield Violation(
                holder,
                path,
                f"inbound rule at priority {int(rule['priority'])} comes after the deny-all "
                f"at {int(ending.last)} and is never reached",
            )


@logic("CG-AZ-NET-007")
def storage_network_access(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for account in graph.of_type(azure.STORAGE):
        disabled = azure.equals(account.inputs.get("publicNetworkAccess"), "Disabled")
        if not disabled and not azure.equals(
            get(account.inputs, "networkRuleSet.defaultAction"), "Deny"
        ):
            yield Violation(
                account,
                "networkRuleSet.defaultAction",
                "storage account accepts traffic from any network",
            )


@logic("CG-AZ-NET-008")
def firewall_threat_intel(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    exempt_tiers = {tier.lower() for tier in params["exempt_tiers"]}
    # A firewall with a policy is governed by it, so only the policy is read.
    unmanaged = [f for f in graph.of_type(azure.FIREWALL) if not f.inputs.get("firewallPolicy")]
    for holder in [*graph.of_type(azure.FIREWALL_POLICY), *unmanaged]:
        if str(get(holder.inputs, "sku.tier") or "").lower() in exempt_tiers:
            continue
        if not azure.equals(holder.inputs.get("threatIntelMode"), "Deny"):
            yield Violation(
                holder, "threatIntelMode", "traffic to known-malicious addresses is not denied"
            )


# -- Google Cloud -----------------------------------------------------------------------------


def _ingress(rule: Mapping[str, Any]) -> bool:
    return str(rule.get("direction") or "INGRESS").upper() == "INGRESS" and not rule.get("disabled")


def _firewall_sources(rule: Mapping[str, Any]) -> list[Any]:
    sources = items(rule.get("sourceRanges"))
    # With no source ranges, tags or service accounts, GCP applies an ingress rule to 0.0.0.0/0.
    if not sources and not rule.get("sourceTags") and not rule.get("sourceServiceAccounts"):
        return ["0.0.0.0/0"]
    return sources


def _opens(entries: list[Any], protocol_key: str, port: int, protocols: set[str]) -> bool:
    return any(
        _admits(entry.get(protocol_key, ""), items(entry.get("ports")), port, protocols)
        for entry in entries
    )


@logic("CG-GCP-NET-001", "CG-GCP-NET-002")
def firewall_internet_to_management_port(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    port = int(params["port"])
    protocols = {p.lower() for p in params["protocols"]} | {"all"}
    for rule in graph.of_type(gcp.FIREWALL):
        inputs = rule.inputs
        if not _ingress(inputs) or not any(is_internet(s) for s in _firewall_sources(inputs)):
            continue
        if _opens(items(inputs.get("allows")), "protocol", port, protocols):
            yield Violation(rule, "sourceRanges", f"allows the internet to port {port}")
    for rule in graph.of_type(gcp.POLICY_RULE):
        inputs = rule.inputs
        if not _ingress(inputs) or str(inputs.get("action", "")).lower() != "allow":
            continue
        if not any(is_internet(s) for s in items(get(inputs, "match.srcIpRanges"))):
            continue
        if _opens(items(get(inputs, "match.layer4Configs")), "ipProtocol", port, protocols):
            yield Violation(rule, "match.srcIpRanges", f"allows the internet to port {port}")


def _denies_all(rule: Mapping[str, Any]) -> bool:
    return (
        any(str(d.get("protocol", "")).lower() == "all" for d in items(rule.get("denies")))
        and any(is_internet(s) for s in _firewall_sources(rule))
        and not rule.get("targetTags")
        and not rule.get("targetServiceAccounts")
    )


def _policy_denies_all(rule: Mapping[str, Any]) -> bool:
    return (
        str(rule.get("action", "")).lower() == "deny"
        and any(is_internet(s) for s in items(get(rule, "match.srcIpRanges")))
        and any(
            str(c.get("ipProtocol", "")).lower() == "all"
            for c in items(get(rule, "match.layer4Configs"))
        )
    )


def _priority(rule: Mapping[str, Any]) -> float:
    return float(rule.get("priority", 1000))  # GCP's default firewall rule priority


@logic("CG-GCP-NET-003")
def network_without_final_deny(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for network in graph.of_type(gcp.NETWORK):
        if _policy_posture(graph, network):
            continue
        rules = [
            r
            for r in graph.of_type(gcp.FIREWALL)
            if refers_to(r.inputs.get("network"), network) and _ingress(r.inputs)
        ]
        ending = _deny_all_ending(
            rules, lambda r: _denies_all(r.inputs), lambda r: _priority(r.inputs)
        )
        if ending is None:
            yield Violation(
                network,
                "",
                "no ingress deny-all rule: only GCP's unlogged implied deny stands behind "
                "the allow rules",
            )
            continue
        for rule in ending.unreached:
            yield Violation(
                rule,
                "priority",
                f"rule at priority {int(_priority(rule.inputs))} comes after the deny-all "
                f"at {int(ending.last)} and is never reached",
            )


def _policy_posture(graph: Graph, network: Resource) -> bool:
    """Whether a network firewall policy attached to `network` ends in an ingress deny-all."""
    policies = [
        a.inputs.get("firewallPolicy")
        for a in graph.of_type(gcp.POLICY_ASSOCIATION)
        if refers_to(a.inputs.get("attachmentTarget"), network)
    ]
    for policy in policies:
        rules = [
            r.inputs
            for r in graph.of_type(gcp.POLICY_RULE)
            if r.inputs.get("firewallPolicy") == policy and _ingress(r.inputs)
        ]
        ending = _deny_all_ending(rules, _policy_denies_all, _priority)
        if ending is not None and not ending.unreached:
            return True
    return False


@logic("CG-GCP-NET-004")
def instance_external_ip(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for instance in graph.of_type(gcp.INSTANCE):
        for index, interface in enumerate(items(instance.inputs.get("networkInterfaces"))):
            if items(interface.get("accessConfigs")):
                yield Violation(
                    instance,
                    f"networkInterfaces[{index}].accessConfigs",
                    "instance has an external IP address",
                )


@logic("CG-GCP-NET-007")
def subnet_private_google_access(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for subnet in graph.of_type(gcp.SUBNETWORK):
        if (
            not gcp.exempt_purpose(subnet, params)
            and subnet.inputs.get("privateIpGoogleAccess") is not True
        ):
            yield Violation(
                subnet,
                "privateIpGoogleAccess",
                "instances without external IPs cannot reach Google APIs privately",
            )
