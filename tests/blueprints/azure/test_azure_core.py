"""The core stack of every Azure practice, run under mocks: inventory, structure, and sizes equal
to the plan. Security properties are in test_azure_security.py, site stacks in
test_azure_sites.py."""

from __future__ import annotations

import ipaddress
import subprocess
import sys
from collections import Counter

from blueprints.azure import outputs
from blueprints.azure.network import FIREWALL_HOST_INDEX
from blueprints.azure.private_link import zones_for
from blueprints.azure.stacks import private_endpoint_services, stack_context
from generator.catalog import load
from tests.blueprints.azure import azure_runs as a
from tests.blueprints.practice_runs import PracticeRun, of_type, run_practice
from tests.paths import ROOT

PLATFORM = load("azure_platform")
COMPONENTS = {
    "clinicgen:azure:Monitoring",
    "clinicgen:azure:CoreNetwork",
    "clinicgen:azure:Identity",
    "clinicgen:azure:Backup",
    "clinicgen:azure:Compliance",
    "clinicgen:azure:AccessGrants",
}


def expected_rule_names(run: PracticeRun) -> Counter[str]:
    """The hub's own NSG rules, by NSG subnet, from the plan and the platform catalog."""
    present = {subnet.name for subnet in run.plan.core.subnets}
    with_nsg = present - set(PLATFORM["subnets_without_nsg"]["keys"])
    # the inbound deny-all floor, and the outbound floor: allow the hub, deny the private ranges
    exempt = set(PLATFORM["outbound_floor"]["exempt"])
    rules: Counter[str] = Counter({key: 1 if key in exempt else 3 for key in with_nsg})
    for rule in PLATFORM["hub_rules"]:
        sources = [rule["from"]] if isinstance(rule["from"], str) else rule["from"]
        if present & set(sources):
            rules.update(target for target in rule["to"] if target in present)
    if "bastion" in with_nsg:
        rules["bastion"] += len(PLATFORM["bastion_rules"]["rules"])
    if "appgw" in with_nsg:
        rules["appgw"] += len(PLATFORM["application_gateway"]["nsg_rules"])
    return rules


def expected_inventory(run: PracticeRun) -> Counter[str]:
    """What the core stack holds, counted from the plan alone."""
    plan, work = run.plan, run.plan.workloads
    core = plan.core
    health = work.health_data
    firewall = core.firewall_tier != "none"
    vms = work.ehr.vm_count if work.ehr else 0
    nsgs = len(expected_rule_names(run))
    storage = (
        (work.imaging is not None)
        + plan.monitoring.flow_logs
        + bool(work.telehealth and work.telehealth.recording)
    )
    endpoints = 1 + health + (work.imaging is not None) + (work.ingest is not None)
    waf = int(bool(work.telehealth and work.telehealth.waf))
    context = stack_context(plan.practice, run.core_plan.platform)
    zones = len(zones_for(context, private_endpoint_services(work)))
    diagnostics = (
        1  # VNet
        + nsgs
        + bool(plan.vpn)
        + firewall
        + core.bastion
        + 1  # Key Vault
        + 1  # Recovery Services vault
        + work.fhir
        + (work.imaging is not None)
        + (work.ingest is not None)
        + (work.telehealth is not None)
        + storage  # each account's blob service
    )
    workload_groups = bool(work.ehr) + bool(work.telehealth) + bool(work.ingest)
    groups = 4 + health + workload_groups + plan.monitoring.flow_logs  # NetworkWatcherRG
    # Each grant lands once on the resource its scope stands for; `workloads` on each group.
    targets = {"workloads": workload_groups}
    grants = [g for p in plan.identity.personas for g in p.grants] + [
        g for w in plan.identity.workloads for g in w.grants
    ]
    assignments = sum(targets.get(g.scope, 1) for g in grants) + plan.monitoring.flow_logs
    remediation = PLATFORM["policy_remediation"]["initiatives"]
    groups_of = {"network-watcher": plan.monitoring.flow_logs, "virtual-machines": bool(work.ehr)}
    assignments += sum(
        len(roles) * groups_of[kind]
        for initiative in set(plan.monitoring.policy_initiatives)
        for kind, roles in remediation.get(initiative, {}).items()
    )
    return Counter(
        {
            a.RESOURCE_GROUP: groups,
            a.LOG_WORKSPACE: 1,
            a.LOG_TABLE: len(PLATFORM["log_analytics"]["archive_tables"]),
            a.ACTIVITY_LOG: 1,
            a.VNET: 1,
            a.SUBNET: len(core.subnets),
            a.NSG: nsgs,
            a.RULE: sum(expected_rule_names(run).values()),
            a.ROUTE_TABLE: int(firewall),
            a.PRIVATE_ZONE: zones,
            a.ZONE_LINK: zones,
            a.PUBLIC_IP: bool(plan.vpn) + firewall + core.bastion + waf,
            a.APP_GATEWAY: waf,
            a.WAF_POLICY: waf,
            a.VPN_GATEWAY: int(bool(plan.vpn)),
            a.FIREWALL_POLICY: int(firewall),
            a.FIREWALL_RULES: int(firewall),
            a.FIREWALL: int(firewall),
            a.BASTION: int(core.bastion),
            a.DIAGNOSTICS: diagnostics,
            a.KEY_VAULT: 1,
            a.PRIVATE_ENDPOINT: endpoints,
            a.DNS_ZONE_GROUP: endpoints,
            a.IDENTITY: len(plan.identity.workloads) + plan.monitoring.flow_logs,
            a.RECOVERY_VAULT: 1,
            a.BACKUP_POLICY: 1,
            a.HEALTH_WORKSPACE: int(health),
            a.FHIR: int(work.fhir),
            a.DICOM: int(work.imaging is not None),
            a.STORAGE_ACCOUNT: storage,
            a.BLOB_SERVICE: storage,
            a.LIFECYCLE: storage,
            a.CONTAINER: (work.imaging is not None)
            + bool(work.telehealth and work.telehealth.recording),
            a.SSH_KEY: int(bool(work.ehr)),
            a.VAULT_SECRET: int(bool(work.ehr)),
            a.SECRET_ROTATION: int(bool(work.ehr)),
            a.NIC: vms,
            a.DISK: vms,
            a.VM: vms,
            a.PROTECTED_ITEM: vms,
            a.APP_SERVICE_PLAN: int(bool(work.telehealth)),
            a.AUTOSCALE: int(bool(work.telehealth)),
            a.WEB_APP: int(bool(work.telehealth)),
            a.FTP_POLICY: int(bool(work.telehealth)),
            a.SCM_POLICY: int(bool(work.telehealth)),
            a.COMMUNICATION: int(bool(work.telehealth)),
            a.IOT_HUB: int(bool(work.ingest)),
            a.POLICY_ASSIGNMENT: len(set(plan.monitoring.policy_initiatives)),
            a.DEFENDER: len(plan.monitoring.defender_plans),
            a.FLOW_LOG: int(plan.monitoring.flow_logs),
            a.NETWORK_WATCHER: int(plan.monitoring.flow_logs),
            a.ROLE_ASSIGNMENT: assignments,
            a.CONDITIONAL_ACCESS: int(plan.identity.conditional_access),
        }
    )


def test_core_inventory_is_what_the_plan_asks_for(practice: PracticeRun) -> None:
    actual = Counter(r.type for r in practice.core.resources if r.custom)
    assert actual == +expected_inventory(practice)


def test_every_resource_sits_in_a_component(practice: PracticeRun) -> None:
    components = {r.urn: r.type for r in practice.core.resources if not r.custom}
    assert set(components.values()) >= COMPONENTS
    for resource in practice.core.resources:
        if resource.custom:
            assert resource.parent in components, resource.name


def test_an_opted_in_practice_requires_mfa_for_exactly_its_persona_groups(
    practice: PracticeRun,
) -> None:
    policies = of_type(practice.core, a.CONDITIONAL_ACCESS)
    if not practice.plan.identity.conditional_access:
        assert policies == []
        return
    (policy,) = policies
    facts = PLATFORM["conditional_access"]
    groups = [persona.group for persona in practice.plan.identity.personas]
    assert policy.inputs["state"] == "enabled"
    assert policy.inputs["conditions"] == {
        "users": {"includedGroups": groups},
        "applications": {"includedApplications": facts["applications"]},
        "clientAppTypes": ["all"],
    }
    assert policy.inputs["grantControls"] == {"operator": "OR", "builtInControls": ["mfa"]}


def test_lakeside_opts_in_and_maple_does_not() -> None:
    assert a.practice_run("lakeside").plan.identity.conditional_access
    assert not a.practice_run("maple").plan.identity.conditional_access


def test_the_azure_program_loads_entra_ids_sdk_only_for_a_practice_that_opts_in() -> None:
    # pulumi_azuread loads its whole package on import (about half a second); a fresh
    # process, as other tests here may have loaded it.
    script = "import sys, blueprints.azure.stacks; print('pulumi_azuread' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_core_exports_what_site_stacks_read(practice: PracticeRun) -> None:
    expected = {
        outputs.NETWORK_RESOURCE_GROUP,
        outputs.NSG_NAMES,
        outputs.KEY_VAULT_NAME,
        outputs.KEY_VAULT_RESOURCE_GROUP,
    }
    if practice.plan.vpn:
        expected |= {
            outputs.VPN_GATEWAY_ID,
            outputs.VPN_GATEWAY_ADDRESSES,
            outputs.VPN_GATEWAY_BGP_ADDRESS,
        }
    assert set(practice.core.outputs) == expected
    nsg_names = practice.core.outputs[outputs.NSG_NAMES]
    assert set(nsg_names) == set(expected_rule_names(practice))


def test_subnets_and_address_space_equal_the_plan(practice: PracticeRun) -> None:
    plan = practice.plan.core
    (vnet,) = of_type(practice.core, a.VNET)
    assert vnet.inputs["addressSpace"]["addressPrefixes"] == [plan.address_space]
    cloud_names = load("cloud_subnets")["azure"]
    subnets = {
        r.inputs["subnetName"]: r.inputs["addressPrefix"] for r in of_type(practice.core, a.SUBNET)
    }
    assert subnets == {cloud_names[s.name]["cloud_name"]: s.cidr for s in plan.subnets}


def test_vpn_gateway_sku_is_the_plans(practice: PracticeRun) -> None:
    gateways = of_type(practice.core, a.VPN_GATEWAY)
    if practice.plan.vpn is None:
        assert gateways == []
        return
    (gateway,) = gateways
    sku = practice.plan.vpn.sku
    assert gateway.inputs["sku"] == {"name": sku, "tier": sku}
    assert gateway.inputs["vpnGatewayGeneration"] == PLATFORM["vpn_gateway"]["generation"][sku]
    assert gateway.inputs["vpnType"] == "RouteBased"


def test_firewall_tier_and_egress_route_follow_the_plan(practice: PracticeRun) -> None:
    tier = practice.plan.core.firewall_tier
    firewalls = of_type(practice.core, a.FIREWALL)
    if tier == "none":
        assert firewalls == [] and of_type(practice.core, a.ROUTE_TABLE) == []
        return
    sku_tier = PLATFORM["firewall"]["tiers"][tier]
    (firewall,) = firewalls
    (policy,) = of_type(practice.core, a.FIREWALL_POLICY)
    assert firewall.inputs["sku"] == {"name": "AZFW_VNet", "tier": sku_tier}
    assert policy.inputs["sku"] == {"tier": sku_tier}
    assert ("intrusionDetection" in policy.inputs) == (tier == "premium")
    (table,) = of_type(practice.core, a.ROUTE_TABLE)
    (route,) = table.inputs["routes"]
    firewall_subnet = ipaddress.ip_network(practice.plan.core.subnet("firewall").cidr)
    assert route["addressPrefix"] == "0.0.0.0/0"
    assert route["nextHopIpAddress"] == str(firewall_subnet[FIREWALL_HOST_INDEX])
    routed = {
        r.inputs["subnetName"] for r in of_type(practice.core, a.SUBNET) if "routeTable" in r.inputs
    }
    egress = {
        key
        for key, role in PLATFORM["subnet_roles"].items()
        if isinstance(role, dict) and role.get("egress_via_firewall")
    }
    cloud_names = load("cloud_subnets")["azure"]
    assert routed == {
        cloud_names[s.name]["cloud_name"] for s in practice.plan.core.subnets if s.name in egress
    }


def test_application_servers_match_the_hosted_ehr_plan(lakeside: PracticeRun) -> None:
    ehr = lakeside.plan.workloads.ehr
    assert ehr is not None
    vms = of_type(lakeside.core, a.VM)
    assert len(vms) == ehr.vm_count
    assert {vm.inputs["hardwareProfile"]["vmSize"] for vm in vms} == {ehr.machine_type}
    assert {d.inputs["diskSizeGB"] for d in of_type(lakeside.core, a.DISK)} == {ehr.data_disk_gb}


def test_telehealth_plan_sku_and_instances_match(practice: PracticeRun) -> None:
    tele = practice.plan.workloads.telehealth
    assert tele is not None
    (service_plan,) = of_type(practice.core, a.APP_SERVICE_PLAN)
    assert service_plan.inputs["sku"] == {"name": tele.sku, "capacity": tele.min_instances}
    (autoscale,) = of_type(practice.core, a.AUTOSCALE)
    (profile,) = autoscale.inputs["profiles"]
    assert profile["capacity"] == {
        "minimum": str(tele.min_instances),
        "maximum": str(tele.max_instances),
        "default": str(tele.min_instances),
    }


def test_iot_hub_tier_units_and_retention_match(practice: PracticeRun) -> None:
    ingest = practice.plan.workloads.ingest
    assert ingest is not None
    (hub,) = of_type(practice.core, a.IOT_HUB)
    assert hub.inputs["sku"] == {"name": ingest.tier, "capacity": ingest.units}
    events = hub.inputs["properties"]["eventHubEndpoints"]["events"]
    assert events["retentionTimeInDays"] == ingest.retention_days


def test_log_retention_matches_the_monitoring_plan(practice: PracticeRun) -> None:
    plan = practice.plan.monitoring
    (workspace,) = of_type(practice.core, a.LOG_WORKSPACE)
    assert workspace.inputs["retentionInDays"] == plan.log_retention_days
    tables = of_type(practice.core, a.LOG_TABLE)
    assert {(t.inputs["retentionInDays"], t.inputs["totalRetentionInDays"]) for t in tables} == {
        (plan.log_retention_days, plan.log_archive_days)
    }
    limits = PLATFORM["log_analytics"]
    assert plan.log_retention_days <= limits["max_interactive_days"]
    assert plan.log_archive_days <= limits["max_total_days"]


def test_backup_policy_and_vault_match_the_backup_plan(practice: PracticeRun) -> None:
    plan = practice.plan.backup
    (policy,) = of_type(practice.core, a.BACKUP_POLICY)
    properties = policy.inputs["properties"]
    schedule, retention = properties["schedulePolicy"], properties["retentionPolicy"]
    if plan.frequency_hours < 24:
        assert schedule["scheduleRunFrequency"] == "Hourly"
        assert schedule["hourlySchedule"]["interval"] == plan.frequency_hours
    else:
        assert schedule["scheduleRunFrequency"] == "Daily"
    counts = {
        "dailySchedule": (plan.daily_days, "Days"),
        "weeklySchedule": (plan.weekly_weeks, "Weeks"),
        "monthlySchedule": (plan.monthly_months, "Months"),
        "yearlySchedule": (plan.yearly_years, "Years"),
    }
    for key, (count, unit) in counts.items():
        assert retention[key]["retentionDuration"] == {"count": count, "durationType": unit}
    (vault,) = of_type(practice.core, a.RECOVERY_VAULT)
    redundancy = vault.inputs["properties"]["redundancySettings"]
    assert redundancy == {
        "standardTierStorageRedundancy": PLATFORM["backup"]["vault_redundancy"][plan.redundancy],
        "crossRegionRestore": "Enabled" if plan.cross_region_restore else "Disabled",
    }
    soft_delete = vault.inputs["properties"]["securitySettings"]["softDeleteSettings"]
    assert soft_delete["softDeleteRetentionPeriodInDays"] == plan.soft_delete_days


def test_imaging_archive_lifecycle_and_redundancy_follow_the_plan(imaging_run: PracticeRun) -> None:
    run = imaging_run
    imaging = run.plan.workloads.imaging
    assert imaging is not None
    (archive,) = [
        r
        for r in of_type(run.core, a.STORAGE_ACCOUNT)
        if r.inputs["accountName"].startswith("stimg")
    ]
    sku = PLATFORM["storage"]["skus"][run.plan.backup.redundancy]
    assert archive.inputs["sku"] == {"name": sku}
    policy = archive.inputs["immutableStorageWithVersioning"]["immutabilityPolicy"]
    assert policy["immutabilityPeriodSinceCreationInDays"] == imaging.retention_days
    (lifecycle,) = [r for r in of_type(run.core, a.LIFECYCLE) if r.parent == archive.parent]
    (rule,) = lifecycle.inputs["policy"]["rules"]
    base = rule["definition"]["actions"]["baseBlob"]
    colder = "tierToArchive" if sku in PLATFORM["storage"]["archive_tier_skus"] else "tierToCold"
    assert base == {
        "tierToCool": {"daysAfterModificationGreaterThan": imaging.hot_days},
        colder: {"daysAfterModificationGreaterThan": imaging.cool_days},
        "delete": {"daysAfterModificationGreaterThan": imaging.retention_days},
    }


def test_recordings_archive_only_when_visits_are_recorded(practice: PracticeRun) -> None:
    recording = bool(
        practice.plan.workloads.telehealth and practice.plan.workloads.telehealth.recording
    )
    containers = {r.inputs["containerName"] for r in of_type(practice.core, a.CONTAINER)}
    assert ("recordings" in containers) == recording


def test_a_core_run_is_deterministic(example_run: PracticeRun) -> None:
    again = run_practice(example_run.name, example_run.profile, example_run.ledger)
    assert a.by_urn(again.core) == a.by_urn(example_run.core)
    assert again.core.outputs == example_run.core.outputs


def test_tags_are_applied_as_written_and_dns_keeps_only_names_it_accepts() -> None:
    # Maple Grove tags `Cost Center` and `Environment`: Azure takes both on every resource, but
    # Azure DNS drops a tag name with a space without an error, so its zones and links get the
    # rest instead of a tag every deployment would re-apply.
    run = a.practice_run("maple")
    everything = {"Cost Center": "2150", "Environment": "Production"}
    dns_kept = {"Environment": "Production", "managed-by": "clinicgen", "practice": "maple-grove"}
    tagged = [r for r in run.core.resources if r.custom and "tags" in r.inputs]
    dns = [r for r in tagged if r.type in (a.PRIVATE_ZONE, a.ZONE_LINK)]
    assert dns and len(tagged) > 2 * len(dns)
    for resource in tagged:
        if resource in dns:
            assert resource.inputs["tags"] == dns_kept, resource.name
        else:
            assert everything.items() <= resource.inputs["tags"].items(), resource.name
