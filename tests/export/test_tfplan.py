"""Terraform plan export: the catalog against the installed SDK, Terraform's names and block
shapes, and a round trip per resource family: every input comes back from the plan."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import PurePosixPath
from typing import Any

import pytest

from generator.export.model import ExportResult
from generator.export.tfplan import (
    PLAN_FILE,
    export_tfplan,
    snake_case,
    terraform_catalog,
    terraform_name,
)
from generator.export.waivers import ScannerWaiver
from tests.export.resources import resource, secret, stack

TOKENS = sorted(terraform_catalog()["resources"])


@pytest.mark.parametrize("token", TOKENS)
def test_every_token_is_a_resource_of_the_installed_sdk(token: str) -> None:
    _, path, kind = token.split(":")
    module = importlib.import_module(f"pulumi_gcp.{path.split('/')[0]}")
    assert hasattr(module, kind)
    assert re.fullmatch(r"google_[a-z0-9_]+", terraform_catalog()["resources"][token]["terraform"])


def test_names_are_terraforms() -> None:
    firewall = terraform_catalog()["resources"]["gcp:compute/firewall:Firewall"]["blocks"]
    assert snake_case("ipCidrRange") == "ip_cidr_range"
    assert terraform_name("sourceRanges", firewall) == "source_ranges"
    assert terraform_name("allows", firewall) == "allow"
    assert terraform_name("logConfig", firewall) == "log_config"
    bucket = terraform_catalog()["resources"]["gcp:storage/bucket:Bucket"]["blocks"]
    assert terraform_name("lifecycleRules", bucket) == "lifecycle_rule"


def _plan(*resources: Any) -> dict[str, Any]:
    result = ExportResult("tfplan")
    export_tfplan([stack(*resources)], (), result)
    return json.loads(result.files[PurePosixPath("test-core", PLAN_FILE)])  # type: ignore[no-any-return]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _inputs_back(values: dict[str, Any], blocks: dict[str, Any]) -> dict[str, Any]:
    """The Pulumi inputs a plan's values stand for: the inverse of the export, from the
    catalog (single-item blocks unwrapped, list blocks pluralised as the SDK names them)."""
    inputs: dict[str, Any] = {}
    for name, value in values.items():
        node = blocks.get(name)
        key = _camel(name)
        if node is None:
            inputs[key] = value
            continue
        inner = node.get("blocks", {})
        items = [_inputs_back(v, inner) if isinstance(v, dict) else v for v in value]
        if node["one"] and isinstance(value, list) and value and isinstance(value[0], dict):
            inputs[key] = items[0]
        else:
            plural = key if key.endswith("s") or not inner else f"{key}s"
            inputs[plural] = items
    return inputs


def _round_trip(token: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    plan = _plan(resource(token, name, inputs))
    (planned,) = plan["planned_values"]["root_module"]["resources"]
    entry = terraform_catalog()["resources"][token]
    assert planned["type"] == entry["terraform"]
    assert planned["address"] == f"{entry['terraform']}.{name}"
    assert _inputs_back(planned["values"], entry.get("blocks", {})) == inputs
    (change,) = plan["resource_changes"]
    assert (
        change["change"]["actions"] == ["create"] and change["change"]["after"] == planned["values"]
    )
    return planned["values"]  # type: ignore[no-any-return]


def test_compute_firewall_blocks_are_lists_under_terraforms_singular_names() -> None:
    values = _round_trip(
        "gcp:compute/firewall:Firewall",
        "fw-ssh",
        {
            "name": "allow-ssh",
            "network": "projects/p/global/networks/vpc",
            "direction": "INGRESS",
            "sourceRanges": ["35.235.240.0/20"],
            "allows": [{"protocol": "tcp", "ports": ["22"]}],
            "logConfig": {"metadata": "INCLUDE_ALL_METADATA"},
        },
    )
    assert values["allow"] == [{"protocol": "tcp", "ports": ["22"]}]
    assert values["log_config"] == [{"metadata": "INCLUDE_ALL_METADATA"}]


def test_storage_bucket_keeps_label_keys_as_written() -> None:
    values = _round_trip(
        "gcp:storage/bucket:Bucket",
        "records",
        {
            "name": "records",
            "location": "US",
            "labels": {"cost-center": "7720", "managed-by": "clinicgen"},
            "uniformBucketLevelAccess": True,
            "publicAccessPrevention": "enforced",
            "versioning": {"enabled": True},
            "retentionPolicy": {"retentionPeriod": "220924800", "isLocked": True},
            "lifecycleRules": [
                {"action": {"type": "Delete"}, "condition": {"age": 2557}},
            ],
        },
    )
    assert values["labels"] == {"cost-center": "7720", "managed-by": "clinicgen"}
    assert values["lifecycle_rule"] == [
        {"action": [{"type": "Delete"}], "condition": [{"age": 2557}]}
    ]


def test_compute_instance_nested_single_blocks() -> None:
    values = _round_trip(
        "gcp:compute/instance:Instance",
        "bastion",
        {
            "name": "bastion",
            "machineType": "e2-small",
            "zone": "us-west1-a",
            "bootDisk": {
                "kmsKeySelfLink": "projects/p/locations/us-west1/keyRings/k/cryptoKeys/disk",
                "initializeParams": {"image": "debian-12", "size": 50},
            },
            "networkInterfaces": [{"subnetwork": "projects/p/regions/us-west1/subnetworks/s"}],
            "shieldedInstanceConfig": {"enableSecureBoot": True},
        },
    )
    assert values["boot_disk"][0]["kms_key_self_link"].endswith("cryptoKeys/disk")
    assert values["boot_disk"][0]["initialize_params"] == [{"image": "debian-12", "size": 50}]


def test_iam_member_condition_is_a_block() -> None:
    values = _round_trip(
        "gcp:serviceaccount/iAMMember:IAMMember",
        "act-as",
        {
            "serviceAccountId": "projects/p/serviceAccounts/vm@p.iam.gserviceaccount.com",
            "role": "roles/iam.serviceAccountUser",
            "member": "serviceAccount:agent@p.iam.gserviceaccount.com",
        },
    )
    assert values["role"] == "roles/iam.serviceAccountUser"


def test_kms_key_rotation_is_kept() -> None:
    values = _round_trip(
        "gcp:kms/cryptoKey:CryptoKey",
        "disk-key",
        {
            "name": "disk",
            "keyRing": "k",
            "rotationPeriod": "7776000s",
            "purpose": "ENCRYPT_DECRYPT",
        },
    )
    assert values["rotation_period"] == "7776000s"


def test_a_secret_is_null_and_marked_sensitive() -> None:
    plan = _plan(
        resource(
            "gcp:secretmanager/secretVersion:SecretVersion",
            "psk",
            {"secret": "projects/p/secrets/psk", "secretData": secret("hunter2")},
        )
    )
    assert "hunter2" not in json.dumps(plan)
    (planned,) = plan["planned_values"]["root_module"]["resources"]
    assert planned["values"]["secret_data"] is None
    assert planned["sensitive_values"] == {"secret_data": True}
    assert plan["resource_changes"][0]["change"]["after_sensitive"] == {"secret_data": True}


def test_an_input_that_is_another_resources_output_is_a_reference() -> None:
    network = resource(
        "gcp:compute/network:Network",
        "vpc",
        {"name": "vpc"},
        outputs={"id": "projects/p/global/networks/vpc", "selfLink": "https://x/vpc"},
    )
    subnet = resource(
        "gcp:compute/subnetwork:Subnetwork",
        "apps",
        {"name": "apps", "network": "projects/p/global/networks/vpc", "ipCidrRange": "10.0.0.0/24"},
    )
    plan = _plan(network, subnet)
    _, configured = plan["configuration"]["root_module"]["resources"]
    assert configured["expressions"]["network"] == {
        "references": ["google_compute_network.vpc.id", "google_compute_network.vpc"]
    }
    assert configured["expressions"]["ip_cidr_range"] == {"constant_value": "10.0.0.0/24"}


def test_resources_terraform_cannot_express_are_listed_not_dropped() -> None:
    result = ExportResult("tfplan")
    export_tfplan(
        [stack(resource("random:index/randomPassword:RandomPassword", "psk", {"length": 32}))],
        (),
        result,
    )
    assert [item.name for item in result.unexpressed] == ["psk"]
    assert result.exported == {"test-core": 0}


def test_waivers_become_checkov_skip_comments_for_the_named_resource() -> None:
    bucket = resource("gcp:storage/bucket:Bucket", "records", {"name": "records"})
    waiver = ScannerWaiver(
        "CKV_GCP_78",
        "records",
        "retention policy and versioning exclude each other",
        "clinicgen",
        "gcp:storage/bucket:Bucket",
    )
    result = ExportResult("tfplan")
    export_tfplan([stack(bucket)], (waiver,), result)
    text = result.files[PurePosixPath("test-core", "checkov-waivers.tf")]
    assert (
        'resource "google_storage_bucket" "records" {\n  # checkov:skip=CKV_GCP_78:retention'
        in text
    )
