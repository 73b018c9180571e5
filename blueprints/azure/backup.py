"""Backup: the Recovery Services vault and the VM backup policy, from the plan's backup rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_azure_native import recoveryservices as rs

from blueprints.azure import naming
from blueprints.azure.context import AzureContext
from blueprints.azure.diagnostics import send_to_workspace
from blueprints.options import protected
from generator.plan.model import BackupPlan


@dataclass(frozen=True)
class BackupArgs:
    context: AzureContext
    backup: BackupPlan


class Backup(pulumi.ComponentResource):
    """Recovery Services vault (soft delete, immutability, redundancy and cross-region restore
    from the plan) and an Enhanced VM policy with the plan's frequency and retention."""

    resource_group_name: pulumi.Output[str]
    vault_id: pulumi.Output[str]
    vault_name: pulumi.Output[str]
    vm_policy_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: BackupArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:Backup", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        plan, platform = args.backup, args.context.facts("backup")
        group = args.context.resource_group(name, "backup", child_opts)
        vault = rs.Vault(
            f"{name}-vault",
            vault_name=naming.scoped(naming.RECOVERY_VAULT, "rsv", args.context.practice_id),
            resource_group_name=group.name,
            location=args.context.location,
            sku=rs.SkuArgs(name="RS0", tier="Standard"),
            # Azure Backup's service backs up the VMs; the vault's own identity holds no role
            # until a customer-managed key needs one (catalog/roles.yaml, after `workloads`).
            identity=rs.IdentityDataArgs(type="SystemAssigned"),
            properties=rs.VaultPropertiesArgs(
                redundancy_settings=rs.VaultPropertiesRedundancySettingsArgs(
                    standard_tier_storage_redundancy=platform["vault_redundancy"][plan.redundancy],
                    cross_region_restore="Enabled" if plan.cross_region_restore else "Disabled",
                ),
                security_settings=rs.SecuritySettingsArgs(
                    soft_delete_settings=rs.SoftDeleteSettingsArgs(
                        soft_delete_state="Enabled",
                        soft_delete_retention_period_in_days=plan.soft_delete_days,
                        enhanced_security_state="Enabled",
                    ),
                    # Unlocked already blocks shortening retention or deleting recovery points
                    # early; locking is one-way, so the approver does it after the first backups.
                    immutability_settings=rs.ImmutabilitySettingsArgs(
                        state="Unlocked" if plan.immutable else "Disabled"
                    ),
                ),
            ),
            tags=args.context.tags,
            opts=protected(child_opts),
        )
        send_to_workspace(
            args.context, f"{name}-vault-diagnostics", "recovery-vault", vault.id, child_opts
        )
        policy = rs.ProtectionPolicy(
            f"{name}-vm-policy",
            policy_name=naming.scoped(naming.NETWORK, "vm", args.context.practice_id),
            vault_name=vault.name,
            resource_group_name=group.name,
            properties=rs.AzureIaaSVMProtectionPolicyArgs(
                backup_management_type="AzureIaasVM",
                policy_type=platform["policy_type"],
                instant_rp_retention_range_in_days=platform["instant_restore_days"],
                time_zone=platform["time_zone"],
                schedule_policy=_schedule(plan, platform),
                retention_policy=_retention(plan, platform),
            ),
            opts=child_opts,
        )
        self.resource_group_name = group.name
        self.vault_id = vault.id
        self.vault_name = vault.name
        self.vm_policy_id = policy.id
        self.register_outputs(
            {"vault_id": vault.id, "vault_name": vault.name, "vm_policy_id": policy.id}
        )


def _schedule(plan: BackupPlan, platform: dict[str, Any]) -> rs.SimpleSchedulePolicyV2Args:
    start = platform["window_start"]
    if plan.frequency_hours >= 24:
        return rs.SimpleSchedulePolicyV2Args(
            schedule_policy_type="SimpleSchedulePolicyV2",
            schedule_run_frequency="Daily",
            daily_schedule=rs.DailyScheduleArgs(schedule_run_times=[start]),
        )
    return rs.SimpleSchedulePolicyV2Args(
        schedule_policy_type="SimpleSchedulePolicyV2",
        schedule_run_frequency="Hourly",
        hourly_schedule=rs.HourlyScheduleArgs(
            interval=plan.frequency_hours,
            schedule_window_start_time=start,
            schedule_window_duration=platform["window_hours"],
        ),
    )


def _retention(plan: BackupPlan, platform: dict[str, Any]) -> rs.LongTermRetentionPolicyArgs:
    times = [platform["window_start"]]
    weekly_format = rs.WeeklyRetentionFormatArgs(
        days_of_the_week=[platform["weekly_day"]], weeks_of_the_month=[platform["monthly_week"]]
    )

    def duration(count: int, unit: str) -> rs.RetentionDurationArgs:
        return rs.RetentionDurationArgs(count=count, duration_type=unit)

    return rs.LongTermRetentionPolicyArgs(
        retention_policy_type="LongTermRetentionPolicy",
        daily_schedule=rs.DailyRetentionScheduleArgs(
            retention_times=times, retention_duration=duration(plan.daily_days, "Days")
        ),
        weekly_schedule=rs.WeeklyRetentionScheduleArgs(
            days_of_the_week=[platform["weekly_day"]],
            retention_times=times,
            retention_duration=duration(plan.weekly_weeks, "Weeks"),
        )
        if plan.weekly_weeks
        else None,
        monthly_schedule=rs.MonthlyRetentionScheduleArgs(
            retention_schedule_format_type="Weekly",
            retention_schedule_weekly=weekly_format,
            retention_times=times,
            retention_duration=duration(plan.monthly_months, "Months"),
        )
        if plan.monthly_months
        else None,
        yearly_schedule=rs.YearlyRetentionScheduleArgs(
            retention_schedule_format_type="Weekly",
            months_of_year=[platform["yearly_month"]],
            retention_schedule_weekly=weekly_format,
            retention_times=times,
            retention_duration=duration(plan.yearly_years, "Years"),
        )
        if plan.yearly_years
        else None,
    )
