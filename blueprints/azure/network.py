"""Core network: the hub VNet, its subnets and NSGs, private DNS, VPN gateway (or the Virtual
WAN hub the VNet joins), firewall, Bastion."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_azure_native import network, privatedns

from blueprints.azure import naming
from blueprints.azure.context import AzureContext
from blueprints.azure.diagnostics import send_to_workspace
from blueprints.azure.security_rules import RuleSpec, add_rule, flow_rule
from generator.plan.model import CoreNetwork as CoreNetworkPlan
from generator.plan.model import VirtualWanHub, VpnGateway

# Azure Firewall's frontend takes the first usable address of AzureFirewallSubnet (Azure keeps
# .0-.3 of every subnet), so the route to it is known from the plan before the firewall exists.
FIREWALL_HOST_INDEX = 4


@dataclass(frozen=True)
class VpnGatewayOutputs:
    """What site stacks and installers need of the VPN gateway."""

    id: pulumi.Output[str]
    addresses: pulumi.Output[list[str]]  # its public addresses, for the site's VPN device
    bgp_address: pulumi.Output[str]  # its BGP peering address, for BGP sites' routers
    # Virtual WAN: the WAN each site's VPN site belongs to, the hub its connection routes in
    virtual_wan_id: pulumi.Output[str] | None = None
    virtual_hub_id: pulumi.Output[str] | None = None


@dataclass(frozen=True)
class CoreNetworkArgs:
    context: AzureContext
    network: CoreNetworkPlan
    vpn: VpnGateway | None
    private_dns_zones: tuple[str, ...]
    # made before the VNet, so that Azure does not enable one of its own for the region
    network_watcher: pulumi.Resource | None = None


class CoreNetwork(pulumi.ComponentResource):
    """The hub: every subnet the plan sizes, an NSG with a deny-all floor on each one Azure lets
    carry an NSG, the hub's own allow rules, private DNS zones, and the gateways the plan asks
    for (VPN gateway, Azure Firewall with egress routing, Bastion)."""

    resource_group_name: pulumi.Output[str]
    resource_group_id: pulumi.Output[str]
    vnet_id: pulumi.Output[str]
    subnet_ids: dict[str, pulumi.Output[str]]
    nsg_names: dict[str, pulumi.Output[str]]
    zone_ids: dict[str, pulumi.Output[str]]
    vpn_gateway: VpnGatewayOutputs | None

    def __init__(
        self, name: str, args: CoreNetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:CoreNetwork", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        self._name, self._args, self._child_opts = name, args, child_opts
        pid, plan = args.context.practice_id, args.network
        group = args.context.resource_group(name, "network", child_opts)
        self.resource_group_name = group.name
        self.resource_group_id = group.id
        vnet = network.VirtualNetwork(
            f"{name}-vnet",
            virtual_network_name=naming.scoped(naming.NETWORK, "vnet", pid, "hub"),
            resource_group_name=group.name,
            location=args.context.location,
            address_space=network.AddressSpaceArgs(address_prefixes=[plan.address_space]),
            tags=args.context.tags,
            opts=pulumi.ResourceOptions.merge(
                child_opts,
                pulumi.ResourceOptions(
                    depends_on=[args.network_watcher] if args.network_watcher else None
                ),
            ),
        )
        self.vnet_id = vnet.id
        send_to_workspace(
            args.context, f"{name}-vnet-diagnostics", "virtual-network", vnet.id, child_opts
        )
        self._nsgs = self._security_groups()
        self.nsg_names = {key: nsg.name for key, nsg in self._nsgs.items()}
        route_table_id = self._egress_route_table() if self._has_firewall() else None
        self.subnet_ids = self._subnets(vnet, route_table_id, self._bastion_rules())
        self._hub_rules()
        self._pool_rules()
        self._gateway_rules()
        self.zone_ids = self._private_dns(vnet)
        wan = args.vpn.virtual_wan if args.vpn else None
        self.vpn_gateway = self._virtual_wan(vnet, wan) if wan else self._vpn_gateway()
        if self._has_firewall():
            self._firewall()
        if plan.bastion:
            self._bastion()
        self.register_outputs(
            {
                "resource_group_name": group.name,
                "vnet_id": vnet.id,
                "subnet_ids": self.subnet_ids,
                "nsg_names": self.nsg_names,
                "vpn_gateway_id": self.vpn_gateway.id if self.vpn_gateway else None,
            }
        )

    def _has_firewall(self) -> bool:
        return self._args.network.firewall_tier != "none"

    def _cidr(self, key: str) -> str:
        return self._args.network.subnet(key).cidr

    def _present(self, keys: str | list[str]) -> list[str]:
        """The plan's subnets among `keys`, in plan order."""
        wanted = [keys] if isinstance(keys, str) else keys
        return [s.name for s in self._args.network.subnets if s.name in wanted]

    def _security_groups(self) -> dict[str, network.NetworkSecurityGroup]:
        name, args = self._name, self._args
        without_nsg = args.context.facts("subnets_without_nsg")["keys"]
        groups: dict[str, network.NetworkSecurityGroup] = {}
        for subnet in args.network.subnets:
            if subnet.name in without_nsg:
                continue
            nsg = network.NetworkSecurityGroup(
                f"{name}-nsg-{subnet.name}",
                network_security_group_name=naming.scoped(
                    naming.NETWORK, "nsg", args.context.practice_id, subnet.name
                ),
                resource_group_name=self.resource_group_name,
                location=args.context.location,
                tags=args.context.tags,
                opts=self._child_opts,
            )
            groups[subnet.name] = nsg
            send_to_workspace(
                args.context,
                f"{name}-nsg-{subnet.name}-diagnostics",
                "network-security-group",
                nsg.id,
                self._child_opts,
            )
            # Under every allow, above Azure's defaults: AllowVnetInBound (65000) would admit
            # every site over the VPN; this floor admits only what a rule names.
            add_rule(
                f"{name}-nsg-{subnet.name}-deny-all",
                nsg.name,
                self.resource_group_name,
                RuleSpec(
                    rule_name="deny-all-inbound",
                    priority=args.context.facts("nsg_priorities")["deny_all"],
                    direction="Inbound",
                    sources=["*"],
                    destinations=["*"],
                    protocol="any",
                    access="Deny",
                    description="default deny: only flows a rule names are admitted",
                ),
                self._child_opts,
            )
            if subnet.name not in args.context.facts("outbound_floor")["exempt"]:
                self._outbound_floor(subnet.name, nsg)
        return groups

    def _outbound_floor(self, subnet: str, nsg: network.NetworkSecurityGroup) -> None:
        """Outbound, the hub reaches itself and nothing else private: cloud-to-site flows are
        outbound allows the site stacks add (1000-3999) above this deny, which keeps Azure's
        AllowVnetOutBound (65000) from admitting every other flow to the sites."""
        args = self._args
        priorities = args.context.facts("nsg_priorities")
        floor = [
            RuleSpec(
                rule_name="allow-hub-outbound",
                priority=priorities["hub_outbound"],
                direction="Outbound",
                sources=["*"],
                destinations=[args.network.address_space],
                protocol="any",
                description="the hub's subnets reach each other; each admits inbound what it names",
            ),
            RuleSpec(
                rule_name="deny-private-outbound",
                priority=priorities["deny_private_outbound"],
                direction="Outbound",
                sources=["*"],
                destinations=args.context.facts("outbound_floor")["private_ranges"],
                protocol="any",
                access="Deny",
                description="only planned cloud-to-site flows leave the hub",
            ),
        ]
        for spec in floor:
            add_rule(
                f"{self._name}-nsg-{subnet}-{spec.rule_name}",
                nsg.name,
                self.resource_group_name,
                spec,
                self._child_opts,
            )

    def _egress_route_table(self) -> pulumi.Output[str]:
        name, args = self._name, self._args
        firewall_ip = ipaddress.ip_network(self._cidr("firewall"))[FIREWALL_HOST_INDEX]
        table = network.RouteTable(
            f"{name}-egress-routes",
            route_table_name=naming.scoped(
                naming.NETWORK, "rt", args.context.practice_id, "egress"
            ),
            resource_group_name=self.resource_group_name,
            location=args.context.location,
            # Site routes learned from the VPN gateway still apply; only the default route moves.
            disable_bgp_route_propagation=False,
            routes=[
                network.RouteArgs(
                    name="internet-via-firewall",
                    address_prefix="0.0.0.0/0",
                    next_hop_type="VirtualAppliance",
                    next_hop_ip_address=str(firewall_ip),
                )
            ],
            tags=args.context.tags,
            opts=self._child_opts,
        )
        return table.id

    def _subnets(
        self,
        vnet: network.VirtualNetwork,
        route_table_id: pulumi.Output[str] | None,
        bastion_rules: list[network.SecurityRule],
    ) -> dict[str, pulumi.Output[str]]:
        """Every planned subnet, one at a time. AzureBastionSubnet waits for the rules Bastion
        requires: Azure checks them when the NSG is associated."""
        name, args = self._name, self._args
        roles = args.context.facts("subnet_roles")
        ids: dict[str, pulumi.Output[str]] = {}
        previous: network.Subnet | None = None
        for plan_subnet in args.network.subnets:
            waits_for: list[pulumi.Resource] = [previous] if previous else []
            if plan_subnet.name == "bastion":
                waits_for += bastion_rules
            role = roles.get(plan_subnet.name, {})
            nsg = self._nsgs.get(plan_subnet.name)
            subnet = network.Subnet(
                f"{name}-subnet-{plan_subnet.name}",
                # GatewaySubnet and friends are names Azure requires.
                subnet_name=args.context.facts("subnet_names")[plan_subnet.name],
                virtual_network_name=vnet.name,
                resource_group_name=self.resource_group_name,
                address_prefix=plan_subnet.cidr,
                network_security_group=network.NetworkSecurityGroupArgs(id=nsg.id)
                if nsg is not None
                else None,
                route_table=network.RouteTableArgs(id=route_table_id)
                if route_table_id is not None and role.get("egress_via_firewall")
                else None,
                delegations=[
                    network.DelegationArgs(name="delegation", service_name=role["delegation"])
                ]
                if "delegation" in role
                else None,
                private_endpoint_network_policies="Enabled"
                if role.get("private_endpoints")
                else None,
                service_endpoints=[
                    network.ServiceEndpointPropertiesFormatArgs(service=service)
                    for service in role["service_endpoints"]
                ]
                if "service_endpoints" in role
                else None,
                # Workloads reach the internet only through an explicit path (the firewall).
                default_outbound_access=False
                if role and not role.get("internet_outbound")
                else None,
                # Azure serialises changes to one VNet's subnets; parallel updates fail.
                opts=pulumi.ResourceOptions.merge(
                    self._child_opts,
                    pulumi.ResourceOptions(depends_on=waits_for),
                ),
            )
            ids[plan_subnet.name] = subnet.id
            previous = subnet
        return ids

    def _hub_rules(self) -> None:
        name = self._name
        for rule in self._args.context.facts("hub_rules"):
            sources = self._present(rule["from"])
            if not sources:
                continue
            for target in self._present(rule["to"]):
                add_rule(
                    f"{name}-nsg-{target}-{rule['id']}",
                    self.nsg_names[target],
                    self.resource_group_name,
                    RuleSpec(
                        rule_name=rule["id"],
                        priority=rule["priority"],
                        direction="Inbound",
                        sources=[self._cidr(source) for source in sources],
                        destinations=[self._cidr(target)],
                        ports=rule["ports"],
                    ),
                    self._child_opts,
                )

    def _pool_rules(self) -> None:
        """One rule per flow of the pooled sites, the segment kind's pool as its site end: the
        core holds them, so adding a pooled site adds no rule anywhere."""
        for flow in self._args.network.pool_flows:
            # An underscore is in no site id (a slug), so no site's rule can take this name.
            subnet, spec = flow_rule("pooled_sites", flow)
            add_rule(
                f"{self._name}-nsg-{subnet}-pool-{flow.id}",
                self.nsg_names[subnet],
                self.resource_group_name,
                spec,
                self._child_opts,
            )

    def _required_rules(
        self, subnet: str, rules: list[dict[str, Any]]
    ) -> list[network.SecurityRule]:
        """The NSG rules a platform service needs on its own subnet's NSG, from the platform
        facts; standalone like every rule, since site stacks add rules to the same NSGs."""
        if subnet not in self.nsg_names:
            return []
        return [
            add_rule(
                f"{self._name}-nsg-{subnet}-{required['name']}",
                self.nsg_names[subnet],
                self.resource_group_name,
                RuleSpec(
                    rule_name=required["name"],
                    priority=required["priority"],
                    direction=required["direction"],
                    sources=[required["source"]],
                    destinations=[required["destination"]],
                    ports=required["ports"],
                    protocol=required.get("protocol", "tcp"),
                ),
                self._child_opts,
            )
            for required in rules
        ]

    def _bastion_rules(self) -> list[network.SecurityRule]:
        """What Azure Bastion requires on AzureBastionSubnet ('Working with NSG access and
        Azure Bastion')."""
        return self._required_rules("bastion", self._args.context.facts("bastion_rules")["rules"])

    def _gateway_rules(self) -> None:
        """What Application Gateway v2 needs on its subnet, and patients' HTTPS ('Application
        Gateway infrastructure configuration')."""
        self._required_rules("appgw", self._args.context.facts("application_gateway")["nsg_rules"])

    def _private_dns(self, vnet: network.VirtualNetwork) -> dict[str, pulumi.Output[str]]:
        name, args = self._name, self._args
        ids: dict[str, pulumi.Output[str]] = {}
        for zone_name in args.private_dns_zones:
            role = zone_name.removeprefix("privatelink.").split(".")[0]
            zone = privatedns.PrivateZone(
                f"{name}-dns-{role}",
                private_zone_name=zone_name,
                resource_group_name=self.resource_group_name,
                location="global",
                tags=args.context.dns_tags(),
                opts=self._child_opts,
            )
            privatedns.VirtualNetworkLink(
                f"{name}-dns-{role}-link",
                virtual_network_link_name=naming.scoped(naming.NETWORK, "link", "hub"),
                private_zone_name=zone.name,
                resource_group_name=self.resource_group_name,
                location="global",
                virtual_network=privatedns.SubResourceArgs(id=vnet.id),
                registration_enabled=False,
                tags=args.context.dns_tags(),
                opts=self._child_opts,
            )
            ids[zone_name] = zone.id
        return ids

    def _zones(self) -> list[str]:
        """The availability zones zone-redundant gateways and their public IPs span."""
        return list(self._args.context.facts("availability_zones")["zones"])

    def _public_ip(self, role: str, zones: list[str] | None) -> network.PublicIPAddress:
        """A Standard static public IP: zone-redundant in `zones`, or regional when None
        (API 2020-08-01 and later: no zones is a non-zonal address)."""
        args = self._args
        return network.PublicIPAddress(
            f"{self._name}-{role}-ip",
            public_ip_address_name=naming.scoped(
                naming.NETWORK, "pip", args.context.practice_id, role
            ),
            resource_group_name=self.resource_group_name,
            location=args.context.location,
            sku=network.PublicIPAddressSkuArgs(name="Standard", tier="Regional"),
            public_ip_allocation_method="Static",
            zones=zones,
            tags=args.context.tags,
            opts=self._child_opts,
        )

    def _vpn_gateway(self) -> VpnGatewayOutputs | None:
        name, args, vpn = self._name, self._args, self._args.vpn
        if vpn is None:
            return None
        generations = args.context.facts("vpn_gateway")["generation"]
        if vpn.sku not in generations:
            raise ValueError(
                f"the plan's VPN gateway SKU {vpn.sku!r} is not a VNet gateway SKU "
                f"({', '.join(generations)}); Virtual WAN hubs are not built by these blueprints"
            )
        # An *AZ SKU rejects a Standard IP without zones (VmssVpnGatewayPublicIpsMustHave-
        # ZonesConfigured; VPN Gateway 'About zone-redundant virtual network gateways').
        address = self._public_ip("vpn", self._zones())
        gateway = network.VirtualNetworkGateway(
            f"{name}-vpn-gateway",
            virtual_network_gateway_name=naming.scoped(
                naming.NETWORK, "vgw", args.context.practice_id
            ),
            resource_group_name=self.resource_group_name,
            location=args.context.location,
            gateway_type="Vpn",
            vpn_type="RouteBased",
            sku=network.VirtualNetworkGatewaySkuArgs(name=vpn.sku, tier=vpn.sku),
            vpn_gateway_generation=generations[vpn.sku],
            active_active=False,
            # BGP on from the start, with the gateway's own peering address in GatewaySubnet:
            # static and BGP connections share one route-based gateway, so adding a site of
            # either kind never touches it (Azure 'About BGP and VPN Gateway').
            enable_bgp=True,
            bgp_settings=network.BgpSettingsArgs(asn=vpn.cloud_asn),
            ip_configurations=[
                network.VirtualNetworkGatewayIPConfigurationArgs(
                    name="default",
                    private_ip_allocation_method="Dynamic",
                    public_ip_address=network.SubResourceArgs(id=address.id),
                    subnet=network.SubResourceArgs(id=self.subnet_ids["gateway"]),
                )
            ],
            tags=args.context.tags,
            opts=self._child_opts,
        )
        send_to_workspace(
            args.context,
            f"{name}-vpn-gateway-diagnostics",
            "vpn-gateway",
            gateway.id,
            self._child_opts,
        )
        # The installer points the site's VPN device at these addresses.
        return VpnGatewayOutputs(
            id=gateway.id,
            addresses=address.ip_address.apply(lambda ip: [ip] if ip else []),
            bgp_address=gateway.bgp_settings.apply(
                lambda bgp: (bgp.bgp_peering_address or "") if bgp else ""
            ),
        )

    def _virtual_wan(self, vnet: network.VirtualNetwork, wan: VirtualWanHub) -> VpnGatewayOutputs:
        """A Standard Virtual WAN, its hub on the plan's prefix, the hub's site-to-site VPN
        gateway of the plan's scale units, and the hub VNet joined to the hub. The gateway
        never lists `connections`: every site's VpnConnection is its own resource in the
        site's stack, and an update of the gateway that listed some would delete the others
        (azure-native VpnGateway docs; CG-AZ-DEP rule on inline connections). The VNet keeps
        its NSGs, firewall and egress route table: branch traffic reaches the workloads
        through the same NSG rules as behind a VNet gateway, and the hub's default route table
        carries the sites' routes to the VNet (more specific than the egress default route)."""
        name, args, pid = self._name, self._args, self._args.context.practice_id
        assert args.vpn is not None
        location, group = args.context.location, self.resource_group_name
        virtual_wan = network.VirtualWan(
            f"{name}-virtual-wan",
            virtual_wan_name=naming.scoped(naming.NETWORK, "vwan", pid),
            resource_group_name=group,
            location=location,
            type=wan.wan_type,
            # Sites reach the cloud, never each other: the flow matrix has no site-to-site flow.
            allow_branch_to_branch_traffic=False,
            disable_vpn_encryption=False,
            tags=args.context.tags,
            opts=self._child_opts,
        )
        hub = network.VirtualHub(
            f"{name}-virtual-hub",
            virtual_hub_name=naming.scoped(naming.NETWORK, "vhub", pid),
            resource_group_name=group,
            location=location,
            address_prefix=wan.address_prefix,
            virtual_wan=network.SubResourceArgs(id=virtual_wan.id),
            sku=wan.wan_type,
            tags=args.context.tags,
            opts=self._child_opts,
        )
        gateway = network.VpnGateway(
            f"{name}-hub-vpn-gateway",
            gateway_name=naming.scoped(naming.NETWORK, "vhgw", pid),
            resource_group_name=group,
            location=location,
            virtual_hub=network.SubResourceArgs(id=hub.id),
            vpn_gateway_scale_unit=wan.scale_units,
            bgp_settings=network.BgpSettingsArgs(asn=args.vpn.cloud_asn),
            tags=args.context.tags,
            opts=self._child_opts,
        )
        network.HubVirtualNetworkConnection(
            f"{name}-hub-vnet-connection",
            connection_name=naming.scoped(naming.NETWORK, "hubcn", pid, "hub"),
            virtual_hub_name=hub.name,
            resource_group_name=group,
            remote_virtual_network=network.SubResourceArgs(id=vnet.id),
            # Internet egress stays on the VNet's own path (its firewall, when it has one).
            enable_internet_security=False,
            routing_configuration=default_hub_routing(hub.id),
            opts=self._child_opts,
        )
        send_to_workspace(
            args.context,
            f"{name}-hub-vpn-gateway-diagnostics",
            "vpn-gateway",
            gateway.id,
            self._child_opts,
        )
        return VpnGatewayOutputs(
            id=gateway.id,
            addresses=gateway.ip_configurations.apply(
                lambda configs: [c.public_ip_address for c in configs or [] if c.public_ip_address]
            ),
            bgp_address=gateway.bgp_settings.apply(
                lambda bgp: (bgp.bgp_peering_address or "") if bgp else ""
            ),
            virtual_wan_id=virtual_wan.id,
            virtual_hub_id=hub.id,
        )

    def _firewall(self) -> None:
        name, args = self._name, self._args
        platform = args.context.facts("firewall")
        tier = args.network.firewall_tier
        if tier not in platform["tiers"]:
            raise ValueError(
                f"the plan's firewall tier {tier!r} is not built by these blueprints "
                "(standard or premium, or none for NSGs alone)"
            )
        sku_tier = platform["tiers"][tier]
        policy = network.FirewallPolicy(
            f"{name}-firewall-policy",
            firewall_policy_name=naming.scoped(naming.NETWORK, "afwp", args.context.practice_id),
            resource_group_name=self.resource_group_name,
            location=args.context.location,
            sku=network.FirewallPolicySkuArgs(tier=sku_tier),
            threat_intel_mode=platform["threat_intel_mode"],
            intrusion_detection=network.FirewallPolicyIntrusionDetectionArgs(
                mode=platform["idps_mode_premium"]
            )
            if tier == "premium"
            else None,
            tags=args.context.tags,
            opts=self._child_opts,
        )
        roles = args.context.facts("subnet_roles")
        egress_sources = [
            subnet.cidr
            for subnet in args.network.subnets
            if roles.get(subnet.name, {}).get("egress_via_firewall")
        ]
        network.FirewallPolicyRuleCollectionGroup(
            f"{name}-firewall-egress",
            rule_collection_group_name="egress",
            firewall_policy_name=policy.name,
            resource_group_name=self.resource_group_name,
            priority=platform["egress_priority"],
            rule_collections=[
                network.FirewallPolicyFilterRuleCollectionArgs(
                    rule_collection_type="FirewallPolicyFilterRuleCollection",
                    name="os-updates",
                    priority=platform["egress_priority"],
                    action=network.FirewallPolicyFilterRuleCollectionActionArgs(type="Allow"),
                    rules=[
                        network.ApplicationRuleArgs(
                            rule_type="ApplicationRule",
                            name="os-updates",
                            source_addresses=egress_sources,
                            target_fqdns=platform["egress_fqdns"],
                            protocols=[
                                network.FirewallPolicyRuleApplicationProtocolArgs(
                                    protocol_type="Https", port=443
                                ),
                                network.FirewallPolicyRuleApplicationProtocolArgs(
                                    protocol_type="Http", port=80
                                ),
                            ],
                        )
                    ],
                )
            ],
            opts=self._child_opts,
        )
        # Firewall and IP in the same zones ('Deploy an Azure Firewall with Availability
        # Zones': a firewall cannot sit in a zone its public IP is not in).
        address = self._public_ip("firewall", self._zones())
        firewall = network.AzureFirewall(
            f"{name}-firewall",
            azure_firewall_name=naming.scoped(naming.NETWORK, "afw", args.context.practice_id),
            resource_group_name=self.resource_group_name,
            location=args.context.location,
            zones=self._zones(),
            sku=network.AzureFirewallSkuArgs(name="AZFW_VNet", tier=sku_tier),
            firewall_policy=network.SubResourceArgs(id=policy.id),
            ip_configurations=[
                network.AzureFirewallIPConfigurationArgs(
                    name="default",
                    subnet=network.SubResourceArgs(id=self.subnet_ids["firewall"]),
                    public_ip_address=network.SubResourceArgs(id=address.id),
                )
            ],
            tags=args.context.tags,
            opts=self._child_opts,
        )
        send_to_workspace(
            args.context,
            f"{name}-firewall-diagnostics",
            "firewall",
            firewall.id,
            self._child_opts,
        )

    def _bastion(self) -> None:
        name, args = self._name, self._args
        # Regional: zone-redundant Bastion is a preview in listed regions only (Azure
        # reliability docs, 'Reliability in Azure Bastion'), and its IP follows the host.
        address = self._public_ip("bastion", None)
        bastion = network.BastionHost(
            f"{name}-bastion",
            bastion_host_name=naming.scoped(naming.NETWORK, "bas", args.context.practice_id),
            resource_group_name=self.resource_group_name,
            location=args.context.location,
            sku=network.SkuArgs(name=args.context.facts("bastion")["sku"]),
            enable_shareable_link=False,
            ip_configurations=[
                network.BastionHostIPConfigurationArgs(
                    name="default",
                    subnet=network.SubResourceArgs(id=self.subnet_ids["bastion"]),
                    public_ip_address=network.SubResourceArgs(id=address.id),
                )
            ],
            tags=args.context.tags,
            opts=self._child_opts,
        )
        send_to_workspace(
            args.context,
            f"{name}-bastion-diagnostics",
            "bastion",
            bastion.id,
            self._child_opts,
        )


def default_hub_routing(hub_id: pulumi.Input[str]) -> network.RoutingConfigurationArgs:
    """A Virtual WAN connection associated with, and propagating to, the hub's default route
    table: the hub VNet learns every site's routes and every site the VNet's (Microsoft Learn
    'About virtual hub routing': defaultRouteTable, label 'default')."""
    default_table = pulumi.Output.concat(hub_id, "/hubRouteTables/defaultRouteTable")
    return network.RoutingConfigurationArgs(
        associated_route_table=network.SubResourceArgs(id=default_table),
        propagated_route_tables=network.PropagatedRouteTableArgs(
            ids=[network.SubResourceArgs(id=default_table)], labels=["default"]
        ),
    )
