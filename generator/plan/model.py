"""The Plan: the cloud-neutral result of sizing a practice profile.

Plain frozen dataclasses that round-trip through JSON without loss (`generator.plan.codec`).
Every sized value is explained by a `Decision` carrying the rule id that chose it and a
one-line reason with the numbers. Fields that only one cloud reads (a SKU name, a role name)
sit beside the neutral numbers they were derived from, never instead of them.

The JSON shape is documented in docs/plan-json.md; field names here are the JSON keys except
where a field's metadata names another key (`from`/`to` on flows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.plan.codec import OMIT_DEFAULT

PLAN_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Decision:
    """Why a value is what it is: `NET-SEG-01` chose `/26` for `sites.main.segments.imaging`."""

    rule: str
    subject: str
    value: str
    reason: str


@dataclass(frozen=True)
class PracticeInfo:
    """The practice facts every stack needs. `name` is display text, never part of a name."""

    id: str
    name: str
    cloud: str
    region: str
    dr_region: str | None
    compliance: tuple[str, ...]
    jurisdiction: str | None
    gcp_project: str | None
    tags: dict[str, str]


@dataclass(frozen=True)
class Segment:
    """One on-prem VLAN at a site, sized from its device count."""

    # catalog key: clinical, admin, medical-devices, lab, imaging, voice, printers, payment,
    # building, guest, management
    name: str
    vlan: int
    cidr: str
    gateway: str
    dhcp_start: str
    dhcp_end: str
    devices: int
    required: int  # hosts needed: devices x growth
    capacity: int  # usable host addresses in `cidr`; always >= required
    purpose: str  # what plugs in, for the installer's handoff sheet
    crosses_vpn: bool  # False for guest, payment and building: they never enter the tunnel


@dataclass(frozen=True)
class BgpSession:
    """One tunnel's BGP session: link-local /30 addresses (GCP HA VPN; Azure APIPA)."""

    tunnel: int
    cloud_address: str
    site_address: str
    prefix_length: int


@dataclass(frozen=True)
class CloudRouter:
    """A Google Cloud Router the core builds for the sites' BGP peers, by its ledger slot: slot
    0 is the hub's own router (which also runs Cloud NAT); a region holds five routers."""

    slot: int
    region: str


@dataclass(frozen=True)
class SiteVpn:
    """The site's side of the site-to-cloud VPN."""

    peer_ip: str
    # what crosses the tunnel: every segment that crosses the VPN, plus the on-prem ranges
    local_prefixes: tuple[str, ...]
    bandwidth_mbps: int
    routing: str  # static | bgp (Google Cloud HA VPN: always bgp)
    site_asn: int | None  # the site's private ASN when routing is bgp
    # GCP: one session per tunnel on a link-local /30 (both ends known before deployment)
    bgp_sessions: tuple[BgpSession, ...]
    # Azure with bgp: the site router's own address the local network gateway peers with; the
    # cloud end is the VPN gateway's BGP address, a core stack output
    bgp_peer_address: str | None
    # GCP: the Cloud Router (and so the region's HA VPN gateway) the site's tunnels are on
    router: CloudRouter | None = None
    # Azure: the site connects to the practice's Virtual WAN hub (a VPN site and a connection
    # on the hub's VPN gateway) rather than to a VNet gateway (local network gateway and
    # connection)
    virtual_wan: bool = field(default=False, metadata=OMIT_DEFAULT)
    # The site's own IPsec/IKE suite (connectivity.vpn_crypto) where it differs from the
    # practice's `ipsec`; left out otherwise (`site_ipsec` picks the one its tunnels use)
    ipsec: IpsecPolicy | None = field(default=None, metadata=OMIT_DEFAULT)


@dataclass(frozen=True)
class SitePlan:
    id: str
    name: str
    kind: str
    staff: int
    specialties: tuple[str, ...]
    # the site's allocation from the pool; every segment lies inside it. None: a pooled site
    # (Azure Virtual WAN), each segment in the core's pool of its kind (CoreNetwork.segment_pools)
    block: str | None
    segments: tuple[Segment, ...]
    onprem_ranges: tuple[str, ...]
    vpn: SiteVpn | None
    priority_base: int  # first firewall/NSG rule priority reserved for this site (ledger)

    @property
    def block_label(self) -> str:
        """The block, or `pooled` for a site whose segments are in the segment pools."""
        return self.block or "pooled"


@dataclass(frozen=True)
class Subnet:
    """A cloud-side subnet of the hub network."""

    # catalog key: gateway, firewall, bastion, shared, apps, data, imaging, ingest, telehealth,
    # endpoints
    name: str
    cidr: str
    required: int  # hosts needed: hosts x growth
    capacity: int  # usable host addresses in `cidr`, after the cloud's reserved ones
    purpose: str


@dataclass(frozen=True)
class SegmentPool:
    """Azure Virtual WAN: the range every pooled site's segment of one kind is placed in."""

    name: str  # segment kind (catalog key): clinical, admin, medical-devices, ...
    cidr: str


@dataclass(frozen=True)
class CoreNetwork:
    address_space: str
    subnets: tuple[Subnet, ...]
    firewall_tier: str  # none | basic | standard | premium
    bastion: bool
    # GCP: the VPC's dynamic routing mode (GLOBAL once sites' tunnels end in a second region)
    routing_mode: str | None = None
    # Azure Virtual WAN: the segment pools, and the core's one rule per flow of the pooled
    # sites, its site end the pool of the flow's segment kind (`site` is "" on these flows)
    segment_pools: tuple[SegmentPool, ...] = field(default=(), metadata=OMIT_DEFAULT)
    pool_flows: tuple[Flow, ...] = field(default=(), metadata=OMIT_DEFAULT)

    def subnet(self, name: str) -> Subnet:
        for subnet in self.subnets:
            if subnet.name == name:
                return subnet
        raise KeyError(name)


@dataclass(frozen=True)
class VirtualWanHub:
    """Azure beyond one VNet gateway's tunnels: a Standard Virtual WAN, its virtual hub on its
    own address prefix (ledger), and the hub's site-to-site VPN gateway of `scale_units`."""

    wan_type: str  # Standard
    address_prefix: str
    scale_units: int


@dataclass(frozen=True)
class VpnGateway:
    """The cloud VPN gateway, sized from tunnel count and aggregate site bandwidth."""

    sites: int
    tunnels: int
    aggregate_mbps: int
    sku: str  # Azure VpnGw1AZ..VpnGw5AZ; GCP HA_VPN
    max_tunnels: int
    max_mbps: int
    cloud_asn: int
    # GCP: every Cloud Router the sites' BGP peers are on, by slot
    routers: tuple[CloudRouter, ...] = ()
    # Azure with more sites than a VNet gateway takes: the Virtual WAN hub (sku VirtualWAN)
    virtual_wan: VirtualWanHub | None = field(default=None, metadata=OMIT_DEFAULT)


@dataclass(frozen=True)
class IpsecPolicy:
    """An IPsec/IKE suite from the catalog (vpn.yaml ipsec_suites): the practice's, which every
    site tunnel uses unless the site names its own."""

    ike_version: str
    ike_encryption: str
    ike_integrity: str
    dh_group: str
    ipsec_encryption: str
    ipsec_integrity: str
    pfs_group: str
    sa_lifetime_seconds: int
    sa_data_size_kb: int


@dataclass(frozen=True)
class Flow:
    """One allowed flow from the flow matrix, at one site; everything else is denied."""

    id: str  # flow matrix key, e.g. imaging-to-pacs
    site: str
    source: str = field(metadata={"json": "from"})  # segment name or cloud subnet name
    destination: str = field(metadata={"json": "to"})
    protocol: str = "tcp"
    ports: tuple[int, ...] = ()
    direction: str = "site-to-cloud"  # site-to-cloud | cloud-to-site
    source_cidrs: tuple[str, ...] = ()
    destination_cidrs: tuple[str, ...] = ()
    priority: int = 0  # NSG / firewall rule priority, stable through the ledger
    reason: str = ""
    # a pooled site's flow: the core's rule for the segment pool admits it (the rule in
    # CoreNetwork.pool_flows with this id and `priority`), the site's stack holds no rule
    pooled: bool = field(default=False, metadata=OMIT_DEFAULT)


@dataclass(frozen=True)
class HostedEhr:
    """Application servers for a hosted EHR, sized from staff and concurrency."""

    concurrent_users: int
    vm_count: int
    vcpus: int
    memory_gb: int
    data_disk_gb: int
    machine_type: str  # cloud-specific: Azure VM size / GCP machine type


@dataclass(frozen=True)
class Imaging:
    """PACS / DICOM store and its archive, sized from modalities x studies x study size."""

    modalities: int
    studies_per_year: int
    storage_gb_per_year: int
    retention_years: int
    retention_days: int  # retention_years in days, leap days included (for day-counting APIs)
    total_storage_gb: int
    hot_days: int  # lifecycle: days before moving to cool / nearline
    cool_days: int  # days before moving to archive / coldline-archive


@dataclass(frozen=True)
class TelehealthPlan:
    peak_sessions: int
    min_instances: int
    max_instances: int
    egress_mbps: int
    recording: bool
    sku: str  # cloud-specific: App Service plan SKU / Cloud Run CPU-memory tier
    cpu: int
    memory_gb: int
    image: str  # the container image patients reach, from the profile
    waf: bool  # a web application firewall in front of it (WL-TEL-02)
    domain: str | None  # the name patients open, from the profile (its managed certificate)


@dataclass(frozen=True)
class DeviceIngest:
    devices: int
    messages_per_day: int
    tier: str  # cloud-specific: IoT Hub SKU / Pub/Sub (serverless)
    units: int
    retention_days: int


@dataclass(frozen=True)
class WorkloadPlan:
    ehr: HostedEhr | None
    imaging: Imaging | None
    fhir: bool
    telehealth: TelehealthPlan | None
    ingest: DeviceIngest | None
    health_data: bool  # a health-data service (FHIR or DICOM) exists: its workspace, keys, roles


@dataclass(frozen=True)
class RoleGrant:
    """A role (cloud-specific built-in / predefined role) at a logical scope.

    Scopes are catalog keys the blueprints map to real resources: `network`, `key-vault`,
    `backup`, `health-data`, `monitoring`, `workloads`, `imaging-archive`, `ingest`,
    `bastion`."""

    role: str
    scope: str


@dataclass(frozen=True)
class PersonaAccess:
    persona: str
    group: str
    grants: tuple[RoleGrant, ...]


@dataclass(frozen=True)
class WorkloadIdentity:
    workload: str  # ehr | imaging | fhir | telehealth | ingest | backup
    grants: tuple[RoleGrant, ...]


@dataclass(frozen=True)
class IdentityPlan:
    personas: tuple[PersonaAccess, ...]
    workloads: tuple[WorkloadIdentity, ...]
    # Azure: the core stack's Conditional Access policy requires MFA for the persona groups.
    conditional_access: bool = False


@dataclass(frozen=True)
class RetentionDays:
    """Each retention period in days, for the APIs that count days: a week is 7, a month 31
    (the longest), a year 365 plus its share of leap days, so no period ends early."""

    daily: int
    weekly: int
    monthly: int
    yearly: int
    records: int  # the medical-record retention (imaging archives, telehealth recordings)


@dataclass(frozen=True)
class BackupPlan:
    rpo_hours: int
    frequency_hours: int  # 24 = daily; less than 24 = hourly/enhanced schedules
    daily_days: int
    weekly_weeks: int
    monthly_months: int
    yearly_years: int
    record_retention_years: int  # medical-record rule that drove `yearly_years`
    redundancy: str  # geo | zone | local
    dr_region: str | None
    cross_region_restore: bool
    immutable: bool
    soft_delete_days: int
    retention_days: RetentionDays


@dataclass(frozen=True)
class MonitoringPlan:
    log_retention_days: int  # interactive (hot) retention
    log_archive_days: int  # total retention including archive; >= 6 years (HIPAA 164.316(b)(2))
    flow_logs: bool
    policy_initiatives: tuple[str, ...]  # cloud-specific compliance initiative ids
    defender_plans: tuple[str, ...]  # cloud-specific threat protection plans


@dataclass(frozen=True)
class ArchivePlacement:
    """Google Cloud only: where archive buckets, their key and disk snapshots live, and the
    zones instances spread over."""

    zones: tuple[str, ...]  # the region's zones in a stable order
    bucket_location: str  # a region, or the multi-region code of a dual-region bucket
    data_locations: tuple[str, ...]  # the two regions of a dual-region bucket, else ()
    key_location: str  # Cloud KMS location of the archive key
    copy_region: str | None  # DR region holding a replicated copy when no dual-region fits
    turbo_replication: bool  # dual-region replication faster than the default, for a short RPO
    snapshot_location: str  # disk snapshot storage location

    @property
    def dual_region(self) -> bool:
        return bool(self.data_locations)


@dataclass(frozen=True)
class GcpProject:
    """Google Cloud only: what the core stack sets up in the practice's project itself."""

    apis: tuple[str, ...]  # GCP-API-01: the APIs it enables (`compute.googleapis.com`, ...)
    # GCP-ORG-01: the stack sets monitoring.policy_initiatives as org policies on the project;
    # when false, the organization admin enforces them at folder or organization level
    org_policies: bool


@dataclass(frozen=True)
class PlatformFacts:
    """The cloud platform facts a stack's resources are built with (rule numbers, names,
    required rules, API enums), copied from the catalog when the plan is made: editing the
    catalog changes nothing deployed until the stack files are regenerated and reviewed."""

    catalog: str  # the catalog file they come from: azure_platform | gcp_controls
    version: int
    sections: dict[str, Any]

    def section(self, name: str) -> Any:
        if name not in self.sections:
            raise KeyError(
                f"the stack's plan has no platform section {name!r} "
                f"(it has {', '.join(sorted(self.sections))}); regenerate the stack files"
            )
        return self.sections[name]


@dataclass(frozen=True)
class Plan:
    """Everything sized for one practice on one cloud."""

    schema: int
    practice: PracticeInfo
    cloud: str
    sites: tuple[SitePlan, ...]
    core: CoreNetwork
    vpn: VpnGateway | None
    ipsec: IpsecPolicy
    flows: tuple[Flow, ...]
    workloads: WorkloadPlan
    identity: IdentityPlan
    backup: BackupPlan
    monitoring: MonitoringPlan
    placement: ArchivePlacement | None  # Google Cloud only
    gcp: GcpProject | None  # Google Cloud only
    platform: PlatformFacts
    decisions: tuple[Decision, ...]

    def site(self, site_id: str) -> SitePlan:
        for site in self.sites:
            if site.id == site_id:
                return site
        raise KeyError(site_id)


@dataclass(frozen=True)
class CoreStackPlan:
    """What the `<practice>-core` stack deploys: hub network, identity, keys, backup,
    monitoring, compliance and workloads. Holds nothing that belongs to one site."""

    practice: PracticeInfo
    core: CoreNetwork
    vpn: VpnGateway | None
    workloads: WorkloadPlan
    identity: IdentityPlan
    backup: BackupPlan
    monitoring: MonitoringPlan
    placement: ArchivePlacement | None
    gcp: GcpProject | None
    platform: PlatformFacts


@dataclass(frozen=True)
class SiteStackPlan:
    """What a `<practice>-site-<site>` stack deploys: the site's VPN peer and connection and
    the rules for its flows. Reads the core stack's outputs through a StackReference."""

    practice: PracticeInfo
    core_stack: str
    site: SitePlan
    ipsec: IpsecPolicy
    flows: tuple[Flow, ...]
    platform: PlatformFacts


def site_ipsec(site: SitePlan, practice: IpsecPolicy) -> IpsecPolicy:
    """The IPsec/IKE suite of `site`'s tunnels: its own, or the practice's `practice`."""
    if site.vpn is not None and site.vpn.ipsec is not None:
        return site.vpn.ipsec
    return practice


def core_stack_name(practice_id: str) -> str:
    return f"{practice_id}-core"


def site_stack_name(practice_id: str, site_id: str) -> str:
    """Unambiguous because validation keeps `-site-` out of practice ids: the first `-site-`
    in a stack name ends its practice id, and a core stack's name has none."""
    return f"{practice_id}-site-{site_id}"


def split_into_stacks(plan: Plan) -> tuple[CoreStackPlan, tuple[SiteStackPlan, ...]]:
    """Cut the plan into the core stack's part and one part per site."""
    core = CoreStackPlan(
        practice=plan.practice,
        core=plan.core,
        vpn=plan.vpn,
        workloads=plan.workloads,
        identity=plan.identity,
        backup=plan.backup,
        monitoring=plan.monitoring,
        placement=plan.placement,
        gcp=plan.gcp,
        platform=stack_platform(plan.platform, "core"),
    )
    site_platform = stack_platform(plan.platform, "site")
    sites = tuple(
        SiteStackPlan(
            practice=plan.practice,
            core_stack=core_stack_name(plan.practice.id),
            site=site,
            ipsec=plan.ipsec,
            flows=tuple(flow for flow in plan.flows if flow.site == site.id),
            platform=site_platform,
        )
        for site in plan.sites
    )
    return core, sites


def stack_platform(platform: PlatformFacts, kind: str) -> PlatformFacts:
    """The platform sections a `core` or `site` stack builds with (the catalog's
    `stack_sections` names them), so a site stack file carries only what a site deploys."""
    wanted = platform.sections["stack_sections"][kind]
    return PlatformFacts(
        platform.catalog, platform.version, {name: platform.sections[name] for name in wanted}
    )
