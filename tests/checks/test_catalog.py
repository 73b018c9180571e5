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
