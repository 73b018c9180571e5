"""The network the approval report draws, read from the plan: the hub with its subnets and
workloads, the VPN gateway, each site with its segments and tunnel, and the allowed flows.

One view feeds both drawings (the HTML report's SVG and the Markdown report's Mermaid block)
and the flow matrix, so the picture and the table cannot disagree. Flows are drawn once per
kind (`clinical-to-apps`), between the segment kind and the hub subnet they join, with the
number of sites that have them: the picture stays the same size at 50 sites as at one. Each
site's own segments are drawn on its card, the cards paged (`SITES_PER_FIGURE` a figure).
Everything not drawn as a flow is denied (docs/architecture.md#segmentation).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from generator.plan.model import Flow, Plan, SitePlan
from generator.sizing.flows import SITE_TO_CLOUD
from generator.wording import counted

# Site cards per figure: three columns of four rows fill a printed page at a legible size.
SITES_PER_FIGURE = 12


@dataclass(frozen=True)
class SegmentBox:
    name: str
    vlan: int
    cidr: str
    devices: int
    capacity: int
    crosses_vpn: bool


@dataclass(frozen=True)
class SiteCard:
    id: str
    name: str
    kind: str
    block: str
    tunnel: str | None  # peer, bandwidth and routing of its VPN; None: no tunnel
    segments: tuple[SegmentBox, ...]


@dataclass(frozen=True)
class SegmentKind:
    """A segment as the flows see it: every site's VLAN of that name."""

    name: str
    vlans: tuple[int, ...]
    sites: int
    devices: int
    crosses_vpn: bool


@dataclass(frozen=True)
class SubnetBox:
    name: str
    cidr: str
    purpose: str


@dataclass(frozen=True)
class FlowKind:
    """One allowed flow of the flow matrix as the sites have it, between a site `segment` and
    a hub `subnet` (which may share a name: imaging), from the site when `outbound`."""

    id: str
    segment: str
    subnet: str
    outbound: bool
    ports: str  # `tcp 443, 8443`
    sites: int

    @property
    def arrow(self) -> str:
        return "->" if self.outbound else "<-"


@dataclass(frozen=True)
class NetworkView:
    cloud: str
    region: str
    hub_space: str
    firewall_tier: str
    gateway: str | None  # the VPN gateway and its tunnels; None without VPN sites
    subnets: tuple[SubnetBox, ...]
    workloads: tuple[tuple[str, str], ...]  # (workload, size)
    segment_kinds: tuple[SegmentKind, ...]
    flows: tuple[FlowKind, ...]
    sites: tuple[SiteCard, ...]

    def pages(self) -> tuple[tuple[SiteCard, ...], ...]:
        """The site cards, `SITES_PER_FIGURE` a figure."""
        return tuple(
            self.sites[start : start + SITES_PER_FIGURE]
            for start in range(0, len(self.sites), SITES_PER_FIGURE)
        )

    def matrix(self) -> tuple[tuple[str, ...], tuple[str, ...], dict[tuple[str, str], str]]:
        """The flow matrix: (segments, subnets, {(segment, subnet): `-> tcp 443`}), the arrow
        the flow's direction; a pair absent from the mapping is denied both ways."""
        cells: dict[tuple[str, str], list[str]] = defaultdict(list)
        for flow in self.flows:
            cells[(flow.segment, flow.subnet)].append(f"{flow.arrow} {flow.ports}")
        segments = tuple(kind.name for kind in self.segment_kinds)
        subnets = tuple(
            subnet.name
            for subnet in self.subnets
            if any(flow.subnet == subnet.name for flow in self.flows)
        )
        return segments, subnets, {pair: "; ".join(ports) for pair, ports in cells.items()}


def network_view(plan: Plan, workloads: tuple[tuple[str, str], ...]) -> NetworkView:
    """The plan's network as the report draws it; `workloads` are (workload, size) rows."""
    gateway = None
    if plan.vpn is not None:
        tunnels = f"{counted(plan.vpn.tunnels, 'tunnel')} from {counted(plan.vpn.sites, 'site')}"
        gateway = f"VPN gateway {plan.vpn.sku}: {tunnels}"
        if plan.vpn.virtual_wan is not None:
            hub = plan.vpn.virtual_wan
            gateway = (
                f"Virtual WAN hub {hub.address_prefix}, VPN gateway of "
                f"{counted(hub.scale_units, 'scale unit')}: {tunnels}"
            )
    kinds = _segment_kinds(plan.sites)
    segment_order = {kind.name: index for index, kind in enumerate(kinds)}
    subnet_order = {subnet.name: index for index, subnet in enumerate(plan.core.subnets)}
    return NetworkView(
        cloud=plan.cloud,
        region=plan.practice.region,
        hub_space=plan.core.address_space,
        firewall_tier=plan.core.firewall_tier,
        gateway=gateway,
        subnets=tuple(SubnetBox(s.name, s.cidr, s.purpose) for s in plan.core.subnets),
        workloads=workloads,
        segment_kinds=kinds,
        # Flows in the order of the segments and subnets they join, so fewer lines cross.
        flows=tuple(
            sorted(
                _flow_kinds(plan.flows),
                key=lambda f: (segment_order[f.segment], subnet_order[f.subnet], f.id),
            )
        ),
        sites=tuple(_card(site) for site in plan.sites),
    )


def _card(site: SitePlan) -> SiteCard:
    tunnel = None
    if site.vpn is not None:
        tunnel = f"{site.vpn.peer_ip}, {site.vpn.bandwidth_mbps} Mbps, {site.vpn.routing}"
    return SiteCard(
        id=site.id,
        name=site.name,
        kind=site.kind,
        block=site.block_label,
        tunnel=tunnel,
        segments=tuple(
            SegmentBox(s.name, s.vlan, s.cidr, s.devices, s.capacity, s.crosses_vpn)
            for s in site.segments
        ),
    )


def _segment_kinds(sites: tuple[SitePlan, ...]) -> tuple[SegmentKind, ...]:
    found: dict[str, list[tuple[int, int, bool]]] = defaultdict(list)
    for site in sites:
        for segment in site.segments:
            found[segment.name].append((segment.vlan, segment.devices, segment.crosses_vpn))
    kinds = (
        SegmentKind(
            name=name,
            vlans=tuple(sorted({vlan for vlan, _, _ in items})),
            sites=len(items),
            devices=sum(devices for _, devices, _ in items),
            crosses_vpn=any(crosses for _, _, crosses in items),
        )
        for name, items in found.items()
    )
    # In VLAN order, as an installer reads a switch.
    return tuple(sorted(kinds, key=lambda kind: (kind.vlans, kind.name)))


def _flow_kinds(flows: tuple[Flow, ...]) -> tuple[FlowKind, ...]:
    by_id: dict[str, list[Flow]] = defaultdict(list)
    for flow in flows:
        by_id[flow.id].append(flow)
    return tuple(
        FlowKind(
            id=flow_id,
            segment=same[0].source if same[0].direction == SITE_TO_CLOUD else same[0].destination,
            subnet=same[0].destination if same[0].direction == SITE_TO_CLOUD else same[0].source,
            outbound=same[0].direction == SITE_TO_CLOUD,
            ports=f"{same[0].protocol} {', '.join(str(port) for port in same[0].ports)}",
            sites=len(same),
        )
        for flow_id, same in by_id.items()
    )
