"""Both clouds' programs read the same plan: every cloud-neutral field the stacks carry is read
by the Azure and the Google Cloud blueprints alike. A field only one cloud builds with, or one
that is there for the reviewer and the installer rather than for a resource, is declared below
with the reason. A field one cloud silently ignored (as Google Cloud once ignored
`telehealth.recording`) fails here.

The programs run under mocks on plans whose every dataclass is wrapped in a proxy that
records each field the program reads, by its path in the stack's plan (`[]` for any item).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import blueprints.program
from generator.ipam.ledger import Ledger
from generator.plan.codec import from_data
from generator.plan.model import CoreStackPlan, SiteStackPlan, split_into_stacks
from generator.preview.runner import run_core, run_site
from generator.profile.model import Profile
from generator.sizing import build_plan
from tests.blueprints.azure.azure_runs import variant as azure_variant
from tests.blueprints.gcp.gcp_runs import variant as gcp_variant
from tests.blueprints.practice_runs import run_practice


def with_own_suite(variant: Callable[[str], Profile]) -> Callable[[str], Profile]:
    """`variant` with its last VPN site on an IPsec suite of its own (connectivity.vpn_crypto),
    so the program reads a site's own suite too."""

    def changed(name: str) -> Profile:
        profile = variant(name)
        sites = list(profile.sites)
        index = max(i for i, site in enumerate(sites) if site.connectivity.vpn_peer_ip)
        connectivity = dataclasses.replace(
            sites[index].connectivity, vpn_crypto="aes256-sha256-dh14"
        )
        sites[index] = dataclasses.replace(sites[index], connectivity=connectivity)
        return dataclasses.replace(profile, sites=tuple(sites))

    return changed


# Practices that together reach every branch of each cloud's program.
PRACTICES = {
    "azure": [("lakeside", azure_variant), ("maple-recorded", with_own_suite(azure_variant))],
    "gcp": [
        ("brightsmile", gcp_variant),
        ("harbor-hosted", gcp_variant),
        ("harbor-recorded", with_own_suite(gcp_variant)),
        ("brightsmile-far-dr", gcp_variant),
    ],
}


# A virtual hub prefix outside lakeside's pool allocations, for the Virtual WAN run.
HUB = "10.79.254.0/23"


def declare(reason: str, *paths: str) -> dict[str, str]:
    return dict.fromkeys(paths, reason)


# Read by one cloud only: the path and the cloud that reads it. Each group says why.
CLOUD_SPECIFIC = {
    # Google Cloud places archives, keys and snapshots and spreads instances over zones
    # (GCP-PLC-01); Azure's storage and vault redundancy are SKUs chosen from `redundancy`.
    **dict.fromkeys(
        (
            "core.placement.zones",
            "core.placement.bucket_location",
            "core.placement.data_locations",
            "core.placement.key_location",
            "core.placement.copy_region",
            "core.placement.turbo_replication",
            "core.placement.snapshot_location",
            "core.practice.gcp_project",
            # What the core stack sets up in the Google Cloud project itself (GCP-API-01,
            # GCP-ORG-01).
            "core.gcp.org_policies",
            "core.gcp.apis",
            "site.practice.gcp_project",
            # Backup and DR and bucket lifecycles count days; Azure policies count weeks,
            # months and years natively (the plan's weekly_weeks, monthly_months, yearly_years).
            "core.backup.retention_days.weekly",
            "core.backup.retention_days.monthly",
            "core.backup.retention_days.yearly",
            # Subnets carry a description on Google Cloud; Azure subnets have none.
            "core.core.subnets[].purpose",
            # Google Cloud's WAF sits behind an HTTPS load balancer whose managed certificate
            # needs the name patients open; App Service has its own name and certificate.
            "core.workloads.telehealth.domain",
            # Cloud Run sizes a revision by CPU and memory; App Service by its plan SKU.
            "core.workloads.telehealth.cpu",
            "core.workloads.telehealth.memory_gb",
            # Each Google Cloud site stack denies other egress to its block and on-prem ranges
            # (firewall rules are network-wide); Azure's NSGs end in their own explicit denies.
            "site.site.block",
            "site.site.onprem_ranges",
            # HA VPN BGP sessions run on link-local addresses per tunnel.
            "site.site.vpn.bgp_sessions[].tunnel",
            "site.site.vpn.bgp_sessions[].cloud_address",
            "site.site.vpn.bgp_sessions[].site_address",
            "site.site.vpn.bgp_sessions[].prefix_length",
            # Cloud Routers take 128 BGP peers, five to a region (VPN-RTR-01/02/03); an Azure
            # VPN gateway peers with every site itself.
            "core.core.routing_mode",
            "core.vpn.routers[].slot",
            "core.vpn.routers[].region",
            "site.site.vpn.router.slot",
            "site.site.vpn.router.region",
        ),
        "gcp",
    ),
    **dict.fromkeys(
        (
            # Recovery Services vault and storage SKUs carry redundancy and cross-region restore.
            "core.backup.redundancy",
            "core.backup.cross_region_restore",
            # A VNet has an address space; a Google Cloud VPC has only its subnets.
            "core.core.address_space",
            # Azure Firewall by tier; Google Cloud's firewall posture needs no appliance.
            "core.core.firewall_tier",
            # Log Analytics keeps an interactive window before archive; a Google Cloud log
            # bucket has one retention (log_archive_days, read by both).
            "core.monitoring.log_retention_days",
            "core.monitoring.defender_plans",
            # SKUs of Azure products: the VPN gateway, IoT Hub, the App Service plan.
            "core.vpn.sku",
            "core.workloads.ingest.tier",
            "core.workloads.ingest.units",
            "core.workloads.telehealth.sku",
            # NSG rules name the hub subnet they sit on; Google Cloud firewall rules are
            # network-wide and match the flow's ranges (source_cidrs, destination_cidrs).
            "site.flows[].source",
            "site.flows[].destination",
            # Cloud VPN fixes SA lifetimes itself: the plan's are the site device's to match.
            "site.ipsec.sa_data_size_kb",
            "site.ipsec.sa_lifetime_seconds",
            "site.site.vpn.ipsec.sa_data_size_kb",
            "site.site.vpn.ipsec.sa_lifetime_seconds",
            # Azure routes a site statically or with BGP; HA VPN always with BGP, where the site
            # advertises its prefixes and the Azure BGP site peers from its router's address.
            "site.site.vpn.routing",
            "site.site.vpn.local_prefixes",
            "site.site.vpn.bgp_peer_address",
            # The persona groups' MFA: an Entra ID Conditional Access policy (IAM-MFA-01);
            # Google's 2-Step Verification is set in the Admin console, not by a stack.
            "core.identity.conditional_access",
            # Past one VNet gateway's 100 tunnels Azure builds a Virtual WAN hub (VPN-VWAN-01);
            # Google Cloud adds Cloud Routers and HA VPN gateways instead (VPN-RTR-01/02).
            "core.vpn.virtual_wan.wan_type",
            "core.vpn.virtual_wan.address_prefix",
            "core.vpn.virtual_wan.scale_units",
            "site.site.vpn.virtual_wan",
            # A Virtual WAN VPN site declares its link speed and the connection its bandwidth.
            "site.site.vpn.bandwidth_mbps",
            # Sites placed on a Virtual WAN hub are pooled: the core holds one NSG rule per
            # flow for all of them, their own stacks none.
            "core.core.pool_flows[].id",
            "core.core.pool_flows[].source",
            "core.core.pool_flows[].destination",
            "core.core.pool_flows[].protocol",
            "core.core.pool_flows[].ports",
            "core.core.pool_flows[].direction",
            "core.core.pool_flows[].source_cidrs",
            "core.core.pool_flows[].destination_cidrs",
            "core.core.pool_flows[].priority",
            "core.core.pool_flows[].reason",
            "site.flows[].pooled",
        ),
        "azure",
    ),
}

# In the stack's plan for the reviewer and the installer (handoff sheet, plan report) or as
# the inputs a deployed value was sized from; no resource reads them, on either cloud.
NOT_DEPLOYED = {
    **declare(
        "display text and sizing inputs: never part of a resource",
        "core.practice.name",
        "site.practice.name",
        "site.site.name",
        "site.site.kind",
        "site.site.staff",
        "site.site.specialties",
    ),
    **declare(
        "the program picks the cloud's blueprints by it before the plan is decoded",
        "core.practice.cloud",
        "site.practice.cloud",
    ),
    **declare(
        "sizing inputs: the policy initiatives, record retention and DR placement they chose"
        " are what deploys",
        "core.practice.compliance",
        "site.practice.compliance",
        "core.practice.jurisdiction",
        "site.practice.jurisdiction",
        "core.practice.dr_region",
        "site.practice.dr_region",
        "core.backup.dr_region",
        "core.backup.rpo_hours",
        "core.backup.record_retention_years",
        "core.workloads.imaging.retention_years",
    ),
    **declare(
        "the same number as daily_days, which both clouds read",
        "core.backup.retention_days.daily",
    ),
    **declare(
        "sizing arithmetic shown to the reviewer: the sizes it chose are what deploys",
        "core.core.subnets[].capacity",
        "core.core.subnets[].required",
        "core.vpn.aggregate_mbps",
        "core.vpn.max_mbps",
        "core.vpn.max_tunnels",
        "core.vpn.sites",
        "core.vpn.tunnels",
        "core.workloads.ehr.concurrent_users",
        "core.workloads.ehr.memory_gb",
        "core.workloads.ehr.vcpus",
        "core.workloads.imaging.modalities",
        "core.workloads.imaging.storage_gb_per_year",
        "core.workloads.imaging.studies_per_year",
        "core.workloads.imaging.total_storage_gb",
        "core.workloads.ingest.devices",
        "core.workloads.ingest.messages_per_day",
        "core.workloads.telehealth.egress_mbps",
        "core.workloads.telehealth.peak_sessions",
    ),
    **declare(
        "where the platform facts came from, for the reviewer",
        "core.platform.catalog",
        "core.platform.version",
        "site.platform.catalog",
        "site.platform.version",
    ),
    **declare(
        "on-premises: the installer configures the site's VLANs from the handoff sheet; the"
        " cloud side reads the flows' ranges and the VPN's prefixes derived from them",
        "site.flows[].site",
        "site.site.priority_base",
        "site.site.segments[].capacity",
        "site.site.segments[].cidr",
        "site.site.segments[].crosses_vpn",
        "site.site.segments[].devices",
        "site.site.segments[].dhcp_end",
        "site.site.segments[].dhcp_start",
        "site.site.segments[].gateway",
        "site.site.segments[].name",
        "site.site.segments[].purpose",
        "site.site.segments[].required",
        "site.site.segments[].vlan",
    ),
    **declare(
        "the segment pools hold the pooled sites' segments: the core's rules read their ranges"
        " from its pool flows, which name no site and are never a site's pooled flow",
        "core.core.segment_pools[].name",
        "core.core.segment_pools[].cidr",
        "core.core.pool_flows[].site",
        "core.core.pool_flows[].pooled",
    ),
}


def leaf_paths(cls: type, prefix: str) -> Iterator[str]:
    """Every leaf field path of a plan dataclass: dataclasses opened, tuples as `[]`."""
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        yield from _paths(hints[field.name], f"{prefix}.{field.name}")


def _paths(annotation: Any, path: str) -> Iterator[str]:
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        (member,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        yield from _paths(member, path)
    elif origin is tuple and dataclasses.is_dataclass(typing.get_args(annotation)[0]):
        yield from _paths(typing.get_args(annotation)[0], f"{path}[]")
    elif dataclasses.is_dataclass(annotation):
        yield from leaf_paths(annotation, path)  # type: ignore[arg-type]
    else:
        yield path


class Traced:
    """A plan dataclass that records the path of every field read through it."""

    def __init__(self, value: Any, path: str, seen: set[str]) -> None:
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_seen", seen)

    def __getattr__(self, name: str) -> Any:
        value, path, seen = self._value, self._path, self._seen
        names = {field.name for field in dataclasses.fields(value)}
        if name in names:
            return traced(getattr(value, name), f"{path}.{name}", seen)
        member = getattr(type(value), name)
        if isinstance(member, property):
            return member.fget(self)  # type: ignore[misc]
        if callable(member):
            return types.MethodType(member, self)
        return getattr(value, name)


def traced(value: Any, path: str, seen: set[str]) -> Any:
    if dataclasses.is_dataclass(value):
        return Traced(value, path, seen)
    if isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
        return tuple(Traced(item, f"{path}[]", seen) for item in value)
    seen.add(path)
    return value


def read_paths(cloud: str, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    seen: set[str] = set()

    def tracing_from_data(cls: type, data: Any) -> Any:
        kind = "core" if cls is CoreStackPlan else "site"
        return traced(from_data(cls, data), kind, seen)

    monkeypatch.setattr(blueprints.program, "from_data", tracing_from_data)
    for name, variant in PRACTICES[cloud]:
        run_practice(f"parity-{name}", variant(name))
    if cloud == "azure":
        _run_on_a_virtual_wan(azure_variant("lakeside"))
    return seen


def _run_on_a_virtual_wan(profile: Profile) -> None:
    """The Virtual WAN branch of the Azure program, reached without a 101-site practice: the
    practice planned from a ledger that holds a Virtual WAN hub and none of its sites, so it
    stays on the hub (VPN-VWAN-01) and every site is pooled."""
    _plan, ledger = build_plan(profile)
    on_a_hub = Ledger(
        ledger.practice,
        ledger.cloud,
        ledger.pool,
        dataclasses.replace(ledger.core, virtual_hub=HUB),
    )
    plan, _ledger = build_plan(profile, on_a_hub)
    assert plan.vpn is not None and plan.vpn.virtual_wan is not None
    assert plan.core.pool_flows
    core_plan, site_plans = split_into_stacks(plan)
    core = run_core(core_plan)
    for site_plan in site_plans:
        run_site(site_plan, core)


@pytest.fixture(scope="module")
def readers() -> dict[str, set[str]]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return {cloud: read_paths(cloud, monkeypatch) for cloud in PRACTICES}


FIELDS = sorted({*leaf_paths(CoreStackPlan, "core"), *leaf_paths(SiteStackPlan, "site")})


@pytest.mark.parametrize("path", FIELDS)
def test_every_plan_field_is_read_as_declared(path: str, readers: dict[str, set[str]]) -> None:
    reading = {cloud for cloud, seen in readers.items() if path in seen}
    if path in NOT_DEPLOYED:
        expected: set[str] = set()
    elif path in CLOUD_SPECIFIC:
        expected = {CLOUD_SPECIFIC[path]}
    else:
        expected = {"azure", "gcp"}
    assert reading == expected, f"{path} is read by {sorted(reading) or 'neither cloud'}"


def test_every_declaration_names_a_plan_field() -> None:
    assert set(CLOUD_SPECIFIC) | set(NOT_DEPLOYED) <= set(FIELDS)
