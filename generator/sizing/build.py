"""Profile -> Plan: run every sizing rule, place every range, collect every decision.

The order matters only where one rule feeds another: retention feeds imaging storage; the
workloads decide which hub subnets exist; the segments and subnets decide the flows; the
address plan (through the ledger) gives every range its place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from generator.catalog import load
from generator.errors import Problem, ProfileError
from generator.ipam import AddressRequest, Ledger, RangeRequest, SiteRequest, allocate
from generator.ipam.addresses import lan_addresses, usable
from generator.ipam.addresses import network as network_of
from generator.ipam.ledger import SiteAllocation
from generator.plan.model import (
    PLAN_SCHEMA_VERSION,
    ArchivePlacement,
    CloudRouter,
    CoreNetwork,
    Decision,
    Flow,
    GcpProject,
    IdentityPlan,
    MonitoringPlan,
    Plan,
    PracticeInfo,
    Segment,
    SegmentPool,
    SitePlan,
    SiteVpn,
    Subnet,
    VpnGateway,
    WorkloadPlan,
)
from generator.profile.model import Profile, Site
from generator.profile.schema import MAX_SITES
from generator.sizing import (
    backup,
    capacity,
    flows,
    identity,
    monitoring,
    network,
    platform,
    vpn,
    workloads,
)
from generator.sizing.network import RangeSize
from generator.sizing.sized import Sized, T


@dataclass
class _Decisions:
    """Collects decisions in the order rules ran; `take` unwraps a rule's value."""

    items: list[Decision] = field(default_factory=list)

    def take(self, sized: Sized[T]) -> T:
        self.items.append(sized.decision)
        return sized.value


@dataclass(frozen=True)
class _SiteSizing:
    site: Site
    sizes: dict[str, RangeSize]  # present segments only, catalog order
    block_prefix: int


def build_plan(profile: Profile, ledger: Ledger | None = None) -> tuple[Plan, Ledger]:
    """Size `profile` into a Plan, placing addresses so that `ledger`'s allocations hold.

    Returns the plan and the updated ledger (unchanged allocations kept, new ones added,
    removed sites retired). Raises PlanError when the profile cannot be planned.
    """
    practice = profile.practice
    cloud = practice.cloud
    log = _Decisions()
    kinds = {site.kind for site in profile.sites}
    specialties = {s for site in profile.sites for s in site.specialties}
    modalities = {site.id: log.take(workloads.site_modalities(site)) for site in profile.sites}
    record_years = log.take(
        backup.record_retention(
            practice.jurisdiction,
            practice.compliance,
            kinds,
            specialties,
            profile.backup.retention_years,
            modalities=frozenset(m for site in profile.sites for m, _n in site.devices.modalities),
            imaging=any(modalities.values()),
        )
    )
    planned = _size_workloads(profile, modalities, record_years, log)

    vpn_sites = [site for site in profile.sites if site.connectivity.vpn_peer_ip]
    aggregate = sum(site.connectivity.bandwidth_mbps for site in vpn_sites)
    devices_total = sum(site.devices.endpoint_count() for site in profile.sites)
    firewall = log.take(
        network.firewall_tier(
            len(profile.sites),
            devices_total,
            aggregate,
            practice.compliance,
            kinds,
            practice.min_firewall_tier,
        )
    )
    bastion = log.take(network.bastion())
    sitings = [_size_site(site, modalities[site.id], log) for site in profile.sites]
    subnet_sizes, hub_prefix = _size_hub(cloud, planned, bool(vpn_sites), firewall, log)
    flow_ids = {
        s.site.id: log.take(
            flows.site_flow_ids(
                s.site.id, set(s.sizes), set(subnet_sizes), hosted_ehr=planned.ehr is not None
            )
        )
        for s in sitings
    }
    tunnels = {
        site.id: log.take(vpn.site_tunnels(cloud, site.id, site.connectivity.bandwidth_mbps))
        for site in vpn_sites
    }
    regions: tuple[str, ...] = ()
    if cloud == "gcp" and vpn_sites:
        regions = log.take(vpn.router_regions(practice.region, practice.dr_region))
    # Once on a Virtual WAN hub a practice stays on it: going back below 101 sites would
    # replace its hub connectivity a second time for nothing.
    hub_held = ledger is not None and ledger.core.virtual_hub is not None and bool(vpn_sites)
    virtual_wan = vpn.needs_virtual_wan(cloud, sum(tunnels.values())) or hub_held
    pooled = _pooled_sites(profile, ledger, virtual_wan)
    # A pooled site gets no block, so the size NET-BLK-01 gave one explains nothing.
    moot = {f"sites.{site}.block" for site in pooled}
    log.items = [d for d in log.items if not (d.rule == "NET-BLK-01" and d.subject in moot)]
    _check_capacity(profile, flow_ids, tunnels, len(regions), pooled)
    request = _address_request(
        profile, sitings, subnet_sizes, hub_prefix, flow_ids, tunnels, regions, virtual_wan
    )
    if pooled:
        request = dataclasses.replace(
            request,
            pool_new_sites=virtual_wan,
            segment_pools=_segment_pools(sitings, ledger, log) if virtual_wan else (),
            pool_flows=tuple(
                flow for flow in flows.flow_matrix() if any(flow in flow_ids[s] for s in pooled)
            ),
        )
    allocation = allocate(request, ledger)
    log.items.extend(allocation.decisions)
    placed = allocation.ledger
    routers: tuple[CloudRouter, ...] = ()
    if regions:
        slots = {site.router for site in placed.sites if site.router is not None}
        routers = log.take(vpn.cloud_routers(regions, slots))
    mode = log.take(vpn.routing_mode(practice.region, routers)) if cloud == "gcp" else None

    core = _core_network(cloud, placed, subnet_sizes, firewall, bastion, mode)
    subnet_cidrs = {s.name: s.cidr for s in core.subnets}
    pool_priorities = {f.flow: f.priority for f in placed.core.pool_flows}
    if pooled:
        core = _with_segment_pools(core, placed, request.pool_flows, pool_priorities)
    site_plans: list[SitePlan] = []
    all_flows: list[Flow] = []
    for sizing in sitings:
        allocated = placed.site(sizing.site.id)
        assert allocated is not None
        site_plan = _site_plan(
            cloud,
            sizing,
            allocated,
            tunnels.get(sizing.site.id, 0),
            routers,
            virtual_wan,
            practice.vpn_crypto,
            log,
        )
        site_plans.append(site_plan)
        site_flows = flows.site_flows(
            sizing.site.id,
            flow_ids[sizing.site.id],
            {segment.name: segment.cidr for segment in site_plan.segments},
            subnet_cidrs,
            pool_priorities if allocated.pooled else {f.flow: f.priority for f in allocated.flows},
        )
        if allocated.pooled:
            site_flows = tuple(dataclasses.replace(flow, pooled=True) for flow in site_flows)
        all_flows.extend(site_flows)
    gateway: VpnGateway | None = None
    if virtual_wan:
        assert placed.core.virtual_hub is not None
        gateway = log.take(
            vpn.virtual_wan_gateway(
                len(vpn_sites),
                sum(tunnels.values()),
                aggregate,
                placed.core.virtual_hub,
                kept=not vpn.needs_virtual_wan(cloud, sum(tunnels.values())),
            )
        )
    elif vpn_sites:
        gateway = log.take(vpn.gateway_sku(cloud, len(vpn_sites), sum(tunnels.values()), aggregate))
        gateway = dataclasses.replace(gateway, routers=routers)
    ipsec = log.take(vpn.ipsec_policy(cloud, practice.vpn_crypto))
    access = _identity_plan(profile, planned, specialties, bastion, log)
    rpo, frequency = log.take(backup.backup_frequency(profile.backup.rpo_hours))
    tiers = load("retention")["backup"]
    days = log.take(
        backup.retention_days(
            int(tiers["daily_days"]),
            int(tiers["weekly_weeks"]),
            int(tiers["monthly_months"]),
            record_years,
            record_years,
        )
    )
    backup_plan = log.take(
        backup.backup_plan(rpo, frequency, record_years, practice.dr_region, days)
    )
    placement = (
        log.take(platform.archive_placement(practice.region, practice.dr_region, rpo))
        if cloud == "gcp"
        else None
    )
    facts = log.take(platform.platform_facts(cloud))
    watch = _monitoring_plan(cloud, practice.compliance, practice.jurisdiction, planned, log)
    project = (
        _gcp_project(profile, planned, bastion, gateway is not None, placement, watch, log)
        if cloud == "gcp"
        else None
    )
    plan = Plan(
        schema=PLAN_SCHEMA_VERSION,
        practice=PracticeInfo(
            id=practice.id,
            name=practice.name,
            cloud=cloud,
            region=practice.region,
            dr_region=practice.dr_region,
            compliance=practice.compliance,
            jurisdiction=practice.jurisdiction,
            gcp_project=practice.gcp_project,
            tags=dict(practice.tags),
        ),
        cloud=cloud,
        sites=tuple(site_plans),
        core=core,
        vpn=gateway,
        ipsec=ipsec,
        flows=tuple(all_flows),
        workloads=planned,
        identity=access,
        backup=backup_plan,
        monitoring=watch,
        placement=placement,
        gcp=project,
        platform=facts,
        decisions=tuple(log.items),
    )
    return plan, placed


def _pooled_sites(profile: Profile, ledger: Ledger | None, virtual_wan: bool) -> set[str]:
    """The sites whose segments come from the segment pools: those the ledger holds as
    pooled, and on a Virtual WAN hub every site new to the ledger. A site placed before keeps
    its block, its band and its own rules."""
    recorded = {site.id: site for site in ledger.sites} if ledger is not None else {}
    return {
        site.id
        for site in profile.sites
        if (recorded[site.id].pooled if site.id in recorded else virtual_wan)
    }


def _segment_pools(
    sitings: list[_SiteSizing], ledger: Ledger | None, log: _Decisions
) -> tuple[RangeRequest, ...]:
    """The size of each segment kind's pool not in the ledger yet (NET-POOL-01), for every
    kind a site of the profile has: room for the profile's limit of sites less those that keep
    blocks of their own (the ledger's, retired ones too, whose blocks stay held)."""
    held = {pool.name for pool in ledger.core.segment_pools} if ledger is not None else set()
    blocks = sum(1 for site in ledger.sites if not site.pooled) if ledger is not None else 0
    room = max(MAX_SITES - blocks, 1)
    requests = []
    for kind in network.segment_catalog():
        prefixes = [s.sizes[kind].prefix for s in sitings if kind in s.sizes]
        if prefixes and kind not in held:
            prefix = log.take(network.segment_pool_prefix(kind, prefixes, len(sitings), room))
            requests.append(RangeRequest(kind, prefix))
    return tuple(requests)


def _with_segment_pools(
    core: CoreNetwork, placed: Ledger, pool_flows: tuple[str, ...], priorities: dict[str, int]
) -> CoreNetwork:
    """The core network with its segment pools and its one rule per flow of the pooled sites,
    the pool of the flow's segment kind as the site end."""
    pools = {pool.name: pool.cidr for pool in placed.core.segment_pools}
    return dataclasses.replace(
        core,
        segment_pools=tuple(SegmentPool(name, cidr) for name, cidr in pools.items()),
        pool_flows=flows.site_flows(
            "", pool_flows, pools, {s.name: s.cidr for s in core.subnets}, priorities
        ),
    )


def _check_capacity(
    profile: Profile,
    flow_ids: dict[str, tuple[str, ...]],
    tunnels: dict[str, int],
    router_regions: int,
    pooled: set[str],
) -> None:
    """Stop before allocating when the practice goes past a ceiling its cloud sets."""
    found = capacity.overruns(
        profile.practice.cloud, len(profile.sites), flow_ids, tunnels, router_regions, pooled
    )
    if found:
        raise ProfileError(
            [
                Problem(profile.source, "sites", f"{o.rule}: {o.message}", o.needed, True)
                for o in found
            ]
        )


def _gcp_project(
    profile: Profile,
    planned: WorkloadPlan,
    bastion: bool,
    vpn: bool,
    placement: ArchivePlacement | None,
    watch: MonitoringPlan,
    log: _Decisions,
) -> GcpProject:
    practice = profile.practice
    project = str(practice.gcp_project)
    org = log.take(
        platform.org_policies(practice.gcp_org_policies, watch.policy_initiatives, project)
    )
    needs = {
        "bastion": bastion,
        "health_data": planned.health_data,
        "ingest": planned.ingest is not None,
        "telehealth": planned.telehealth is not None,
        "vpn": vpn,
        "archive_copy": placement is not None and placement.copy_region is not None,
        "org_policies": org,
    }
    return GcpProject(apis=log.take(platform.project_apis(project, needs)), org_policies=org)


def _size_workloads(
    profile: Profile, modalities: dict[str, int], record_years: int, log: _Decisions
) -> WorkloadPlan:
    cloud = profile.practice.cloud
    pacs = log.take(workloads.pacs_enabled(profile.workloads.pacs, sum(modalities.values())))
    imaging = None
    if pacs:
        per_site = [(site, modalities[site.id]) for site in profile.sites]
        imaging = log.take(workloads.imaging_storage(per_site, record_years))
    staff = sum(site.staff for site in profile.sites)
    tele = profile.telehealth
    medical = sum(site.devices.medical_devices for site in profile.sites)
    fhir = log.take(workloads.fhir_store(profile.workloads.fhir))
    return WorkloadPlan(
        ehr=log.take(workloads.hosted_ehr(profile.workloads.ehr, staff, cloud)),
        imaging=imaging,
        fhir=fhir,
        telehealth=log.take(
            workloads.telehealth(
                tele.enabled,
                tele.peak_concurrent_sessions,
                tele.recording,
                tele.image,
                cloud,
                tele.domain,
            )
        ),
        ingest=log.take(workloads.device_ingest(medical, cloud)),
        health_data=log.take(workloads.health_data(fhir, imaging is not None)),
    )


def _size_hub(
    cloud: str, planned: WorkloadPlan, any_vpn: bool, firewall: str, log: _Decisions
) -> tuple[dict[str, RangeSize], int]:
    """The hub subnets that exist with their sizes, and the hub block's prefix."""
    conditions = {
        "vpn": any_vpn,
        "firewall": firewall != "none",
        "imaging": planned.imaging is not None,
        "ingest": planned.ingest is not None,
        "telehealth": planned.telehealth is not None,
        "waf": planned.telehealth is not None and planned.telehealth.waf,
    }
    extra = {
        "ehr-vms": planned.ehr.vm_count if planned.ehr else 0,
        "telehealth-instances": planned.telehealth.max_instances if planned.telehealth else 0,
    }
    sizes: dict[str, RangeSize] = {}
    reserved_for_later: list[int] = []
    for name, entry in network.subnet_catalog(cloud).items():
        if log.take(network.subnet_presence(cloud, name, conditions)):
            plus = extra[entry["plus"]] if entry.get("plus") else 0
            sizes[name] = log.take(network.subnet_size(cloud, name, plus))
        else:
            reserved_for_later.append(network.subnet_size(cloud, name, 0).value.prefix)
    present = [size.prefix for size in sizes.values()]
    return sizes, log.take(network.hub_block_prefix(present, reserved_for_later))


def _address_request(
    profile: Profile,
    sitings: list[_SiteSizing],
    subnet_sizes: dict[str, RangeSize],
    hub_prefix: int,
    flow_ids: dict[str, tuple[str, ...]],
    tunnels: dict[str, int],
    router_regions: tuple[str, ...],
    virtual_wan: bool,
) -> AddressRequest:
    practice = profile.practice
    limits = load("limits")["gcp"]
    vlans = {name: int(entry["vlan"]) for name, entry in network.segment_catalog().items()}
    excluded = [("practice.reserved_ranges", cidr) for cidr in practice.reserved_ranges]
    excluded += [
        (f"sites[{index}].connectivity.onprem_ranges", cidr)
        for index, site in enumerate(profile.sites)
        for cidr in site.connectivity.onprem_ranges
    ]
    return AddressRequest(
        practice=practice.id,
        cloud=practice.cloud,
        pool=practice.address_pool,
        excluded=tuple(excluded),
        core_block_prefix=hub_prefix,
        core_subnets=tuple(RangeRequest(name, s.prefix) for name, s in subnet_sizes.items()),
        sites=tuple(
            SiteRequest(
                id=s.site.id,
                block_prefix=s.block_prefix,
                segments=tuple(
                    RangeRequest(name, size.prefix, vlans[name]) for name, size in s.sizes.items()
                ),
                flows=flow_ids[s.site.id],
                tunnels=tunnels.get(s.site.id, 0),
            )
            for s in sitings
        ),
        router_slots=int(limits["cloud_routers_per_region"]) * len(router_regions),
        peers_per_router=int(limits["bgp_peers_per_router"]),
        virtual_hub_prefix=int(load("skus")["vpn_gateways"]["azure"]["virtual_wan"]["hub_prefix"])
        if virtual_wan
        else 0,
    )


def _core_network(
    cloud: str,
    placed: Ledger,
    sizes: dict[str, RangeSize],
    firewall: str,
    bastion: bool,
    routing_mode: str | None,
) -> CoreNetwork:
    catalog = network.subnet_catalog(cloud)
    cidrs = {s.name: s.cidr for s in placed.core.subnets if s.active}
    reserved = network.reserved_addresses(cloud)
    return CoreNetwork(
        address_space=placed.core.block,
        subnets=tuple(
            Subnet(
                name=name,
                cidr=cidrs[name],
                required=size.required,
                capacity=usable(network_of(cidrs[name]).prefixlen, reserved),
                purpose=str(catalog[name]["purpose"]),
            )
            for name, size in sizes.items()
        ),
        firewall_tier=firewall,
        bastion=bastion,
        routing_mode=routing_mode,
    )


def _identity_plan(
    profile: Profile, planned: WorkloadPlan, specialties: set[str], bastion: bool, log: _Decisions
) -> IdentityPlan:
    cloud = profile.practice.cloud
    imaging = planned.imaging is not None
    present = identity.scopes(
        health_data=planned.health_data, imaging=imaging, ingest=planned.ingest is not None
    ) | ({"bastion"} if bastion else set())
    restricted = log.take(identity.restricted_specialties(specialties))
    running = {
        "ehr": planned.ehr is not None,
        "imaging": imaging,
        "fhir": planned.fhir,
        "telehealth": planned.telehealth is not None,
        "ingest": planned.ingest is not None,
    }
    return IdentityPlan(
        personas=tuple(
            log.take(identity.persona_access(cloud, group, present, restricted))
            for group in profile.identity
        ),
        workloads=tuple(
            log.take(identity.workload_identity(cloud, name, present))
            for name, runs in running.items()
            if runs
        ),
        conditional_access=cloud == "azure"
        and log.take(
            identity.persona_mfa_policy(profile.conditional_access, len(profile.identity))
        ),
    )


def _monitoring_plan(
    cloud: str,
    compliance: tuple[str, ...],
    jurisdiction: str | None,
    planned: WorkloadPlan,
    log: _Decisions,
) -> MonitoringPlan:
    vms, app_service = planned.ehr is not None, planned.telehealth is not None
    return monitoring.monitoring_plan(
        log.take(monitoring.log_retention(jurisdiction=jurisdiction, compliance=compliance)),
        log.take(monitoring.policy_initiatives(cloud, compliance)),
        log.take(monitoring.defender_plans(cloud, vms=vms, app_service=app_service)),
    )


def _size_site(site: Site, modalities: int, log: _Decisions) -> _SiteSizing:
    counts, device_decisions = network.segment_devices(site, modalities)
    log.items.extend(device_decisions)
    reserved = network.reserved_addresses("onprem")
    sizes: dict[str, RangeSize] = {}
    for name, count in counts.items():
        absent = network.segment_presence(site, name, count)
        if absent is not None:
            log.items.append(absent)
            continue
        growth = network.segment_growth(name, site.kind)
        sizes[name] = log.take(network.segment_size(site.id, name, count, growth, reserved))
    block = log.take(network.site_block_prefix(site.id, [s.prefix for s in sizes.values()]))
    return _SiteSizing(site=site, sizes=sizes, block_prefix=block)


def _site_plan(
    cloud: str,
    sizing: _SiteSizing,
    allocated: SiteAllocation,
    tunnels: int,
    routers: tuple[CloudRouter, ...],
    virtual_wan: bool,
    practice_crypto: str | None,
    log: _Decisions,
) -> SitePlan:
    site = sizing.site
    catalog = network.segment_catalog()
    reserved = network.reserved_addresses("onprem")
    segments = []
    for name, size in sizing.sizes.items():
        placed = allocated.segment(name)
        assert placed is not None
        net = network_of(placed.cidr)
        gateway, first, last = lan_addresses(net)
        segments.append(
            Segment(
                name=name,
                vlan=placed.vlan,
                cidr=placed.cidr,
                gateway=str(gateway),
                dhcp_start=str(first),
                dhcp_end=str(last),
                devices=size.devices,
                required=size.required,
                capacity=usable(net.prefixlen, reserved),
                purpose=str(catalog[name]["purpose"]),
                crosses_vpn=bool(catalog[name].get("crosses_vpn", True)),
            )
        )
    site_vpn = None
    peer = site.connectivity.vpn_peer_ip
    if peer:
        crossing = [(s.name, s.cidr) for s in segments if s.crosses_vpn]
        left_out = [(s.name, s.cidr) for s in segments if not s.crosses_vpn]
        prefixes = log.take(
            vpn.local_prefixes(site.id, crossing, left_out, site.connectivity.onprem_ranges)
        )
        routing = log.take(vpn.site_routing(cloud, site.id, site.connectivity.routing))
        bgp = routing == "bgp"
        # The ledger keeps the ASN and link-local ranges of a static site too, so switching it
        # to BGP later moves nothing.
        assert allocated.asn is not None
        sessions = (
            log.take(vpn.bgp_sessions(site.id, allocated.asn, allocated.bgp, tunnels))
            if bgp and cloud == "gcp"
            else ()
        )
        peer_address = (
            log.take(
                vpn.azure_bgp_peer(
                    site.id, [(s.name, s.gateway) for s in segments if s.crosses_vpn]
                )
            )
            if bgp and cloud == "azure"
            else None
        )
        site_vpn = SiteVpn(
            peer_ip=peer,
            local_prefixes=prefixes,
            bandwidth_mbps=site.connectivity.bandwidth_mbps,
            routing=routing,
            site_asn=allocated.asn if bgp else None,
            bgp_sessions=sessions,
            bgp_peer_address=peer_address,
            router=next((r for r in routers if r.slot == allocated.router), None),
            virtual_wan=virtual_wan,
            ipsec=log.take(
                vpn.site_ipsec_policy(cloud, site.id, site.connectivity.vpn_crypto, practice_crypto)
            )
            if site.connectivity.vpn_crypto
            else None,
        )
    return SitePlan(
        id=site.id,
        name=site.name,
        kind=site.kind,
        staff=site.staff,
        specialties=site.specialties,
        block=allocated.block,
        segments=tuple(segments),
        onprem_ranges=site.connectivity.onprem_ranges,
        vpn=site_vpn,
        priority_base=allocated.priority_base,
    )
