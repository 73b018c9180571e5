"""Backup: a Backup and DR vault with enforced minimum retention, snapshot schedules on every
disk, and archive buckets that cannot be made public, shortened or silently overwritten."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import backupdisasterrecovery, compute, storage

from blueprints.gcp import naming
from blueprints.gcp.context import GcpContext
from blueprints.gcp.identity import EncryptionKey
from blueprints.options import protected
from generator.plan.model import ArchivePlacement, BackupPlan

SECONDS_PER_DAY = 86400
HOURS_PER_DAY = 24
INSTANCE_RESOURCE = "compute.googleapis.com/Instance"


@dataclass(frozen=True)
class ZonalDisk:
    """A disk the snapshot schedule covers: its name and zone."""

    name: pulumi.Output[str]
    zone: str


@dataclass(frozen=True)
class Archive:
    """One archive bucket: what it keeps, for how long, and when objects move colder."""

    key: str  # stable id: records | imaging
    retention_days: int
    lifecycle: tuple[tuple[str, int], ...]  # (storage class, age in days), coldest last


@dataclass(frozen=True)
class BackupArgs:
    context: GcpContext
    backup: BackupPlan
    placement: ArchivePlacement
    archives: tuple[Archive, ...]
    archive_key: EncryptionKey
    copy_key: EncryptionKey | None  # the DR-region copy's key when placement has one
    transfer_agent: pulumi.Input[str] | None  # Storage Transfer service agent member
    instances: Mapping[str, pulumi.Input[str]]  # instance ids
    disks: Mapping[str, ZonalDisk]


class Backup(pulumi.ComponentResource):
    """Backups and archives of the practice's data."""

    bucket_names: dict[str, pulumi.Output[str]]  # by archive key; `<key>-dr` for DR copies

    def __init__(self, name: str, args: BackupArgs, opts: ResourceOptions | None = None) -> None:
        super().__init__("clinicgen:gcp:Backup", name, None, opts)
        child_opts = ResourceOptions(parent=self)
        stateful = protected(child_opts)
        context, backup = args.context, args.backup
        pid = context.practice_id

        vault = backupdisasterrecovery.BackupVault(
            f"{name}-vault",
            backup_vault_id=naming.fit(naming.BACKUP, pid, "vault"),
            project=context.project,
            location=context.location,
            # Every backup is kept at least this long, whatever a plan or an operator asks.
            backup_minimum_enforced_retention_duration=f"{backup.daily_days * SECONDS_PER_DAY}s",
            access_restriction="WITHIN_PROJECT",
            labels=context.tags,
            opts=stateful,
        )
        if args.instances:
            backup_plan = backupdisasterrecovery.BackupPlan(
                f"{name}-instances",
                backup_plan_id=naming.fit(naming.BACKUP, pid, "instances"),
                project=context.project,
                location=context.location,
                backup_vault=vault.id,
                resource_type=INSTANCE_RESOURCE,
                backup_rules=_backup_rules(backup, context.facts("backup")["window"]),
                opts=child_opts,
            )
            for key, instance_id in args.instances.items():
                backupdisasterrecovery.BackupPlanAssociation(
                    f"{name}-{key}",
                    backup_plan_association_id=naming.fit(naming.BACKUP, pid, key),
                    project=context.project,
                    location=context.location,
                    backup_plan=backup_plan.id,
                    resource=instance_id,
                    resource_type=INSTANCE_RESOURCE,
                    opts=child_opts,
                )
        if args.disks:
            schedule = compute.ResourcePolicy(
                f"{name}-snapshots",
                name=naming.fit(naming.COMPUTE, pid, "snapshots"),
                project=context.project,
                region=context.location,
                snapshot_schedule_policy=_snapshot_policy(backup, args.placement, context),
                opts=child_opts,
            )
            for key, disk in args.disks.items():
                compute.DiskResourcePolicyAttachment(
                    f"{name}-snapshots-{key}",
                    name=schedule.name,
                    disk=disk.name,
                    zone=disk.zone,
                    project=context.project,
                    opts=child_opts,
                )

        # Bucket names are global: the suffix keeps two practices' archives apart.
        suffix = naming.unique_suffix(pid, context.project)
        buckets = {}
        for archive in args.archives:
            bucket = self._bucket(
                f"{name}-{archive.key}",
                naming.fit(naming.BUCKET, pid, archive.key, suffix),
                args.placement.bucket_location,
                archive,
                args.archive_key,
                args,
                stateful,
            )
            buckets[archive.key] = bucket
            if args.placement.copy_region and args.copy_key and args.transfer_agent:
                copy = self._bucket(
                    f"{name}-{archive.key}-dr",
                    naming.fit(naming.BUCKET, pid, archive.key, "dr", suffix),
                    args.placement.copy_region,
                    archive,
                    args.copy_key,
                    args,
                    stateful,
                )
                buckets[f"{archive.key}-dr"] = copy
                self._replicate(f"{name}-{archive.key}", bucket, copy, args, child_opts)

        self.bucket_names = {key: bucket.name for key, bucket in buckets.items()}
        self.register_outputs({"vault": vault.id, "buckets": self.bucket_names})

    def _bucket(
        self,
        resource_name: str,
        bucket_name: str,
        location: str,
        archive: Archive,
        key: EncryptionKey,
        args: BackupArgs,
        opts: ResourceOptions,
    ) -> storage.Bucket:
        context, placement = args.context, args.placement
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
                is_locked=args.backup.immutable,
            ),
            soft_delete_policy=storage.BucketSoftDeletePolicyArgs(
                retention_duration_seconds=args.backup.soft_delete_days * SECONDS_PER_DAY
            ),
            lifecycle_rules=[
                storage.BucketLifecycleRuleArgs(
                    action=storage.BucketLifecycleRuleActionArgs(
                        type="SetStorageClass", storage_class=storage_class
                    ),
                    condition=storage.BucketLifecycleRuleConditionArgs(age=age_days),
                )
                for storage_class, age_days in archive.lifecycle
            ],
            encryption=storage.BucketEncryptionArgs(default_kms_key_name=key.id),
            force_destroy=False,
            labels=context.tags,
            opts=ResourceOptions.merge(opts, ResourceOptions(depends_on=list(key.grants))),
        )

    def _replicate(
        self,
        name: str,
        source: storage.Bucket,
        copy: storage.Bucket,
        args: BackupArgs,
        opts: ResourceOptions,
    ) -> None:
        context = args.context
        transfer = context.facts("transfer")
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
                    member=args.transfer_agent,
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
                gcs_data_sink=storage.TransferJobReplicationSpecGcsDataSinkArgs(
                    bucket_name=copy.name
                ),
            ),
            opts=ResourceOptions.merge(opts, ResourceOptions(depends_on=grants)),
        )


def _backup_rules(
    backup: BackupPlan, window: Mapping[str, Any]
) -> list[backupdisasterrecovery.BackupPlanBackupRuleArgs]:
    """Backup and DR rules from the plan's schedule, run in the plan's backup `window`: the most
    frequent first, yearly last."""

    def rule(rule_id: str, days: int, **schedule: Any) -> Any:
        hourly = schedule["recurrence_type"] == "HOURLY"
        return backupdisasterrecovery.BackupPlanBackupRuleArgs(
            rule_id=rule_id,
            backup_retention_days=days,
            standard_schedule=backupdisasterrecovery.BackupPlanBackupRuleStandardScheduleArgs(
                time_zone="UTC",
                # Hourly backups run around the clock; the others in the quiet window.
                backup_window=backupdisasterrecovery.BackupPlanBackupRuleStandardScheduleBackupWindowArgs(
                    start_hour_of_day=0 if hourly else window["start_hour"],
                    end_hour_of_day=HOURS_PER_DAY if hourly else window["end_hour"],
                ),
                **schedule,
            ),
        )

    rules = [
        rule(
            "hourly",
            backup.daily_days,
            recurrence_type="HOURLY",
            hourly_frequency=backup.frequency_hours,
        )
        if backup.frequency_hours < HOURS_PER_DAY
        else rule("daily", backup.daily_days, recurrence_type="DAILY")
    ]
    if backup.weekly_weeks:
        rules.append(
            rule(
                "weekly",
                backup.retention_days.weekly,
                recurrence_type="WEEKLY",
                days_of_weeks=[window["weekly_day"]],
            )
        )
    if backup.monthly_months:
        rules.append(
            rule(
                "monthly",
                backup.retention_days.monthly,
                recurrence_type="MONTHLY",
                days_of_months=[1],
            )
        )
    if backup.yearly_years:
        rules.append(
            rule(
                "yearly",
                backup.retention_days.yearly,
                recurrence_type="YEARLY",
                months=["JANUARY"],
                days_of_months=[1],
            )
        )
    return rules


def _snapshot_policy(
    backup: BackupPlan, placement: ArchivePlacement, context: GcpContext
) -> compute.ResourcePolicySnapshotSchedulePolicyArgs:
    start = context.facts("backup")["snapshot_start_time"]
    hourly = backup.frequency_hours < HOURS_PER_DAY
    return compute.ResourcePolicySnapshotSchedulePolicyArgs(
        schedule=compute.ResourcePolicySnapshotSchedulePolicyScheduleArgs(
            hourly_schedule=compute.ResourcePolicySnapshotSchedulePolicyScheduleHourlyScheduleArgs(
                hours_in_cycle=backup.frequency_hours, start_time=start
            )
            if hourly
            else None,
            daily_schedule=compute.ResourcePolicySnapshotSchedulePolicyScheduleDailyScheduleArgs(
                days_in_cycle=backup.frequency_hours // HOURS_PER_DAY, start_time=start
            )
            if not hourly
            else None,
        ),
        retention_policy=compute.ResourcePolicySnapshotSchedulePolicyRetentionPolicyArgs(
            max_retention_days=backup.daily_days,
            # Snapshots outlive a deleted disk: that is when they are needed most.
            on_source_disk_delete="KEEP_AUTO_SNAPSHOTS",
        ),
        snapshot_properties=compute.ResourcePolicySnapshotSchedulePolicySnapshotPropertiesArgs(
            storage_locations=placement.snapshot_location, labels=context.tags
        ),
    )
