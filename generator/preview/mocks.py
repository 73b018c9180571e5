"""Mocks that answer like the real providers would, so previews read like real plans.

Azure resources get ARM resource ids, Google Cloud resources self links, and both get the
output properties that downstream resources consume (`name`, `id`, addresses). Stack
references resolve to the outputs of the core stack run in the same preview.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

import pulumi

SUBSCRIPTION_ID = "00000000-0000-4000-8000-000000000000"
TENANT_ID = "11111111-1111-4111-8111-111111111111"
CLIENT_OBJECT_ID = "22222222-2222-4222-8222-222222222222"
GCP_PROJECT_NUMBER = "123456789012"


class PreviewMocks(pulumi.runtime.Mocks):
    """Provider mocks for one stack. `stack_outputs` maps a referenced stack's full name to
    the outputs a StackReference to it resolves to."""

    def __init__(self, stack_outputs: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._stack_outputs = dict(stack_outputs or {})

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = dict(args.inputs)
        if args.typ == "pulumi:pulumi:StackReference":
            referenced = inputs.get("name", args.name)
            return referenced, {
                "name": referenced,
                "outputs": dict(self._stack_outputs.get(referenced, {})),
            }
        if args.typ.startswith("azure-native:"):
            return _azure_state(args.typ, args.name, inputs)
        if args.typ.startswith("gcp:"):
            return _gcp_state(args.typ, args.name, inputs)
        if args.typ.startswith("random:"):
            return f"{args.name}-id", {**inputs, "result": "<secret>"}
        return f"{args.name}-id", inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        if args.token == "azure-native:authorization:getClientConfig":
            return {
                "clientId": CLIENT_OBJECT_ID,
                "objectId": CLIENT_OBJECT_ID,
                "subscriptionId": SUBSCRIPTION_ID,
                "tenantId": TENANT_ID,
            }
        if args.token == "gcp:organizations/getProject:getProject":
            project = args.args.get("projectId", "project")
            return {"projectId": project, "number": GCP_PROJECT_NUMBER, "name": project}
        return {}


def _azure_state(type_token: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    _, module, kind = type_token.split(":")
    namespace = "Microsoft." + module[:1].upper() + module[1:]
    collection = kind[:1].lower() + kind[1:] + "s"
    physical = str(_first(inputs, *_azure_name_keys(kind)) or name)
    if kind == "ResourceGroup":
        arm_id = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{physical}"
    else:
        group = inputs.get("resourceGroupName", "rg")
        arm_id = (
            f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}"
            f"/providers/{namespace}/{collection}/{physical}"
        )
    state = {**inputs, "name": physical, "id": arm_id}
    if kind == "UserAssignedIdentity":
        state |= {
            "principalId": _guid(physical, 3),
            "clientId": _guid(physical, 4),
            "tenantId": TENANT_ID,
        }
    if kind == "PublicIPAddress":
        state |= {"ipAddress": "20.0.0.1"}
    if kind == "Vault" and "properties" in inputs:
        state |= {
            "properties": {
                **inputs["properties"],
                "vaultUri": f"https://{physical}.vault.azure.net/",
            }
        }
    return arm_id, state


def _azure_name_keys(kind: str) -> tuple[str, ...]:
    # azure-native names a resource by a kind-specific input: virtualNetworkName, vaultName, ...
    return (kind[:1].lower() + kind[1:] + "Name", "name", "resourceName")


def _gcp_state(type_token: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    _, module, kind = type_token.split(":")
    kind = kind.split("/")[-1]
    project = inputs.get("project", "project")
    physical = str(inputs.get("name") or inputs.get("accountId") or inputs.get("secretId") or name)
    collection = re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower() + "s"
    region = inputs.get("region") or inputs.get("location")
    where = f"regions/{region}" if region else "global"
    self_link = (
        f"https://www.googleapis.com/{module}/v1/projects/{project}/{where}/{collection}/{physical}"
    )
    state = {**inputs, "name": physical, "selfLink": self_link, "id": self_link.split("/v1/")[1]}
    if kind == "Account":
        state |= {
            "email": f"{physical}@{project}.iam.gserviceaccount.com",
            "member": f"serviceAccount:{physical}@{project}.iam.gserviceaccount.com",
        }
    if kind == "HaVpnGateway":
        state |= {
            "vpnInterfaces": [
                {"id": 0, "ipAddress": "35.0.0.1"},
                {"id": 1, "ipAddress": "35.0.0.2"},
            ]
        }
    return str(state["id"]), state


def _first(inputs: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if inputs.get(key):
            return inputs[key]
    return None


def _guid(seed: str, salt: int) -> str:
    digest = hashlib.sha256(f"{salt}:{seed}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"
