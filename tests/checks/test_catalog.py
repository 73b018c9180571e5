"""The check catalog: enough checks, for both clouds, every category, well-formed metadata."""

from __future__ import annotations

import re
from collections import Counter
from importlib import import_module

import pytest

from generator.checks import CheckInfo, all_checks, check, checks_for
from generator.checks.catalog import _check_info
from generator.checks.rules import values

CATEGORIES = {"network", "encryption", "keys", "backup", "logging", "identity"}


def test_catalog_has_at_least_35_checks_across_both_clouds() -> None:
    clouds = Counter(info.cloud for info in all_checks())
    assert sum(clouds.values()) >= 35
    assert clouds["azure"] >= 15 and clouds["gcp"] >= 15


@pytest.mark.parametrize("cloud", ["azure", "gcp"])
def test_every_category_is_covered_in_each_cloud(cloud: str) -> None:
    assert {info.category for info in checks_for(cloud)} == CATEGORIES


@pytest.mark.parametrize("info", all_checks(), ids=lambda info: info.id)
def test_check_metadata_is_complete(info) -> None:
    assert re.search(r"\b164\.3\d\d\(", info.control), "control must cite 45 CFR 164.3xx"
    assert info.category in CATEGORIES
    assert info.id.startswith({"azure": "CG-AZ-", "gcp": "CG-GCP-"}[info.cloud])
    assert info.checkov is None or re.fullmatch(r"CKV2?_(AZURE|GCP)_\d+", info.checkov)
    assert info.azure_policy is None or (
        info.cloud == "azure" and re.fullmatch(r"[0-9a-f-]{36}", info.azure_policy)
    )


@pytest.mark.parametrize("info", all_checks(), ids=lambda info: info.id)
def test_check_logic_lives_in_the_module_of_its_category_or_is_data(info: CheckInfo) -> None:
    category = import_module(f"generator.checks.rules.{info.category}")
    assert info.id in category.logic or info.id in values.logic


def test_check_lookup_by_id() -> None:
    assert check("CG-AZ-KMS-001").checkov == "CKV_AZURE_110"
    with pytest.raises(KeyError):
        check("CG-AZ-NOPE-001")


@pytest.mark.parametrize(
    ("check_id", "entry", "problem"),
    [
        ("CG-AZ-NET-1", {}, "id must look like"),
        ("CG-AZ-NET-999", {"severity": "high"}, "missing category"),
        (
            "CG-AZ-NET-999",
            {k: "x" for k in ("category", "severity", "title", "control", "fix", "source")},
            "severity must be one of",
        ),
    ],
)
def test_malformed_catalog_entries_are_refused(check_id: str, entry: dict, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        _check_info(check_id, entry)


# What each scanner rule or Azure Policy definition a check maps to actually reads, from its
# source: a mapping is only "equivalent" when it covers every resource type the check does.
SCANNER_SCOPE = {
    # bridgecrewio/checkov checkov/arm/checks/resource/VMEncryptionAtHostEnabled.py
    "CKV_AZURE_97": {"azure-native:compute:VirtualMachine"},
    # checkov/terraform/checks/resource/azure/AppServiceIdentityProviderEnabled.py (app service)
    "CKV_AZURE_71": {"azure-native:web:WebApp"},
    # Azure Policy "App Service apps should use managed identity"
    "2b9ad585-36bc-4615-b300-fd4435808332": {"azure-native:web:WebApp"},
    # Azure Policy "Resource logs in Key Vault should be enabled"
    "cf820ca0-f99e-4f3e-84fb-66e913812d21": {"azure-native:keyvault:Vault"},
    # checkov/terraform/checks/resource/gcp/GoogleStorageBucketNotPublic.py (bucket IAM only)
    "CKV_GCP_28": {
        "gcp:storage/bucketIAMMember:BucketIAMMember",
        "gcp:storage/bucketIAMBinding:BucketIAMBinding",
    },
}
# Scanner rules that check something else than any clinicgen check, so nothing maps to them.
NOT_EQUIVALENT = {
    "CKV_AZURE_151": "Windows virtual machines only (azurerm_windows_virtual_machine)",
    "CKV_AZURE_42": "purge protection and soft delete switched on, not the retention days",
    "1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d": "soft delete switched on, not the retention days",
}


@pytest.mark.parametrize("info", all_checks(), ids=lambda info: info.id)
def test_a_scanner_mapping_covers_every_resource_type_the_check_reads(info: CheckInfo) -> None:
    for mapped in (info.checkov, info.azure_policy):
        assert mapped not in NOT_EQUIVALENT, f"{mapped}: {NOT_EQUIVALENT.get(mapped)}"
        if mapped in SCANNER_SCOPE:
            # A check without `types` reads every resource of its kind in the graph.
            types = set((info.params or {}).get("types", ["every type"]))
            assert types <= SCANNER_SCOPE[mapped], f"{mapped} does not read {types}"
