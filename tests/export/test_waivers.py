"""Scanner waivers: data with a reason and a source, always scoped to resources."""

from __future__ import annotations

import fnmatch

from generator.catalog import load
from generator.export.waivers import ScannerWaiver, catalog_waivers, scanner_waivers, waivers_for
from generator.profile.model import Waiver


def test_every_catalog_waiver_names_a_type_a_narrow_pattern_a_reason_and_a_source() -> None:
    for entry in load("scanner_waivers")["waivers"]:
        assert entry["check"].startswith(("CKV_", "CKV2_"))
        assert entry["type"].count(":") >= 2
        # A pattern that matches any name would waive the check for everything of the type.
        assert not fnmatch.fnmatchcase("an-unrelated-resource-name", entry["names"]), entry
        assert len(entry["reason"]) > 40 and entry["source"]


def test_a_waiver_covers_only_its_type_and_names() -> None:
    waiver = ScannerWaiver(
        "CKV_X_1", "*-telehealth-app", "r", "clinicgen", "azure-native:web:WebApp"
    )
    assert waiver.covers("azure-native:web:WebApp", "maple-telehealth-app")
    assert not waiver.covers("azure-native:web:WebApp", "maple-portal-app")
    assert not waiver.covers("azure-native:web:AppServicePlan", "maple-telehealth-app")


def test_the_defender_waiver_leaves_the_key_vault_plan_to_the_check() -> None:
    token = "azure-native:security:Pricing"
    assert waivers_for(catalog_waivers(), token, "maple-compliance-defender-keyvaults") == []
    assert [
        w.check for w in waivers_for(catalog_waivers(), token, "maple-compliance-defender-arm")
    ] == ["CKV_AZURE_87"]


def test_profile_waivers_of_scanner_checks_join_clinicgens_and_compliance_ones_do_not() -> None:
    profile = (
        Waiver("CKV_GCP_29", "a reason long enough", "harbor-records"),
        Waiver("CG-GCP-IAM-002", "a reason long enough", "harbor-telehealth-invoker"),
    )
    waivers = scanner_waivers(profile)
    assert waivers[: len(catalog_waivers())] == catalog_waivers()
    (extra,) = waivers[len(catalog_waivers()) :]
    assert (extra.check, extra.names, extra.origin, extra.type) == (
        "CKV_GCP_29",
        "harbor-records",
        "profile",
        None,
    )


def test_a_profile_may_waive_a_checkov_check_for_a_named_resource_only(run_cli, tmp_path) -> None:
    from tests.paths import ROOT

    text = (ROOT / "examples" / "harbor-behavioral.yaml").read_text()
    named = text.replace(
        "waivers:\n",
        "waivers:\n  - check: CKV_GCP_29\n    resource: harbor-backup-records\n"
        "    reason: a reason long enough to pass\n",
    )
    (tmp_path / "named.yaml").write_text(named)
    assert run_cli("validate", tmp_path / "named.yaml").exit_code == 0
    unnamed = named.replace("    resource: harbor-backup-records\n", "", 1)
    (tmp_path / "unnamed.yaml").write_text(unnamed)
    result = run_cli("validate", tmp_path / "unnamed.yaml")
    assert result.exit_code == 2
    assert "unnamed.yaml: waivers[0].check: is a Checkov check: name the resource" in result.stderr
