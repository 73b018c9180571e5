"""Site connectivity and rules: one site's VPN peer and connection, and the NSG rules for its
flows, all in the site's own stack so adding a site changes nothing anywhere else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import pulumi
import pulumi_random as random
from pulumi_azure_native import keyvault, network

from blueprints.azure import naming
from blueprints.azure.context import AzureContext
from blueprints.azure.network import default_hub_routing
from blueprints.azure.secret_expiry import secret_attributes
from blueprints.azure.security_rules import add_rule, flow_rule
from generator.plan.model import Flow, IpsecPolicy, SitePlan, SiteVpn
from generator.render.stack_config import VPN_PRE_SHARED_KEY_OUTPUT, vpn_psk_secret_name


@dataclass(frozen=True)
class SiteConnectivityArgs:
    context: AzureContext
    site: SitePlan
    ipsec: IpsecPolicy
    flows: tuple[Flow, ...]
    # read from the core stack
    network_resource_group: pulumi.Input[str]
    vpn_gateway_id: pulumi.Input[str] | None
    nsg_names: pulumi.Output[Mapping[str, str]]
    key_vault_name: pulumi.Input[str]
    key_vault_resource_group: pulumi.Input[str]
    # Virtual WAN practices: the WAN the site's VPN site joins, the hub its connection is on
    virtual_wan_id: pulumi.Input[str] | None = None
    virtual_hub_id: pulumi.Input[str] | None = None


def _nsg_name(names: Mapping[str, str], subnet: str) -> str:
    if subnet not in names:
        raise ValueError(
            f"a flow targets hub subnet {subnet!r}, which has no NSG in the core stack"
        )
    return names[subnet]


class SiteConnectivity(pulumi.ComponentResource):
    """The site's local network gateway (every segment but guest, plus its on-prem ranges), an
    IKEv2 connection with the plan's IPsec policy and a generated pre-shared key kept in Key
    Vault, and one NSG rule per allowed flow at the plan's priority; a pooled site's flows are
    the core's rules for the segment pools, so it adds none."""

    def __init__(
        self, name: str, args: SiteConnectivityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:SiteConnectivity", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        site = args.site
        connection_id: pulumi.Output[str] | None = None
        if site.vpn is not None:
            if args.vpn_gateway_id is None:
                raise ValueError(f"site {site.id} has a VPN peer but the core has no VPN gateway")
            vpn = self._virtual_wan_vpn if site.vpn.virtual_wan else self._vpn
            connection_id = vpn(name, args, site.vpn, args.vpn_gateway_id, child_opts)
        for flow in args.flows:
            if flow.pooled:
                continue
            subnet, spec = flow_rule(site.id, flow)
            add_rule(
                f"{name}-{flow.id}",
                args.nsg_names.apply(partial(_nsg_name, subnet=subnet)),
                args.network_resource_group,
                spec,
                child_opts,
            )
        self.register_outputs({"connection_id": connection_id})

    @staticmethod
    def _vpn(
        name: str,
        args: SiteConnectivityArgs,
        vpn: SiteVpn,
        gateway_id: pulumi.Input[str],
        child_opts: pulumi.ResourceOptions,
    ) -> pulumi.Output[str]:
        site, platform, ipsec = args.site, args.context.facts("vpn_connection"), args.ipsec
        bgp = vpn.routing == "bgp"
        local_gateway = network.LocalNetworkGateway(
            f"{name}-local-gateway",
            local_network_gateway_name=naming.scoped(
                naming.NETWORK, "lgw", args.context.practice_id, site.id
            ),
            resource_group_name=args.network_resource_group,
            location=args.context.location,
            gateway_ip_address=vpn.peer_ip,
            local_network_address_space=network.AddressSpaceArgs(
                address_prefixes=_declared_prefixes(vpn)
            ),
            bgp_settings=network.BgpSettingsArgs(
                asn=vpn.site_asn, bgp_peering_address=vpn.bgp_peer_address
            )
            if bgp
            else None,
            tags=args.context.tags,
            opts=child_opts,
        )
        shared_key = _pre_shared_key(name, args, platform["psk_length"], child_opts)
        connection = network.VirtualNetworkGatewayConnection(
            f"{name}-connection",
            virtual_network_gateway_connection_name=naming.scoped(
                naming.NETWORK, "cn", args.context.practice_id, site.id
            ),
            resource_group_name=args.network_resource_group,
            location=args.context.location,
            connection_type="IPsec",
            connection_protocol=ipsec.ike_version,
            virtual_network_gateway1=network.VirtualNetworkGatewayArgs(id=gateway_id),
            local_network_gateway2=network.LocalNetworkGatewayArgs(id=local_gateway.id),
            shared_key=shared_key,
            ipsec_policies=[azure_ipsec_policy(args.context, ipsec)],
            use_policy_based_traffic_selectors=False,
            enable_bgp=bgp,
            dpd_timeout_seconds=platform["dpd_timeout_seconds"],
            tags=args.context.tags,
            opts=pulumi.ResourceOptions.merge(
                child_opts, pulumi.ResourceOptions(additional_secret_outputs=["sharedKey"])
            ),
        )
        return connection.id

    @staticmethod
    def _virtual_wan_vpn(
        name: str,
        args: SiteConnectivityArgs,
        vpn: SiteVpn,
        gateway_id: pulumi.Input[str],
        child_opts: pulumi.ResourceOptions,
    ) -> pulumi.Output[str]:
        """The site on the practice's Virtual WAN hub: a VPN site with one link (the site's
        peer address, its link speed, its BGP ASN and peering address from the ledger) and a
        standalone VpnConnection on the hub's VPN gateway with the plan's IPsec policy, both in
        this stack, so adding a site never touches the gateway (whose update would drop every
        connection it does not list)."""
        if args.virtual_wan_id is None or args.virtual_hub_id is None:
            raise ValueError(
                f"site {args.site.id} joins a Virtual WAN the core stack does not export"
            )
        site, platform, ipsec = args.site, args.context.facts("vpn_connection"), args.ipsec
        bgp = vpn.routing == "bgp"
        link = "primary"
        vpn_site = network.VpnSite(
            f"{name}-vpn-site",
            vpn_site_name=naming.scoped(naming.NETWORK, "vst", args.context.practice_id, site.id),
            resource_group_name=args.network_resource_group,
            location=args.context.location,
            virtual_wan=network.SubResourceArgs(id=args.virtual_wan_id),
            # Static: what crosses the tunnel (no guest); BGP: the router advertises it.
            address_space=None
            if bgp
            else network.AddressSpaceArgs(address_prefixes=list(vpn.local_prefixes)),
            vpn_site_links=[
                network.VpnSiteLinkArgs(
                    name=link,
                    ip_address=vpn.peer_ip,
                    link_properties=network.VpnLinkProviderPropertiesArgs(
                        link_speed_in_mbps=vpn.bandwidth_mbps
                    ),
                    bgp_properties=network.VpnLinkBgpSettingsArgs(
                        asn=vpn.site_asn, bgp_peering_address=vpn.bgp_peer_address
                    )
                    if bgp
                    else None,
                )
            ],
            tags=args.context.tags,
            opts=child_opts,
        )
        shared_key = _pre_shared_key(name, args, platform["psk_length"], child_opts)
        gateway_name = pulumi.Output.from_input(gateway_id).apply(
            lambda arm_id: arm_id.split("/")[-1]
        )
        connection = network.VpnConnection(
            f"{name}-connection",
            connection_name=naming.scoped(naming.NETWORK, "cn", args.context.practice_id, site.id),
            gateway_name=gateway_name,
            resource_group_name=args.network_resource_group,
            remote_vpn_site=network.SubResourceArgs(id=vpn_site.id),
            vpn_link_connections=[
                network.VpnSiteLinkConnectionArgs(
                    name=link,
                    vpn_site_link=network.SubResourceArgs(
                        id=pulumi.Output.concat(vpn_site.id, "/vpnSiteLinks/", link)
                    ),
                    connection_bandwidth=vpn.bandwidth_mbps,
                    vpn_connection_protocol_type=ipsec.ike_version,
                    shared_key=shared_key,
                    ipsec_policies=[azure_ipsec_policy(args.context, ipsec, virtual_wan=True)],
                    use_policy_based_traffic_selectors=False,
                    enable_bgp=bgp,
                    dpd_timeout_seconds=platform["dpd_timeout_seconds"],
                )
            ],
            routing_configuration=default_hub_routing(args.virtual_hub_id),
            opts=pulumi.ResourceOptions.merge(
                child_opts,
                pulumi.ResourceOptions(additional_secret_outputs=["vpnLinkConnections"]),
            ),
        )
        return connection.id


def _pre_shared_key(
    name: str, args: SiteConnectivityArgs, length: int, child_opts: pulumi.ResourceOptions
) -> pulumi.Output[str]:
    """A generated pre-shared key, exported as a secret and kept in Key Vault under the name
    the handoff sheet gives the installer."""
    # Made in the program and kept in state as a secret: never in config or a stack file.
    psk = random.RandomPassword(f"{name}-psk", length=length, special=False, opts=child_opts)
    # Secret in this program whatever the engine does with the provider's secret outputs.
    shared_key: pulumi.Output[str] = pulumi.Output.secret(psk.result)
    pulumi.export(VPN_PRE_SHARED_KEY_OUTPUT, shared_key)
    keyvault.Secret(
        f"{name}-psk-secret",
        secret_name=naming.KEY_VAULT_SECRET.check(vpn_psk_secret_name(args.site.id)),
        vault_name=args.key_vault_name,
        resource_group_name=args.key_vault_resource_group,
        properties=keyvault.SecretPropertiesArgs(
            value=shared_key,
            content_type="text/plain",
            attributes=secret_attributes(f"{name}-psk", args.context, child_opts),
        ),
        opts=child_opts,
    )
    return shared_key


def _declared_prefixes(vpn: SiteVpn) -> list[str]:
    """What the local network gateway declares for the site. Static: every segment but guest
    (guest traffic never enters the tunnel) and the on-prem ranges. BGP: only the /32 of the
    site router's peering address; the router advertises the rest (Azure 'About BGP and VPN
    Gateway')."""
    if vpn.routing == "bgp":
        return [f"{vpn.bgp_peer_address}/32"]
    return list(vpn.local_prefixes)


def azure_ipsec_policy(
    context: AzureContext, ipsec: IpsecPolicy, *, virtual_wan: bool = False
) -> network.IpsecPolicyArgs:
    """The plan's cloud-neutral IPsec policy in Azure's IpsecPolicy enums; a Virtual WAN hub's
    connection takes its own names where its custom-policy table differs (ipsec_names
    virtual_wan)."""
    names = context.facts("ipsec_names")
    own = names["virtual_wan"] if virtual_wan else {}

    def name(table: str, value: str) -> str:
        for names_in in (own.get(table, {}), names[table]):
            if value in names_in:
                return str(names_in[value])
        raise ValueError(f"Azure VPN has no {table.replace('_', ' ')} {value!r}")

    encryption = name("encryption", ipsec.ipsec_encryption)
    return network.IpsecPolicyArgs(
        ike_encryption=name("encryption", ipsec.ike_encryption),
        ike_integrity=name("integrity", ipsec.ike_integrity),
        dh_group=name("dh_group", ipsec.dh_group),
        ipsec_encryption=encryption,
        # Azure names AES-GCM's own integrity after the cipher.
        ipsec_integrity=encryption
        if ipsec.ipsec_integrity == "aead"
        else name("integrity", ipsec.ipsec_integrity),
        pfs_group=name("pfs_group", ipsec.pfs_group),
        sa_life_time_seconds=ipsec.sa_lifetime_seconds,
        sa_data_size_kilobytes=ipsec.sa_data_size_kb,
    )
