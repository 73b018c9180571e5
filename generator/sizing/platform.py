"""The cloud platform facts a plan carries to the blueprints, and where Google Cloud data lives.

The blueprints decide nothing: what Azure or Google Cloud requires around a sized plan (rule
priorities, required Bastion rules, API enum names, zones, dual-region pairs) is copied into the
plan here, so the reviewed stack file holds every value its resources are built with.
"""

from __future__ import annotations

import copy
from typing import Any

from generator.catalog import load
from generator.plan.model import ArchivePlacement, Decision, PlatformFacts
from generator.sizing.sized import Sized

PLATFORM_CATALOGS = {"azure": "azure_platform", "gcp": "gcp_controls"}
# Facts other catalogs hold that the blueprints build with too.
SHARED_SECTIONS = ("forbidden_roles", "subnet_names")


def platform_facts(cloud: str) -> Sized[PlatformFacts]:
    """PLAT-01: the cloud's platform catalog as of planning, with the roles no grant may name,
    the cloud's names for the hub subnets and, on Azure, the tag names Azure DNS keeps.

    Source: catalog/azure_platform.yaml or catalog/gcp_controls.yaml (each entry with its
    vendor source), catalog/roles.yaml `forbidden`, catalog/cloud_subnets.yaml `cloud_name`,
    catalog/tags.yaml `azure.dns`.
    """
    name = PLATFORM_CATALOGS[cloud]
    catalog = load(name)
    # A deep copy: the plan must not change when the cached catalog is edited in memory.
    sections: dict[str, Any] = copy.deepcopy({k: v for k, v in catalog.items() if k != "version"})
    sections["forbidden_roles"] = list(load("roles")["forbidden"][cloud])
    sections["subnet_names"] = {
        key: entry["cloud_name"]
        for key, entry in load("cloud_subnets")[cloud].items()
        if isinstance(entry, dict) and "cloud_name" in entry
    }
    if cloud == "azure":
        # Azure DNS keeps fewer tag names than other resources: its zones get only those.
        sections["dns_tag_names"] = load("tags")["azure"]["dns"]["name_pattern"]
    facts = PlatformFacts(name, int(catalog["version"]), sections)
    reason = (
        f"{name}.yaml version {facts.version}: {len(sections)} sections, roles.yaml forbidden"
        f" roles, cloud_subnets.yaml names; editing them changes nothing until regenerated"
    )
    return Sized(facts, Decision("PLAT-01", "platform", f"{name} v{facts.version}", reason))


def archive_placement(
    region: str, dr_region: str | None, rpo_hours: int
) -> Sized[ArchivePlacement]:
    """GCP-PLC-01: zones for instances, and where archives, their key and snapshots live so
    that they survive the loss of the region when a DR region is named: a dual-region bucket
    when both regions share a continent (Google replicates it, turbo when the RPO is shorter
    than default replication), else a copy bucket in the DR region kept in step by Storage
    Transfer.

    Source: catalog/gcp_controls.yaml `zones` and `dual_regions` (Cloud Storage 'Bucket
    locations' and 'Turbo replication'; Cloud KMS locations; snapshot storage locations).
    """
    controls = load("gcp_controls")
    zone_table = controls["zones"]
    zones = tuple(
        f"{region}-{suffix}" for suffix in zone_table["regions"].get(region, zone_table["default"])
    )
    subject, placement = (
        "placement",
        ArchivePlacement(zones, region, (), region, None, False, region),
    )
    if dr_region is None:
        reason = f"zones {', '.join(zones)}; archives in {region} (no dr_region)"
        return Sized(placement, Decision("GCP-PLC-01", subject, region, reason))
    dual = controls["dual_regions"]
    for continent, entry in dual["continents"].items():
        prefix = entry["region_prefix"]
        if region.startswith(prefix) and dr_region.startswith(prefix):
            turbo = rpo_hours < dual["default_replication_hours"]
            placement = ArchivePlacement(
                zones=zones,
                bucket_location=entry["bucket_location"],
                data_locations=(region.upper(), dr_region.upper()),
                key_location=entry["key_location"],
                copy_region=None,
                turbo_replication=turbo,
                snapshot_location=entry["snapshot_location"],
            )
            replication = (
                f"turbo replication (RPO {rpo_hours} h < {dual['default_replication_hours']} h)"
                if turbo
                else "default replication"
            )
            reason = (
                f"zones {', '.join(zones)}; {region} and {dr_region} are both in {continent}:"
                f" dual-region {placement.bucket_location} bucket, {replication}, key in"
                f" {placement.key_location}, snapshots in {placement.snapshot_location}"
            )
            value = f"dual-region {placement.bucket_location}"
            return Sized(placement, Decision("GCP-PLC-01", subject, value, reason))
    placement = ArchivePlacement(zones, region, (), region, dr_region, False, region)
    reason = (
        f"zones {', '.join(zones)}; {region} and {dr_region} share no dual-region: archives in"
        f" {region} with a copy bucket in {dr_region} kept in step by Storage Transfer"
    )
    return Sized(
        placement, Decision("GCP-PLC-01", subject, f"{region} + copy in {dr_region}", reason)
    )


def org_policies(enabled: bool, constraints: tuple[str, ...], project: str) -> Sized[bool]:
    """GCP-ORG-01: whether the core stack sets the compliance constraints as organization
    policies on the project. Only when the profile says so (`practice.gcp_org_policies`):
    setting any org policy needs roles/orgpolicy.policyAdmin, which Google Cloud grants at
    organization level only, so a project-scoped deployer (an MSP) would get 403. Otherwise
    the reason names the constraints the organization admin enforces instead.

    Source: Google Cloud IAM roles reference, Organization Policy roles (policyAdmin: lowest
    level where it can be granted, Organization); catalog/gcp_controls.yaml `org_policies`.
    """
    listed = ", ".join(constraints)
    if enabled:
        reason = (
            f"practice.gcp_org_policies is true: the core stack enforces {listed} on project "
            f"{project}; its deployer must hold roles/orgpolicy.policyAdmin (granted at "
            "organization level only)"
        )
    else:
        reason = (
            "the core stack sets no organization policy: that needs roles/orgpolicy.policyAdmin,"
            " which Google Cloud grants at organization level only. Ask the organization admin"
            f" to enforce {listed} on the folder or organization that holds project {project}"
            " (gcloud org-policies set-policy), or set practice.gcp_org_policies: true when the"
            " deployer holds that role"
        )
    subject = "gcp.org_policies"
    return Sized(enabled, Decision("GCP-ORG-01", subject, str(enabled).lower(), reason))


def project_apis(project: str, needs: dict[str, bool]) -> Sized[tuple[str, ...]]:
    """GCP-API-01: the APIs the core stack enables, each when the plan has what needs it
    (`needs`: bastion, health_data, ingest, telehealth, vpn, archive_copy, org_policies), so
    a fresh project deploys on the first `pulumi up`. Site stacks use compute and
    secretmanager, which the core enables; they enable nothing themselves.

    Source: catalog/gcp_controls.yaml `apis` (Terraform google_project_service; Service Usage
    docs, 'Enabling and disabling services').
    """
    services = load("gcp_controls")["apis"]["services"]
    apis = tuple(
        api for api, entry in services.items() if entry["when"] == "always" or needs[entry["when"]]
    )
    bootstrap = [api for api in apis if api.startswith(("serviceusage.", "cloudresourcemanager."))]
    reason = (
        f"{len(apis)} APIs on project {project}: "
        + "; ".join(f"{api} ({services[api]['for']})" for api in apis)
        + f". {' and '.join(bootstrap)} must be on before the first pulumi up"
        " (gcloud services enable); every API stays enabled when the stack is destroyed"
    )
    return Sized(apis, Decision("GCP-API-01", "gcp.apis", ", ".join(apis), reason))
