"""Azure deployability rules (CG-AZ-DEP-*): what ARM would reject, or what would deploy and not
work. Each rule's constraint, fix and source are in `generator/catalog/deployability.yaml`.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from generator.catalog import load
from generator.checks.graph import Graph, get, items, port_in
from generator.checks.model import CheckContext, Resource, Violation
from generator.checks.registry import Params, Registry
from generator.checks.rules import azure
from generator.checks.unknown import Unknown

logic = Registry()


def _name(resource: Resource) -> str:
    return str(resource.outputs.get("name") or resource.name)


# -- Gateways, their public IPs and reserved subnets ------------------------------------------


@logic("CG-AZ-DEP-001")
def az_gateway_ip_zones(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    az_skus = {sku.lower() for sku in params["az_skus"]}
    for gateway in graph.of_type(azure.VNET_GATEWAY):
        sku = str(get(gateway.inputs, "sku.name") or "")
        if sku.lower() not in az_skus:
            continue
        for config in items(gateway.inputs.get("ipConfigurations")):
            address = graph.find(get(config, "publicIPAddress.id"), azure.PUBLIC_IP)
            if address is not None and not items(address.inputs.get("zones")):
                yield Violation(
                    address,
                    "zones",
                    f"serves {sku} gateway {_name(gateway)} with no zones: ARM rejects the "
                    "gateway (VmssVpnGatewayPublicIpsMustHaveZonesConfigured)",
                )


@logic("CG-AZ-DEP-002")
def gateway_generation(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    offered = {sku.lower(): set(gens) for sku, gens in params["generations"].items()}
    for gateway in graph.of_type(azure.VNET_GATEWAY):
        sku = str(get(gateway.inputs, "sku.name") or "")
        generation = gateway.inputs.get("vpnGatewayGeneration")
        if generation and sku.lower() in offered and generation not in offered[sku.lower()]:
            yield Violation(
                gateway,
                "vpnGatewayGeneration",
                f"{sku} is offered in {' and '.join(sorted(offered[sku.lower()]))}, "
                f"not {generation}",
            )


@logic("CG-AZ-DEP-003", "CG-AZ-DEP-005", "CG-AZ-DEP-007")
def gateway_subnet_name(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    required = params["subnet"]
    for gateway in graph.of_type(*params["types"]):
        for index, config in enumerate(items(gateway.inputs.get("ipConfigurations"))):
            name = azure.referenced_subnet_name(graph, get(config, "subnet.id"))
            if name and name.lower() != required.lower():
                yield Violation(
                    gateway,
                    f"ipConfigurations[{index}].subnet.id",
                    f"is placed in subnet {name}; Azure deploys it only into {required}",
                )


@logic("CG-AZ-DEP-004", "CG-AZ-DEP-006", "CG-AZ-DEP-008")
def reserved_subnet_size(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    name, largest = params["subnet"], int(params["max_prefix_length"])
    for subnet in azure.subnets(graph):
        if subnet.name.lower() != name.lower():
            continue
        for index, prefix in enumerate(subnet.prefixes):
            length = ipaddress.ip_network(prefix, strict=False).prefixlen
            if length > largest:
                path = "addressPrefix" if len(subnet.prefixes) == 1 else f"addressPrefixes[{index}]"
                yield Violation(
                    subnet.holder,
                    subnet.path + path,
                    f"{name} is a /{length}; it must be a /{largest} or larger",
                )


@logic("CG-AZ-DEP-009", "CG-AZ-DEP-010")
def no_nsg_on_subnet(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    refused = {name.lower() for name in params["subnets"]}
    for subnet in azure.subnets(graph):
        if subnet.name.lower() in refused and subnet.nsg_id:
            yield Violation(
                subnet.holder,
                subnet.path + "networkSecurityGroup",
                f"{subnet.name} is associated with a network security group, which it does "
                "not support",
            )


# -- Azure Bastion's network security group ---------------------------------------------------


def _bastion_subnets(graph: Graph) -> Iterator[tuple[azure.SubnetView, Resource]]:
    """AzureBastionSubnet subnets and the NSG (in this practice's graph) each is associated with."""
    for subnet in azure.subnets(graph):
        if subnet.name.lower() == "azurebastionsubnet" and subnet.nsg_id:
            nsg = graph.find(subnet.nsg_id, azure.NSG)
            if nsg is not None:
                yield subnet, nsg


def _matches(value: object, required: object) -> bool:
    text, wanted = str(value).lower(), str(required).lower()
    return text in ("*", wanted) or wanted == "*"


def _satisfies(rule: Mapping[str, Any], required: Mapping[str, Any]) -> bool:
    """Whether an NSG rule admits what one of Bastion's required rules must."""
    return (
        azure.equals(rule.get("access", "Allow"), "Allow")
        and azure.equals(rule.get("direction"), required["direction"])
        and str(rule.get("protocol", "*")).lower() in ("tcp", "*")
        and any(_matches(source, required["source"]) for source in azure.sources(rule))
        and any(_matches(target, required["destination"]) for target in azure.destinations(rule))
        and all(
            any(port_in(spec, port) for spec in azure.ports(rule)) for port in required["ports"]
        )
    )


def _bastion_requirements() -> list[Mapping[str, Any]]:
    # One statement of what Bastion needs, cited there; the blueprints build the same rules.
    return list(load("azure_platform")["bastion_rules"]["rules"])


@logic("CG-AZ-DEP-011")
def bastion_nsg_rules(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    for _, nsg in _bastion_subnets(graph):
        rules = [rule for _, _, rule in azure.nsg_rules(graph, nsg)]
        missing = [
            f"{req['direction'].lower()} {req['source']}->{req['destination']} "
            f"{','.join(str(p) for p in req['ports'])}"
            for req in _bastion_requirements()
            if not any(_satisfies(rule, req) for rule in rules)
        ]
        if missing:
            yield Violation(
                nsg,
                "securityRules",
                f"lacks the rules Azure Bastion requires: {'; '.join(missing)}",
            )


@logic("CG-AZ-DEP-012")
def bastion_rules_before_association(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    requirements = _bastion_requirements()
    for subnet, nsg in _bastion_subnets(graph):
        # Rules inline on the NSG exist with it; standalone ones are created on their own.
        late = [
            holder
            for holder, _, rule in azure.nsg_rules(graph, nsg)
            if holder.type == azure.SECURITY_RULE
            and any(_satisfies(rule, req) for req in requirements)
            and not graph.depends_on(subnet.holder, holder)
        ]
        if late:
            yield Violation(
                subnet.holder,
                subnet.path + "networkSecurityGroup",
                f"is associated with {_name(nsg)} without waiting for its required Bastion "
                f"rules ({', '.join(sorted(_name(rule) for rule in late))}), which Azure checks "
                "when the association is made",
            )


# -- NSG rule priorities ----------------------------------------------------------------------


def _nsg_key(holder: Resource, rule: Mapping[str, Any]) -> tuple[str, str]:
    """The NSG a rule belongs to: its resource group and name, as ARM compares them."""
    if holder.type == azure.NSG:
        group, name = holder.inputs.get("resourceGroupName"), _name(holder)
        return str(group or "").lower(), name.lower()
    group, nsg = rule.get("resourceGroupName"), rule.get("networkSecurityGroupName")
    return str(group or "").lower(), str(nsg or "").lower()


@logic("CG-AZ-DEP-013")
def unique_nsg_priorities(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    taken: dict[tuple[str, str, str, float], list[tuple[Resource, str]]] = defaultdict(list)
    for holder, path, rule in azure.security_rules(graph):
        if rule.get("priority") is None:
            continue
        group, nsg = _nsg_key(holder, rule)
        direction = str(rule.get("direction", "")).lower()
        taken[(group, nsg, direction, float(rule["priority"]))].append((holder, path))
    for (_, nsg, direction, priority), holders in taken.items():
        if len(holders) < 2:
            continue
        for holder, path in holders:
            others = sorted(_name(other) for other, _ in holders if other is not holder)
            yield Violation(
                holder,
                f"{path}priority",
                f"{direction} priority {int(priority)} in {nsg} is also taken by "
                f"{', '.join(others) or 'another rule on it'}",
            )


@logic("CG-AZ-DEP-014")
def nsg_priority_range(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    lowest, highest = int(params["min"]), int(params["max"])
    for holder, path, rule in azure.security_rules(graph):
        priority = rule.get("priority")
        if priority is not None and not lowest <= float(priority) <= highest:
            yield Violation(
                holder,
                f"{path}priority",
                f"priority {int(priority)} is outside {lowest}-{highest}",
            )


# -- Regions, watchers, identities and their roles -------------------------------------------


@logic("CG-AZ-DEP-015")
def iot_hub_tls_region(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    # The public regions are the catalog's Azure region list (regions.yaml).
    public = {region.lower() for region in load("regions")["azure"]}
    for hub in graph.of_type(azure.IOT_HUB):
        location = str(hub.inputs.get("location", ""))
        if get(hub.inputs, "properties.minTlsVersion") == "1.2" and location.lower() not in public:
            yield Violation(
                hub,
                "properties.minTlsVersion",
                f"TLS 1.2 enforcement is offered in public cloud regions only, not {location}",
            )


def _read_names(graph: Graph, token_suffix: str) -> list[Mapping[str, Any]]:
    """What the program read of resources whose token ends in `token_suffix`."""
    return [read.result for read in graph.reads if read.token.lower().endswith(token_suffix)]


@logic("CG-AZ-DEP-016")
def flow_log_network_watcher(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for flow_log in graph.of_type(azure.FLOW_LOG):
        name = str(flow_log.inputs.get("networkWatcherName", ""))
        group = str(flow_log.inputs.get("resourceGroupName", ""))
        created = any(
            azure.equals(watcher.inputs.get("networkWatcherName") or _name(watcher), name)
            and azure.equals(watcher.inputs.get("resourceGroupName"), group)
            and graph.depends_on(flow_log, watcher)
            for watcher in graph.of_type(azure.NETWORK_WATCHER)
        )
        read = any(
            azure.equals(result.get("name"), name)
            and f"/resourcegroups/{group.lower()}/" in str(result.get("id", "")).lower()
            for result in _read_names(graph, "networkwatcher")
        )
        if not (created or read):
            yield Violation(
                flow_log,
                "networkWatcherName",
                f"writes into {group}/{name}, which the program neither creates nor reads "
                "(a data source), so nothing makes sure it exists first",
            )


def _principal(graph: Graph, identity_id: object) -> str:
    identity = graph.find(identity_id, azure.MANAGED_IDENTITY)
    return str(identity.outputs.get("principalId") or "") if identity else ""


def _grants(graph: Graph, identity: Resource, storage: object, roles: set[str]) -> list[Resource]:
    """Role assignments of one of `roles` to `identity` at the storage account `storage`
    refers to, or above it."""
    account = graph.find(storage, azure.STORAGE)
    return [
        grant
        for grant in graph.of_type(azure.ROLE_ASSIGNMENT)
        if _granted_to(graph, grant, identity)
        and azure.last_segment(grant.inputs.get("roleDefinitionId")) in roles
        and _covers(graph, grant.inputs.get("scope", ""), storage, account)
    ]


def _granted_to(graph: Graph, grant: Resource, identity: Resource) -> bool:
    principal = grant.inputs.get("principalId", "")
    computed = graph.computed_from(principal, identity)
    if computed is not None:
        return computed
    own = identity.outputs.get("principalId")
    if isinstance(own, Unknown):
        return False  # a principal known now is never the one the identity is yet to get
    return bool(own) and str(principal).lower() == str(own).lower()


def _covers(graph: Graph, scope: object, storage: object, account: Resource | None) -> bool:
    """Whether a grant's `scope` is the storage account or above it."""
    computed = graph.computed_from(scope, account) if account is not None else None
    if computed is not None:
        return computed
    return str(storage).lower().startswith(str(scope).lower().rstrip("/"))


@logic("CG-AZ-DEP-017")
def flow_log_identity_role(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    roles = {guid.lower() for guid in params["writer_roles"]}
    for flow_log in graph.of_type(azure.FLOW_LOG):
        storage = flow_log.inputs.get("storageId")
        for identity_id in items(get(flow_log.inputs, "identity.userAssignedIdentities")):
            identity = graph.find(identity_id, azure.MANAGED_IDENTITY)
            if identity is None or not storage:
                continue  # an identity outside this practice: its grants are not ours to see
            grants = _grants(graph, identity, storage, roles)
            if not grants:
                problem = "holds no role that writes blobs to the flow log's storage account"
            elif not any(graph.depends_on(flow_log, grant) for grant in grants):
                names = ", ".join(grant.name for grant in grants)
                problem = f"is granted its storage role ({names}) with no dependency: the flow "
                problem += "log may be created before it can write"
            else:
                continue
            yield Violation(flow_log, "identity.userAssignedIdentities", f"its identity {problem}")


def _assignment_principal(graph: Graph, assignment: Resource) -> str:
    identity = assignment.inputs.get("identity") or {}
    if "userassigned" in str(identity.get("type", "")).lower():
        for identity_id in items(identity.get("userAssignedIdentities")):
            return _principal(graph, identity_id)
    return str(get(assignment.outputs, "identity.principalId") or "")


@logic("CG-AZ-DEP-018")
def policy_identity_role(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for assignment in graph.of_type(azure.POLICY_ASSIGNMENT):
        kind = str(get(assignment.inputs, "identity.type") or "None")
        if kind.lower() == "none":
            continue
        principal = _assignment_principal(graph, assignment)
        granted = any(
            (principal and str(grant.inputs.get("principalId", "")).lower() == principal.lower())
            or graph.depends_on(grant, assignment)
            for grant in graph.of_type(azure.ROLE_ASSIGNMENT)
        )
        if not granted:
            yield Violation(
                assignment,
                "identity",
                "its managed identity holds no role, so its deployIfNotExists and modify "
                "policies cannot remediate anything",
            )


# -- Connections and web apps -----------------------------------------------------------------


@logic("CG-AZ-DEP-019")
def bgp_connection_ends(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    for connection in graph.of_type(azure.VPN_CONNECTION):
        if connection.inputs.get("enableBgp") is not True:
            continue
        gateway = graph.find(
            get(connection.inputs, "virtualNetworkGateway1.id"), azure.VNET_GATEWAY
        )
        local = graph.find(get(connection.inputs, "localNetworkGateway2.id"), azure.LOCAL_GATEWAY)
        if gateway is not None and gateway.inputs.get("enableBgp") is not True:
            yield Violation(
                connection, "enableBgp", f"gateway {_name(gateway)} does not have BGP enabled"
            )
        if local is not None and not get(local.inputs, "bgpSettings.asn"):
            yield Violation(
                connection,
                "enableBgp",
                f"local network gateway {_name(local)} declares no BGP ASN and peering address",
            )


@logic("CG-AZ-DEP-020")
def linux_web_app_runtime(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for app in graph.of_type(azure.WEB_APP):
        if "linux" in str(app.inputs.get("kind", "")).lower() and not get(
            app.inputs, "siteConfig.linuxFxVersion"
        ):
            yield Violation(
                app,
                "siteConfig.linuxFxVersion",
                "names no runtime or container, so App Service runs nothing of the practice's",
            )


def _routes_all_traffic(app: Resource) -> bool:
    return True in (
        app.inputs.get("vnetRouteAllEnabled"),
        get(app.inputs, "siteConfig.vnetRouteAllEnabled"),
        get(app.inputs, "outboundVnetRouting.allTraffic"),
    )


@logic("CG-AZ-DEP-021")
def web_app_egress(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    for app in graph.of_type(azure.WEB_APP):
        subnet = graph.find(app.inputs.get("virtualNetworkSubnetId"), azure.SUBNET)
        if subnet is None or not _routes_all_traffic(app):
            continue
        private = subnet.inputs.get("defaultOutboundAccess") is False
        if private and not (
            get(subnet.inputs, "natGateway.id") or get(subnet.inputs, "routeTable.id")
        ):
            yield Violation(
                app,
                "outboundVnetRouting.allTraffic",
                f"sends all outbound traffic into {_name(subnet)}, which has no default "
                "outbound access, NAT gateway or route: the app cannot reach the internet",
            )


@logic("CG-AZ-DEP-022")
def flow_log_storage_region(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for flow_log in graph.of_type(azure.FLOW_LOG):
        account = graph.find(flow_log.inputs.get("storageId"), azure.STORAGE)
        if account is None:
            continue
        here, there = flow_log.inputs.get("location"), account.inputs.get("location")
        if here and there and not azure.equals(here, str(there)):
            yield Violation(
                flow_log,
                "storageId",
                f"stores into {_name(account)} in {there}, not the flow log's region {here}",
            )


@logic("CG-AZ-DEP-028")
def vpn_gateway_inline_connections(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for gateway in graph.of_type(*params["types"]):
        listed = items(gateway.inputs.get("connections"))
        if listed:
            yield Violation(
                gateway,
                "connections",
                f"lists {len(listed)} connection(s) inline: an update of the gateway deletes "
                "every VpnConnection it does not list, so each site stack's own would go",
            )


@logic("CG-AZ-DEP-029")
def hub_vnet_without_gateway(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for joined in graph.of_type(*params["types"]):
        vnet = str(get(joined.inputs, "remoteVirtualNetwork.id") or "").rstrip("/").lower()
        if not vnet:
            continue
        for gateway in graph.of_type(azure.VNET_GATEWAY):
            subnets = [
                str(get(config, "subnet.id") or "").lower()
                for config in items(gateway.inputs.get("ipConfigurations"))
            ]
            if any(subnet.startswith(f"{vnet}/subnets/") for subnet in subnets):
                yield Violation(
                    joined,
                    "remoteVirtualNetwork.id",
                    f"joins a virtual network that holds the VNet gateway {_name(gateway)}: "
                    "Azure connects no virtual network with a gateway to a virtual hub",
                )


@logic("CG-AZ-DEP-030")
def virtual_hub_prefix(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    for hub in graph.of_type(*params["types"]):
        prefix = hub.inputs.get("addressPrefix")
        try:
            length = ipaddress.ip_network(str(prefix)).prefixlen
        except ValueError:
            continue
        if length > params["max_prefix_length"]:
            yield Violation(
                hub,
                "addressPrefix",
                f"is a /{length}; a virtual hub needs a /{params['max_prefix_length']} or larger",
            )
