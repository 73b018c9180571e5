"""ARM export: the catalog against the installed SDK and the spec facts it records, and a
round trip per resource family: every input the SDK was given comes back from the template,
in the place the API version's spec puts it."""

from __future__ import annotations

import importlib
import inspect
import json
import re
from pathlib import PurePosixPath
from typing import Any

import pytest

from generator.export.arm import ArmMapping, arm_mappings, export_arm
from generator.export.model import ExportResult
from generator.export.waivers import ScannerWaiver
from tests.export.resources import SUBSCRIPTION, resource, secret, stack

GROUP = "rg-test"
TAGS = {"practice": "test"}


def _sdk_class(token: str) -> type:
    _, module, kind = token.split(":")
    return getattr(importlib.import_module(f"pulumi_azure_native.{module}"), kind)  # type: ignore[no-any-return]


def _sdk_inputs(token: str) -> set[str]:
    """The engine-level names of a resource's inputs, from its Args class's getters."""
    _, module, kind = token.split(":")
    package = importlib.import_module(f"pulumi_azure_native.{module}")
    # A resource whose name a nested type also takes has its arguments as `<Kind>InitArgs`.
    args = getattr(package, f"{kind}InitArgs", None) or getattr(package, f"{kind}Args")
    source = inspect.getsource(args)
    named = set(re.findall(r'@pulumi\.getter\(name="(\w+)"\)', source))
    plain = set(re.findall(r"@pulumi\.getter\n\s+def (\w+)\(", source))
    return named | plain


@pytest.mark.parametrize("token", sorted(arm_mappings()))
def test_api_version_is_the_one_the_sdk_uses(token: str) -> None:
    source = inspect.getsource(_sdk_class(token))
    (version,) = set(re.findall(r"Uses Azure REST API version ([\w-]+)\.", source))
    assert arm_mappings()[token].api_version == version


@pytest.mark.parametrize("token", sorted(arm_mappings()))
def test_every_input_the_mapping_names_is_an_input_of_the_sdk(token: str) -> None:
    mapping = arm_mappings()[token]
    named = {part for part in mapping.name if not part.startswith("=")}
    named |= set(mapping.top_level) | {name for name in mapping.renames if "." not in name}
    named |= {path.split(".")[0] for path in mapping.sub_resources}
    if mapping.scope == "group":
        named.add("resourceGroupName")
    if mapping.scope_input:
        named.add(mapping.scope_input)
    if mapping.properties_input:
        named.add("properties")
    # `plan` and `extendedLocation` are envelope keys some resources lack: only those a
    # resource has may be named.
    assert named - _sdk_inputs(token) == set()


def _export(*resources: Any) -> dict[PurePosixPath, Any]:
    result = ExportResult("arm")
    export_arm([stack(*resources)], (), result)
    return {path: json.loads(body) for path, body in result.files.items()}


def _only(files: dict[PurePosixPath, Any], path: str) -> dict[str, Any]:
    (body,) = files[PurePosixPath(path)]["resources"]
    return body  # type: ignore[no-any-return]


def _inputs_back(body: dict[str, Any], mapping: ArmMapping) -> dict[str, Any]:
    """The SDK inputs an ARM resource body stands for: the inverse of the export, written
    from the catalog, so a dropped or misplaced input does not come back."""
    # An id under the deploying subscription is the mock subscription's id the SDK was given.
    body = json.loads(
        re.sub(
            r"\[concat\(subscription\(\)\.id, '([^']*)'\)\]",
            lambda match: SUBSCRIPTION + match.group(1),
            json.dumps(body),
        )
    )
    renamed = {arm: sdk for sdk, arm in mapping.renames.items()}
    inputs = {key: body[key] for key in mapping.top_level if key in body}
    if "identity" in inputs and isinstance(inputs["identity"].get("userAssignedIdentities"), dict):
        inputs["identity"] = {
            **inputs["identity"],
            "userAssignedIdentities": list(inputs["identity"]["userAssignedIdentities"]),
        }
    properties = dict(body.get("properties", {}))
    for path in mapping.sub_resources:
        *parents, last = path.split(".")
        node = properties
        for part in parents:
            node = node.get(part, {})
        if last in node:
            node[last] = [
                {
                    **{k: v for k, v in item.items() if k != "properties"},
                    **item.get("properties", {}),
                }
                for item in node[last]
            ]
    if mapping.properties_input:
        inputs["properties"] = properties
    else:
        inputs.update({renamed.get(key, key): value for key, value in properties.items()})
    return inputs


def _round_trip(
    token: str, name: str, path_inputs: dict[str, Any], body_inputs: dict[str, Any], file: str
) -> dict[str, Any]:
    mapping = arm_mappings()[token]
    files = _export(resource(token, name, {**path_inputs, **body_inputs}))
    body = _only(files, file)
    assert (body["type"], body["apiVersion"]) == (mapping.type, mapping.api_version)
    assert _inputs_back(body, mapping) == body_inputs
    return body


def test_network_subnet_puts_everything_under_properties_and_restores_delegations() -> None:
    body = _round_trip(
        "azure-native:network:Subnet",
        "subnet",
        {"resourceGroupName": GROUP, "virtualNetworkName": "vnet", "subnetName": "snet-apps"},
        {
            "addressPrefix": "10.0.1.0/24",
            "delegations": [{"name": "web", "serviceName": "Microsoft.Web/serverFarms"}],
            "defaultOutboundAccess": False,
        },
        f"test-core/{GROUP}.json",
    )
    assert body["name"] == "vnet/snet-apps"
    # virtualNetwork.json: Delegation.properties (ServiceDelegationPropertiesFormat).serviceName
    assert body["properties"]["delegations"] == [
        {"name": "web", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}
    ]


def test_network_gateway_sku_sits_inside_properties_and_ip_configurations_are_sub_resources() -> (
    None
):
    body = _round_trip(
        "azure-native:network:VirtualNetworkGateway",
        "gateway",
        {"resourceGroupName": GROUP, "virtualNetworkGatewayName": "vgw"},
        {
            "location": "eastus",
            "tags": TAGS,
            "sku": {"name": "VpnGw2AZ", "tier": "VpnGw2AZ"},
            "gatewayType": "Vpn",
            "ipConfigurations": [{"name": "default", "privateIPAllocationMethod": "Dynamic"}],
        },
        f"test-core/{GROUP}.json",
    )
    # virtualNetworkGateway.json: VirtualNetworkGatewayPropertiesFormat.sku
    assert body["properties"]["sku"]["name"] == "VpnGw2AZ" and "sku" not in body
    assert body["properties"]["ipConfigurations"][0]["properties"] == {
        "privateIPAllocationMethod": "Dynamic"
    }


def test_network_public_ip_keeps_sku_and_zones_on_the_envelope() -> None:
    body = _round_trip(
        "azure-native:network:PublicIPAddress",
        "pip",
        {"resourceGroupName": GROUP, "publicIpAddressName": "pip-vpn"},
        {
            "location": "eastus",
            "sku": {"name": "Standard"},
            "zones": ["1", "2", "3"],
            "publicIPAllocationMethod": "Static",
        },
        f"test-core/{GROUP}.json",
    )
    assert body["sku"] == {"name": "Standard"} and body["zones"] == ["1", "2", "3"]


def test_storage_account_properties_take_their_arm_names() -> None:
    body = _round_trip(
        "azure-native:storage:StorageAccount",
        "storage",
        {"resourceGroupName": GROUP, "accountName": "stlogs"},
        {
            "location": "eastus",
            "kind": "StorageV2",
            "sku": {"name": "Standard_GRS"},
            "enableHttpsTrafficOnly": True,
            "networkRuleSet": {"defaultAction": "Deny", "bypass": "AzureServices"},
            "minimumTlsVersion": "TLS1_2",
        },
        f"test-core/{GROUP}.json",
    )
    # storage.json: supportsHttpsTrafficOnly and networkAcls (x-ms-client-name renames)
    assert body["properties"]["supportsHttpsTrafficOnly"] is True
    assert body["properties"]["networkAcls"]["defaultAction"] == "Deny"


def test_key_vault_secret_keeps_its_attributes_and_never_its_value() -> None:
    token = "azure-native:keyvault:Secret"
    path = {"resourceGroupName": GROUP, "vaultName": "kv-test", "secretName": "vpn-psk-main"}
    properties = {"contentType": "text/plain", "attributes": {"enabled": True}}
    result = ExportResult("arm")
    export_arm(
        [
            stack(
                resource(
                    token, "psk", {**path, "properties": secret({**properties, "value": "hunter2"})}
                )
            )
        ],
        (),
        result,
    )
    text = result.files[PurePosixPath(f"test-core/{GROUP}.json")]
    assert "hunter2" not in text
    template = json.loads(text)
    (body,) = template["resources"]
    # secrets.json SecretAttributes.exp (x-ms-client-name Expires)
    assert body["properties"] == {
        "contentType": "text/plain",
        "attributes": {"enabled": True},
        "value": "[parameters('psk_value')]",
    }
    assert template["parameters"]["psk_value"]["type"] == "securestring"


def test_virtual_wan_connection_links_are_sub_resources_and_never_carry_the_key() -> None:
    token = "azure-native:network:VpnConnection"
    path = {"resourceGroupName": GROUP, "gatewayName": "vhgw-test", "connectionName": "cn-main"}
    site = f"{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.Network/vpnSites/vst-main"
    link = {
        "name": "primary",
        "vpnSiteLink": {"id": f"{site}/vpnSiteLinks/primary"},
        "vpnConnectionProtocolType": "IKEv2",
        "sharedKey": "hunter2",
    }
    result = ExportResult("arm")
    inputs = {**path, "remoteVpnSite": {"id": site}, "vpnLinkConnections": secret([link])}
    export_arm([stack(resource(token, "connection", inputs))], (), result)
    text = result.files[PurePosixPath(f"test-core/{GROUP}.json")]
    assert "hunter2" not in text
    template = json.loads(text)
    (body,) = template["resources"]
    assert body["type"] == "Microsoft.Network/vpnGateways/vpnConnections"
    assert body["name"] == "vhgw-test/cn-main"
    (restored,) = body["properties"]["vpnLinkConnections"]
    assert restored["name"] == "primary"
    assert restored["properties"]["vpnConnectionProtocolType"] == "IKEv2"
    key = restored["properties"]["sharedKey"]
    assert key.startswith("[parameters('") and "securestring" in json.dumps(template["parameters"])


def test_web_app_identity_is_a_map_of_ids_and_site_config_stays_in_properties() -> None:
    identity = f"{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app"
    body = _round_trip(
        "azure-native:web:WebApp",
        "app",
        {"resourceGroupName": GROUP, "name": "app-test"},
        {
            "location": "eastus",
            "kind": "app,linux",
            "identity": {"type": "UserAssigned", "userAssignedIdentities": [identity]},
            "httpsOnly": True,
            "siteConfig": {"healthCheckPath": "/healthz", "minTlsVersion": "1.2"},
        },
        f"test-core/{GROUP}.json",
    )
    assert body["properties"]["siteConfig"]["healthCheckPath"] == "/healthz"


def test_compute_disk_sku_is_top_level_and_encryption_under_properties() -> None:
    body = _round_trip(
        "azure-native:compute:Disk",
        "disk",
        {"resourceGroupName": GROUP, "diskName": "disk-data"},
        {
            "location": "eastus",
            "sku": {"name": "Premium_LRS"},
            "diskSizeGB": 512,
            "creationData": {"createOption": "Empty"},
            "encryption": {"type": "EncryptionAtRestWithPlatformKey"},
        },
        f"test-core/{GROUP}.json",
    )
    assert body["properties"]["encryption"]["type"] == "EncryptionAtRestWithPlatformKey"


def test_log_analytics_workspace_sku_sits_inside_properties() -> None:
    body = _round_trip(
        "azure-native:operationalinsights:Workspace",
        "workspace",
        {"resourceGroupName": GROUP, "workspaceName": "log-test"},
        {"location": "eastus", "sku": {"name": "PerGB2018"}, "retentionInDays": 365},
        f"test-core/{GROUP}.json",
    )
    # Workspaces.json: WorkspaceProperties.sku
    assert body["properties"]["sku"] == {"name": "PerGB2018"} and "sku" not in body


def test_recovery_vault_takes_properties_whole_and_sku_on_the_envelope() -> None:
    body = _round_trip(
        "azure-native:recoveryservices:Vault",
        "vault",
        {"resourceGroupName": GROUP, "vaultName": "rsv-test"},
        {
            "location": "eastus",
            "sku": {"name": "RS0", "tier": "Standard"},
            "properties": {"publicNetworkAccess": "Disabled"},
        },
        f"test-core/{GROUP}.json",
    )
    assert body["properties"] == {"publicNetworkAccess": "Disabled"}


def test_fhir_service_kind_and_identity_are_envelope_keys() -> None:
    body = _round_trip(
        "azure-native:healthcareapis:FhirService",
        "fhir",
        {"resourceGroupName": GROUP, "workspaceName": "hdw", "fhirServiceName": "fhir"},
        {
            "location": "eastus",
            "kind": "fhir-R4",
            "identity": {"type": "SystemAssigned"},
            "authenticationConfiguration": {"smartProxyEnabled": False},
        },
        f"test-core/{GROUP}.json",
    )
    assert body["name"] == "hdw/fhir" and body["kind"] == "fhir-R4"


def test_extension_resources_take_their_scope_and_land_in_the_target_group() -> None:
    vault = f"{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.KeyVault/vaults/kv-test"
    diagnostics = _round_trip(
        "azure-native:monitor:DiagnosticSetting",
        "diagnostics",
        {"resourceUri": vault, "name": "to-log-analytics"},
        {"logs": [{"categoryGroup": "allLogs", "enabled": True}], "workspaceId": "w"},
        f"test-core/{GROUP}.json",
    )
    assert diagnostics["scope"] == "Microsoft.KeyVault/vaults/kv-test"
    grant = _round_trip(
        "azure-native:authorization:RoleAssignment",
        "grant",
        {"scope": f"{SUBSCRIPTION}/resourceGroups/{GROUP}", "roleAssignmentName": "guid-1"},
        {"principalId": "p", "principalType": "Group", "roleDefinitionId": "r"},
        f"test-core/{GROUP}.json",
    )
    assert "scope" not in grant  # the group itself: the deployment's own scope


def test_subscription_resources_go_to_the_subscription_template() -> None:
    body = _round_trip(
        "azure-native:resources:ResourceGroup",
        "group",
        {"resourceGroupName": GROUP},
        {"location": "eastus", "tags": TAGS},
        "test-core/subscription.json",
    )
    assert body["name"] == GROUP


def test_ids_reference_the_deploying_subscription_and_depends_on_follows_dependencies() -> None:
    vnet = resource(
        "azure-native:network:VirtualNetwork",
        "vnet",
        {
            "resourceGroupName": GROUP,
            "virtualNetworkName": "vnet-hub",
            "location": "eastus",
            "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
        },
        resource_id=f"{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.Network/virtualNetworks/vnet-hub",
    )
    nsg_id = f"{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.Network/networkSecurityGroups/nsg"
    subnet = resource(
        "azure-native:network:Subnet",
        "subnet",
        {
            "resourceGroupName": GROUP,
            "virtualNetworkName": "vnet-hub",
            "subnetName": "snet",
            "addressPrefix": "10.0.0.0/24",
            "networkSecurityGroup": {"id": nsg_id},
        },
        dependencies=(vnet.urn,),
    )
    files = _export(vnet, subnet)
    resources = files[PurePosixPath(f"test-core/{GROUP}.json")]["resources"]
    assert resources[1]["dependsOn"] == [
        f"[resourceId('{GROUP}', 'Microsoft.Network/virtualNetworks', 'vnet-hub')]"
    ]
    assert resources[1]["properties"]["networkSecurityGroup"]["id"] == (
        f"[concat(subscription().id, '/resourceGroups/{GROUP}/providers/Microsoft.Network/networkSecurityGroups/nsg')]"
    )


def test_resources_arm_cannot_express_are_listed_not_dropped() -> None:
    password = resource("random:index/randomPassword:RandomPassword", "psk", {"length": 32})
    unknown = resource("azure-native:cdn:Profile", "cdn", {"resourceGroupName": GROUP})
    result = ExportResult("arm")
    export_arm([stack(password, unknown)], (), result)
    assert [(item.name, item.reason.split(" ")[0]) for item in result.unexpressed] == [
        ("psk", "generated"),
        ("cdn", "no"),
    ]


def test_a_waiver_is_written_where_checkov_reads_it_for_the_resources_it_names_only() -> None:
    token = "azure-native:network:NetworkSecurityGroup"
    first = resource(token, "nsg-a", {"resourceGroupName": GROUP, "networkSecurityGroupName": "a"})
    second = resource(token, "nsg-b", {"resourceGroupName": GROUP, "networkSecurityGroupName": "b"})
    waiver = ScannerWaiver(
        "CKV_AZURE_999", "nsg-a", "because the fixture says so", "profile", token
    )
    result = ExportResult("arm")
    export_arm([stack(first, second)], (waiver,), result)
    a, b = json.loads(result.files[PurePosixPath(f"test-core/{GROUP}.json")])["resources"]
    assert a["metadata"] == {"checkov": ["checkov:skip=CKV_AZURE_999:because the fixture says so"]}
    assert "metadata" not in b
    assert [(w.check, w.resource) for w in result.waivers] == [("CKV_AZURE_999", "nsg-a")]


def test_a_secret_expiry_set_when_deployed_is_an_int_parameter_not_the_previews_stand_in() -> None:
    token = "azure-native:keyvault:Secret"
    inputs = {
        "resourceGroupName": GROUP,
        "vaultName": "kv-test",
        "secretName": "psk",
        "properties": secret({"value": "x", "attributes": {"expires": 31536000}}),
    }
    result = ExportResult("arm")
    export_arm([stack(resource(token, "psk", inputs))], (), result)
    template = json.loads(result.files[PurePosixPath(f"test-core/{GROUP}.json")])
    (body,) = template["resources"]
    name = "psk_exp"
    assert body["properties"]["attributes"] == {"exp": f"[parameters('{name}')]"}
    assert template["parameters"][name]["type"] == "int"
