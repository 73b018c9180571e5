"""Archive buckets: private, encrypted with the practice's archive key, under a retention policy
no one can shorten, and placed to outlive the practice's region: a dual-region bucket, or a
copy in the DR region that Storage Transfer keeps in step."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import storage

from blueprints.gcp import naming
from blueprints.gcp.context import GcpContext
from blueprints.gcp.identity import EncryptionKey
from blueprints.options import protected
from generator.plan.model import ArchivePlacement

SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class Archive:
    """One archive bucket: what it keeps, for how long, and when objects move colder."""

    key: str  # stable id: records | imaging | recordings
    retention_days: int
    lifecycle: tuple[tuple[str, int], ...]  # (storage class, age in days), coldest last


@dataclass(frozen=True)
class ArchiveCopy:
    """The DR region that holds a copy of every archive, its key, and the Storage Transfer
    service agent member that fills it."""

    region: str
    key: EncryptionKey
    transfer_agent: pulumi.Input[str]


@dataclass(frozen=True)
class ArchiveStore:
    """Where every archive of the practice lives and what protects it."""

    placement: ArchivePlacement
    key: EncryptionKey  # the archive key, in placement.key_location
    copy: ArchiveCopy | None  # when placement has a copy region
    locked: bool  # BackupPlan.immutable
    soft_delete_days: int  # BackupPlan.soft_delete_days


def rarely_read(context: GcpContext) -> tuple[tuple[str, int], ...]:
    """The plan's lifecycle for an archive that is rarely read: each colder storage class once
    the previous one's minimum storage duration has passed."""
    return tuple(
        (step["storage_class"], step["age_days"]) for step in context.facts("storage")["lifecycle"]
    )


def archive_buckets(
    name: str,
    context: GcpContext,
    archive: Archive,
    store: ArchiveStore,
    opts: ResourceOptions,
) -> dict[str, pulumi.Output[str]]:
    """`archive`'s bucket (resource `<name>-<key>`) and its DR-region copy (`<key>-dr`) when the
    store has one: bucket names by key. Buckets are protected."""
    pid = context.practice_id
    # Bucket names are global: the suffix keeps two practices' archives apart.
    suffix = naming.unique_suffix(pid, context.project)
    resource_name = f"{name}-{archive.key}"
    bucket = _bucket(
        resource_name,
        naming.fit(naming.BUCKET, pid, archive.key, suffix),
        store.placement.bucket_location,
        store.key,
        context,
        archive,
        store,
        opts,
    )
    if store.copy is None:
        return {archive.key: bucket.name}
    copy = _bucket(
        f"{resource_name}-dr",
        naming.fit(naming.BUCKET, pid, archive.key, "dr", suffix),
        store.copy.region,
        store.copy.key,
        context,
        archive,
        store,
        opts,
    )
    _replicate(resource_name, bucket, copy, store.copy.transfer_agent, context, opts)
    return {archive.key: bucket.name, f"{archive.key}-dr": copy.name}


def _bucket(
    resource_name: str,
    bucket_name: str,
    location: str,
    key: EncryptionKey,
    context: GcpContext,
    archive: Archive,
    store: ArchiveStore,
    opts: ResourceOptions,
) -> storage.Bucket:
    placement = store.placement
    dual = placement.dual_region and location == placement.bucket_location
    return storage.Bucket(
        resource_name,
        name=bucket_name,
        project=context.project,
        location=location,
        custom_placement_config=storage.BucketCustomPlacementConfigArgs(
            data_locations=list(placement.data_locations)
        )
        if dual
        else None,
        rpo=("ASYNC_TURBO" if placement.turbo_replication else "DEFAULT") if dual else None,
        storage_class="STANDARD",
        uniform_bucket_level_access=True,
        public_access_prevention="enforced",
        # Cloud Storage refuses Object Versioning on a bucket with a retention policy. The
        # policy is the stronger of the two: no object can be overwritten or deleted before
        # its retention ends, so there is never an older version to keep.
        retention_policy=storage.BucketRetentionPolicyArgs(
            retention_period=str(archive.retention_days * SECONDS_PER_DAY),
            # A locked policy can never be shortened or removed: records stay immutable.
            is_locked=store.locked,
        ),
        soft_delete_policy=storage.BucketSoftDeletePolicyArgs(
            retention_duration_seconds=store.soft_delete_days * SECONDS_PER_DAY
        ),
        lifecycle_rules=[
            *(
                storage.BucketLifecycleRuleArgs(
                    action=storage.BucketLifecycleRuleActionArgs(
                        type="SetStorageClass", storage_class=storage_class
                    ),
                    condition=storage.BucketLifecycleRuleConditionArgs(age=age_days),
                )
                for storage_class, age_days in archive.lifecycle
            ),
            # Storage limitation (GDPR Art. 5(1)(e)): an object goes once its retention ends,
            # as the Azure archives' lifecycle deletes it; the retention policy keeps it until
            # then (an object's age and its retention both count from its creation).
            storage.BucketLifecycleRuleArgs(
                action=storage.BucketLifecycleRuleActionArgs(type="Delete"),
                condition=storage.BucketLifecycleRuleConditionArgs(age=archive.retention_days),
            ),
        ],
        encryption=storage.BucketEncryptionArgs(default_kms_key_name=key.id),
        force_destroy=False,
        labels=context.tags,
        opts=protected(
            ResourceOptions.merge(
                ResourceOptions.merge(opts, context.api_opts("storage")),
                ResourceOptions(depends_on=list(key.grants)),
            )
        ),
    )


def _replicate(
    name: str,
    source: storage.Bucket,
    copy: storage.Bucket,
    transfer_agent: pulumi.Input[str],
    context: GcpContext,
    opts: ResourceOptions,
) -> None:
    transfer = context.facts("transfer")
    opts = ResourceOptions.merge(opts, context.api_opts("storage", "storagetransfer"))
    grants: list[pulumi.Resource] = []
    for bucket, roles, side in (
        (source, transfer["source_roles"], "source"),
        (copy, transfer["sink_roles"], "sink"),
    ):
        grants += [
            storage.BucketIAMMember(
                f"{name}-transfer-{side}-{naming.role_slug(role)}",
                bucket=bucket.name,
                role=role,
                member=transfer_agent,
                opts=opts,
            )
            for role in roles
        ]
    storage.TransferJob(
        f"{name}-replication",
        description=f"clinicgen: replicate {name} to its DR-region copy",
        project=context.project,
        replication_spec=storage.TransferJobReplicationSpecArgs(
            gcs_data_source=storage.TransferJobReplicationSpecGcsDataSourceArgs(
                bucket_name=source.name
            ),
            gcs_data_sink=storage.TransferJobReplicationSpecGcsDataSinkArgs(bucket_name=copy.name),
        ),
        opts=ResourceOptions.merge(opts, ResourceOptions(depends_on=grants)),
    )
