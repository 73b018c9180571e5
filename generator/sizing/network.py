"""Network sizing rules: which segments and hub subnets exist, and how big each must be.

Sources: clinicgen's design in docs/architecture.md#address-plan,
docs/architecture.md#growth-factors and docs/architecture.md#segmentation; the segment
catalogue (catalog/segments.yaml) and the hub subnet catalogue (catalog/cloud_subnets.yaml),
each entry with its own source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.catalog import load
from generator.ipam.addresses import prefix_for, size_of, usable
from generator.plan.model import Decision
from generator.profile.model import Site
from generator.sizing.sized import Sized, assumed, grown
from generator.wording import counted


@dataclass(frozen=True)
class RangeSize:
    """How many addresses a segment or subnet needs and the prefix that holds them."""

    devices: int
    required: int  # hosts needed: devices x growth
    prefix: int
    capacity: int  # usable hosts in a /prefix, after the reserved addresses


def segment_catalog() -> dict[str, Any]:
    return dict(load("segments")["segments"])


def reserved_addresses(where: str) -> int:
    """Addresses a network takes from each range: `onprem`, `azure` or `gcp`."""
    return int(load("segments")["reserved_addresses"][where]["count"])


def min_prefix() -> int:
    return int(load("segments")["min_prefix"]["value"])


def segment_growth(segment: str, site_kind: str) -> float:
    """The segment's own growth factor when the catalogue sets one, else the site kind's."""
    catalog = load("segments")
    own = catalog["segments"][segment].get("growth")
    return float(own if own is not None else catalog["site_kinds"][site_kind]["growth"])


def workstation_split(site_id: str, kind: str, workstations: int) -> Sized[dict[str, int]]:
    """NET-DEV-01: split a site's workstations between the clinical and admin segments.

    Source: catalog/segments.yaml site_kinds (HHS 405(d) HICP practice 6, Network Management;
    NIST SP 1800-8; assumptions stated in the reason): small sites keep office PCs on the
    clinical VLAN, hospitals separate business systems,
    an admin office has no clinical PCs. The first segment takes the remainder.
    """
    shares = load("segments")["site_kinds"][kind]["workstations"]
    names = list(shares)
    split = {name: grown(workstations, float(shares[name])) for name in names[1:]}
    split = {names[0]: max(workstations - sum(split.values()), 0), **split}
    text = ", ".join(f"{name} {count}" for name, count in split.items())
    reason = f"{counted(workstations, 'workstation')} at {site_id} ({kind}): {text}" + assumed(
        load("segments")["site_kinds"][kind]
    )
    return Sized(split, Decision("NET-DEV-01", f"sites.{site_id}.workstations", text, reason))


def management_devices(site_id: str, endpoints: int) -> Sized[int]:
    """NET-DEV-02: network-management devices a site needs, derived from its endpoints.

    Source: catalog/segments.yaml management_devices (an assumption, stated in the reason: one
    managed switch or access point per 24 endpoints, plus the edge firewall and the VPN device).
    """
    rule = load("segments")["management_devices"]
    per, fixed = int(rule["endpoints_per_device"]), int(rule["fixed"])
    count = -(-endpoints // per) + fixed
    reason = (
        f"management at {site_id}: {endpoints} endpoints / {per} per switch or access point "
        f"(rounded up) + {fixed} (firewall, VPN device) = {count}{assumed(rule)}"
    )
    return Sized(count, Decision("NET-DEV-02", f"sites.{site_id}.management", str(count), reason))


def segment_devices(site: Site, modalities: int) -> tuple[dict[str, int], list[Decision]]:
    """Device count per catalogue segment at `site` (0: the segment does not exist), and the
    decisions behind the counts not taken straight from the profile.

    `modalities` is the site's imaging count after WL-IMG-01 (imaging-heavy specialties
    imply at least one modality).
    """
    devices = site.devices
    split = workstation_split(site.id, site.kind, devices.workstations)
    endpoints = devices.endpoint_count() - devices.imaging_modalities + modalities
    management = management_devices(site.id, endpoints)
    counts = {
        "medical-devices": devices.medical_devices,
        "lab": devices.lab_analysers,
        "imaging": modalities,
        "voice": devices.phones,
        "printers": devices.printers,
        "payment": devices.payment_terminals,
        "building": devices.building_systems,
        "vendor-access": devices.vendor_access,
        "guest": devices.guest_wifi_peak,
        "management": management.value,
        **split.value,
    }
    decisions = [split.decision, management.decision]
    return {name: counts.get(name, 0) for name in segment_catalog()}, decisions


def segment_presence(site: Site, segment: str, devices: int) -> Decision | None:
    """NET-SEG-02: a segment exists only where something plugs into it.

    Source: docs/architecture.md#segmentation (no imaging segment without modalities; guest
    only where guest_wifi_peak > 0). None when the segment exists. The reason says why
    nothing plugs in: the profile counts none, or the site kind puts the site's workstations
    on another segment (NET-DEV-01).
    """
    if devices > 0:
        return None
    field = str(segment_catalog()[segment]["devices"])
    workstations = site.devices.workstations
    if field == "workstations" and workstations > 0:
        shares = load("segments")["site_kinds"][site.kind]["workstations"]
        holders = " and ".join(name for name, share in shares.items() if float(share) > 0)
        why = (
            f"a site of kind {site.kind} puts its {counted(workstations, 'workstation')} on "
            f"{holders}, none on {segment} (NET-DEV-01)"
        )
    else:
        why = f"devices.{field} is 0"
    return Decision(
        "NET-SEG-02",
        f"sites.{site.id}.segments.{segment}",
        "absent",
        f"{segment} at {site.id}: not created: {why}",
    )


def segment_size(
    site_id: str, segment: str, devices: int, growth: float, reserved: int
) -> Sized[RangeSize]:
    """NET-SEG-01: the smallest prefix holding devices x growth + reserved, never below /28.

    Source: docs/architecture.md#address-plan; catalog/segments.yaml (growth per segment and
    site kind, 3 reserved addresses on an on-prem VLAN: network, gateway, broadcast).
    """
    with_growth = grown(devices, growth)
    addresses = with_growth + reserved
    prefix = prefix_for(addresses, min_prefix())
    capacity = usable(prefix, reserved)
    reason = (
        f"{segment} at {site_id}: {counted(devices, 'device')} x {growth:g} growth = "
        f"{with_growth}, + {reserved} reserved = {addresses} addresses needed -> /{prefix} "
        f"({size_of(prefix)} addresses, room for {counted(capacity, 'device')})"
    )
    size = RangeSize(devices=devices, required=with_growth, prefix=prefix, capacity=capacity)
    return Sized(
        size, Decision("NET-SEG-01", f"sites.{site_id}.segments.{segment}", f"/{prefix}", reason)
    )


def site_block_prefix(site_id: str, segment_prefixes: list[int]) -> Sized[int]:
    """NET-BLK-01: a site's block holds all its segments, widened by the catalogue's headroom.

    Source: docs/architecture.md#allocation-ledger (a block per site, stable; a site outgrowing
    it is an error); catalog/segments.yaml site_block_headroom_bits. Power-of-two ranges placed
    largest first pack without gaps, so the sum of their sizes is what the block must hold.
    """
    headroom = int(load("segments")["site_block_headroom_bits"]["value"])
    total = sum(size_of(prefix) for prefix in segment_prefixes)
    tight = prefix_for(total, min_prefix())
    prefix = max(tight - headroom, 0)
    reason = (
        f"site {site_id}: segments take {total} addresses -> /{tight}, "
        f"+{headroom} bit headroom for growth -> /{prefix}"
    )
    return Sized(prefix, Decision("NET-BLK-01", f"sites.{site_id}.block", f"/{prefix}", reason))


def segment_pool_prefix(
    kind: str, segment_prefixes: list[int], sites: int, room: int
) -> Sized[int]:
    """NET-POOL-01 (Azure Virtual WAN): the pool every pooled site's `kind` segment is placed
    in, sized once for good: `room` sites (the profile's limit less the sites that keep blocks
    of their own) at the average `kind` segment of the profile's `sites` sites today
    (`segment_prefixes`, one per site that has the segment), rounded up to a power of two.

    Source: docs/architecture.md#segment-pools (a pool never moves: every pooled site's rules
    are the core's, with the pool as their site end).
    """
    total = sum(size_of(prefix) for prefix in segment_prefixes)
    needed = -(-total * room // sites)
    prefix = prefix_for(needed, min_prefix())
    reason = (
        f"{kind}: {counted(len(segment_prefixes), 'site')} of {sites} have the segment, "
        f"{total} addresses in all; room for {room} sites at that average = {needed} "
        f"addresses -> /{prefix}"
    )
    return Sized(
        prefix, Decision("NET-POOL-01", f"core.segment_pools.{kind}", f"/{prefix}", reason)
    )


def subnet_catalog(cloud: str) -> dict[str, Any]:
    return dict(load("cloud_subnets")[cloud])


# What each `when` condition of catalog/cloud_subnets.yaml is, for a reason: (planned, not).
SUBNET_CONDITIONS = {
    "vpn": ("site VPNs", "no site VPN"),
    "firewall": ("a hub firewall", "no hub firewall"),
    "imaging": ("PACS / DICOM imaging", "no PACS / DICOM imaging"),
    "ingest": ("device ingest", "no device ingest"),
    "telehealth": ("telehealth", "no telehealth"),
    "waf": (
        "a web application firewall in front of telehealth",
        "no web application firewall in front of telehealth",
    ),
}


def subnet_presence(cloud: str, subnet: str, conditions: dict[str, bool]) -> Sized[bool]:
    """NET-SUB-02: which hub subnets exist: always, or when their workload or feature does.

    Source: catalog/cloud_subnets.yaml `when` (a hub subnet exists while the workload or
    feature it serves is planned).
    """
    when = subnet_catalog(cloud)[subnet]["when"]
    present = when == "always" or conditions[when]
    state = "present" if present else "absent"
    if when == "always":
        reason = f"{subnet}: always planned"
    else:
        included, excluded = SUBNET_CONDITIONS[when]
        reason = (
            f"{subnet}: {'planned' if present else 'not planned'}: "
            f"the plan includes {included if present else excluded}"
        )
    return Sized(present, Decision("NET-SUB-02", f"core.subnets.{subnet}", state, reason))


def subnet_size(cloud: str, subnet: str, extra_hosts: int) -> Sized[RangeSize]:
    """NET-SUB-01: hub subnet = hosts x growth + the cloud's reserved addresses, at least the
    cloud's own floor for that subnet (GatewaySubnet /27, AzureBastionSubnet /26, ...).

    Source: catalog/cloud_subnets.yaml (Azure reserves 5 addresses per subnet, GCP 4; the
    per-subnet floors cite the cloud's docs); docs/architecture.md#address-plan.
    """
    entry = subnet_catalog(cloud)[subnet]
    growth = float(load("cloud_subnets")["growth"]["value"])
    reserved = reserved_addresses(cloud)
    base = int(entry["hosts"])
    hosts = base + extra_hosts
    with_growth = grown(hosts, growth)
    addresses = with_growth + reserved
    fitted = prefix_for(addresses, min_prefix())
    floor = int(entry.get("min_prefix", min_prefix()))
    prefix = min(fitted, floor)
    capacity = usable(prefix, reserved)
    listed = f"{base} + {extra_hosts} {entry['plus']} = " if entry.get("plus") else ""
    floor_text = f", cloud minimum /{floor}" if floor < fitted else ""
    reason = (
        f"{subnet}: {listed}{hosts} hosts x {growth:g} growth = {with_growth}, + {reserved} "
        f"reserved = {addresses} addresses needed -> /{prefix}{floor_text} "
        f"({size_of(prefix)} addresses, room for {counted(capacity, 'host')})"
    )
    size = RangeSize(devices=hosts, required=with_growth, prefix=prefix, capacity=capacity)
    return Sized(size, Decision("NET-SUB-01", f"core.subnets.{subnet}", f"/{prefix}", reason))


def hub_block_prefix(present: list[int], absent: list[int]) -> Sized[int]:
    """NET-HUB-01: the hub block holds every catalogue subnet of the cloud (absent ones at their
    base size, so turning a workload on later never moves the hub), widened for growth.

    Source: catalog/cloud_subnets.yaml core_block_headroom_bits;
    docs/architecture.md#address-plan.
    """
    headroom = int(load("cloud_subnets")["core_block_headroom_bits"]["value"])
    total = sum(size_of(prefix) for prefix in present + absent)
    tight = prefix_for(total, min_prefix())
    prefix = max(tight - headroom, 0)
    reason = (
        f"hub: {len(present)} subnets + room for {len(absent)} not yet planned take {total} "
        f"addresses -> /{tight}, +{headroom} bit headroom -> /{prefix}"
    )
    return Sized(prefix, Decision("NET-HUB-01", "core.address_space", f"/{prefix}", reason))


def firewall_tier(
    sites: int,
    devices: int,
    aggregate_mbps: int,
    compliance: tuple[str, ...],
    kinds: set[str],
    floor: str | None = None,
) -> Sized[str]:
    """NET-FW-01: NSGs alone for one small site; else Standard, or Premium (IDPS and TLS
    inspection) for hospitals and HITRUST; never below the profile's `floor`
    (`practice.min_firewall_tier`).

    Source: catalog/skus.yaml firewall (Azure Firewall features by SKU; HITRUST CSF 09.m);
    clinicgen's choice of tier by size, NSGs alone for one small site
    (docs/architecture.md#segmentation).
    """
    rule = load("skus")["firewall"]
    premium_by = sorted(set(compliance) & set(rule["premium_when_compliance"]))
    premium_by += sorted(kinds & set(rule["premium_when_site_kinds"]))
    if premium_by:
        tier, why = "premium", f"{', '.join(premium_by)} needs IDPS and TLS inspection"
    elif (
        sites <= rule["small_practice_max_sites"] and devices <= rule["small_practice_max_devices"]
    ):
        tier = "none"
        why = (
            f"{counted(sites, 'site')}, {counted(devices, 'device')} "
            f"(<= {rule['small_practice_max_devices']}): "
            "NSGs / firewall rules alone"
        )
    else:
        tier = "standard"
        why = (
            f"{counted(sites, 'site')}, {counted(devices, 'device')}, "
            f"{aggregate_mbps} Mbps aggregate: hub firewall"
        )
    tiers = rule["tiers"]
    if floor is not None and tiers.index(floor) > tiers.index(tier):
        why = f"{why}; raised from {tier} to practice.min_firewall_tier {floor}"
        tier = floor
    return Sized(tier, Decision("NET-FW-01", "core.firewall_tier", tier, f"firewall {tier}: {why}"))


def bastion() -> Sized[bool]:
    """NET-BAS-01: every practice gets a bastion: the only path for administrative sessions.

    Source: docs/architecture.md#segmentation (management only from the bastion, TCP
    22/3389).
    """
    reason = "administrative sessions to sites and VMs go through the bastion only"
    return Sized(True, Decision("NET-BAS-01", "core.bastion", "true", reason))
