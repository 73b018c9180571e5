"""Backup and retention rules: record retention, backup frequency and tiers, vault redundancy.

Sources: HIPAA 45 CFR 164.316(b)(2) (documentation kept 6 years) and 164.308(a)(7)
(contingency plan: data backup, disaster recovery); state record-retention laws and the NHS
England Records Management Code of Practice, through catalog/retention.yaml, each rule with its
source.
"""

from __future__ import annotations

from typing import Any

from generator.catalog import load
from generator.errors import PlanError
from generator.plan.model import BackupPlan, Decision, RetentionDays
from generator.sizing.sized import Sized, days_in_years

HOSPITAL = "hospital"


def jurisdiction_rules(jurisdiction: str | None) -> tuple[str | None, dict[str, Any]]:
    """The retention entry for `jurisdiction` (following `same_as`), or (None, {})."""
    table = load("retention")["jurisdictions"]
    if jurisdiction is None or jurisdiction not in table:
        return None, {}
    entry = table[jurisdiction]
    target = entry.get("same_as", jurisdiction)
    return target, table[target]


def record_retention(
    jurisdiction: str | None,
    compliance: tuple[str, ...],
    site_kinds: set[str],
    specialties: set[str],
    override: int | None,
    *,
    modalities: frozenset[str] = frozenset(),
    imaging: bool = False,
) -> Sized[int]:
    """BKP-RET-01: medical-record retention: the longest rule that applies; under HIPAA never
    under its 6-year documentation rule; an explicit `backup.retention_years` wins above that.

    Source: catalog/retention.yaml (45 CFR 164.316(b)(2)(i) 6 years, for practices under HIPAA;
    state rules such as Florida physicians 5, North Carolina hospitals 11 and minors to 30,
    Massachusetts 20; MQSA mammograms 10; NHS England adults 8, children to 25, mental health 20,
    maternity 25, oncology 30; StrlSchG 85 images of minors to 28). In the US a site kind its
    state lists no rule for gets the US default, an assumption the plan states, and pediatrics
    keeps a minor's record until the state's age or AHIMA's default. `modalities` are the
    imaging modality kinds the sites count (devices.modalities); `imaging` is whether any site
    images at all. A jurisdiction missing from the table falls back to the defaults, and the
    reason says so; outside the US with no rule listed, only the profile's
    `backup.retention_years` can say: a PlanError asks for it.
    """
    catalog = load("retention")
    name, rules = jurisdiction_rules(jurisdiction)
    us = (jurisdiction or "").startswith("US-") or (jurisdiction is None and "hipaa" in compliance)
    floor = int(catalog["documentation"]["years"]) if us or "hipaa" in compliance else 0
    candidates = [(floor, "HIPAA documentation 6 years")] if floor else []
    where = name or jurisdiction or "no jurisdiction"
    for kinds, key, label in (
        (site_kinds & {HOSPITAL}, "hospital_years", "hospitals"),
        (site_kinds - {HOSPITAL}, "practitioner_years", "practitioners"),
    ):
        if kinds and key in rules:
            candidates.append((int(rules[key]), f"{where} {label}"))
        elif kinds and us:
            default = catalog["us_default"]
            candidates.append(
                (int(default["years"]), f"{label}: assumption: {default['assumption']}")
            )
    if "pediatrics" in specialties and ("minors_until_age" in rules or us):
        age = rules.get("minors_until_age", catalog["minors_default"]["until_age"])
        source = where if "minors_until_age" in rules else "AHIMA default"
        candidates.append((int(age), f"pediatrics: minors to age {age} ({source})"))
    for specialty, years in sorted(rules.get("specialty_years", {}).items()):
        if specialty in specialties:
            candidates.append((int(years), f"{specialty} ({where})"))
    if imaging and "pediatrics" in specialties and "imaging_minors_until_age" in rules:
        age = int(rules["imaging_minors_until_age"])
        candidates.append((age, f"images of minors to age {age} ({where})"))
    if us:
        mqsa = catalog["us_modalities"]["years"]
        for modality in sorted(modalities & set(mqsa)):
            candidates.append((int(mqsa[modality]), f"{modality} (21 CFR 900.12(c)(4))"))
    if not candidates and override is None:
        raise PlanError(
            f"practice.jurisdiction {jurisdiction or '(not set)'}: clinicgen knows no "
            "record-retention rule there: set backup.retention_years in the profile to the "
            "period the practice's law requires"
        )
    considered = "; ".join(f"{text} {value}" for value, text in candidates) or "none listed"
    if name is None and candidates:
        missing = (
            f"{jurisdiction} is not in clinicgen's retention table"
            if jurisdiction
            else "practice.jurisdiction is not set"
        )
        considered += (
            f"; {missing}: only the defaults above apply (check the local rule and set"
            " backup.retention_years when it is longer)"
        )
    if override is not None:
        chosen = max(override, floor)
        raised = f", raised to the {floor}-year floor" if override < floor else ""
        years, why = max(candidates, default=(0, ""), key=lambda item: item[0])
        below = f" (below the {years}-year {why})" if chosen < years else ""
        reason = f"backup.retention_years {override}{raised}{below}; rules: {considered}"
        return Sized(
            chosen, Decision("BKP-RET-01", "backup.record_retention_years", str(chosen), reason)
        )
    years, why = max(candidates, key=lambda item: item[0])
    reason = f"longest applicable rule: {why} = {years} years; considered: {considered}"
    return Sized(years, Decision("BKP-RET-01", "backup.record_retention_years", str(years), reason))


def backup_frequency(rpo_hours: int | None) -> Sized[tuple[int, int]]:
    """BKP-RPO-01: the backup interval that meets the RPO: the longest allowed interval not
    over it, daily at most. Returns (rpo_hours, frequency_hours).

    Source: catalog/retention.yaml backup (Azure Backup enhanced policy every 4, 6, 8 or 12
    hours; HIPAA 164.308(a)(7)(ii)(A) data backup plan). An RPO under the shortest interval
    cannot be met by VM backup: a PlanError says so.
    """
    rule = load("retention")["backup"]
    intervals = sorted(int(i) for i in rule["intervals_hours"])
    rpo = int(rpo_hours if rpo_hours is not None else rule["default_rpo_hours"])
    fitting = [i for i in intervals if i <= rpo]
    if not fitting:
        raise PlanError(
            f"backup.rpo_hours {rpo} is shorter than the shortest VM backup interval "
            f"({intervals[0]} hours): set rpo_hours to {intervals[0]} or more, and protect "
            "systems that need less with database log shipping or replication"
        )
    frequency = fitting[-1]
    default = " (default)" if rpo_hours is None else ""
    reason = f"RPO {rpo} hours{default} -> back up every {frequency} hours (allowed: {intervals})"
    return Sized(
        (rpo, frequency), Decision("BKP-RPO-01", "backup.frequency_hours", str(frequency), reason)
    )


DAYS_PER_WEEK = 7
# The longest month, so a retention counted in months never ends before the calendar's.
DAYS_PER_LONGEST_MONTH = 31


def retention_days(
    daily_days: int, weekly_weeks: int, monthly_months: int, yearly_years: int, record_years: int
) -> Sized[RetentionDays]:
    """BKP-DAYS-01: every retention period in days, for the APIs that count only days (Google
    Cloud Backup and DR rules, bucket retention, Azure immutability and log retention): weeks x
    7, months x 31, years x 365 plus a leap day for every four years or part of them.

    Source: Gregorian calendar (a leap day in every four consecutive years, at most); Cloud
    Storage 'Bucket Lock' counts a year as 365.25 days, which this never falls below.
    """
    days = RetentionDays(
        daily=daily_days,
        weekly=weekly_weeks * DAYS_PER_WEEK,
        monthly=monthly_months * DAYS_PER_LONGEST_MONTH,
        yearly=days_in_years(yearly_years),
        records=days_in_years(record_years),
    )
    reason = (
        f"{weekly_weeks} weeks x 7 = {days.weekly}; {monthly_months} months x 31 = {days.monthly};"
        f" {yearly_years} years = {days.yearly}; records {record_years} years = {days.records}"
        " (365 a year + a leap day per four years or part)"
    )
    value = f"{days.daily}/{days.weekly}/{days.monthly}/{days.yearly}/{days.records} days"
    return Sized(days, Decision("BKP-DAYS-01", "backup.retention_days", value, reason))


def backup_plan(
    rpo_hours: int,
    frequency_hours: int,
    record_years: int,
    dr_region: str | None,
    days: RetentionDays,
) -> Sized[BackupPlan]:
    """BKP-RET-02: backup tiers (daily, weekly, monthly, yearly for the record period), an
    immutable vault with soft delete, geo-redundant with cross-region restore when a DR region
    is set, zone-redundant otherwise.

    Source: catalog/retention.yaml backup (HIPAA 164.308(a)(7)(ii)(A)-(B): exact retrievable
    copies and disaster recovery; Azure Recovery Services soft delete 14 days); Microsoft Learn
    "Immutable vault for Azure Backup" and "Reliability in Azure Backup" (geo-redundant storage,
    cross-region restore). Geo-redundancy only when the profile sets practice.dr_region is
    clinicgen's choice (docs/profile.md). Archives end with their retention: GDPR Art. 5(1)(e)
    (storage limitation) sets an upper bound, which the Azure and Google Cloud lifecycles apply.
    """
    rule = load("retention")["backup"]
    geo = dr_region is not None
    plan = BackupPlan(
        rpo_hours=rpo_hours,
        frequency_hours=frequency_hours,
        daily_days=int(rule["daily_days"]),
        weekly_weeks=int(rule["weekly_weeks"]),
        monthly_months=int(rule["monthly_months"]),
        yearly_years=record_years,
        record_retention_years=record_years,
        redundancy="geo" if geo else "zone",
        dr_region=dr_region,
        cross_region_restore=geo,
        immutable=True,
        soft_delete_days=int(rule["soft_delete_days"]),
        retention_days=days,
    )
    where = (
        f"geo-redundant to {dr_region} with cross-region restore"
        if geo
        else "zone-redundant (no dr_region)"
    )
    reason = (
        f"keep {plan.daily_days} daily, {plan.weekly_weeks} weekly, {plan.monthly_months} "
        f"monthly, {plan.yearly_years} yearly (record retention); immutable, soft delete "
        f"{plan.soft_delete_days} days; archive copies deleted when their retention ends "
        f"(GDPR Art. 5(1)(e) storage limitation); {where}"
    )
    value = f"{plan.daily_days}d/{plan.weekly_weeks}w/{plan.monthly_months}m/{plan.yearly_years}y"
    return Sized(plan, Decision("BKP-RET-02", "backup.retention", value, reason))
