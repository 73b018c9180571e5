"""The plan is cloud-neutral: one profile planned for Azure and for Google Cloud agrees on
segments, flows, sizes and retention. Only the fields the plan model marks cloud-specific may
differ, and each is listed below with the reason it differs."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from generator.plan.codec import to_data
from generator.plan.model import Plan
from generator.profile import load_profile
from generator.profile.model import PersonaGroup, Profile
from generator.sizing import build_plan
from tests.paths import EXAMPLES
from tests.sizing.profiles import profiles

# Azure region -> the Google Cloud region in the same metro area.
REGIONS = {
    "eastus": "us-east1",
    "eastus2": "us-east4",
    "centralus": "us-central1",
    "westus2": "us-west1",
    "westus3": "us-west2",
}
TO_CLOUD = {"gcp": REGIONS, "azure": {gcp: azure for azure, gcp in REGIONS.items()}}

# Dotted paths (`[]` for every list item) the model documents as cloud-specific.
CLOUD_SPECIFIC = (
    # Region names and the project are spelled in each cloud's own terms.
    "cloud",
    "practice.cloud",
    "practice.region",
    "practice.dr_region",
    "practice.gcp_project",
    "backup.dr_region",
    # Multifactor authentication for the persona groups: an Entra ID Conditional Access policy
    # on Azure; Google Cloud's 2-Step Verification is the Admin console's, not a plan's.
    "identity.conditional_access",
    # The hub's subnets are each cloud's platform layout: Azure adds GatewaySubnet and
    # AzureFirewallSubnet and reserves 5 addresses per subnet, Google Cloud 4.
    "core.subnets",
    # The VPN gateway product: SKU, tunnels per site (Azure 1, HA VPN 2), limits, ASN.
    "vpn.sku",
    "vpn.tunnels",
    "vpn.max_tunnels",
    "vpn.max_mbps",
    "vpn.cloud_asn",
    # Google Cloud's Cloud Routers (five per region, 128 BGP peers each) and the VPC routing
    # mode they need; an Azure VPN gateway peers with every site itself.
    "vpn.routers",
    "core.routing_mode",
    "sites[].vpn.router",
    # Routing: Google Cloud HA VPN routes only with BGP, over link-local sessions per tunnel;
    # on Azure a site is static by default and a BGP site peers from its own router address.
    "sites[].vpn.routing",
    "sites[].vpn.site_asn",
    "sites[].vpn.bgp_sessions",
    "sites[].vpn.bgp_peer_address",
    # Each cloud's platform facts, and where Google Cloud keeps archives and spreads instances.
    "platform",
    "placement",
    "gcp",
    # Role names and directory group ids are each cloud's own; the personas and workloads
    # that hold them are compared below.
    "identity.personas[].group",
    "identity.personas[].grants",
    "identity.workloads[].grants",
    # SKUs chosen for the neutral numbers beside them.
    "workloads.ehr.machine_type",
    "workloads.telehealth.sku",
    # Memory follows the chosen tier (App Service P0v3 carries 4 GB, Cloud Run's tier 2 GiB).
    "workloads.telehealth.memory_gb",
    "workloads.ingest.tier",
    "workloads.ingest.units",
    "monitoring.policy_initiatives",
    "monitoring.defender_plans",
    # Reasons name the cloud's SKUs and subnets.
    "decisions",
)


def on_cloud(profile: Profile, cloud: str) -> Profile:
    """The same practice on `cloud`: regions in the same metro, groups in the cloud's form."""
    if profile.practice.cloud == cloud:
        return profile
    regions = TO_CLOUD[cloud]
    practice = profile.practice
    return replace(
        profile,
        practice=replace(
            practice,
            cloud=cloud,
            region=regions[practice.region],
            dr_region=regions[practice.dr_region] if practice.dr_region else None,
            gcp_project=f"{practice.id}-prod-0001" if cloud == "gcp" else None,
        ),
        identity=tuple(PersonaGroup(g.persona, _group(cloud, g.persona)) for g in profile.identity),
    )


def _group(cloud: str, persona: str) -> str:
    if cloud == "gcp":
        return f"group:{persona.replace('_', '-')}@example.org"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, persona))


def _drop(data: Any, path: list[str]) -> None:
    head, *rest = path
    if head.endswith("[]"):
        for item in data.get(head[:-2]) or []:
            if item is not None:
                _drop(item, rest)
    elif not rest:
        data.pop(head, None)
    elif data.get(head) is not None:
        _drop(data[head], rest)


def neutral(plan: Plan) -> dict[str, Any]:
    """The plan as data without its cloud-specific fields."""
    data = to_data(plan)
    for path in CLOUD_SPECIFIC:
        _drop(data, path.split("."))
    for flow in data["flows"]:
        # The cloud end of a flow is a hub subnet (cloud-specific); the site end must agree.
        flow.pop("destination_cidrs" if flow["direction"] == "site-to-cloud" else "source_cidrs")
    return data


def assert_same_plan(profile: Profile) -> None:
    azure, _ = build_plan(on_cloud(profile, "azure"))
    gcp, _ = build_plan(on_cloud(profile, "gcp"))
    assert neutral(azure) == neutral(gcp)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_each_example_plans_the_same_on_both_clouds(example: Path) -> None:
    assert_same_plan(load_profile(example))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles())
def test_any_profile_plans_the_same_on_both_clouds(profile: Profile) -> None:
    practice = profile.practice
    on_azure = replace(
        profile,
        practice=replace(
            practice,
            cloud="azure",
            region="eastus",
            dr_region="westus2" if practice.dr_region else None,
            gcp_project=None,
        ),
        identity=tuple(
            PersonaGroup(g.persona, _group("azure", g.persona)) for g in profile.identity
        ),
    )
    assert_same_plan(on_azure)
