"""Backup: a Backup and DR vault with enforced minimum retention, snapshot schedules on every
disk, and the records and imaging archives (`blueprints.gcp.archives`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import backupdisasterrecovery, compute

from blueprints.gcp import naming
from blueprints.gcp.archives import Archive, ArchiveStore, archive_buckets
from blueprints.gcp.context import GcpContext
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
class BackupArgs:
    context: GcpContext
    backup: BackupPlan
    archives: tuple[Archive, ...]
    archive_store: ArchiveStore
    instances: Mapping[str, pulumi.Input[str]]  # instance ids
    disks: Mapping[str, ZonalDisk]


class Backup(pulumi.ComponentResource):
    """Backups and archives of the practice's data."""

    bucket_names: dict[str, pulumi.Output[str]]  # by archive key; `<key>-dr` for DR copies

    def __init__(self, name: str, args: BackupArgs, opts: ResourceOptions | None = None) -> None:
        super().__init__("clinicgen:gcp:Backup", name, None, opts)
        # Each resource waits for the API it is created through (GCP-API-01).
        child_opts = ResourceOptions.merge(
            ResourceOptions(parent=self),
            args.context.api_opts("backupdr", "compute", "cloudresourcemanager"),
        )
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
            opts=protected(child_opts),
        )
        if args.instances:
            # No grant to the vault's service agent: the instances live in the vault's own
            # project, where Backup and DR needs none (gcp_controls.yaml backup.source). The
            # cross-project role, Backup and DR Compute Engine Operator, carries
            # iam.serviceAccounts.actAs project-wide (CG-GCP-IAM-005).
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
                snapshot_schedule_policy=_snapshot_policy(
                    backup, args.archive_store.placement, context
                ),
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

        self.bucket_names = {}
        for archive in args.archives:
            self.bucket_names |= archive_buckets(
                name, context, archive, args.archive_store, child_opts
            )
        self.register_outputs({"vault": vault.id, "buckets": self.bucket_names})


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
