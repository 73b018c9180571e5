"""Evaluating a practice's graph: only the practice's cloud, ordered findings, waivers, and
the exit verdict over both families."""

from __future__ import annotations

from typing import Any

import pytest

from generator.checks import CheckContext, evaluate
from generator.checks.deployability import evaluate_deployability
from generator.checks.engine import require_no_failures
from generator.checks.model import FAIL, WAIVED
from generator.errors import ChecksFailedError
from generator.profile.model import Waiver
from tests.checks.resources import build

AZURE = CheckContext(cloud="azure", log_retention_days=365)

VAULT = {
    "type": "azure-native:keyvault:Vault",
    "name": "kv",
    "inputs": {"resourceGroupName": "rg-core", "properties": {}},
}
BUCKET = {"type": "gcp:storage/bucket:Bucket", "name": "archive", "inputs": {"location": "US"}}


def test_only_the_practice_clouds_checks_run() -> None:
    report = evaluate(build([VAULT, BUCKET]), AZURE)
    assert {f.check[:6] for f in report.findings} == {"CG-AZ-"}
    assert all(info.cloud == "azure" for info in report.checks)


def test_findings_are_ordered_by_severity_then_check() -> None:
    report = evaluate(build([VAULT]), AZURE)
    order = ["critical", "high", "medium", "low"]
    keys = [(order.index(f.severity), f.check) for f in report.findings]
    assert keys == sorted(keys)
    assert {f.check for f in report.failures} >= {"CG-AZ-KMS-001", "CG-AZ-KMS-003", "CG-AZ-BAK-005"}


@pytest.mark.parametrize(
    "resource", [None, "kv", "urn:pulumi:fixture::clinicgen::azure-native:keyvault:Vault::kv"]
)
def test_a_waiver_turns_a_failure_into_a_waived_finding_with_its_reason(
    resource: str | None,
) -> None:
    waiver = Waiver(
        check="CG-AZ-KMS-003", reason="legacy app reads access policies", resource=resource
    )
    report = evaluate(build([VAULT]), AZURE, [waiver])
    (finding,) = [f for f in report.findings if f.check == "CG-AZ-KMS-003"]
    assert finding.status == WAIVED
    assert finding.waiver_reason == "legacy app reads access policies"
    assert finding not in report.failures
    assert report.unused_waivers == ()


def test_a_waiver_for_another_resource_waives_nothing_and_is_reported_unused() -> None:
    waiver = Waiver(check="CG-AZ-KMS-003", reason="r", resource="other-vault")
    report = evaluate(build([VAULT]), AZURE, [waiver])
    assert all(f.status == FAIL for f in report.findings)
    assert report.unused_waivers == (waiver,)


def test_only_an_unwaived_failure_is_a_compliance_error_that_exits_1() -> None:
    report = evaluate(build([VAULT]), AZURE)
    with pytest.raises(ChecksFailedError, match=r"compliance findings failed; fix them") as raised:
        require_no_failures(report)
    assert raised.value.exit_code == 1
    waivers = [Waiver(check=f.check, reason="r") for f in report.failures]
    require_no_failures(evaluate(build([VAULT]), AZURE, waivers))


def sealed(value: object) -> dict:
    """How Pulumi's wire format carries a secret."""
    return {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": value}


def test_checks_read_settings_inside_secret_wrapped_inputs() -> None:
    profile: dict[str, Any] = {
        "adminPassword": "<secret>",
        "linuxConfiguration": {"disablePasswordAuthentication": True},
    }
    vm = {
        "type": "azure-native:compute:VirtualMachine",
        "name": "vm",
        "inputs": {"resourceGroupName": "rg", "osProfile": sealed(profile)},
    }
    found = {f.check for f in evaluate(build([vm]), AZURE).findings}
    assert "CG-AZ-IAM-004" not in found
    profile["linuxConfiguration"]["disablePasswordAuthentication"] = False
    assert "CG-AZ-IAM-004" in {f.check for f in evaluate(build([vm]), AZURE).findings}


def test_a_deployability_failure_exits_1_and_is_named_beside_compliance_failures() -> None:
    small_bastion_subnet = {
        "type": "azure-native:network:Subnet",
        "name": "bastion",
        "inputs": {"subnetName": "AzureBastionSubnet", "addressPrefix": "10.0.0.0/27"},
    }
    deployability = evaluate_deployability(build([small_bastion_subnet]), AZURE)
    waivers = [Waiver(check=f.check, reason="r") for f in evaluate(build([VAULT]), AZURE).failures]
    with pytest.raises(ChecksFailedError) as raised:
        require_no_failures(evaluate(build([VAULT]), AZURE, waivers), deployability)
    assert raised.value.lines() == [
        "1 deployability finding: the cloud would reject these resources or they would not "
        "work; fix them (no waiver applies)"
    ]
    with pytest.raises(ChecksFailedError) as both:
        require_no_failures(evaluate(build([VAULT]), AZURE), deployability)
    assert [line.split(" ", 2)[1] for line in both.value.lines()] == [
        "compliance",
        "deployability",
    ]
    require_no_failures(evaluate(build([VAULT]), AZURE, waivers), evaluate_deployability([], AZURE))
