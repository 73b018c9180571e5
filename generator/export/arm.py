"""Azure stacks as ARM deployment templates: one per stack and deployment scope.

A stack deploys into several resource groups, and an ARM deployment targets one scope, so each
stack becomes `<stack>/<resource group>.json` (deploy or what-if with `az deployment group
... -g <resource group>`) and, for what sits on the subscription itself (resource groups,
Defender plans, policy assignments, the activity log's diagnostic setting),
`<stack>/subscription.json` (`az deployment sub ... -l <location>`). Each azure-native resource
becomes its ARM type and API version with the SDK's flattened inputs put back under
`properties` (`generator/catalog/export_arm.yaml`), `dependsOn` from what Pulumi would create
first within the same template, ARM ids written against the deploying subscription, and every
secret a `securestring` parameter without a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from generator.catalog import load
from generator.checks.graph import SECRET_KEY, SECRET_MARK
from generator.export.model import AppliedWaiver, ExportResult, Unexpressed
from generator.export.waivers import ScannerWaiver, waivers_for
from generator.preview.harness import UNKNOWN, RegisteredResource, StackRun
from generator.preview.mocks import SUBSCRIPTION_ID

GROUP_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
SUBSCRIPTION_SCHEMA = (
    "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"
)
SUBSCRIPTION_FILE = "subscription"
# Envelope keys no input may become: ARM sets them itself.
_SUBSCRIPTION_PREFIX = f"/subscriptions/{SUBSCRIPTION_ID}"
_GROUP_IN_ID = re.compile(r"^/subscriptions/[^/]+/resourceGroups/([^/]+)(?:/providers/(.+))?$")


@dataclass(frozen=True)
class ArmMapping:
    """One token's entry in export_arm.yaml."""

    token: str
    type: str
    api_version: str
    name: tuple[str, ...]
    scope: str
    top_level: tuple[str, ...]
    properties_input: bool
    sub_resources: tuple[str, ...]
    secure: tuple[str, ...]
    source: str
    renames: dict[str, str] = field(default_factory=dict)
    deploy_time: dict[str, str] = field(default_factory=dict)

    @property
    def scope_input(self) -> str | None:
        return self.scope.split(":", 1)[1] if self.scope.startswith("extension:") else None

    @property
    def path_inputs(self) -> set[str]:
        """Inputs that address the resource (its name, group, scope): never in the body."""
        inputs = {part for part in self.name if not part.startswith("=")}
        if self.scope == "group":
            inputs.add("resourceGroupName")
        if self.scope_input:
            inputs.add(self.scope_input)
        return inputs


@cache
def arm_mappings() -> dict[str, ArmMapping]:
    catalog = load("export_arm")
    return {
        token: ArmMapping(
            token=token,
            type=entry["type"],
            api_version=str(entry["api_version"]),
            name=tuple(entry["name"]),
            scope=entry.get("scope", "group"),
            top_level=tuple(entry.get("top_level", ())),
            properties_input=bool(entry.get("properties", False)),
            sub_resources=tuple(entry.get("sub_resources", ())),
            secure=tuple(entry.get("secure", ())),
            source=entry["source"],
            renames=dict(entry.get("renames", {})),
            deploy_time=dict(entry.get("deploy_time", {})),
        )
        for token, entry in catalog["resources"].items()
    }


def not_arm_reason(token: str) -> str:
    provider = token.split(":", 1)[0]
    reasons: dict[str, str] = load("export_arm")["not_arm"]
    return reasons.get(provider, f"no ARM mapping for {token} in export_arm.yaml")


@dataclass
class _Template:
    """One deployment template being built: its resources and parameters."""

    schema: str
    resources: list[dict[str, Any]] = field(default_factory=list)
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # URN -> ARM id expression, this template
    # The mock id of every resource of the practice -> its ARM id function.
    known_ids: dict[str, str] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        return {
            "$schema": self.schema,
            "contentVersion": "1.0.0.0",
            "parameters": self.parameters,
            "resources": self.resources,
        }


def export_arm(
    runs: Iterable[StackRun], waivers: tuple[ScannerWaiver, ...], result: ExportResult
) -> None:
    """Add one template per stack and scope to `result`."""
    mappings = arm_mappings()
    runs = list(runs)
    known_ids = {
        resource.id: _id_function(resource, mappings[resource.type])
        for run in runs
        for resource in run.resources
        if resource.custom and resource.type in mappings and resource.id
    }
    for run in runs:
        templates: dict[str, _Template] = {}
        placed: list[tuple[RegisteredResource, ArmMapping, str, dict[str, Any]]] = []
        for resource in run.resources:
            if not resource.custom:
                continue  # a component: its children are the resources
            mapping = mappings.get(resource.type)
            if mapping is None:
                result.unexpressed.append(
                    Unexpressed(
                        run.stack,
                        resource.urn,
                        resource.type,
                        resource.name,
                        not_arm_reason(resource.type),
                    )
                )
                continue
            file_name, template = _template_for(resource, mapping, templates, known_ids)
            body = arm_resource(resource, mapping, template)
            template.ids[resource.urn] = f"[{_id_function(resource, mapping)}]"
            placed.append((resource, mapping, file_name, body))
        for resource, _mapping, file_name, body in placed:
            template = templates[file_name]
            depends = sorted(
                {template.ids[urn] for urn in resource.dependencies if urn in template.ids}
            )
            if depends:
                body["dependsOn"] = depends
            applied = waivers_for(waivers, resource.type, resource.name)
            if applied:
                body["metadata"] = {
                    "checkov": [f"checkov:skip={w.check}:{w.reason}" for w in applied]
                }
                result.waivers.extend(
                    AppliedWaiver(
                        w.check,
                        run.stack,
                        resource.name,
                        f"{body['type']}.{body['name']}",
                        w.reason,
                        w.origin,
                    )
                    for w in applied
                )
            template.resources.append(body)
        for file_name in sorted(templates):
            result.add_json(
                PurePosixPath(run.stack, f"{file_name}.json"), templates[file_name].document()
            )
        result.exported[run.stack] = len(placed)


def _template_for(
    resource: RegisteredResource,
    mapping: ArmMapping,
    templates: dict[str, _Template],
    known_ids: dict[str, str],
) -> tuple[str, _Template]:
    """Which template of the stack the resource belongs to: its resource group's, or the
    subscription's."""
    group = _resource_group(resource, mapping)
    file_name = group or SUBSCRIPTION_FILE
    if file_name not in templates:
        schema = GROUP_SCHEMA if group else SUBSCRIPTION_SCHEMA
        templates[file_name] = _Template(schema, known_ids=known_ids)
    return file_name, templates[file_name]


def _resource_group(resource: RegisteredResource, mapping: ArmMapping) -> str | None:
    if mapping.scope == "group":
        return str(resource.inputs["resourceGroupName"])
    if mapping.scope_input:
        match = _GROUP_IN_ID.match(str(resource.inputs.get(mapping.scope_input, "")))
        return match.group(1) if match else None
    return None


def arm_name(resource: RegisteredResource, mapping: ArmMapping) -> str:
    return "/".join(
        part[1:] if part.startswith("=") else str(resource.inputs[part]) for part in mapping.name
    )


def arm_resource(
    resource: RegisteredResource, mapping: ArmMapping, template: _Template
) -> dict[str, Any]:
    """The ARM resource for one registered resource: envelope, `properties`, parameters for
    its secrets and unknown values (added to `template`)."""
    inputs = {
        key: value for key, value in resource.inputs.items() if key not in mapping.path_inputs
    }
    body: dict[str, Any] = {
        "type": mapping.type,
        "apiVersion": mapping.api_version,
        "name": arm_name(resource, mapping),
    }
    properties: dict[str, Any] = {}
    for key, value in inputs.items():
        if key == "identity" and key in mapping.top_level:
            body[key] = _identity(value)
        elif key in mapping.top_level:
            body[key] = value
        elif mapping.properties_input and key == "properties":
            properties.update(_unwrap_secret(value))
        else:
            arm_key = mapping.renames.get(key, key)
            # A list the engine marks secret as a whole (a VPN connection's links, for the key
            # inside one) keeps its structure only where the catalog's `secure` paths name
            # every secret in it; otherwise the whole value stays one secure parameter.
            located = any(path.startswith(f"properties.{arm_key}.") for path in mapping.secure)
            properties[arm_key] = _unwrap_secret(value) if located else value
    for sdk_path, arm_path in mapping.renames.items():
        if "." in sdk_path:
            _rename_nested(properties, sdk_path.split("."), arm_path.split(".")[-1])
    for path in mapping.sub_resources:
        _restore_sub_resources(properties, path.split("."))
    if properties:
        body["properties"] = properties
    scope = _scope(resource, mapping)
    if scope:
        body["scope"] = scope
    parameter_stem = re.sub(r"[^A-Za-z0-9]+", "_", resource.name)
    for path in mapping.secure:
        _to_parameter(body, path.split("."), parameter_stem, template, "securestring")
    for path, kind in mapping.deploy_time.items():
        _to_parameter(body, path.split("."), parameter_stem, template, kind)
    return _finish_values(body, parameter_stem, template, [])  # type: ignore[no-any-return]


def _rename_nested(node: Any, path: list[str], arm_name: str) -> None:
    head, *rest = path
    if not isinstance(node, dict) or head not in node:
        return
    if rest:
        _rename_nested(node[head], rest, arm_name)
    else:
        node[arm_name] = node.pop(head)


def _identity(identity: Any) -> Any:
    """User-assigned identities as ARM's object keyed by id (the SDK's is a list of ids)."""
    if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
        ids = identity["userAssignedIdentities"]
        return {**identity, "userAssignedIdentities": {str(i): {} for i in ids}}
    return identity


def _restore_sub_resources(properties: dict[str, Any], path: list[str]) -> None:
    head, *rest = path
    value = properties.get(head)
    if rest:
        if isinstance(value, dict):
            _restore_sub_resources(value, rest)
        return
    if isinstance(value, list):
        properties[head] = [_sub_resource(item) for item in value]


def _sub_resource(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    envelope = {key: item[key] for key in ("name", "id") if key in item}
    inner = {key: value for key, value in item.items() if key not in envelope}
    if inner:
        envelope["properties"] = inner
    return envelope


def _scope(resource: RegisteredResource, mapping: ArmMapping) -> str | None:
    """An extension resource's `scope`: the target's id relative to the template's resource
    group (`Microsoft.X/type/name`), none when the target is the group or subscription
    itself."""
    if not mapping.scope_input:
        return None
    match = _GROUP_IN_ID.match(str(resource.inputs.get(mapping.scope_input, "")))
    return match.group(2) if match and match.group(2) else None


def _to_parameter(node: Any, path: list[str], stem: str, template: _Template, kind: str) -> None:
    """Replace the value at `path` (through lists) with a parameter reference."""
    head, *rest = path
    if isinstance(node, list):
        for index, item in enumerate(node):
            _to_parameter(item, path, f"{stem}_{index}", template, kind)
        return
    if not isinstance(node, dict) or head not in node:
        return
    if rest:
        _to_parameter(node[head], rest, stem, template, kind)
        return
    node[head] = _parameter(template, f"{stem}_{head}", kind)


def _parameter(template: _Template, name: str, kind: str) -> str:
    template.parameters[name] = {
        "type": kind,
        "metadata": {
            "description": "Known only when deployed (a secret Pulumi generates, or a value "
            "another resource returns): supply it to deploy or what-if this template."
        },
    }
    return f"[parameters('{name}')]"


def _unwrap_secret(value: Any) -> Any:
    """Pulumi marks a whole input secret when any part is: keep its structure, whose secret
    leaves the catalog's `secure` paths (or the fallback in `_finish_values`) replace."""
    if isinstance(value, dict) and value.get(SECRET_KEY) == SECRET_MARK:
        return _unwrap_secret(value.get("value"))
    if isinstance(value, dict):
        return {key: _unwrap_secret(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unwrap_secret(item) for item in value]
    return value


def _finish_values(value: Any, stem: str, template: _Template, path: list[str]) -> Any:
    """Whole numbers as integers, mock ids against the deploying subscription, and any secret
    or unknown value left a parameter: an exported file never carries a secret."""
    if isinstance(value, dict):
        if value.get(SECRET_KEY) == SECRET_MARK:
            return _parameter(template, "_".join([stem, *path]), "securestring")
        return {
            _finish_values(key, stem, template, path): _finish_values(
                item, stem, template, [*path, key]
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [
            _finish_values(item, stem, template, [*path, str(index)])
            for index, item in enumerate(value)
        ]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value == UNKNOWN or value == "<secret>":
        kind = "securestring" if value == "<secret>" else "string"
        return _parameter(template, "_".join([stem, *path]), kind)
    if isinstance(value, str) and value.startswith(_SUBSCRIPTION_PREFIX):
        return f"[{template.known_ids.get(value) or _plain_id_function(value)}]"
    return value


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _id_function(resource: RegisteredResource, mapping: ArmMapping) -> str:
    """The resource's ARM id as a template function (without the brackets), valid in any
    template of the subscription: what `dependsOn` and every reference to it use."""
    segments = ", ".join(_quoted(part) for part in arm_name(resource, mapping).split("/"))
    kind = _quoted(mapping.type)
    if mapping.scope_input:
        target = str(resource.inputs.get(mapping.scope_input, ""))
        return f"extensionResourceId({_plain_id_function(target)}, {kind}, {segments})"
    if mapping.scope == "subscription":
        return f"subscriptionResourceId({kind}, {segments})"
    group = _quoted(str(resource.inputs["resourceGroupName"]))
    return f"resourceId({group}, {kind}, {segments})"


def _plain_id_function(arm_id: str) -> str:
    """An id no resource of the practice has (a built-in role definition, the subscription):
    the same path under the deploying subscription."""
    if arm_id.startswith(_SUBSCRIPTION_PREFIX):
        return f"concat(subscription().id, {_quoted(arm_id[len(_SUBSCRIPTION_PREFIX) :])})"
    return _quoted(arm_id)
