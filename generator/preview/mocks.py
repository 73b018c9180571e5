"""Mocks that answer like the real providers would, so previews read like real plans.

Azure resources get ARM resource ids, Google Cloud resources self links, and both get the
output properties that downstream resources consume (`name`, `id`, addresses). Stack
references resolve to the outputs of the core stack run in the same preview.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pulumi

from generator import catalog

SUBSCRIPTION_ID = "00000000-0000-4000-8000-000000000000"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
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
        if args.typ.startswith("tls:"):
            return f"{args.name}-id", {
                **inputs,
                "publicKeyOpenssh": f"ssh-ed25519 PREVIEW {args.name}",
                "privateKeyOpenssh": "<secret>",
            }
        if args.typ == "time:index/rotating:Rotating":
            # Set when it is created; a preview creates it at the Unix epoch, so the expiry it
            # gives reads as the rotation period itself (365 days: 31536000), the same every run.
            rotation = EPOCH + timedelta(days=int(inputs.get("rotationDays", 0)))
            return f"{args.name}-id", {
                **inputs,
                "rfc3339": EPOCH.isoformat(),
                "rotationRfc3339": rotation.isoformat(),
            }
        return f"{args.name}-id", inputs

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        """Invoke results as (outputs, failures), as the SDK's Mocks declares them. The
        failures are an empty list, not None: the mock monitor iterates over them."""
        if args.token == "azure-native:authorization:getClientConfig":
            client = {
                "clientId": CLIENT_OBJECT_ID,
                "objectId": CLIENT_OBJECT_ID,
                "subscriptionId": SUBSCRIPTION_ID,
                "tenantId": TENANT_ID,
            }
            return client, []
        if args.token == "gcp:organizations/getProject:getProject":
            project = args.args.get("projectId", "project")
            return {"projectId": project, "number": GCP_PROJECT_NUMBER, "name": project}, []
        if args.token == "gcp:storage/getProjectServiceAccount:getProjectServiceAccount":
            email = f"service-{GCP_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com"
            return {"emailAddress": email, "member": f"serviceAccount:{email}"}, []
        return {}, []


def _azure_state(type_token: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    _, module, kind = type_token.split(":")
    physical = str(_first(inputs, *_azure_name_keys(kind)) or name)
    arm_id = _arm_id(type_token, physical, inputs)
    state = {**inputs, "name": physical, "id": arm_id}
    identity = inputs.get("identity")
    if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
        # ARM takes a list of identity ids and answers with a map of id -> principal.
        state["identity"] = {
            **identity,
            "userAssignedIdentities": {
                str(ref): {"principalId": _guid(str(ref), 3), "clientId": _guid(str(ref), 4)}
                for ref in identity["userAssignedIdentities"]
            },
        }
    if isinstance(identity, dict) and "systemassigned" in str(identity.get("type", "")).lower():
        # ARM answers a system-assigned identity with the principal it created for it.
        state["identity"] = {
            **state.get("identity", identity),
            "principalId": _guid(arm_id, 6),
            "tenantId": TENANT_ID,
        }
    if kind == "UserAssignedIdentity":
        state |= {
            "principalId": _guid(physical, 3),
            "clientId": _guid(physical, 4),
            "tenantId": TENANT_ID,
        }
    if kind == "PublicIPAddress":
        state |= {"ipAddress": "20.0.0.1"}
    if kind == "VpnGateway":
        # A Virtual WAN hub's VPN gateway answers with its two instances' addresses.
        state |= {
            "ipConfigurations": [
                {"id": f"Instance{n}", "publicIpAddress": f"20.0.1.{n + 1}"} for n in (0, 1)
            ],
            "bgpSettings": {**inputs.get("bgpSettings", {}), "bgpPeeringAddress": "10.0.0.12"},
        }
    if module == "operationalinsights" and kind == "Workspace":
        state |= {"customerId": _guid(physical, 5)}
    if kind == "Vault" and "properties" in inputs:
        state |= {
            "properties": {
                **inputs["properties"],
                "vaultUri": f"https://{physical}.vault.azure.net/",
            }
        }
    return arm_id, state


def _arm_id(type_token: str, physical: str, inputs: Mapping[str, Any]) -> str:
    """The ARM resource id: the catalog's template for child, extension and subscription-level
    resources, else `/subscriptions/../resourceGroups/../providers/<namespace>/<kinds>/<name>`,
    the namespace being the module's resource provider (catalog `deployment.yaml`)."""
    _, module, kind = type_token.split(":")
    ids = catalog.load("resource_types")["azure_ids"]
    template = ids["templates"].get(type_token, ids["default"])
    providers = catalog.load("deployment")["azure"]["providers"]["modules"]
    return _fill(
        template,
        inputs,
        name=physical,
        subscription=SUBSCRIPTION_ID,
        namespace=providers.get(module, "Microsoft." + module[:1].upper() + module[1:]),
        collection=kind[:1].lower() + kind[1:] + "s",
    )


def _fill(template: str, inputs: Mapping[str, Any], **known: str) -> str:
    """`template` with {placeholders} from `known`, then the inputs; a missing one reads as
    its own name, so an id is always well formed."""
    values = {key: value for key, value in inputs.items() if isinstance(value, str | int)}
    return template.format_map(_Placeholders({**values, **known}))


class _Placeholders(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return key


def _azure_name_keys(kind: str) -> tuple[str, ...]:
    # azure-native names a resource by a kind-specific input: virtualNetworkName, vaultName, ...
    # Some kinds name it otherwise: storage accountName, vmName, policyName, publicIpAddressName.
    return (
        kind[:1].lower() + kind[1:] + "Name",
        "name",
        "resourceName",
        "accountName",
        "vmName",
        "policyName",
        "publicIpAddressName",
        # Virtual WAN kinds: the WAN, its hub's VPN gateway and connections
        "virtualWANName",
        "gatewayName",
        "connectionName",
    )


def _gcp_state(type_token: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    _, path, kind = type_token.split(":")
    module = path.split("/")[0]
    project = str(inputs.get("project", "project"))
    physical = str(inputs.get("name") or inputs.get("accountId") or inputs.get("secretId") or name)
    ids = catalog.load("resource_types")["gcp_ids"]
    collection = ids["compute_collections"].get(kind, kind[:1].lower() + kind[1:] + "s")
    scope = _gcp_scope(module, inputs)
    templates = {} if module == "compute" else ids["templates"]
    template = templates.get(type_token, ids["default"])
    known = {"name": physical, "project": project, "scope": scope, "collection": collection}
    resource_id = _fill(template, inputs, **known)
    links = ids["self_links"]
    link = links.get(type_token) or links.get(module) or ids["self_link_default"]
    self_link = _fill(link, inputs, **known, id=resource_id, module=module)
    state = {**inputs, "name": physical, "selfLink": self_link, "id": resource_id}
    if kind == "Account":
        state |= {
            "email": f"{physical}@{project}.iam.gserviceaccount.com",
            "member": f"serviceAccount:{physical}@{project}.iam.gserviceaccount.com",
        }
    if kind == "ServiceIdentity":
        # The service's agent, as Service Usage names it: service-<number>@gcp-sa-<service>.
        agent = str(inputs.get("service", "")).split(".")[0]
        email = f"service-{GCP_PROJECT_NUMBER}@gcp-sa-{agent}.iam.gserviceaccount.com"
        state |= {"email": email, "member": f"serviceAccount:{email}"}
    if kind == "HaVpnGateway":
        state |= {
            "vpnInterfaces": [
                {"id": 0, "ipAddress": "35.0.0.1"},
                {"id": 1, "ipAddress": "35.0.0.2"},
            ]
        }
    return str(state["id"]), state


def _gcp_scope(module: str, inputs: Mapping[str, Any]) -> str:
    """Where a resource lives in its id: Compute Engine's zones/regions/global, or another
    service's locations."""
    if module == "compute":
        if inputs.get("zone"):
            return f"zones/{inputs['zone']}"
        return f"regions/{inputs['region']}" if inputs.get("region") else "global"
    location = inputs.get("location") or inputs.get("region")
    return f"locations/{location}" if location else "global"


def _first(inputs: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if inputs.get(key):
            return inputs[key]
    return None


def _guid(seed: str, salt: int) -> str:
    digest = hashlib.sha256(f"{salt}:{seed}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"
