"""Each security property of the Google Cloud blueprints, asserted on the core stack of every
GCP practice as the mocks recorded it."""

from __future__ import annotations

import ipaddress

from blueprints.context import stack_labels
from blueprints.gcp import naming
from generator.catalog import load
from generator.preview.harness import RegisteredResource
from generator.preview.mocks import GCP_PROJECT_NUMBER
from tests.blueprints.gcp import gcp_runs as g
from tests.blueprints.gcp.gcp_runs import practice_run
from tests.blueprints.practice_runs import PracticeRun

CONTROLS = load("gcp_controls")
DAY = 86400
FORBIDDEN_ROLES = set(load("roles")["forbidden"]["gcp"])
STATEFUL = {
    g.KEY_RING,
    g.CRYPTO_KEY,
    g.BUCKET,
    g.DATASET,
    g.FHIR_STORE,
    g.DICOM_STORE,
    g.VAULT,
    g.LOG_BUCKET,
    g.DISK,
}


def by_id(run: PracticeRun) -> dict[str, RegisteredResource]:
    return {r.id: r for r in run.core.resources if r.custom}


def key_of(run: PracticeRun, purpose: str) -> RegisteredResource:
    (key,) = [k for k in run.core.of_type(g.CRYPTO_KEY) if k.name.endswith(f"-key-{purpose}")]
    return key


def key_location(run: PracticeRun, key_id: str) -> str:
    key = by_id(run)[key_id]
    return str(by_id(run)[key.inputs["keyRing"]].inputs["location"])


# -- network --------------------------------------------------------------------------------


def test_network_is_custom_mode(practice: PracticeRun) -> None:
    (network,) = practice.core.of_type(g.NETWORK)
    assert network.inputs["autoCreateSubnetworks"] is False


def test_every_subnet_has_flow_logs_and_private_google_access(practice: PracticeRun) -> None:
    flow_logs = CONTROLS["flow_logs"]
    for subnet in practice.core.of_type(g.SUBNETWORK):
        assert subnet.inputs["privateIpGoogleAccess"] is True, subnet.name
        assert subnet.inputs["logConfig"] == {
            "aggregationInterval": flow_logs["aggregation_interval"],
            "flowSampling": 1.0,
            "metadata": "INCLUDE_ALL_METADATA",
        }, subnet.name


def test_firewall_denies_by_default_in_both_directions(practice: PracticeRun) -> None:
    rules = practice.core.of_type(g.FIREWALL)
    denies = [r.inputs for r in rules if r.inputs.get("denies") and r.inputs["priority"] == 65534]
    assert sorted(d["direction"] for d in denies) == ["EGRESS", "INGRESS"]
    for deny in denies:
        assert deny["denies"] == [{"protocol": "all"}]
        assert deny["priority"] == 65534  # below every allow, above only the implied rules
        ranges = (
            deny["sourceRanges"] if deny["direction"] == "INGRESS" else deny["destinationRanges"]
        )
        assert ranges == ["0.0.0.0/0"]
    site_rules = [r for run in practice.sites.values() for r in run.of_type(g.FIREWALL)]
    for rule in rules + site_rules:
        if rule.inputs.get("allows"):
            assert rule.inputs["priority"] < 65534, rule.name


def test_every_firewall_rule_is_logged(practice: PracticeRun) -> None:
    site_rules = [r for run in practice.sites.values() for r in run.of_type(g.FIREWALL)]
    for rule in practice.core.of_type(g.FIREWALL) + site_rules:
        assert rule.inputs["logConfig"] == {"metadata": "INCLUDE_ALL_METADATA"}, rule.name


def test_the_internet_reaches_nothing_but_the_bastion_through_iap(practice: PracticeRun) -> None:
    iap = ipaddress.ip_network("35.235.240.0/20")
    for rule in practice.core.of_type(g.FIREWALL):
        inputs = rule.inputs
        if inputs["direction"] != "INGRESS" or not inputs.get("allows"):
            continue
        assert [ipaddress.ip_network(s) for s in inputs["sourceRanges"]] == [iap], rule.name
        assert inputs["destinationRanges"] == [practice.plan.core.subnet("bastion").cidr]
        assert inputs["allows"] == [{"protocol": "tcp", "ports": ["22", "3389"]}]


def test_cloud_nat_logs_its_errors(practice: PracticeRun) -> None:
    (nat,) = practice.core.of_type(g.NAT)
    assert nat.inputs["logConfig"] == {"enable": True, "filter": "ERRORS_ONLY"}
    assert nat.inputs["natIpAllocateOption"] == "AUTO_ONLY"  # no reserved address to expose


# -- identity and keys ----------------------------------------------------------------------


def bindings(run: PracticeRun) -> list[RegisteredResource]:
    access = {r.urn for r in run.core.resources if r.type == "clinicgen:gcp:AccessGrants"}
    return [r for r in run.core.resources if r.parent in access]


def test_no_basic_or_iam_admin_role_is_ever_bound(practice: PracticeRun) -> None:
    roles = [
        r.inputs["role"]
        for r in practice.all_resources()
        if r.custom and "role" in r.inputs and r.type != g.ORG_POLICY
    ]
    assert roles
    assert all(role.startswith("roles/") for role in roles)
    assert not FORBIDDEN_ROLES & set(roles)


def test_persona_groups_get_exactly_their_planned_roles(practice: PracticeRun) -> None:
    bound = {(r.inputs["member"], r.inputs["role"]) for r in bindings(practice)}
    for persona in practice.plan.identity.personas:
        assert {role for member, role in bound if member == persona.group} == {
            grant.role for grant in persona.grants
        }


def test_each_workload_has_its_own_account_with_only_its_roles(practice: PracticeRun) -> None:
    accounts = {r.inputs["accountId"]: r for r in practice.core.of_type(g.ACCOUNT)}
    pid = practice.plan.practice.id
    bound = {(r.inputs["member"], r.inputs["role"]) for r in bindings(practice)}
    for workload in practice.plan.identity.workloads:
        account = accounts[f"{pid}-{workload.workload}"]
        member = account.outputs["member"]
        assert {role for m, role in bound if m == member} == {g.role for g in workload.grants}
    bastion = accounts.get(f"{pid}-bastion")
    assert (bastion is not None) == practice.plan.core.bastion
    if bastion:
        assert not [m for m, _ in bound if m == bastion.outputs["member"]]


def test_grants_bind_at_the_narrowest_resource(hosted: PracticeRun) -> None:
    where = {(r.inputs["role"], r.type) for r in bindings(hosted)}
    assert (
        "roles/healthcare.fhirResourceEditor",
        "gcp:healthcare/fhirStoreIamMember:FhirStoreIamMember",
    ) in where
    assert (
        "roles/healthcare.dicomEditor",
        "gcp:healthcare/dicomStoreIamMember:DicomStoreIamMember",
    ) in where
    assert ("roles/storage.objectCreator", "gcp:storage/bucketIAMMember:BucketIAMMember") in where
    assert (
        "roles/pubsub.subscriber",
        "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
    ) in where
    assert ("roles/cloudkms.admin", "gcp:kms/keyRingIAMMember:KeyRingIAMMember") in where


def test_workload_secrets_exclude_the_vpn_keys(hosted: PracticeRun) -> None:
    secret_roles = [
        r for r in bindings(hosted) if r.inputs["role"].startswith("roles/secretmanager.")
    ]
    assert secret_roles
    for binding in secret_roles:
        assert binding.inputs["condition"]["expression"] == (
            f'!resource.name.startsWith("projects/{GCP_PROJECT_NUMBER}/secrets/vpn-psk-")'
        )


def test_keys_rotate_within_90_days_and_are_protected(practice: PracticeRun) -> None:
    keys = practice.core.of_type(g.CRYPTO_KEY)
    assert keys
    for key in keys:
        assert key.inputs["purpose"] == "ENCRYPT_DECRYPT"
        assert int(key.inputs["rotationPeriod"].removesuffix("s")) <= 90 * DAY
        assert key.protect
    for ring in practice.core.of_type(g.KEY_RING):
        assert ring.protect


def test_each_key_is_usable_only_by_its_service_agents(practice: PracticeRun) -> None:
    # Agent addresses come from Google (test_gcp_service_agents.py); here, which agents.
    agents = {
        key.name.rsplit("-key-", 1)[1]: sorted(
            grant.name.rsplit("-", 1)[1]
            for grant in practice.core.of_type(g.KEY_IAM)
            if grant.inputs["cryptoKeyId"] == key.id
        )
        for key in practice.core.of_type(g.CRYPTO_KEY)
    }
    far = g.placement(practice).copy_region
    assert agents.pop("archive") == sorted(["storage"] + (["transfer"] if far else []))
    if far:
        assert agents.pop("archive-copy") == ["storage", "transfer"]
    expected = {"health-data": ["healthcare"], "disks": ["compute"], "ingest": ["pubsub"]}
    assert agents == {purpose: expected[purpose] for purpose in agents}
    for grant in practice.core.of_type(g.KEY_IAM):
        assert grant.inputs["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"


def test_ephi_is_encrypted_with_keys_in_its_own_location(practice: PracticeRun) -> None:
    run = practice
    region = run.plan.practice.region
    for dataset in run.core.of_type(g.DATASET):
        key = dataset.inputs["encryptionSpec"]["kmsKeyName"]
        assert key == key_of(run, "health-data").id
        assert key_location(run, key) == dataset.inputs["location"] == region
    placement = g.placement(run)
    for bucket in run.core.of_type(g.BUCKET):
        key = bucket.inputs["encryption"]["defaultKmsKeyName"]
        copy = bucket.name.endswith("-dr")
        # A dual-region bucket's key lives in the multi-region holding both of its regions.
        expected = placement.copy_region if copy else placement.key_location
        assert key_location(run, key) == expected, bucket.name
    for topic in run.core.of_type(g.TOPIC):
        assert topic.inputs["kmsKeyName"] == key_of(run, "ingest").id
    for disk in run.core.of_type(g.DISK):
        assert disk.inputs["diskEncryptionKey"]["kmsKeySelfLink"] == key_of(run, "disks").id
    for server in run.core.of_type(g.INSTANCE):
        if "-ehr-" in server.name:
            assert server.inputs["bootDisk"]["kmsKeySelfLink"] == key_of(run, "disks").id


# -- health data and workloads --------------------------------------------------------------


def test_health_data_stores_follow_the_plan(practice: PracticeRun) -> None:
    work = practice.plan.workloads
    fhir = practice.core.of_type(g.FHIR_STORE)
    assert [s.inputs["version"] for s in fhir] == (["R4"] if work.fhir else [])
    for store in fhir:
        assert store.inputs["disableResourceVersioning"] is False
    assert len(practice.core.of_type(g.DICOM_STORE)) == (1 if work.imaging else 0)


def test_instances_are_hardened(practice: PracticeRun) -> None:
    accounts = {r.outputs["email"] for r in practice.core.of_type(g.ACCOUNT)}
    instances = practice.core.of_type(g.INSTANCE)
    assert instances
    for instance in instances:
        inputs = instance.inputs
        assert inputs["shieldedInstanceConfig"] == {
            "enableIntegrityMonitoring": True,
            "enableSecureBoot": True,
            "enableVtpm": True,
        }
        assert inputs["metadata"]["enable-oslogin"] == "TRUE"
        assert inputs["metadata"]["serial-port-enable"] == "FALSE"
        assert inputs["metadata"]["block-project-ssh-keys"] == "TRUE"
        for interface in inputs["networkInterfaces"]:
            assert "accessConfigs" not in interface, instance.name
        # A clinicgen account, never the project's default compute account.
        assert inputs["serviceAccount"]["email"] in accounts


def test_telehealth_runs_as_its_own_account_with_private_egress(practice: PracticeRun) -> None:
    accounts = {r.inputs["accountId"]: r.outputs["email"] for r in practice.core.of_type(g.ACCOUNT)}
    for service in practice.core.of_type(g.CLOUD_RUN):
        template = service.inputs["template"]
        assert template["serviceAccount"] == accounts[f"{practice.plan.practice.id}-telehealth"]
        assert template["vpcAccess"]["egress"] == "PRIVATE_RANGES_ONLY"


def test_recordings_archive_is_private_locked_and_write_only(recorded: PracticeRun) -> None:
    plan, placement = recorded.plan, g.placement(recorded)
    pid, project = plan.practice.id, plan.practice.gcp_project
    assert project is not None
    assert placement.dual_region  # its DR region shares its continent: one dual-region bucket
    (bucket,) = [b for b in recorded.core.of_type(g.BUCKET) if b.name.endswith("-recordings")]
    assert bucket.name == f"{pid}-telehealth-recordings"
    assert bucket.protect
    assert bucket.inputs == {
        "name": naming.fit(naming.BUCKET, pid, "recordings", naming.unique_suffix(pid, project)),
        "project": project,
        "location": placement.bucket_location,
        "customPlacementConfig": {"dataLocations": list(placement.data_locations)},
        "rpo": "ASYNC_TURBO" if placement.turbo_replication else "DEFAULT",
        "storageClass": "STANDARD",
        "encryption": {"defaultKmsKeyName": key_of(recorded, "archive").id},
        "uniformBucketLevelAccess": True,
        "publicAccessPrevention": "enforced",
        "retentionPolicy": {
            "retentionPeriod": str(plan.backup.retention_days.records * DAY),
            "isLocked": True,
        },
        "softDeletePolicy": {"retentionDurationSeconds": plan.backup.soft_delete_days * DAY},
        "lifecycleRules": [
            *(
                {
                    "action": {"type": "SetStorageClass", "storageClass": step["storage_class"]},
                    "condition": {"age": step["age_days"]},
                }
                for step in CONTROLS["storage"]["lifecycle"]
            ),
            {
                "action": {"type": "Delete"},
                "condition": {"age": plan.backup.retention_days.records},
            },
        ],
        "forceDestroy": False,
        "labels": stack_labels(plan.practice),
    }
    accounts = {r.inputs["accountId"]: r for r in recorded.core.of_type(g.ACCOUNT)}
    telehealth = accounts[f"{pid}-telehealth"].outputs["member"]
    on_recordings = [
        (r.inputs["member"], r.inputs["role"])
        for r in recorded.core.of_type(g.BUCKET_IAM)
        if r.inputs["bucket"] == bucket.inputs["name"]
    ]
    assert on_recordings == [(telehealth, "roles/storage.objectCreator")]


# -- backup ---------------------------------------------------------------------------------


def test_backup_vault_enforces_its_minimum_retention(practice: PracticeRun) -> None:
    (vault,) = practice.core.of_type(g.VAULT)
    assert vault.protect
    enforced = int(vault.inputs["backupMinimumEnforcedRetentionDuration"].removesuffix("s"))
    assert enforced >= 30 * DAY
    for plan in practice.core.of_type(g.BACKUP_PLAN):
        assert plan.inputs["backupVault"] == vault.id
        assert all(r["backupRetentionDays"] * DAY >= enforced for r in plan.inputs["backupRules"])


def test_every_disk_has_a_snapshot_schedule_and_every_server_a_backup_plan(
    practice: PracticeRun,
) -> None:
    attached = {r.inputs["disk"] for r in practice.core.of_type(g.DISK_ATTACHMENT)}
    disks = {r.inputs["name"] for r in practice.core.of_type(g.DISK)}
    boot_disks = {r.inputs["name"] for r in practice.core.of_type(g.INSTANCE)}
    assert attached == disks | boot_disks
    protected = {r.inputs["resource"] for r in practice.core.of_type(g.BACKUP_ASSOCIATION)}
    servers = {r.id for r in practice.core.of_type(g.INSTANCE) if "-ehr-" in r.name}
    assert protected == servers


def test_archive_buckets_are_private_immutable_cool_down_and_end(practice: PracticeRun) -> None:
    immutable = practice.plan.backup.immutable
    buckets = practice.core.of_type(g.BUCKET)
    assert buckets
    for bucket in buckets:
        inputs = bucket.inputs
        assert inputs["uniformBucketLevelAccess"] is True
        assert inputs["publicAccessPrevention"] == "enforced"
        assert inputs["retentionPolicy"]["isLocked"] is immutable
        # Cloud Storage rejects Object Versioning beside a retention policy; the policy already
        # refuses every overwrite and delete, so versioning must not be asked for.
        assert "versioning" not in inputs
        assert inputs["softDeletePolicy"]["retentionDurationSeconds"] == (
            practice.plan.backup.soft_delete_days * DAY
        )
        assert inputs["forceDestroy"] is False
        *cooling, end = inputs["lifecycleRules"]
        ages = [rule["condition"]["age"] for rule in cooling]
        assert ages == sorted(ages) and len(ages) >= 2
        assert cooling[-1]["action"]["storageClass"] == "ARCHIVE"
        # Storage limitation: deleted the day its locked retention lets it go, never before.
        retention_seconds = int(inputs["retentionPolicy"]["retentionPeriod"])
        assert end == {"action": {"type": "Delete"}, "condition": {"age": retention_seconds // DAY}}
        assert end["condition"]["age"] > ages[-1]


def test_archives_survive_the_loss_of_the_region(practice: PracticeRun) -> None:
    practice_info = practice.plan.practice
    buckets = practice.core.of_type(g.BUCKET)
    if practice_info.dr_region is None:
        assert {b.inputs["location"] for b in buckets} == {practice_info.region}
        return
    placement = g.placement(practice)
    if placement.dual_region:
        for bucket in buckets:
            assert bucket.inputs["customPlacementConfig"]["dataLocations"] == [
                practice_info.region.upper(),
                practice_info.dr_region.upper(),
            ]
        return
    copies = [b for b in buckets if b.name.endswith("-dr")]
    assert len(copies) * 2 == len(buckets)
    assert {b.inputs["location"] for b in copies} == {practice_info.dr_region}
    name_of = {b.name: b.inputs["name"] for b in buckets}
    replicated = {
        (spec["gcsDataSource"]["bucketName"], spec["gcsDataSink"]["bucketName"])
        for spec in (job.inputs["replicationSpec"] for job in practice.core.of_type(g.TRANSFER_JOB))
    }
    assert replicated == {
        (name_of[b.name], name_of[f"{b.name}-dr"]) for b in buckets if b not in copies
    }


def test_far_dr_region_gets_replicated_copies(far_dr: PracticeRun) -> None:
    assert far_dr.core.of_type(g.TRANSFER_JOB)
    test_archives_survive_the_loss_of_the_region(far_dr)


# -- monitoring and compliance --------------------------------------------------------------


def test_log_bucket_is_locked_and_receives_the_audit_sink(practice: PracticeRun) -> None:
    (bucket,) = practice.core.of_type(g.LOG_BUCKET)
    assert bucket.inputs["locked"] is True
    assert bucket.protect
    (sink,) = practice.core.of_type(g.LOG_SINK)
    info = practice.plan.practice
    assert sink.inputs["destination"] == (
        f"logging.googleapis.com/projects/{info.gcp_project}/locations/{info.region}"
        f"/buckets/{bucket.inputs['bucketId']}"
    )
    assert 'logName:"cloudaudit.googleapis.com"' in sink.inputs["filter"]


def test_data_access_is_audited_for_ephi_services(practice: PracticeRun) -> None:
    audited = {
        r.inputs["service"]: sorted(c["logType"] for c in r.inputs["auditLogConfigs"])
        for r in practice.core.of_type(g.AUDIT_CONFIG)
    }
    assert audited == {
        service: ["ADMIN_READ", "DATA_READ", "DATA_WRITE"]
        for service in (
            "healthcare.googleapis.com",
            "cloudkms.googleapis.com",
            "storage.googleapis.com",
        )
    }


def test_org_policies_enforce_the_plans_constraints() -> None:
    # Only a deployer with roles/orgpolicy.policyAdmin sets them (GCP-ORG-01).
    practice = practice_run("harbor-org-policies")
    project = practice.plan.practice.gcp_project
    policies = {
        r.inputs["name"].rsplit("/", 1)[1]: r.inputs for r in practice.core.of_type(g.ORG_POLICY)
    }
    assert set(policies) == set(practice.plan.monitoring.policy_initiatives)
    assert {
        "compute.requireOsLogin",
        "compute.disableSerialPortAccess",
        "compute.vmExternalIpAccess",
        "storage.uniformBucketLevelAccess",
        "storage.publicAccessPrevention",
    } <= set(policies)
    for constraint, policy in policies.items():
        assert policy["parent"] == f"projects/{project}"
        expected = (
            {"denyAll": "TRUE"}
            if constraint == "compute.vmExternalIpAccess"
            else {"enforce": "TRUE"}
        )
        assert policy["spec"]["rules"] == [expected]


def test_stateful_resources_are_protected(practice: PracticeRun) -> None:
    for resource in practice.core.resources:
        if resource.type in STATEFUL:
            assert resource.protect, resource.name
