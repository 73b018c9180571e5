"""Monitoring rules: log retention, compliance initiatives and threat-protection plans.

Sources: HIPAA 45 CFR 164.316(b)(2)(i) (the 6-year rule), the Azure landing zone's 365-day
interactive retention and the Azure Policy built-in HIPAA HITRUST initiative, through
catalog/retention.yaml logs and catalog/skus.yaml monitoring, each with its source.
"""

from __future__ import annotations

from generator.catalog import load
from generator.catalog.builtin_names import builtin_name
from generator.errors import PlanError
from generator.plan.model import Decision, MonitoringPlan
from generator.sizing.backup import jurisdiction_rules
from generator.sizing.sized import Sized, days_in_years
from generator.wording import counted


def log_retention(
    *, jurisdiction: str | None = None, compliance: tuple[str, ...] = ()
) -> Sized[tuple[int, int]]:
    """LOG-RET-01: logs interactive for a year, kept (with archive) for six years, which must
    meet the jurisdiction's own log rule (NEN 7513 logging in the Netherlands, or for any
    practice under NEN 7510: at least 5 years).

    Source: catalog/retention.yaml logs (ALZ Bicep 365 days interactive; HIPAA 45 CFR
    164.316(b)(2)(i) 6 years; 2191 days is Log Analytics' 6-year total-retention step) and the
    jurisdictions' `log_years` (NL: Staatscourant 2019, 38007). A log rule longer than the
    total is a PlanError: the catalog needs a longer total-retention step.
    """
    logs = load("retention")["logs"]
    interactive, total = int(logs["interactive_days"]), int(logs["total_days"])
    reason = f"{interactive} days interactive, {total} days total with archive (6 years)"
    where, rules = jurisdiction_rules("NL" if "nen7510" in compliance else jurisdiction)
    if "log_years" in rules:
        needed = days_in_years(int(rules["log_years"]))
        if needed > total:
            raise PlanError(
                f"{where} keeps logs {rules['log_years']} years ({needed} days), longer than"
                f" clinicgen's {total}-day log retention: raise logs.total_days in"
                " catalog/retention.yaml to a Log Analytics step that holds it"
            )
        reason += f"; meets {where} log rule {rules['log_years']} years ({needed} days)"
    value = f"{interactive}/{total} days"
    return Sized(
        (interactive, total), Decision("LOG-RET-01", "monitoring.log_retention", value, reason)
    )


def policy_initiatives(cloud: str, compliance: tuple[str, ...]) -> Sized[tuple[str, ...]]:
    """MON-POL-01: the cloud's compliance initiatives (Azure Policy) or org-policy constraints
    (GCP) for the practice's compliance regimes.

    Source: catalog/skus.yaml monitoring (Azure built-in initiatives: for HIPAA the HIPAA
    HITRUST 9.2 mapping a169a624-5599-4385-a696-c8d643089fab, for HITRUST the current HITRUST
    CSF v11.3, e0d47b75-5d99-442a-9d60-07f2595ab095; on GCP, clinicgen's selection of
    Organization Policy constraints).
    """
    table = load("skus")["monitoring"][cloud]["initiatives"]
    chosen: dict[str, None] = {}
    for regime in compliance:
        entry = table.get(regime, [])
        for item in [entry] if isinstance(entry, str) else entry:
            chosen[str(item)] = None
    uncovered = [regime for regime in compliance if regime not in table]
    gap = f"; no built-in for {', '.join(uncovered)}" if uncovered else ""
    named = ", ".join(builtin_name(item) for item in chosen) or "none"
    reason = f"{', '.join(compliance)} -> {counted(len(chosen), 'assignment')}: {named}{gap}"
    value = ", ".join(chosen) or "none"
    return Sized(
        tuple(chosen), Decision("MON-POL-01", "monitoring.policy_initiatives", value, reason)
    )


def defender_plans(cloud: str, vms: bool, app_service: bool) -> Sized[tuple[str, ...]]:
    """MON-DEF-01: threat-protection plans for what the plan deploys (Azure Defender for Cloud).

    Source: catalog/skus.yaml monitoring (Defender plan names); HIPAA 164.308(a)(5)(ii)(B)
    protection from malicious software.
    """
    table = load("skus")["monitoring"][cloud]
    plans = [str(p) for p in table["defender_always"]]
    if vms and "defender_vms" in table:
        plans.append(str(table["defender_vms"]))
    if app_service and "defender_app_service" in table:
        plans.append(str(table["defender_app_service"]))
    reason = (
        f"{counted(len(plans), 'plan')} for the resources deployed"
        if plans
        else f"{cloud}: none in the plan"
    )
    value = ", ".join(plans) or "none"
    return Sized(tuple(plans), Decision("MON-DEF-01", "monitoring.defender_plans", value, reason))


def monitoring_plan(
    retention: tuple[int, int], initiatives: tuple[str, ...], defender: tuple[str, ...]
) -> MonitoringPlan:
    """Flow logs are always on, clinicgen's choice as evidence for HIPAA 164.312(b) audit
    controls: Azure virtual network flow logs, Google Cloud VPC Flow Logs on every subnet."""
    return MonitoringPlan(
        log_retention_days=retention[0],
        log_archive_days=retention[1],
        flow_logs=True,
        policy_initiatives=initiatives,
        defender_plans=defender,
    )
