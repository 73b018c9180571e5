"""Site connectivity: one site's HA VPN peer, two tunnels with BGP, its pre-shared key in
Secret Manager, and standalone firewall rules for that site's flows only, then a deny of all
other egress to the site.

A site stack enables no API: the compute and secretmanager APIs it uses are enabled by the
core stack (GCP-API-01), which is deployed first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_random
from pulumi import ResourceOptions
from pulumi_gcp import compute, secretmanager

from blueprints.gcp import naming
from blueprints.gcp.context import GcpContext
from generator.plan.model import Flow, IpsecPolicy, SitePlan, SiteVpn
from generator.render.stack_config import (
    VPN_GATEWAY_ADDRESSES_OUTPUT,
    VPN_PRE_SHARED_KEY_OUTPUT,
)

DIRECTIONS = {"site-to-cloud": "INGRESS", "cloud-to-site": "EGRESS"}


@dataclass(frozen=True)
class SiteConnectivityArgs:
    context: GcpContext
    site: SitePlan
    ipsec: IpsecPolicy
    flows: tuple[Flow, ...]
    secret_id: str  # Secret Manager id of the site's pre-shared key
    # From the core stack's outputs:
    network: pulumi.Input[str]
    vpn: CoreVpn | None  # what the site's tunnels attach to; None without a VPN peer


@dataclass(frozen=True)
class CoreVpn:
    """The core's Cloud Router and HA VPN gateway a site's tunnels attach to (VPN-RTR-02)."""

    router: pulumi.Input[str]  # self link
    router_name: pulumi.Input[str]
    region: str
    gateway: pulumi.Input[str]  # self link
    gateway_addresses: pulumi.Input[list[str]]


class SiteConnectivity(pulumi.ComponentResource):
    """Everything one site adds to the practice. Nothing here touches a core resource's inputs,
    so adding or removing a site leaves the core stack and every other site as they were."""

    def __init__(
        self, name: str, args: SiteConnectivityArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:SiteConnectivity", name, None, opts)
        child_opts = ResourceOptions(parent=self)
        context = args.context
        prefix = (context.practice_id, args.site.id)

        for flow in args.flows:
            compute.Firewall(
                f"{name}-{flow.id}",
                name=naming.fit(naming.COMPUTE, *prefix, flow.id),
                project=context.project,
                network=args.network,
                direction=DIRECTIONS[flow.direction],
                priority=flow.priority,
                source_ranges=list(flow.source_cidrs),
                destination_ranges=list(flow.destination_cidrs),
                allows=[
                    compute.FirewallAllowArgs(
                        protocol=flow.protocol, ports=[str(port) for port in flow.ports] or None
                    )
                ],
                log_config=compute.FirewallLogConfigArgs(
                    metadata=context.facts("firewall")["log_metadata"]
                ),
                description=flow.reason,
                opts=child_opts,
            )

        # The site's whole block and its on-prem ranges, denied to every other egress: only the
        # flows above (at the ledger's priorities, all smaller numbers) reach the site.
        deny = context.facts("firewall")["site_egress_deny"]
        if args.site.block is None:
            raise ValueError(
                f"site {args.site.id} has no block: segment pools are Azure Virtual WAN's only"
            )
        compute.Firewall(
            f"{name}-deny-egress",
            name=naming.fit(naming.COMPUTE, *prefix, "deny-egress"),
            project=context.project,
            network=args.network,
            direction="EGRESS",
            priority=deny["priority"],
            destination_ranges=[args.site.block, *args.site.onprem_ranges],
            denies=[compute.FirewallDenyArgs(protocol="all")],
            log_config=compute.FirewallLogConfigArgs(
                metadata=context.facts("firewall")["log_metadata"]
            ),
            description=deny["reason"],
            opts=child_opts,
        )

        if args.site.vpn and args.vpn is None:
            raise ValueError(f"site {args.site.id} has a VPN peer but no core router to peer on")
        self.register_outputs(
            _vpn(name, args.site.vpn, args.vpn, args, child_opts)
            if args.site.vpn and args.vpn
            else {"tunnels": [], "pskSecret": None}
        )


def _vpn(
    name: str, vpn: SiteVpn, core: CoreVpn, args: SiteConnectivityArgs, opts: ResourceOptions
) -> dict[str, Any]:
    """The site's pre-shared key, peer gateway and BGP tunnels on the core's router and gateway
    in `core`; their names, to register."""
    context = args.context
    controls = context.facts("vpn")
    prefix = (context.practice_id, args.site.id)
    # Generated inside the program and kept in state as a secret: never in a stack file.
    psk = pulumi_random.RandomPassword(
        f"{name}-psk", length=controls["psk_length"], special=False, opts=opts
    )
    pulumi.export(VPN_PRE_SHARED_KEY_OUTPUT, pulumi.Output.secret(psk.result))
    # The installer's peer addresses: those of the gateway in this site's router's region.
    pulumi.export(VPN_GATEWAY_ADDRESSES_OUTPUT, core.gateway_addresses)
    secret = secretmanager.Secret(
        f"{name}-psk-secret",
        secret_id=args.secret_id,
        project=context.project,
        # The key never leaves the practice's region.
        replication=secretmanager.SecretReplicationArgs(
            user_managed=secretmanager.SecretReplicationUserManagedArgs(
                replicas=[
                    secretmanager.SecretReplicationUserManagedReplicaArgs(location=context.location)
                ]
            )
        ),
        labels=context.tags,
        opts=opts,
    )
    secretmanager.SecretVersion(
        f"{name}-psk-version", secret=secret.id, secret_data=psk.result, opts=opts
    )
    peer = compute.ExternalVpnGateway(
        f"{name}-peer",
        name=naming.fit(naming.COMPUTE, *prefix, "peer"),
        project=context.project,
        redundancy_type="SINGLE_IP_INTERNALLY_REDUNDANT",
        interfaces=[compute.ExternalVpnGatewayInterfaceArgs(id=0, ip_address=vpn.peer_ip)],
        labels=context.tags,
        opts=opts,
    )
    cipher_suite = cloud_vpn_ciphers(args.ipsec, controls)
    tunnels = []
    for session in vpn.bgp_sessions:
        tunnel_key = f"tunnel-{session.tunnel}"
        tunnel = compute.VPNTunnel(
            f"{name}-{tunnel_key}",
            name=naming.fit(naming.COMPUTE, *prefix, tunnel_key),
            project=context.project,
            region=core.region,
            vpn_gateway=core.gateway,
            vpn_gateway_interface=session.tunnel,
            peer_external_gateway=peer.self_link,
            peer_external_gateway_interface=0,
            shared_secret=psk.result,
            router=core.router,
            ike_version=int(args.ipsec.ike_version.removeprefix("IKEv")),
            cipher_suite=cipher_suite,
            labels=context.tags,
            opts=opts,
        )
        tunnels.append(tunnel)
        interface = compute.RouterInterface(
            f"{name}-{tunnel_key}-interface",
            name=naming.fit(naming.COMPUTE, *prefix, tunnel_key, "if"),
            project=context.project,
            region=core.region,
            router=core.router_name,
            ip_range=f"{session.cloud_address}/{session.prefix_length}",
            vpn_tunnel=tunnel.name,
            opts=opts,
        )
        compute.RouterPeer(
            f"{name}-{tunnel_key}-peer",
            name=naming.fit(naming.COMPUTE, *prefix, tunnel_key, "bgp"),
            project=context.project,
            region=core.region,
            router=core.router_name,
            interface=interface.name,
            ip_address=session.cloud_address,
            peer_ip_address=session.site_address,
            peer_asn=vpn.site_asn,
            opts=opts,
        )
    return {"tunnels": [tunnel.name for tunnel in tunnels], "pskSecret": secret.secret_id}


def cloud_vpn_ciphers(
    ipsec: IpsecPolicy, names: Mapping[str, Any]
) -> compute.VPNTunnelCipherSuiteArgs:
    """The plan's IPsec policy as Cloud VPN offers it (`names`: the plan's `vpn` facts): exactly
    these ciphers, nothing weaker.

    Cloud VPN fixes SA lifetimes itself, so the plan's lifetimes are the peer's to match."""

    def name(table: str, value: str) -> str:
        if value not in names[table]:
            raise ValueError(f"Cloud VPN has no {table.replace('_', ' ')} {value!r}")
        return str(names[table][value])

    def integrity(encryption: str, value: str) -> list[str] | None:
        return None if encryption in names["aead"] else [name("integrity", value)]

    return compute.VPNTunnelCipherSuiteArgs(
        phase1=compute.VPNTunnelCipherSuitePhase1Args(
            encryptions=[name("encryption", ipsec.ike_encryption)],
            integrities=integrity(ipsec.ike_encryption, ipsec.ike_integrity),
            prves=[name("prf", ipsec.ike_integrity)],
            dhs=[name("dh_group", ipsec.dh_group)],
        ),
        phase2=compute.VPNTunnelCipherSuitePhase2Args(
            encryptions=[name("encryption", ipsec.ipsec_encryption)],
            integrities=integrity(ipsec.ipsec_encryption, ipsec.ipsec_integrity),
            pfs=[name("pfs_group", ipsec.pfs_group)],
        ),
    )
