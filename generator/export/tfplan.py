"""Google Cloud stacks as Terraform plans in JSON (`terraform show -json` of a plan that
creates every resource): one `plan.json` per stack, which Checkov, Trivy and other Terraform
scanners read.

pulumi-gcp is bridged from the Terraform Google provider, so each resource is its Terraform
type with its inputs named as Terraform names them (`generator/catalog/export_terraform.yaml`):
snake_case, single-item blocks as one-element lists, plural list names back to Terraform's
singular block names. `configuration` carries the references between resources (an input
that is another resource's id, self link or email), so a scanner's graph connects them.
Secrets are never written: a secret input is null and marked sensitive, as Terraform marks it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from generator.catalog import load
from generator.checks.graph import SECRET_KEY, SECRET_MARK
from generator.export.model import AppliedWaiver, ExportResult, Unexpressed
from generator.export.waivers import ScannerWaiver, waivers_for
from generator.preview.harness import UNKNOWN, RegisteredResource, StackRun

PLAN_FILE = "plan.json"
# Checkov reads skip comments for a plan's resources from the Terraform source beside it
# (`--repo-root-for-plan-enrichment`): this file holds only those comments.
WAIVERS_TF_FILE = "checkov-waivers.tf"
FORMAT_VERSION = "1.2"
TERRAFORM_VERSION = "1.9.0"
# Outputs another resource's input may hold, as Terraform names the attribute.
_REFERENCED_OUTPUTS = {"id": "id", "selfLink": "self_link", "email": "email", "member": "member"}


@dataclass(frozen=True)
class _Secret:
    """A value that must not be written: null in the plan, marked sensitive."""


@dataclass(frozen=True)
class _Unknown:
    """A value known only after apply: null in the plan, marked unknown."""


SECRET = _Secret()
UNKNOWN_VALUE = _Unknown()


@cache
def terraform_catalog() -> dict[str, Any]:
    return load("export_terraform")


def terraform_type(token: str) -> str | None:
    entry = terraform_catalog()["resources"].get(token)
    return None if entry is None else str(entry["terraform"])


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def terraform_name(pulumi_name: str, blocks: dict[str, Any]) -> str:
    """An input's Terraform attribute name: snake_case, or the singular block Pulumi
    pluralised (`allows` -> `allow`, `policies` -> `policy`, `addresses` -> `address`)."""
    snake = snake_case(pulumi_name)
    if snake in blocks:
        return snake
    for singular in (snake[:-1], snake[:-2], snake[:-3] + "y"):
        if singular in blocks and not blocks[singular]["one"]:
            return singular
    return snake


def terraform_values(inputs: dict[str, Any], blocks: dict[str, Any]) -> dict[str, Any]:
    """Pulumi inputs (camelCase, single blocks as objects) as Terraform attribute values."""
    values: dict[str, Any] = {}
    for key, value in inputs.items():
        name = terraform_name(key, blocks)
        node = blocks.get(name)
        values[name] = _value(value, node)
    return values


def _value(value: Any, node: dict[str, Any] | None) -> Any:
    if isinstance(value, dict) and value.get(SECRET_KEY) == SECRET_MARK:
        return SECRET
    if value == UNKNOWN:
        return UNKNOWN_VALUE
    if isinstance(value, float) and value.is_integer():
        return int(value)
    inner = (node or {}).get("blocks", {})
    if node is not None and isinstance(value, dict):
        # A block: a single-item block Pulumi writes as one object is a one-element list.
        return [terraform_values(value, inner)]
    if isinstance(value, list):
        return [
            terraform_values(item, inner)
            if node is not None and isinstance(item, dict)
            else _value(item, None)
            for item in value
        ]
    if isinstance(value, dict):
        # A map attribute (labels, metadata): its keys are the user's, kept as written.
        return {key: _value(item, None) for key, item in value.items()}
    return value


def _planned(value: Any) -> Any:
    """Values as the plan shows them: secrets and unknowns null."""
    if isinstance(value, _Secret | _Unknown):
        return None
    if isinstance(value, dict):
        return {key: _planned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_planned(item) for item in value]
    return value


def _marks(value: Any, mark: object) -> Any:
    """Terraform's `sensitive_values` / `after_unknown` shape: true where a value is marked,
    the same nesting around it, and nothing where no value is."""
    if value is mark:
        return True
    if isinstance(value, dict):
        found = {key: _marks(item, mark) for key, item in value.items()}
        return {key: item for key, item in found.items() if item not in (None, {}, [])}
    if isinstance(value, list):
        items = [_marks(item, mark) for item in value]
        return items if any(item not in (None, {}, False) for item in items) else []
    return None


def _expressions(value: Any, references: dict[str, str]) -> Any:
    """`configuration` expressions: a reference where the value is another resource's
    output, a constant otherwise; blocks as lists of expression objects."""
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return [
            {key: _expressions(item, references) for key, item in block.items()} for block in value
        ]
    if isinstance(value, str) and value in references:
        target = references[value]
        return {"references": [target, target.rsplit(".", 1)[0]]}
    return {"constant_value": _planned(value)}


def _address_name(pulumi_name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]", "_", pulumi_name)
    return name if re.match(r"[A-Za-z_]", name) else f"r_{name}"


def export_tfplan(
    runs: Iterable[StackRun], waivers: tuple[ScannerWaiver, ...], result: ExportResult
) -> None:
    """Add one Terraform plan JSON per stack to `result`."""
    catalog = terraform_catalog()
    provider = catalog["provider"]
    for run in runs:
        planned: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        configured: list[dict[str, Any]] = []
        skips: list[str] = []
        exported: list[tuple[RegisteredResource, str, str, dict[str, Any]]] = []
        references: dict[str, str] = {}
        for resource in run.resources:
            if not resource.custom:
                continue
            entry = catalog["resources"].get(resource.type)
            if entry is None:
                reason = catalog["not_terraform"].get(
                    resource.type.split(":", 1)[0],
                    f"no Terraform mapping for {resource.type} in export_terraform.yaml",
                )
                result.unexpressed.append(
                    Unexpressed(run.stack, resource.urn, resource.type, resource.name, reason)
                )
                continue
            kind, name = entry["terraform"], _address_name(resource.name)
            address = f"{kind}.{name}"
            values = terraform_values(resource.inputs, entry.get("blocks", {}))
            exported.append((resource, kind, name, values))
            for output, attribute in _REFERENCED_OUTPUTS.items():
                found = resource.outputs.get(output)
                if isinstance(found, str) and found not in references:
                    references[found] = f"{address}.{attribute}"
        for resource, kind, name, values in exported:
            address = f"{kind}.{name}"
            common = {
                "address": address,
                "mode": "managed",
                "type": kind,
                "name": name,
                "provider_name": provider,
            }
            plain = _planned(values)
            planned.append(
                {
                    **common,
                    "schema_version": 0,
                    "values": plain,
                    "sensitive_values": _marks(values, SECRET) or {},
                }
            )
            changes.append(
                {
                    **common,
                    "change": {
                        "actions": ["create"],
                        "before": None,
                        "after": plain,
                        "after_unknown": _marks(values, UNKNOWN_VALUE) or {},
                        "before_sensitive": False,
                        "after_sensitive": _marks(values, SECRET) or {},
                    },
                }
            )
            own = {
                value: target
                for value, target in references.items()
                if not target.startswith(f"{address}.")
            }
            configured.append(
                {
                    "address": address,
                    "mode": "managed",
                    "type": kind,
                    "name": name,
                    "provider_config_key": "google",
                    "schema_version": 0,
                    "expressions": {key: _expressions(value, own) for key, value in values.items()},
                }
            )
            applied = waivers_for(waivers, resource.type, resource.name)
            if applied:
                skips.append(_skip_block(kind, name, applied))
                result.waivers.extend(
                    AppliedWaiver(w.check, run.stack, resource.name, address, w.reason, w.origin)
                    for w in applied
                )
        plan = {
            "format_version": FORMAT_VERSION,
            "terraform_version": TERRAFORM_VERSION,
            "planned_values": {"root_module": {"resources": planned}},
            "resource_changes": changes,
            "configuration": {
                "provider_config": {"google": {"name": "google", "full_name": provider}},
                "root_module": {"resources": configured},
            },
        }
        result.add_json(PurePosixPath(run.stack, PLAN_FILE), plan)
        if skips:
            result.files[PurePosixPath(run.stack, WAIVERS_TF_FILE)] = (
                "# Generated by clinicgen export: Checkov's skip comments for this stack's plan\n"
                "# (checkov -f plan.json --repo-root-for-plan-enrichment .). No resource is\n"
                "# defined here; each block only names the resource its waivers cover.\n\n"
                + "\n".join(skips)
            )
        result.exported[run.stack] = len(exported)


def _skip_block(kind: str, name: str, applied: list[ScannerWaiver]) -> str:
    comments = "".join(
        f"  # checkov:skip={w.check}:{' '.join(w.reason.split())}\n" for w in applied
    )
    return f'resource "{kind}" "{name}" {{\n{comments}}}\n'
