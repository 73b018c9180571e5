"""The normalised practice profile: what every later stage consumes.

Built only by `generator.profile.load_profile` after validation, with every default filled
in, so nothing downstream touches raw dictionaries or re-checks input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_ADDRESS_POOL = "10.64.0.0/12"

PERSONAS = (
    "platform_admins",
    "security_auditors",
    "msp_operators",
    "app_operators",
    "backup_operators",
)
REQUIRED_PERSONAS = ("platform_admins", "security_auditors")


@dataclass(frozen=True)
class Devices:
    """Networked device counts at one site; each defaults to 0."""

    workstations: int = 0
    medical_devices: int = 0
    imaging_modalities: int = 0
    phones: int = 0
    printers: int = 0
    guest_wifi_peak: int = 0
    lab_analysers: int = 0
    payment_terminals: int = 0
    building_systems: int = 0
    vendor_access: int = 0
    # (modality, units) sorted by modality: a breakdown of imaging units by kind (catalog
    # imaging.yaml `modalities`), which may also count units beyond imaging_modalities.
    modalities: tuple[tuple[str, int], ...] = ()

    def endpoint_count(self) -> int:
        """Every counted endpoint at the site (the modality breakdown is not counted twice)."""
        return (
            self.workstations
            + self.medical_devices
            + self.imaging_modalities
            + self.phones
            + self.printers
            + self.guest_wifi_peak
            + self.lab_analysers
            + self.payment_terminals
            + self.building_systems
            + self.vendor_access
        )


@dataclass(frozen=True)
class Connectivity:
    """How a site reaches the cloud. No VPN is planned without `vpn_peer_ip`."""

    bandwidth_mbps: int
    vpn_peer_ip: str | None = None
    onprem_ranges: tuple[str, ...] = ()
    routing: str | None = None  # static | bgp; None: the cloud's default
    vpn_crypto: str | None = None  # the site's own IPsec/IKE suite; None: the practice's


@dataclass(frozen=True)
class Site:
    """One physical site. `id` is its stable identity; `name` is display text only."""

    id: str
    name: str
    kind: str
    staff: int
    specialties: tuple[str, ...]
    devices: Devices
    connectivity: Connectivity


@dataclass(frozen=True)
class Practice:
    """The practice as a whole. `id` drives stack and resource names; `name` never does."""

    name: str
    id: str
    cloud: str
    region: str
    compliance: tuple[str, ...]
    address_pool: str = DEFAULT_ADDRESS_POOL
    dr_region: str | None = None
    jurisdiction: str | None = None
    reserved_ranges: tuple[str, ...] = ()
    gcp_project: str | None = None
    # Google Cloud: the core stack sets org policies on the project (needs an org-level role)
    gcp_org_policies: bool = False
    # Azure: the weakest hub firewall tier the plan may size (NET-FW-01 raises it to this)
    min_firewall_tier: str | None = None
    # The site tunnels' IPsec/IKE suite (catalog vpn.yaml ipsec_suites); None: the default
    vpn_crypto: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Telehealth:
    enabled: bool = False
    peak_concurrent_sessions: int = 0
    recording: bool = False
    image: str | None = None  # the front end's container image; required when enabled
    domain: str | None = None  # the name patients open; required behind a Google Cloud WAF


@dataclass(frozen=True)
class Workloads:
    ehr: str = "saas"
    pacs: str = "auto"
    fhir: bool = True


@dataclass(frozen=True)
class PersonaGroup:
    """A persona (catalog key such as `platform_admins`) and the directory group that holds it:
    an Entra object id on Azure, a `group:` email on Google Cloud."""

    persona: str
    group: str


@dataclass(frozen=True)
class Backup:
    rpo_hours: int | None = None
    retention_years: int | None = None


@dataclass(frozen=True)
class Waiver:
    """A compliance check the practice has decided not to meet, with the reason shown in
    every report."""

    check: str
    reason: str
    resource: str | None = None


@dataclass(frozen=True)
class Profile:
    """A validated practice profile (version 1). `source` is the file it came from."""

    version: int
    practice: Practice
    sites: tuple[Site, ...]
    telehealth: Telehealth
    workloads: Workloads
    identity: tuple[PersonaGroup, ...]
    backup: Backup
    waivers: tuple[Waiver, ...] = ()
    # identity.conditional_access: the Azure core stack deploys the persona groups' MFA policy.
    conditional_access: bool = False
    source: str = "<profile>"

    def site(self, site_id: str) -> Site:
        for site in self.sites:
            if site.id == site_id:
                return site
        raise KeyError(site_id)
