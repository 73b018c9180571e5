"""The preview mocks answer like the providers: ARM ids, self links, outputs others consume."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from generator.preview.mocks import SUBSCRIPTION_ID, PreviewMocks

SUB = f"/subscriptions/{SUBSCRIPTION_ID}"


def answer(type_token: str, inputs: dict[str, Any], name: str = "logical") -> tuple[str, dict]:
    return PreviewMocks({"organization/clinicgen/p-core": {"vnetId": "x"}}).new_resource(
        pulumi.runtime.MockResourceArgs(
            typ=type_token, name=name, inputs=inputs, provider="", resource_id="", custom=True
        )
    )


@pytest.mark.parametrize(
    ("type_token", "inputs", "expected"),
    [
        (
            "azure-native:resources:ResourceGroup",
            {"resourceGroupName": "rg-core"},
            f"{SUB}/resourceGroups/rg-core",
        ),
        (
            "azure-native:keyvault:Vault",
            {"resourceGroupName": "rg-core", "vaultName": "kv-a"},
            f"{SUB}/resourceGroups/rg-core/providers/Microsoft.KeyVault/vaults/kv-a",
        ),
        (
            "azure-native:network:Subnet",
            {"resourceGroupName": "rg", "virtualNetworkName": "hub", "subnetName": "apps"},
            f"{SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/apps",
        ),
        (
            "azure-native:authorization:RoleAssignment",
            {"scope": f"{SUB}/resourceGroups/rg", "roleAssignmentName": "guid-1"},
            f"{SUB}/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments/guid-1",
        ),
        (
            "azure-native:web:WebApp",
            {"resourceGroupName": "rg", "name": "app-telehealth"},
            f"{SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/app-telehealth",
        ),
    ],
)
def test_azure_resources_get_arm_ids(type_token: str, inputs: dict, expected: str) -> None:
    resource_id, state = answer(type_token, inputs)
    assert resource_id == expected == state["id"]


def test_azure_identity_list_becomes_the_map_arm_returns() -> None:
    _, state = answer(
        "azure-native:web:WebApp",
        {
            "resourceGroupName": "rg",
            "identity": {"type": "UserAssigned", "userAssignedIdentities": ["/id/a"]},
        },
    )
    assert set(state["identity"]["userAssignedIdentities"]["/id/a"]) == {"principalId", "clientId"}


@pytest.mark.parametrize(
    ("type_token", "inputs", "self_link"),
    [
        (
            "gcp:compute/network:Network",
            {"project": "p", "name": "vpc"},
            "https://www.googleapis.com/compute/v1/projects/p/global/networks/vpc",
        ),
        (
            "gcp:compute/instance:Instance",
            {"project": "p", "name": "ehr-1", "zone": "us-east1-b"},
            "https://www.googleapis.com/compute/v1/projects/p/zones/us-east1-b/instances/ehr-1",
        ),
        (
            "gcp:compute/haVpnGateway:HaVpnGateway",
            {"project": "p", "name": "vpn", "region": "us-east1"},
            "https://www.googleapis.com/compute/v1/projects/p/regions/us-east1/vpnGateways/vpn",
        ),
        (
            "gcp:storage/bucket:Bucket",
            {"project": "p", "name": "archive", "location": "US"},
            "https://www.googleapis.com/storage/v1/b/archive",
        ),
    ],
)
def test_gcp_resources_get_self_links(type_token: str, inputs: dict, self_link: str) -> None:
    _, state = answer(type_token, inputs)
    assert state["selfLink"] == self_link


def test_gcp_ids_follow_the_services_resource_names() -> None:
    _, key = answer(
        "gcp:kms/cryptoKey:CryptoKey",
        {"keyRing": "projects/p/locations/us/keyRings/kr", "name": "k"},
    )
    assert key["id"] == "projects/p/locations/us/keyRings/kr/cryptoKeys/k"
    _, account = answer(
        "gcp:serviceaccount/account:Account", {"project": "p", "accountId": "sa-ehr"}
    )
    assert account["email"] == "sa-ehr@p.iam.gserviceaccount.com"


def test_stack_references_resolve_to_the_referenced_stacks_outputs() -> None:
    resource_id, state = answer(
        "pulumi:pulumi:StackReference", {"name": "organization/clinicgen/p-core"}
    )
    assert resource_id == "organization/clinicgen/p-core"
    assert state["outputs"] == {"vnetId": "x"}


def test_a_system_assigned_identity_is_answered_with_its_principal() -> None:
    _, state = answer(
        "azure-native:authorization:PolicyAssignment",
        {"scope": SUB, "policyAssignmentName": "hitrust", "identity": {"type": "SystemAssigned"}},
    )
    assert state["identity"]["type"] == "SystemAssigned"
    assert len(state["identity"]["principalId"]) == 36


def test_service_agents_are_answered_as_google_names_them() -> None:
    _, state = answer(
        "gcp:projects/serviceIdentity:ServiceIdentity",
        {"project": "p", "service": "healthcare.googleapis.com"},
    )
    assert state["email"] == "service-123456789012@gcp-sa-healthcare.iam.gserviceaccount.com"
    assert state["member"] == f"serviceAccount:{state['email']}"
    result, failures = PreviewMocks().call(
        pulumi.runtime.MockCallArgs(
            token="gcp:storage/getProjectServiceAccount:getProjectServiceAccount",
            args={"project": "p"},
            provider="",
        )
    )
    assert failures == []
    assert (
        result["emailAddress"] == "service-123456789012@gs-project-accounts.iam.gserviceaccount.com"
    )
