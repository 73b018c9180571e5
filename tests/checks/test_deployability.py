"""The deployability rules: enough of them for both clouds, well-formed catalog entries, name
limits held to the naming modules that build the names, and the report they make."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from blueprints.azure import naming as azure_naming
from blueprints.gcp import naming as gcp_naming
from generator.checks import CheckContext
from generator.checks.deployability import (
    _rule_info,
    all_rules,
    evaluate_deployability,
    rule,
    rules_for,
)
from generator.checks.model import RuleInfo
from generator.checks.rules import deploy_values
from tests.checks.resources import build

SOURCE = re.compile(
    r"https://\S+|Azure/azure-rest-api-specs \S+|hashicorp/terraform-provider-google \S+"
)
NAMING = {"azure": azure_naming, "gcp": gcp_naming}


def test_at_least_25_rules_across_both_clouds() -> None:
    clouds = Counter(info.cloud for info in all_rules())
    assert sum(clouds.values()) >= 25
    assert clouds["azure"] >= 10 and clouds["gcp"] >= 10


@pytest.mark.parametrize("info", all_rules(), ids=lambda info: info.id)
def test_rule_metadata_names_its_constraint_fix_and_source(info: RuleInfo) -> None:
    assert info.id.startswith({"azure": "CG-AZ-DEP-", "gcp": "CG-GCP-DEP-"}[info.cloud])
    assert info.title and info.fix
    assert SOURCE.search(info.source), "a source is a URL or an API spec or provider doc path"
    assert rules_for(info.cloud) and info in rules_for(info.cloud)


NAME_RULES = [info for info in all_rules() if "naming" in (info.params or {})]


@pytest.mark.parametrize("info", NAME_RULES, ids=lambda info: info.id)
def test_name_limits_are_the_naming_modules_limits(info: RuleInfo) -> None:
    # generator never imports blueprints, so the limits are stated twice; this holds them equal.
    params = info.params or {}
    module, constant = params["naming"].split(".")
    limit = getattr(NAMING[module], constant)
    assert (params["min_length"], params["max_length"]) == (limit.min_length, limit.max_length)
    assert info.id in deploy_values.logic


def test_every_name_the_naming_modules_make_for_a_practice_passes_its_rule() -> None:
    names = {
        kind: azure_naming.global_name(kind, "riverside-family-health")
        for kind in ("key-vault", "flow-log-archive", "health-workspace")
    }
    checks = {
        "key-vault": rule("CG-AZ-DEP-023"),
        "flow-log-archive": rule("CG-AZ-DEP-024"),
        "health-workspace": rule("CG-AZ-DEP-025"),
    }
    for kind, name in names.items():
        params = checks[kind].params or {}
        assert re.fullmatch(params["pattern"], name), (kind, name)
        assert params["min_length"] <= len(name) <= params["max_length"]


def test_rule_lookup_by_id() -> None:
    assert rule("CG-AZ-DEP-001").cloud == "azure"
    with pytest.raises(KeyError):
        rule("CG-AZ-DEP-999")


@pytest.mark.parametrize(
    ("rule_id", "entry", "problem"),
    [
        ("CG-AZ-NET-001", {}, "id must look like"),
        ("CG-AZ-DEP-999", {"title": "t"}, "missing fix, source"),
    ],
)
def test_malformed_catalog_entries_are_refused(rule_id: str, entry: dict, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        _rule_info(rule_id, entry)


def test_the_report_runs_the_clouds_rules_and_names_rule_resource_fix_and_source() -> None:
    resources = build(
        [
            {
                "type": "azure-native:network:Subnet",
                "name": "bastion",
                "inputs": {"subnetName": "AzureBastionSubnet", "addressPrefix": "10.0.0.0/27"},
            }
        ]
    )
    report = evaluate_deployability(resources, CheckContext(cloud="azure", log_retention_days=30))
    assert report.rules == rules_for("azure")
    (finding,) = report.findings
    assert (finding.rule, finding.resource, finding.property) == (
        "CG-AZ-DEP-008",
        "bastion",
        "addressPrefix",
    )
    assert finding.message == "AzureBastionSubnet is a /27; it must be a /26 or larger"
    assert finding.fix == rule("CG-AZ-DEP-008").fix and finding.source.startswith("https://")
