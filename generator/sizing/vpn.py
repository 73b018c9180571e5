"""VPN rules: the cloud gateway SKU, what crosses each site's tunnel, and the IPsec policy.

Sources: the clouds' gateway limits in catalog/skus.yaml vpn_gateways (Microsoft Learn "About
gateway SKUs", Google Cloud HA VPN docs), the IPsec policy in catalog/vpn.yaml, and what crosses
a tunnel in docs/architecture.md#segmentation.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network
from typing import Any

from generator.catalog import load
from generator.errors import PlanError
from generator.plan.model import (
    BgpSession,
    CloudRouter,
    Decision,
    IpsecPolicy,
    VirtualWanHub,
    VpnGateway,
)
from generator.sizing.sized import Sized
from generator.wording import counted

BITS_PER_BYTE = 8


def _gcp_tunnel_mbps(table: dict[str, Any]) -> tuple[int, str]:
    """One HA VPN tunnel's capacity in Mbps from its packet limit and the assumed average
    packet size, with the arithmetic for a reason."""
    packets = int(table["packets_per_second_per_tunnel"])
    size = int(table["average_packet_bytes"])
    mbps = packets * size * BITS_PER_BYTE // 1_000_000
    return mbps, f"{packets:,} packets/s x {size} B (assumption: average packet size) = {mbps} Mbps"


def site_tunnels(cloud: str, site_id: str, bandwidth_mbps: int) -> Sized[int]:
    """VPN-TUN-01: tunnels for one site: Azure one connection (the gateway SKU carries the
    bandwidth); GCP HA VPN pairs of tunnels, enough pairs that the site's bandwidth still fits
    with one tunnel of every pair down.

    Source: catalog/skus.yaml vpn_gateways (Google Cloud "HA VPN topologies to increase
    bandwidth": a tunnel carries 250,000 packets/s, 1-3 Gbps by average packet size; add tunnel
    pairs so the load has failover capacity).
    """
    table = load("skus")["vpn_gateways"][cloud]
    per_site = int(table["tunnels_per_site"])
    if cloud == "gcp":
        tunnel_mbps, arithmetic = _gcp_tunnel_mbps(table)
        pairs = max(1, -(-bandwidth_mbps // tunnel_mbps))
        tunnels = per_site * pairs
        reason = (
            f"{site_id}: {bandwidth_mbps} Mbps / {tunnel_mbps} Mbps per pair with one tunnel down "
            f"({arithmetic}) -> {counted(pairs, 'pair')}, {counted(tunnels, 'tunnel')}"
        )
    else:
        tunnels = per_site
        reason = (
            f"{site_id}: {tunnels} connection; the gateway SKU carries its {bandwidth_mbps} Mbps"
        )
    decision = Decision("VPN-TUN-01", f"sites.{site_id}.vpn.tunnels", str(tunnels), reason)
    return Sized(tunnels, decision)


def gateway_sku(cloud: str, sites: int, tunnels: int, aggregate_mbps: int) -> Sized[VpnGateway]:
    """VPN-SKU-01: the smallest gateway carrying every site's tunnels and their bandwidth.

    Source: Microsoft Learn, "About gateway SKUs"
    (https://learn.microsoft.com/azure/vpn-gateway/about-gateway-skus): VpnGw1AZ (Generation1)
    650 Mbps; VpnGw2AZ/3AZ (Generation2, as clinicgen deploys them) 1.25 / 2.5 Gbps with 30
    tunnels, VpnGw4AZ/5AZ 5 / 10 Gbps with 100 tunnels; more than 100 S2S tunnels need Virtual
    WAN (`virtual_wan_gateway`, VPN-VWAN-01). Google Cloud HA VPN
    (https://cloud.google.com/network-connectivity/docs/vpn/concepts/topologies-increase-bandwidth):
    a tunnel carries 250,000 packets/s, 1-3 Gbps by packet size, and each pair is counted at one
    tunnel's capacity so the load survives a tunnel down. The table itself: catalog/skus.yaml
    vpn_gateways.
    """
    table = load("skus")["vpn_gateways"][cloud]
    asn = int(load("vpn")["asn"][cloud])
    if cloud == "gcp":
        tunnel_mbps, arithmetic = _gcp_tunnel_mbps(table)
        pairs = tunnels // int(table["tunnels_per_site"])
        gateway = VpnGateway(
            sites=sites,
            tunnels=tunnels,
            aggregate_mbps=aggregate_mbps,
            sku=str(table["sku"]),
            max_tunnels=tunnels,
            max_mbps=pairs * tunnel_mbps,
            cloud_asn=asn,
        )
        reason = (
            f"{counted(sites, 'site')}, {counted(tunnels, 'HA VPN tunnel')} in "
            f"{counted(pairs, 'pair')} x {tunnel_mbps} Mbps with one tunnel of each pair down = "
            f"{gateway.max_mbps} Mbps for {aggregate_mbps} Mbps aggregate ({arithmetic}); "
            f"Cloud Router AS{asn}"
        )
        return Sized(gateway, Decision("VPN-SKU-01", "vpn.sku", gateway.sku, reason))
    fitting = [sku for sku in table["skus"] if sku["max_tunnels"] >= tunnels]
    if not fitting:
        raise PlanError(
            f"{sites} VPN sites need {tunnels} tunnels, more than an Azure VPN gateway carries "
            f"({table['skus'][-1]['max_tunnels']}): the plan needs a Virtual WAN hub "
            "(virtual_wan_gateway)"
        )
    chosen = next((sku for sku in fitting if sku["max_mbps"] >= aggregate_mbps), fitting[-1])
    shared = "" if chosen["max_mbps"] >= aggregate_mbps else "; sites share it at peak"
    gateway = VpnGateway(
        sites=sites,
        tunnels=tunnels,
        aggregate_mbps=aggregate_mbps,
        sku=str(chosen["sku"]),
        max_tunnels=int(chosen["max_tunnels"]),
        max_mbps=int(chosen["max_mbps"]),
        cloud_asn=asn,
    )
    reason = (
        f"{counted(sites, 'site')}, {counted(tunnels, 'tunnel')}, {aggregate_mbps} Mbps aggregate "
        f"-> {gateway.sku} "
        f"({gateway.max_tunnels} tunnels, {gateway.max_mbps} Mbps){shared}; gateway AS{asn}"
    )
    return Sized(gateway, Decision("VPN-SKU-01", "vpn.sku", gateway.sku, reason))


def needs_virtual_wan(cloud: str, tunnels: int) -> bool:
    """Whether the sites' tunnels pass what the largest Azure VNet gateway carries, so the
    hub is a Virtual WAN (catalog/skus.yaml vpn_gateways.azure)."""
    if cloud != "azure":
        return False
    table = load("skus")["vpn_gateways"]["azure"]
    return tunnels > max(int(sku["max_tunnels"]) for sku in table["skus"])


def virtual_wan_gateway(
    site_mbps: Sequence[int], tunnels: int, hub_prefix: str, kept: bool = False
) -> Sized[VpnGateway]:
    """VPN-VWAN-01: beyond one VNet gateway's tunnels, a Standard Virtual WAN hub whose VPN
    gateway has the fewest scale units that carry the sites' aggregate bandwidth on one
    instance of each unit (an instance down loses none of it), at most the gateway's maximum.
    `site_mbps`: each VPN site's bandwidth; one site's VPN connection carries at most 2 Gbps,
    so a faster site counts at that. `kept`: the practice is back within a VNet gateway's
    tunnels but its ledger holds the hub, so it stays on it (going back would replace its hub
    connectivity again).

    Source: catalog/skus.yaml vpn_gateways.azure.virtual_wan (Microsoft Learn Virtual WAN
    limits: 1,000 VPN connections per hub, 20 Gbps per site-to-site VPN gateway, 2 Gbps per VPN
    connection; 'Virtual WAN gateway settings': 1 scale unit = 500 Mbps x 2 instances).
    """
    wan = load("skus")["vpn_gateways"]["azure"]["virtual_wan"]
    per_unit, most = int(wan["mbps_per_instance"]), int(wan["max_scale_units"])
    per_connection = int(wan["mbps_per_connection"])
    sites = len(site_mbps)
    aggregate_mbps = sum(min(mbps, per_connection) for mbps in site_mbps)
    capped = sum(1 for mbps in site_mbps if mbps > per_connection)
    wanted = max(1, -(-aggregate_mbps // per_unit))
    units = min(wanted, most)
    shared = "" if units == wanted else f"; sites share it at peak ({most} units is the most)"
    gateway = VpnGateway(
        sites=sites,
        tunnels=tunnels,
        aggregate_mbps=aggregate_mbps,
        sku=str(wan["sku"]),
        max_tunnels=int(wan["connections_per_hub"]),
        max_mbps=units * per_unit,
        cloud_asn=int(load("vpn")["asn"]["azure"]),
        virtual_wan=VirtualWanHub(
            wan_type=str(wan["wan_type"]), address_prefix=hub_prefix, scale_units=units
        ),
    )
    why = (
        "the ledger holds a Virtual WAN hub: kept" if kept else "more than a VNet gateway's tunnels"
    )
    reason = (
        f"{counted(sites, 'site')}, {counted(tunnels, 'connection')}: {why} -> "
        f"{wan['wan_type']} Virtual WAN hub {hub_prefix} (at most "
        f"{gateway.max_tunnels} VPN connections); {aggregate_mbps} Mbps aggregate"
        f"{_capped(capped, per_connection)} / {per_unit} "
        f"Mbps per scale unit with one instance of each down -> {counted(units, 'scale unit')} "
        f"({units} x {wan['instances_per_unit']} x {per_unit} Mbps){shared}; hub AS"
        f"{gateway.cloud_asn}"
    )
    return Sized(gateway, Decision("VPN-VWAN-01", "vpn.virtual_wan", str(units), reason))


def _capped(sites: int, per_connection: int) -> str:
    if not sites:
        return ""
    return f" ({counted(sites, 'site')} at the {per_connection} Mbps one VPN connection carries)"


def router_regions(region: str, dr_region: str | None) -> Sized[tuple[str, ...]]:
    """VPN-RTR-01: where Google Cloud sites' tunnels may end: five Cloud Routers of 128 BGP
    peers each in the practice's region, then five more in its DR region, when it has one.

    Source: Google Cloud 'Cloud Router quotas and limits' (5 Cloud Routers per VPC network and
    region, 128 BGP peers per router; catalog/limits.yaml); 'Cloud Router overview', dynamic
    routing mode (GLOBAL: routes learned in one region reach subnets in every region).
    """
    regions = (region, dr_region) if dr_region else (region,)
    limits = load("limits")["gcp"]
    per_region = int(limits["cloud_routers_per_region"])
    peers = int(limits["bgp_peers_per_router"])
    reason = (
        f"{per_region} Cloud Routers x {peers} BGP peers in each of {', '.join(regions)}: "
        f"room for {per_region * peers * len(regions)} HA VPN tunnels"
    )
    return Sized(regions, Decision("VPN-RTR-01", "vpn.router_regions", ", ".join(regions), reason))


def cloud_routers(regions: tuple[str, ...], slots: set[int]) -> Sized[tuple[CloudRouter, ...]]:
    """VPN-RTR-02: the Cloud Routers the core builds: slot 0 (the hub's router) and every slot
    the ledger gives a site, each in its region (`regions`, five slots each).

    Source: catalog/limits.yaml gcp (5 routers per region, 128 peers each); the ledger keeps a
    site's slot for good, so a router outlives its last site only as long as the ledger does.
    """
    per_region = int(load("limits")["gcp"]["cloud_routers_per_region"])
    routers = tuple(
        CloudRouter(slot=slot, region=regions[slot // per_region]) for slot in sorted(slots | {0})
    )
    listed = ", ".join(f"slot {r.slot} in {r.region}" for r in routers)
    reason = f"{counted(len(routers), 'Cloud Router')} for the sites' BGP peers: {listed}"
    return Sized(routers, Decision("VPN-RTR-02", "vpn.routers", str(len(routers)), reason))


def routing_mode(region: str, routers: tuple[CloudRouter, ...]) -> Sized[str]:
    """VPN-RTR-03: the VPC routes regionally until a site's tunnels end outside its region;
    then globally, so the routes those sites advertise reach the hub's subnets.

    Source: Google Cloud VPC docs, 'Dynamic routing mode' (REGIONAL: learned routes apply in
    the Cloud Router's region only; GLOBAL: in every region of the network).
    """
    elsewhere = sorted({r.region for r in routers} - {region})
    mode = "GLOBAL" if elsewhere else "REGIONAL"
    reason = (
        f"sites' tunnels end in {', '.join(elsewhere)} too: their routes must reach {region}"
        if elsewhere
        else f"every site's tunnels end in {region}"
    )
    return Sized(mode, Decision("VPN-RTR-03", "core.routing_mode", mode, reason))


def local_prefixes(
    site_id: str,
    crossing: list[tuple[str, str]],
    left_out: list[tuple[str, str]],
    onprem: tuple[str, ...],
) -> Sized[tuple[str, ...]]:
    """VPN-PFX-01: what the tunnel carries: every segment that crosses the VPN, plus on-prem
    ranges; guest, payment and building segments stay out.

    Source: clinicgen's segmentation design, docs/architecture.md#segmentation (guest never
    enters the VPN: its range is left out of the local network prefixes / traffic selectors);
    catalog/segments.yaml `crosses_vpn` (payment terminals: PCI DSS scope kept off the VPN).
    """
    prefixes = tuple(cidr for _name, cidr in crossing) + onprem
    kept_out = "".join(f"; {name} {cidr} left out" for name, cidr in left_out)
    reason = (
        f"{site_id}: {counted(len(crossing), 'segment')} ({', '.join(n for n, _c in crossing)})"
        f"{' + on-prem ' + ', '.join(onprem) if onprem else ''}{kept_out}"
    )
    value = ", ".join(prefixes)
    return Sized(
        prefixes, Decision("VPN-PFX-01", f"sites.{site_id}.vpn.local_prefixes", value, reason)
    )


ROUTINGS = ("static", "bgp")


def site_routing(cloud: str, site_id: str, setting: str | None) -> Sized[str]:
    """VPN-RTE-01: how a site's routes cross its VPN. Google Cloud HA VPN routes only with
    BGP. On Azure the profile chooses; static by default, since most small-site firewalls do
    static route-based IPsec and a static site needs no routing protocol at all.

    Source: Google Cloud 'HA VPN topologies' (HA VPN requires dynamic BGP routing); Azure
    'About BGP and VPN Gateway' (BGP is optional on route-based gateways, mixed with static
    connections on one gateway).
    """
    subject = f"sites.{site_id}.vpn.routing"
    if cloud == "gcp":
        reason = f"{site_id}: Google Cloud HA VPN routes with BGP only"
        return Sized("bgp", Decision("VPN-RTE-01", subject, "bgp", reason))
    routing = setting or "static"
    reason = (
        f"{site_id}: connectivity.routing {setting}"
        if setting
        else f"{site_id}: static (default: no connectivity.routing)"
    )
    return Sized(routing, Decision("VPN-RTE-01", subject, routing, reason))


def azure_bgp_peer(site_id: str, segments: list[tuple[str, str]]) -> Sized[str]:
    """VPN-BGP-02: on Azure a BGP site peers from its router's address on the network
    management VLAN (the first crossing segment's gateway when there is none); the local
    network gateway declares that one /32, and the cloud end is the VPN gateway's own BGP
    address in GatewaySubnet, so adding a site never changes the gateway.

    Source: Azure 'About BGP and VPN Gateway' (declare the /32 of the on-premises BGP peer
    address as the local network gateway's address space). `segments` pairs each crossing
    segment's name with its gateway address, in catalog order.
    """
    by_name = dict(segments)
    name = "management" if "management" in by_name else segments[0][0]
    address = by_name[name]
    reason = f"{site_id}: the site router on the {name} VLAN, {address}; declared as {address}/32"
    return Sized(address, Decision("VPN-BGP-02", f"sites.{site_id}.vpn.bgp_peer", address, reason))


def bgp_sessions(
    site_id: str, asn: int, ranges: tuple[str, ...], tunnels: int
) -> Sized[tuple[BgpSession, ...]]:
    """VPN-BGP-01: one BGP session per tunnel on its ledger link-local /30, cloud side on the
    first host address, site side on the second; the site's private ASN from the ledger.

    Source: catalog/vpn.yaml asn and bgp_link_local (RFC 6996 private ASNs; Azure APIPA
    169.254.21.0-169.254.22.255; Google Cloud Router link-local /30 per BGP session).
    """
    sessions = []
    for index, cidr in enumerate(ranges[:tunnels]):
        net = IPv4Network(cidr)
        sessions.append(
            BgpSession(
                tunnel=index,
                cloud_address=str(net.network_address + 1),
                site_address=str(net.network_address + 2),
                prefix_length=net.prefixlen,
            )
        )
    listed = "; ".join(
        f"tunnel {s.tunnel} on {cidr}: cloud {s.cloud_address}, site {s.site_address}"
        for s, cidr in zip(sessions, ranges, strict=False)
    )
    reason = f"{site_id}: AS{asn}; {listed}"
    decision = Decision("VPN-BGP-01", f"sites.{site_id}.vpn.bgp", f"AS{asn}", reason)
    return Sized(tuple(sessions), decision)


def ipsec_suite_names() -> list[str]:
    """The catalog's IPsec/IKE suites by name, strongest first (catalog/vpn.yaml)."""
    return list(load("vpn")["ipsec_suites"])


def ipsec_suite_name(setting: str | None) -> str:
    """The suite a practice's tunnels use: its `practice.vpn_crypto`, or the strongest."""
    return setting or ipsec_suite_names()[0]


def _suite(name: str) -> tuple[IpsecPolicy, str]:
    """The catalog suite `name` as a policy, and its values in one line, with how it ranks."""
    suites = load("vpn")["ipsec_suites"]
    policy = IpsecPolicy(**{k: v for k, v in suites[name].items() if k != "source"})
    stronger = ipsec_suite_names()[: ipsec_suite_names().index(name)]
    weaker = f", weaker than {', '.join(stronger)}" if stronger else ""
    values = (
        f"{weaker}: {policy.ike_version} {policy.ike_encryption}/{policy.ike_integrity}"
        f" {policy.dh_group}, ESP {policy.ipsec_encryption}, PFS {policy.pfs_group}, SA"
        f" {policy.sa_lifetime_seconds} s / {policy.sa_data_size_kb} KB"
    )
    return policy, values


def _applied(cloud: str) -> str:
    where = (
        "Azure: the connection's custom IPsec policy"
        if cloud == "azure"
        else "Google Cloud: each tunnel's cipher suite"
    )
    return f"; {where}, and the site's device from its handoff sheet"


def ipsec_policy(cloud: str, setting: str | None) -> Sized[IpsecPolicy]:
    """VPN-IPS-01: the practice's IPsec/IKE suite, which every site tunnel uses unless the site
    names its own (VPN-IPS-02): `practice.vpn_crypto`, or the catalog's strongest (CNSA:
    IKEv2, AES-GCM-256, P-384).

    On Azure each connection carries the suite as its custom IPsec policy, the only proposal
    the gateway makes or accepts; on Google Cloud each tunnel's cipher suite offers exactly
    it. Either way the site's device is configured with it from the handoff sheet.

    Source: catalog/vpn.yaml ipsec_suites (NSA CNSA suite; NIST SP 800-77r1; NIST SP 800-57
    Part 1 for the strength order).
    """
    name = ipsec_suite_name(setting)
    policy, values = _suite(name)
    chosen = (
        f"practice.vpn_crypto {name}" if setting else f"{name} (default: no practice.vpn_crypto)"
    )
    reason = f"{chosen}{values}{_applied(cloud)}"
    return Sized(policy, Decision("VPN-IPS-01", "ipsec", name, reason))


def site_ipsec_policy(
    cloud: str, site_id: str, setting: str, practice_setting: str | None
) -> Sized[IpsecPolicy | None]:
    """VPN-IPS-02: a site's own IPsec/IKE suite (`connectivity.vpn_crypto`), for a VPN device
    that needs another than the practice's; None when it names the practice's own.

    Source: catalog/vpn.yaml ipsec_suites; Azure 'Configure custom IPsec/IKE connection
    policies' (the policy is per connection); Google Cloud VPN tunnels each take their own
    cipher suite.
    """
    practice = ipsec_suite_name(practice_setting)
    subject = f"sites.{site_id}.vpn.ipsec"
    if setting == practice:
        reason = f"{site_id}: connectivity.vpn_crypto {setting}, the practice's suite"
        return Sized(None, Decision("VPN-IPS-02", subject, setting, reason))
    policy, values = _suite(setting)
    reason = (
        f"{site_id}: connectivity.vpn_crypto {setting} instead of the practice's {practice}"
        f"{values}{_applied(cloud)}"
    )
    return Sized(policy, Decision("VPN-IPS-02", subject, setting, reason))
