"""Profiles built in code for sizing and address-plan tests, and hypothesis strategies for them.

Built directly as the normalised `Profile` model (what `load_profile` returns), so the rules
are tested without the YAML loader in the way.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from generator.profile.model import (
    Backup,
    Connectivity,
    Devices,
    PersonaGroup,
    Practice,
    Profile,
    Site,
    Telehealth,
    Workloads,
)

AZURE_GROUPS = (
    PersonaGroup("platform_admins", "6f1c2a9e-0b7d-4c1e-9a55-2f3e4d5c6b7a"),
    PersonaGroup("security_auditors", "0d9e8f7a-1b2c-4d3e-8f90-a1b2c3d4e5f6"),
    PersonaGroup("app_operators", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
    PersonaGroup("backup_operators", "4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b"),
)
GCP_GROUPS = tuple(
    PersonaGroup(g.persona, f"group:{g.persona.replace('_', '-')}@example.org")
    for g in AZURE_GROUPS
)
SITE_KINDS = (
    "clinic",
    "hospital",
    "imaging-center",
    "urgent-care",
    "admin-office",
    "home-care-hub",
)
SPECIALTIES = (
    "primary-care",
    "pediatrics",
    "radiology",
    "cardiology",
    "behavioral-health",
    "dental",
    "obstetrics",
    "urgent-care",
)


def make_site(
    site_id: str = "main",
    *,
    kind: str = "clinic",
    staff: int = 20,
    specialties: tuple[str, ...] = ("primary-care",),
    vpn: bool = True,
    bandwidth: int = 200,
    onprem: tuple[str, ...] = (),
    name: str | None = None,
    **devices: int,
) -> Site:
    return Site(
        id=site_id,
        name=name or f"Site {site_id}",
        kind=kind,
        staff=staff,
        specialties=specialties,
        devices=Devices(**devices),
        connectivity=Connectivity(
            bandwidth_mbps=bandwidth,
            vpn_peer_ip="203.0.113.10" if vpn else None,
            onprem_ranges=onprem,
        ),
    )


def make_profile(
    *sites: Site,
    cloud: str = "azure",
    pool: str = "10.64.0.0/12",
    reserved: tuple[str, ...] = (),
    jurisdiction: str | None = None,
    compliance: tuple[str, ...] = ("hipaa",),
    dr_region: str | None = None,
    ehr: str = "saas",
    pacs: str = "auto",
    fhir: bool = True,
    telehealth: int | None = None,
    rpo_hours: int | None = None,
    retention_years: int | None = None,
) -> Profile:
    return Profile(
        version=1,
        practice=Practice(
            name="Test Practice",
            id="testpractice",
            cloud=cloud,
            region="eastus" if cloud == "azure" else "us-east4",
            compliance=compliance,
            address_pool=pool,
            dr_region=dr_region,
            jurisdiction=jurisdiction,
            reserved_ranges=reserved,
            gcp_project="test-practice-1234" if cloud == "gcp" else None,
        ),
        sites=sites or (make_site(workstations=20, phones=10, printers=2),),
        telehealth=Telehealth(
            enabled=telehealth is not None,
            peak_concurrent_sessions=telehealth or 0,
            image="ghcr.io/test/telehealth:1.0.0" if telehealth is not None else None,
        ),
        workloads=Workloads(ehr=ehr, pacs=pacs, fhir=fhir),
        identity=AZURE_GROUPS if cloud == "azure" else GCP_GROUPS,
        backup=Backup(rpo_hours=rpo_hours, retention_years=retention_years),
    )


def with_sites(profile: Profile, sites: tuple[Site, ...]) -> Profile:
    return replace(profile, sites=sites)


# Pool 10.64.0.0/12: on-prem ranges and reserved ranges are drawn inside it, so avoiding them
# is exercised, not just trivially true.
onprem_ranges = st.lists(
    st.integers(0, 4095).map(lambda i: f"10.{64 + i // 256}.{i % 256}.0/24"), max_size=2
).map(tuple)
reserved_ranges = st.lists(
    st.integers(0, 15).map(lambda i: f"10.{64 + i}.0.0/16"), max_size=2, unique=True
).map(tuple)


@st.composite
def sites(draw: st.DrawFn, site_id: str) -> Site:
    """A site with realistic but varied counts; staff bounded so the hub never resizes."""
    return make_site(
        site_id,
        kind=draw(st.sampled_from(SITE_KINDS)),
        staff=draw(st.integers(1, 400)),
        specialties=tuple(draw(st.lists(st.sampled_from(SPECIALTIES), max_size=3, unique=True))),
        vpn=draw(st.booleans()),
        bandwidth=draw(st.sampled_from((50, 200, 1000, 5000))),
        onprem=draw(onprem_ranges),
        workstations=draw(st.integers(0, 300)),
        medical_devices=draw(st.integers(0, 300)),
        imaging_modalities=draw(st.integers(0, 12)),
        phones=draw(st.integers(0, 200)),
        printers=draw(st.integers(0, 40)),
        guest_wifi_peak=draw(st.integers(0, 400)),
    )


site_ids = st.lists(
    st.from_regex(r"[a-z][a-z0-9]{1,6}", fullmatch=True), min_size=1, max_size=7, unique=True
)


@st.composite
def profiles(draw: st.DrawFn, min_sites: int = 1) -> Profile:
    ids = draw(site_ids.filter(lambda ids: len(ids) >= min_sites))
    return make_profile(
        *(draw(sites(site_id)) for site_id in ids),
        cloud=draw(st.sampled_from(("azure", "gcp"))),
        reserved=draw(reserved_ranges),
        jurisdiction=draw(st.sampled_from((None, "US-FL", "US-NC", "GB-ENG", "US-OR"))),
        dr_region=draw(st.sampled_from((None, "westus2"))),
        ehr=draw(st.sampled_from(("saas", "hosted"))),
        pacs=draw(st.sampled_from(("auto", "on", "off"))),
        telehealth=draw(st.one_of(st.none(), st.integers(0, 500))),
    )
