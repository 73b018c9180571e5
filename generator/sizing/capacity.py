"""Capacity rules: the per-practice ceilings the clouds set, checked before anything is placed.

A profile that passes these on a first run plans, generates and deploys within the clouds'
documented limits; one that does not fails here, in `clinicgen validate`, with the cloud's
number and a fix that works on a first run, never at allocation time with advice about the
ledger. Each limit and its source: catalog/limits.yaml, skus.yaml vpn_gateways (connections
per Azure Virtual WAN hub), vpn.yaml asn (site ASNs), flows.yaml priorities (rule priority bands).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Set
from dataclasses import dataclass

from generator.catalog import load
from generator.ipam.ledger import priority_range
from generator.sizing.flows import SITE_TO_CLOUD, flow_matrix
from generator.wording import counted

SPLIT = (
    "split the practice into several profiles (each its own practice id and address_pool, so "
    "each gets its own hub)"
)


@dataclass(frozen=True)
class Overrun:
    """One ceiling a profile goes past: the rule, the count the profile needs, the message."""

    rule: str
    needed: int
    message: str


def overruns(
    cloud: str,
    sites: int,
    flow_ids: Mapping[str, tuple[str, ...]],
    tunnels: Mapping[str, int],
    router_regions: int,
    pooled: Set[str] = frozenset(),
) -> list[Overrun]:
    """Every ceiling `cloud` sets that this practice goes past: `sites` sites in all,
    `flow_ids` the flows allowed at each site, `tunnels` each VPN site's tunnel count,
    `router_regions` the regions whose Cloud Routers may carry them (VPN-RTR-01), `pooled`
    the Azure sites whose flows are the core's rules for the segment pools."""
    found = [_site_asns(len(tunnels))]
    if cloud == "gcp":
        found.append(_priority_bands(cloud, sites))
    if cloud == "azure":
        found.append(_azure_vpn_sites(len(tunnels)))
        found += _azure_nsg_rules(flow_ids, pooled)
    else:
        found.append(_gcp_bgp_peers(sum(tunnels.values()), router_regions))
    return [overrun for overrun in found if overrun is not None]


def _priority_bands(cloud: str, sites: int) -> Overrun | None:
    """CAP-PRI-01 (Google Cloud): every site owns a band of rule priorities (flows.yaml
    priorities). Azure has none to check: once its bands are held, a site's flows take
    priorities one by one, unique per NSG and direction (3,000 each), and an NSG holds 1,000
    rules in both directions together, so CAP-NSG-01 is always the ceiling reached first."""
    first, last, band = priority_range(cloud)
    bands = (last - first + 1) // band
    return _past(
        "CAP-PRI-01",
        sites,
        bands,
        f"{sites} sites each need a band of {band} rule priorities, and {first}-{last} holds "
        f"{bands} bands on {_CLOUDS[cloud]} (flows.yaml priorities): {SPLIT}",
    )


def _site_asns(vpn_sites: int) -> Overrun | None:
    """CAP-ASN-01: one private ASN per VPN site (vpn.yaml asn.site_ranges)."""
    ranges = load("vpn")["asn"]["site_ranges"]
    available = sum(last - first + 1 for first, last in ranges)
    return _past(
        "CAP-ASN-01",
        vpn_sites,
        available,
        f"{vpn_sites} VPN sites each need a private BGP ASN and clinicgen's site ranges hold "
        f"{available} (RFC 6996): {SPLIT}",
    )


def _azure_vpn_sites(vpn_sites: int) -> Overrun | None:
    """CAP-VPN-01: one VPN connection per site on the Virtual WAN hub a practice gets beyond
    one VNet gateway's 100 tunnels (skus.yaml vpn_gateways.azure.virtual_wan)."""
    wan = load("skus")["vpn_gateways"]["azure"]["virtual_wan"]
    room = int(wan["connections_per_hub"])
    return _past(
        "CAP-VPN-01",
        vpn_sites,
        room,
        f"{vpn_sites} sites have a connectivity.vpn_peer_ip, and an Azure Virtual WAN hub takes "
        f"at most {room} VPN (branch) connections (Microsoft Learn, Virtual WAN limits): "
        f"{SPLIT}, at most {room} VPN sites each",
    )


def _azure_nsg_rules(
    flow_ids: Mapping[str, tuple[str, ...]], pooled: Set[str]
) -> list[Overrun | None]:
    """CAP-NSG-01: a rule in the NSG of the hub subnet at its cloud end for every flow of a
    site with a block of its own, and one for each flow of the pooled sites together (the
    core's rule for the segment pool, whatever their number)."""
    limits = load("limits")["azure"]
    room = int(limits["nsg_rules_per_nsg"]) - int(limits["hub_rules_per_nsg"])
    matrix = flow_matrix()
    pool_flows = {flow for site, flows in flow_ids.items() if site in pooled for flow in flows}
    per_site = [
        Counter(_cloud_end(matrix[flow]) for flow in flows)
        for site, flows in flow_ids.items()
        if site not in pooled
    ]
    if pool_flows:
        per_site.append(Counter(_cloud_end(matrix[flow]) for flow in pool_flows))
    per_nsg = sum(per_site, Counter[str]())
    return [
        _past(
            "CAP-NSG-01",
            count,
            room,
            f"the sites' flows put {count} rules in the hub's '{subnet}' NSG, and Azure allows "
            f"{limits['nsg_rules_per_nsg']} rules per NSG, {limits['hub_rules_per_nsg']} of "
            f"them kept for the hub's own (limits.yaml; the flows of each site placed before "
            f"the practice moved to a Virtual WAN hub are its own rules, so that adding a site "
            f"changes no other stack): {SPLIT}, at most "
            f"{room // _busiest(per_site, subnet)} sites like these each",
        )
        for subnet, count in sorted(per_nsg.items())
    ]


def _busiest(per_site: list[Counter[str]], subnet: str) -> int:
    """The most rules one site puts in `subnet`'s NSG."""
    return max(rules[subnet] for rules in per_site)


def _gcp_bgp_peers(sessions: int, regions: int) -> Overrun | None:
    """CAP-BGP-01: one Cloud Router BGP peer per HA VPN tunnel; five routers per region."""
    limits = load("limits")["gcp"]
    routers, peers = int(limits["cloud_routers_per_region"]), int(limits["bgp_peers_per_router"])
    room = routers * peers * regions
    fix = (
        f"{SPLIT}, or lower connectivity.bandwidth_mbps where a site needs more than one "
        "tunnel pair"
    )
    if regions == 1:
        fix = f"set practice.dr_region: sites' tunnels then also end in its Cloud Routers; or {fix}"
    return _past(
        "CAP-BGP-01",
        sessions,
        room,
        f"the VPN sites need {sessions} HA VPN tunnels, each a BGP peer on a Cloud Router, and "
        f"Google Cloud allows {routers} Cloud Routers per VPC network and region with {peers} "
        f"BGP peers each, {room} in {counted(regions, 'region')} (Cloud Router quotas and "
        f"limits): {fix}",
    )


def _past(rule: str, needed: int, room: int, message: str) -> Overrun | None:
    return Overrun(rule, needed, message) if needed > room else None


def _cloud_end(entry: Mapping[str, str]) -> str:
    return entry["to"] if entry["direction"] == SITE_TO_CLOUD else entry["from"]


_CLOUDS = {"azure": "Azure", "gcp": "Google Cloud"}
