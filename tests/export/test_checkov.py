"""What Checkov reads in the export: an insecure fixture per check family that Checkov flags
in the exported form (and its compliant twin that it passes), waivers Checkov honours, and
its verdicts summarised.

Checkov lives in its own virtual environment (it pins packaging<24): `.ci/run` installs it
and sets CLINICGEN_CHECKOV to its executable. Without it these tests skip, saying why.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from generator.export.arm import export_arm
from generator.export.model import ExportResult
from generator.export.scan import ScanResult, run_checkov, summarise
from generator.export.tfplan import export_tfplan
from generator.export.waivers import ScannerWaiver
from generator.preview.harness import RegisteredResource
from generator.write import GeneratedFile, write_files
from tests.export.resources import resource, stack

CHECKOV = os.environ.get("CLINICGEN_CHECKOV")
needs_checkov = pytest.mark.skipif(
    not CHECKOV,
    reason="Checkov is not installed here: set CLINICGEN_CHECKOV to a Checkov executable "
    "(`.ci/run` installs one in its own virtual environment and sets it)",
)
GROUP = "rg-test"


def _scan(
    fmt: str,
    resources: list[RegisteredResource],
    tmp_path: Path,
    waivers: tuple[ScannerWaiver, ...] = (),
) -> ScanResult:
    result = ExportResult(fmt)
    (export_arm if fmt == "arm" else export_tfplan)([stack(*resources)], waivers, result)
    result.finish()
    write_files(tmp_path, [GeneratedFile(p, b, stamped=False) for p, b in result.files.items()])
    assert CHECKOV
    return run_checkov(Path(CHECKOV), result, tmp_path)


def _failed(scan: ScanResult) -> set[tuple[str, str]]:
    return {(f.check, f.resource) for f in scan.failed}


def _azure(token: str, name: str, inputs: dict[str, Any]) -> RegisteredResource:
    return resource(token, name, {"resourceGroupName": GROUP, **inputs})


# (family, check, insecure resource, compliant resource, the resource as Checkov names it)
AZURE_FAMILIES = [
    (
        "network",
        "CKV_AZURE_10",
        {"sourceAddressPrefix": "*"},
        {"sourceAddressPrefix": "10.0.2.0/26"},
        "azure-native:network:SecurityRule",
        {
            "networkSecurityGroupName": "nsg",
            "securityRuleName": "ssh",
            "access": "Allow",
            "direction": "Inbound",
            "protocol": "Tcp",
            "destinationPortRange": "22",
            "sourcePortRange": "*",
            "destinationAddressPrefix": "*",
            "priority": 100,
        },
        "Microsoft.Network/networkSecurityGroups/securityRules.nsg/ssh",
    ),
    (
        "encryption",
        "CKV_AZURE_2",
        {},
        {"encryption": {"type": "EncryptionAtRestWithPlatformKey"}},
        "azure-native:compute:Disk",
        {
            "diskName": "disk-data",
            "location": "eastus",
            "diskSizeGB": 128,
            "creationData": {"createOption": "Empty"},
        },
        "Microsoft.Compute/disks.disk-data",
    ),
    (
        "storage",
        "CKV_AZURE_35",
        {"networkRuleSet": {"defaultAction": "Allow"}},
        {"networkRuleSet": {"defaultAction": "Deny", "bypass": "AzureServices"}},
        "azure-native:storage:StorageAccount",
        {
            "accountName": "stdata",
            "location": "eastus",
            "kind": "StorageV2",
            "sku": {"name": "Standard_GRS"},
        },
        "Microsoft.Storage/storageAccounts.stdata",
    ),
    (
        "secrets",
        "CKV_AZURE_41",
        {"properties": {"contentType": "text/plain", "value": "x"}},
        {
            "properties": {
                "contentType": "text/plain",
                "value": "x",
                "attributes": {"expires": 1893456000},
            }
        },
        "azure-native:keyvault:Secret",
        {"vaultName": "kv", "secretName": "psk"},
        "Microsoft.KeyVault/vaults/secrets.kv/psk",
    ),
    (
        "web",
        "CKV_AZURE_213",
        {"siteConfig": {"minTlsVersion": "1.2"}},
        {"siteConfig": {"minTlsVersion": "1.2", "healthCheckPath": "/healthz"}},
        "azure-native:web:WebApp",
        {"name": "app-test", "location": "eastus", "httpsOnly": True},
        "Microsoft.Web/sites.app-test",
    ),
    (
        "availability",
        "CKV_AZURE_225",
        {},
        {"zoneRedundant": True},
        "azure-native:web:AppServicePlan",
        {"name": "asp-test", "location": "eastus", "sku": {"name": "P1v3", "capacity": 2}},
        "Microsoft.Web/serverfarms.asp-test",
    ),
]


@needs_checkov
@pytest.mark.parametrize(
    ("family", "check", "insecure", "compliant", "token", "common", "named"),
    AZURE_FAMILIES,
    ids=[family[0] for family in AZURE_FAMILIES],
)
def test_checkov_flags_the_insecure_arm_export_and_passes_the_compliant_one(
    tmp_path: Path,
    family: str,
    check: str,
    insecure: dict[str, Any],
    compliant: dict[str, Any],
    token: str,
    common: dict[str, Any],
    named: str,
) -> None:
    bad = _scan("arm", [_azure(token, "bad", {**common, **insecure})], tmp_path / "bad")
    good = _scan("arm", [_azure(token, "good", {**common, **compliant})], tmp_path / "good")
    assert (check, named) in _failed(bad)
    assert (check, named) not in _failed(good)
    assert good.passed["test-core"] > 0


GCP_FAMILIES = [
    (
        "network",
        "CKV_GCP_2",
        "gcp:compute/firewall:Firewall",
        {
            "name": "ssh",
            "network": "vpc",
            "direction": "INGRESS",
            "allows": [{"protocol": "tcp", "ports": ["22"]}],
        },
        {"sourceRanges": ["0.0.0.0/0"]},
        {"sourceRanges": ["35.235.240.0/20"]},
    ),
    (
        "encryption",
        "CKV_GCP_38",
        "gcp:compute/instance:Instance",
        {
            "name": "bastion",
            "machineType": "e2-small",
            "zone": "us-west1-a",
            "networkInterfaces": [{"subnetwork": "s"}],
        },
        {"bootDisk": {"initializeParams": {"image": "debian-12"}}},
        {
            "bootDisk": {
                "initializeParams": {"image": "debian-12"},
                "kmsKeySelfLink": "projects/p/locations/us-west1/keyRings/k/cryptoKeys/d",
            }
        },
    ),
    (
        "storage",
        "CKV_GCP_29",
        "gcp:storage/bucket:Bucket",
        {"name": "records", "location": "US"},
        {"uniformBucketLevelAccess": False},
        {"uniformBucketLevelAccess": True},
    ),
    (
        "keys",
        "CKV_GCP_43",
        "gcp:kms/cryptoKey:CryptoKey",
        {"name": "disk", "keyRing": "k"},
        {},
        {"rotationPeriod": "7776000s"},
    ),
    (
        "identity",
        "CKV_GCP_41",
        "gcp:projects/iAMMember:IAMMember",
        {"project": "p", "member": "serviceAccount:agent@p.iam.gserviceaccount.com"},
        {"role": "roles/iam.serviceAccountUser"},
        {"role": "roles/logging.logWriter"},
    ),
    (
        # CG-GCP-IAM-005 refuses this role at project level: it includes actAs.
        "identity-act-as",
        "CKV_GCP_49",
        "gcp:projects/iAMMember:IAMMember",
        {"project": "p", "member": "serviceAccount:agent@p.iam.gserviceaccount.com"},
        {"role": "roles/backupdr.computeEngineOperator"},
        {"role": "roles/logging.logWriter"},
    ),
]


@needs_checkov
@pytest.mark.parametrize(
    ("family", "check", "token", "common", "insecure", "compliant"),
    GCP_FAMILIES,
    ids=[family[0] for family in GCP_FAMILIES],
)
def test_checkov_flags_the_insecure_plan_export_and_passes_the_compliant_one(
    tmp_path: Path,
    family: str,
    check: str,
    token: str,
    common: dict[str, Any],
    insecure: dict[str, Any],
    compliant: dict[str, Any],
) -> None:
    bad = _scan("tfplan", [resource(token, "bad", {**common, **insecure})], tmp_path / "bad")
    good = _scan("tfplan", [resource(token, "good", {**common, **compliant})], tmp_path / "good")
    kind = token.split("/")[-1]
    assert {c for c, _ in _failed(bad)} >= {check}, kind
    assert check not in {c for c, _ in _failed(good)}


@needs_checkov
def test_checkov_honours_a_waiver_for_the_named_resource_only_in_both_formats(
    tmp_path: Path,
) -> None:
    common = {
        "accountName": "",
        "location": "eastus",
        "kind": "StorageV2",
        "sku": {"name": "Standard_GRS"},
        "networkRuleSet": {"defaultAction": "Allow"},
    }
    token = "azure-native:storage:StorageAccount"
    waiver = ScannerWaiver(
        "CKV_AZURE_35", "waived", "fixture: accepted for this one", "profile", token
    )
    scan = _scan(
        "arm",
        [
            _azure(token, "waived", {**common, "accountName": "stwaived"}),
            _azure(token, "other", {**common, "accountName": "stother"}),
        ],
        tmp_path / "arm",
        (waiver,),
    )
    assert ("CKV_AZURE_35", "Microsoft.Storage/storageAccounts.stother") in _failed(scan)
    assert [(f.check, f.resource, f.reason) for f in scan.waived] == [
        (
            "CKV_AZURE_35",
            "Microsoft.Storage/storageAccounts.stwaived",
            "fixture: accepted for this one",
        )
    ]
    bucket = "gcp:storage/bucket:Bucket"
    gcp_waiver = ScannerWaiver(
        "CKV_GCP_29", "waived", "fixture: accepted for this one", "profile", bucket
    )
    plan_scan = _scan(
        "tfplan",
        [
            resource(bucket, "waived", {"name": "a", "uniformBucketLevelAccess": False}),
            resource(bucket, "other", {"name": "b", "uniformBucketLevelAccess": False}),
        ],
        tmp_path / "plan",
        (gcp_waiver,),
    )
    assert ("CKV_GCP_29", "google_storage_bucket.other") in _failed(plan_scan)
    assert [(f.check, f.resource) for f in plan_scan.waived] == [
        ("CKV_GCP_29", "google_storage_bucket.waived")
    ]


def test_the_summary_counts_by_stack_and_shows_each_waivers_reason(tmp_path: Path) -> None:
    def check(stack_name: str, check_id: str, reason: str = "") -> dict[str, Any]:
        return {
            "check_id": check_id,
            "check_name": "a check",
            "resource": "r",
            "file_abs_path": str(tmp_path / stack_name / "x.json"),
            "check_result": {
                "result": "SKIPPED" if reason else "PASSED",
                "suppress_comment": reason,
            },
        }

    report = {
        "check_type": "arm",
        "results": {
            "passed_checks": [check("core", "CKV_1"), check("site", "CKV_1")],
            "failed_checks": [check("site", "CKV_2")],
            "skipped_checks": [check("core", "CKV_3", "the reason")],
        },
    }
    scan = summarise([report, {"check_type": "secrets", "summary": {}}], ("core", "site"), tmp_path)
    lines = scan.lines()
    assert "  core: 1 / 0 / 1" in lines and "  site: 1 / 1 / 0" in lines
    assert "  waived CKV_3 core: r: the reason" in lines
    assert lines[-1] == "Checkov total: 2 passed, 1 failed, 1 waived"
