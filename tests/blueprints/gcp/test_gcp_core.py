"""The core stack of every GCP practice, run under mocks: inventory, structure and sizes equal
to the plan. Security properties are in test_gcp_security.py."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from blueprints.gcp import outputs
from generator.catalog import load
from generator.preview.runner import run_core
from tests.blueprints.gcp import gcp_runs as g
from tests.blueprints.practice_runs import PracticeRun

CONTROLS = load("gcp_controls")
DAY = 86400
ALWAYS = {
    "ProjectApis",
    "Identity",
    "CoreNetwork",
    "Backup",
    "Monitoring",
    "Compliance",
    "AccessGrants",
}


def expected_inventory(run: PracticeRun) -> Counter[str]:
    """What the core stack holds apart from its role bindings, counted from the plan alone."""
    plan = run.plan
    work = plan.workloads
    assert plan.gcp is not None
    gcp = plan.gcp
    region = plan.practice.region
    placement = g.placement(run)
    far = placement.copy_region is not None
    health = bool(work.fhir or work.imaging)
    vms = work.ehr.vm_count if work.ehr else 0
    bastion = int(plan.core.bastion)
    recording = bool(work.telehealth and work.telehealth.recording)
    archives = 1 + (work.imaging is not None) + recording
    # The disks key encrypts the application servers' disks and the bastion's boot disk.
    regional_keys = health + bool(work.ehr or bastion) + bool(work.ingest)
    keys = 1 + far + regional_keys
    transfer_roles = len(CONTROLS["transfer"]["source_roles"] + CONTROLS["transfer"]["sink_roles"])
    key_ring_locations = {placement.key_location} | ({placement.copy_region} if far else set())
    expected = Counter(
        {
            g.NETWORK: 1,
            g.SUBNETWORK: len(plan.core.subnets),
            g.ROUTER: 1,
            g.NAT: 1,
            g.HA_VPN: 1 if plan.vpn else 0,
            g.FIREWALL: len(CONTROLS["firewall"]["rules"]) - (1 - bastion),
            g.INSTANCE: vms + bastion,
            g.DISK: vms,
            g.ACCOUNT: len(plan.identity.workloads) + bastion,
            g.KEY_RING: len(key_ring_locations | ({region} if regional_keys else set())),
            g.CRYPTO_KEY: keys,
            # One service agent per key; the transfer agent also holds both archive keys.
            g.KEY_IAM: keys + (2 if far else 0),
            g.DATASET: int(health),
            g.FHIR_STORE: int(work.fhir),
            g.DICOM_STORE: int(work.imaging is not None),
            g.BUCKET: archives * (2 if far else 1),
            g.TRANSFER_JOB: archives if far else 0,
            # The transfer agent on each archive and its copy; telehealth on its recordings.
            g.BUCKET_IAM: (archives * transfer_roles if far else 0) + recording,
            g.VAULT: 1,
            g.BACKUP_PLAN: 1 if vms else 0,
            # No project role for the vault's service agent: the instances share its project.
            g.PROJECT_IAM: 0,
            g.BACKUP_ASSOCIATION: vms,
            g.RESOURCE_POLICY: 1 if vms + bastion else 0,
            g.DISK_ATTACHMENT: 2 * vms + bastion,  # boot and data disk per server, bastion boot
            g.CLOUD_RUN: int(work.telehealth is not None),
            g.RUN_INVOKER: int(work.telehealth is not None),
            # The WAF front end: one of each load balancer part (WL-TEL-01).
            **dict.fromkeys(g.WAF_FRONT_END, int(bool(work.telehealth and work.telehealth.waf))),
            g.TOPIC: int(work.ingest is not None),
            g.SUBSCRIPTION: int(work.ingest is not None),
            g.LOG_BUCKET: 1,
            g.LOG_SINK: 1,
            g.AUDIT_CONFIG: len(CONTROLS["audit_logs"]["services"]),
            g.ORG_POLICY: len(plan.monitoring.policy_initiatives) if gcp.org_policies else 0,
            g.SERVICE: len(gcp.apis),
            # The healthcare and Pub/Sub service agents, generated for their keys.
            g.SERVICE_IDENTITY: int(work.health_data) + bool(work.ingest),
        }
    )
    return +expected


def test_core_inventory_matches_the_plan(practice: PracticeRun) -> None:
    access = {r.urn for r in practice.core.resources if r.type == "clinicgen:gcp:AccessGrants"}
    counted = Counter(
        r.type for r in practice.core.resources if r.custom and r.parent not in access
    )
    assert counted == expected_inventory(practice)


def test_one_component_per_concern_parents_every_resource(practice: PracticeRun) -> None:
    work = practice.plan.workloads
    concerns = ALWAYS | {
        name
        for name, planned in (
            ("HealthData", work.fhir or work.imaging),
            ("AppServers", work.ehr),
            ("Telehealth", work.telehealth),
            ("DeviceIngest", work.ingest),
        )
        if planned
    }
    components = {r.urn: r.type for r in practice.core.resources if not r.custom}
    assert sorted(components.values()) == sorted(f"clinicgen:gcp:{c}" for c in concerns)
    for resource in practice.core.resources:
        if resource.custom:
            assert resource.parent in components, resource.name
            parent_name = resource.parent.rsplit("::", 1)[1]
            assert resource.name.startswith(f"{parent_name}-"), resource.name


def test_subnets_equal_the_plan(practice: PracticeRun) -> None:
    subnets = {r.name: r.inputs for r in practice.core.of_type(g.SUBNETWORK)}
    pid = practice.plan.practice.id
    assert {
        name: (inputs["ipCidrRange"], inputs["region"]) for name, inputs in subnets.items()
    } == {
        f"{pid}-network-{s.name}": (s.cidr, practice.plan.practice.region)
        for s in practice.plan.core.subnets
    }


def test_router_and_vpn_gateway_follow_the_plan(practice: PracticeRun) -> None:
    vpn = practice.plan.vpn
    routers = practice.core.of_type(g.ROUTER)
    assert len(routers) == (len(vpn.routers) if vpn else 1)
    assert {r.inputs.get("bgp", {}).get("asn") for r in routers} == {vpn.cloud_asn if vpn else None}
    regions = sorted({r.region for r in vpn.routers}) if vpn else []
    gateways = practice.core.of_type(g.HA_VPN)
    assert sorted(gateway.inputs["region"] for gateway in gateways) == regions
    if vpn:
        assert practice.core.outputs[outputs.VPN_GATEWAY_ADDRESSES] == {
            region: ["35.0.0.1", "35.0.0.2"] for region in regions
        }


def test_core_exports_what_sites_read(practice: PracticeRun) -> None:
    exported = practice.core.outputs
    assert {outputs.NETWORK, outputs.ROUTERS, outputs.ROUTER_NAMES, outputs.VPN_GATEWAYS} <= set(
        exported
    )
    (network,) = practice.core.of_type(g.NETWORK)
    assert exported[outputs.NETWORK] == network.outputs["selfLink"]


def test_hosted_ehr_servers_are_sized_from_the_plan(hosted: PracticeRun) -> None:
    ehr = hosted.plan.workloads.ehr
    assert ehr is not None
    servers = [r for r in hosted.core.of_type(g.INSTANCE) if "-ehr-" in r.name]
    assert len(servers) == ehr.vm_count
    assert {r.inputs["machineType"] for r in servers} == {ehr.machine_type}
    # Registration order is not creation order: compare by name.
    region_zones = g.placement(hosted).zones
    assert {r.inputs["name"]: r.inputs["zone"] for r in servers} == {
        f"{hosted.plan.practice.id}-ehr-{i + 1}": region_zones[i % len(region_zones)]
        for i in range(ehr.vm_count)
    }
    assert [r.inputs["size"] for r in hosted.core.of_type(g.DISK)] == [
        ehr.data_disk_gb
    ] * ehr.vm_count


def test_telehealth_service_is_sized_from_the_plan(example_run: PracticeRun) -> None:
    telehealth = example_run.plan.workloads.telehealth
    services = example_run.core.of_type(g.CLOUD_RUN)
    if telehealth is None:
        assert services == []
        return
    (service,) = services
    template = service.inputs["template"]
    assert template["scaling"] == {
        "minInstanceCount": telehealth.min_instances,
        "maxInstanceCount": telehealth.max_instances,
    }
    (container,) = template["containers"]
    assert container["resources"]["limits"] == {
        "cpu": str(telehealth.cpu),
        "memory": f"{telehealth.memory_gb}Gi",
    }


def test_device_ingest_keeps_messages_as_the_plan_says(practice: PracticeRun) -> None:
    ingest = practice.plan.workloads.ingest
    topics = practice.core.of_type(g.TOPIC)
    assert len(topics) == (1 if ingest else 0)
    for topic in topics:
        assert ingest is not None
        assert topic.inputs["messageRetentionDuration"] == f"{ingest.retention_days * DAY}s"
        assert topic.inputs["messageStoragePolicy"]["allowedPersistenceRegions"] == [
            practice.plan.practice.region
        ]


def test_backup_retention_equals_the_plan(practice: PracticeRun) -> None:
    backup = practice.plan.backup
    (vault,) = practice.core.of_type(g.VAULT)
    assert vault.inputs["backupMinimumEnforcedRetentionDuration"] == f"{backup.daily_days * DAY}s"
    for plan in practice.core.of_type(g.BACKUP_PLAN):
        retention = {
            rule["ruleId"]: rule["backupRetentionDays"] for rule in plan.inputs["backupRules"]
        }
        assert retention == {
            ("hourly" if backup.frequency_hours < 24 else "daily"): backup.daily_days,
            "weekly": backup.retention_days.weekly,
            "monthly": backup.retention_days.monthly,
            "yearly": backup.retention_days.yearly,
        }
    for schedule in practice.core.of_type(g.RESOURCE_POLICY):
        policy = schedule.inputs["snapshotSchedulePolicy"]
        assert policy["retentionPolicy"]["maxRetentionDays"] == backup.daily_days
        cycle = policy["schedule"]
        if backup.frequency_hours < 24:
            assert cycle["hourlySchedule"]["hoursInCycle"] == backup.frequency_hours
        else:
            assert cycle["dailySchedule"]["daysInCycle"] == backup.frequency_hours // 24


def test_archive_retention_and_lifecycle_equal_the_plan(practice: PracticeRun) -> None:
    plan = practice.plan
    buckets = {r.name: r.inputs for r in practice.core.of_type(g.BUCKET)}
    pid = plan.practice.id
    records = buckets[f"{pid}-backup-records"]
    assert records["retentionPolicy"]["retentionPeriod"] == str(
        plan.backup.retention_days.records * DAY
    )
    imaging = plan.workloads.imaging
    assert (f"{pid}-backup-imaging" in buckets) == (imaging is not None)
    if imaging:
        archive = buckets[f"{pid}-backup-imaging"]
        assert archive["retentionPolicy"]["retentionPeriod"] == str(imaging.retention_days * DAY)
        assert [
            (rule["action"].get("storageClass", rule["action"]["type"]), rule["condition"]["age"])
            for rule in archive["lifecycleRules"]
        ] == [
            ("NEARLINE", imaging.hot_days),
            ("ARCHIVE", imaging.cool_days),
            ("Delete", imaging.retention_days),
        ]


def test_recordings_archive_only_when_visits_are_recorded(practice: PracticeRun) -> None:
    telehealth = practice.plan.workloads.telehealth
    buckets = {r.name for r in practice.core.of_type(g.BUCKET)}
    recordings = f"{practice.plan.practice.id}-telehealth-recordings"
    assert (recordings in buckets) == bool(telehealth and telehealth.recording)


def test_log_bucket_keeps_the_plans_total_retention(practice: PracticeRun) -> None:
    (bucket,) = practice.core.of_type(g.LOG_BUCKET)
    assert bucket.inputs["retentionDays"] == practice.plan.monitoring.log_archive_days


def test_a_core_plan_without_placement_is_refused(hosted: PracticeRun) -> None:
    with pytest.raises(ValueError, match="no placement"):
        run_core(dataclasses.replace(hosted.core_plan, placement=None))
