"""Backup and retention checks (CG-*-BAK-*): exact copies of ePHI survive deletion and disaster."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.checks.graph import Graph, get, items, refers_to, seconds
from generator.checks.model import CheckContext, Resource, Violation
from generator.checks.registry import Params, Registry
from generator.checks.rules import azure, gcp

logic = Registry()


# -- Both clouds ------------------------------------------------------------------------------


@logic("CG-AZ-BAK-005", "CG-GCP-BAK-005")
def stateful_unprotected(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for resource in graph.of_type(*params["types"]):
        if not resource.protect:
            yield Violation(
                resource, "protect", "holds data but a stack update or destroy can delete it"
            )


# -- Azure ------------------------------------------------------------------------------------


@logic("CG-AZ-BAK-003")
def backup_vault_geo_redundancy(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    if not context.dr_region:
        return
    for vault in graph.of_type(azure.BACKUP_VAULT):
        settings = get(vault.inputs, "properties.redundancySettings") or {}
        if not azure.equals(settings.get("standardTierStorageRedundancy"), "GeoRedundant"):
            yield Violation(
                vault,
                "properties.redundancySettings.standardTierStorageRedundancy",
                f"backups are not copied to the paired region (practice DR region "
                f"{context.dr_region})",
            )
        if not azure.equals(settings.get("crossRegionRestore"), "Enabled"):
            yield Violation(
                vault,
                "properties.redundancySettings.crossRegionRestore",
                "backups cannot be restored in the secondary region",
            )


@logic("CG-AZ-BAK-004")
def vm_backup_coverage(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    sources = [
        get(item.inputs, "properties.sourceResourceId")
        for item in graph.of_type(azure.PROTECTED_ITEM)
    ]
    for vm in graph.of_type(azure.VM):
        if not any(refers_to(source, vm) for source in sources):
            yield Violation(vm, "", "virtual machine is not a protected item of any backup vault")


# -- Google Cloud -----------------------------------------------------------------------------


@logic("CG-GCP-BAK-001")
def bucket_object_recovery(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for bucket in graph.of_type(gcp.BUCKET):
        versioned = get(bucket.inputs, "versioning.enabled") is True
        retained = float(get(bucket.inputs, "retentionPolicy.retentionPeriod") or 0) > 0
        # Cloud Storage does not allow both on one bucket; either keeps an exact copy.
        if not (versioned or retained):
            yield Violation(
                bucket,
                "versioning.enabled",
                "an overwritten or deleted object cannot be recovered: neither versioning "
                "nor a retention policy",
            )


@logic("CG-GCP-BAK-002")
def backup_vault_enforced_retention(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    min_seconds = float(params["min_days"]) * 86400
    for vault in graph.of_type(gcp.BACKUP_VAULT):
        duration = vault.inputs.get("backupMinimumEnforcedRetentionDuration")
        window = seconds(duration)
        if window is None or window < min_seconds:
            yield Violation(
                vault,
                "backupMinimumEnforcedRetentionDuration",
                f"backups can be deleted early (enforced retention {duration or 'unset'})",
            )


def _boot_disk_name(instance: Resource) -> str:
    source = get(instance.inputs, "bootDisk.source")
    # A boot disk created with the instance takes the instance's name.
    return str(source or instance.outputs.get("name") or instance.name).rsplit("/", 1)[-1]


@logic("CG-GCP-BAK-003")
def instance_backup_coverage(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    attached_disks = {
        str(a.inputs.get("disk", "")).rsplit("/", 1)[-1]
        for a in graph.of_type(gcp.DISK_POLICY_ATTACHMENT)
    }
    planned = [a.inputs.get("resource") for a in graph.of_type(gcp.BACKUP_PLAN_ASSOCIATION)]
    for instance in graph.of_type(gcp.INSTANCE):
        scheduled = get(instance.inputs, "bootDisk.initializeParams.resourcePolicies")
        if scheduled or _boot_disk_name(instance) in attached_disks:
            continue
        if any(refers_to(resource, instance) for resource in planned):
            continue
        yield Violation(
            instance, "", "instance has no snapshot schedule and no backup plan association"
        )


_SINGLE_REGION = re.compile(r"^[a-z]+-[a-z]+\d+$", re.IGNORECASE)


@logic("CG-GCP-BAK-004")
def bucket_geo_redundancy(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    if not context.dr_region:
        return
    for bucket in graph.of_type(gcp.BUCKET):
        location = str(bucket.inputs.get("location", ""))
        dual = items(get(bucket.inputs, "customPlacementConfig.dataLocations"))
        if _SINGLE_REGION.match(location) and not dual:
            yield Violation(
                bucket,
                "location",
                f"objects live only in {location}; the practice has DR region {context.dr_region}",
            )
