"""Preview, compliance and deployability reports, for people (text) and machines (JSON).

The text report groups each stack's resources under the components that own them, counts them
by type and prints the sized inputs that matter for each type (catalog `resource_types.yaml`);
nothing is truncated. The JSON report follows the documented contract:
`{"stacks": [{"name", "resources": [{"urn", "type", "name", "parent", "inputs",
"dependencies", ...}]}], "findings": [{"check", "severity", "urn", "message", ...}],
"deployability": {"rules": [...], "findings": [{"rule", "urn", "message", "source", ...}]}}`.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from generator import catalog
from generator.checks import ComplianceReport, Finding
from generator.checks.deployability import DeployabilityReport
from generator.checks.graph import SECRET_KEY, SECRET_MARK, get
from generator.checks.model import FAIL, Resource

if TYPE_CHECKING:
    from generator.preview.harness import StackRun
    from generator.preview.sources import PracticePreview

INDENT = "  "
SECRET = "<secret>"


def short_type(type_token: str) -> str:
    """`azure-native:network:Subnet` -> `network:Subnet`, `gcp:compute/firewall:Firewall` ->
    `compute:Firewall`, `clinicgen:azure:CoreNetwork` -> `CoreNetwork`."""
    provider, module, kind = [*type_token.split(":"), "", ""][:3]
    if provider == "clinicgen":
        return kind
    return (
        f"{module.split('/')[0]}:{kind}"
        if provider in ("azure-native", "gcp")
        else (f"{provider}:{kind}")
    )


def plain(value: Any) -> Any:
    """JSON-ready inputs with whole numbers as integers (the engine carries every number as a
    double, so `priority: 100` arrives as 100.0) and every secret, whatever it wraps, shown
    only as `<secret>`: a report never carries a secret value."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        if value.get(SECRET_KEY) == SECRET_MARK:
            return SECRET
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def show(value: Any) -> str:
    """A value as one compact line: lists comma-separated, mappings as JSON."""
    value = plain(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ",".join(show(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return str(value)


def key_properties(resource: Resource) -> list[tuple[str, str]]:
    """The catalog's key inputs for the resource's type that it has, as (path, text)."""
    paths = catalog.load("resource_types")["key_properties"].get(resource.type, [])
    found = [(path, get(resource.inputs, path)) for path in paths]
    return [(path, show(value)) for path, value in found if value not in (None, "", [], {})]


# -- preview ----------------------------------------------------------------------------------


def preview_data(preview: PracticePreview) -> dict[str, Any]:
    """The preview as the JSON contract describes it."""
    return {
        "practice": preview.stacks.practice_id,
        "cloud": preview.stacks.cloud,
        "source": preview.stacks.source,
        "stacks": [
            {
                "name": run.stack,
                "counts": dict(_counts(run.resources)),
                "resources": [_resource_data(r) for r in run.resources],
            }
            for run in preview.runs
        ],
        **findings_data(preview.compliance, preview.deployability),
    }


def _resource_data(resource: Any) -> dict[str, Any]:
    return {
        "urn": resource.urn,
        "type": resource.type,
        "name": resource.name,
        "parent": resource.parent,
        "custom": resource.custom,
        "protect": resource.protect,
        "id": resource.id,
        "inputs": plain(resource.inputs),
        "dependencies": list(resource.dependencies),
    }


def _counts(resources: Iterable[Any]) -> list[tuple[str, int]]:
    counts = Counter(r.type for r in resources if r.custom)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def render_preview(preview: PracticePreview) -> str:
    """The preview for a person: per stack, counts by type and the resource tree."""
    stacks = preview.stacks
    lines = [
        f"Preview of {stacks.practice_id} ({stacks.cloud}, {stacks.core.practice.region}) "
        f"from {stacks.source}",
        f"{len(preview.runs)} stacks, {preview.resource_count} resources, registered offline "
        f"under Pulumi mocks (no cloud account, no Pulumi CLI).",
    ]
    for run in preview.runs:
        lines += ["", *_render_stack(run)]
    lines += ["", *render_findings(preview.compliance)]
    lines += ["", *render_deployability(preview.deployability)]
    return "\n".join(lines) + "\n"


def _render_stack(run: StackRun) -> list[str]:
    custom = [r for r in run.resources if r.custom]
    components = len(run.resources) - len(custom)
    lines = [f"== {run.stack}: {len(custom)} resources in {components} components =="]
    lines.append("Resources by type:")
    lines += [f"{INDENT}{count:>5}  {short_type(token)}" for token, count in _counts(custom)]
    lines.append("Resources by component (* protected from deletion):")
    children: dict[str, list[Any]] = defaultdict(list)
    for resource in run.resources:
        children[resource.parent].append(resource)
    urns = {r.urn for r in run.resources}
    roots = [r for r in run.resources if r.parent not in urns]
    lines += _render_tree(roots, children, 1)
    return lines


def _render_tree(resources: Sequence[Any], children: dict[str, list[Any]], depth: int) -> list[str]:
    """Components in registration order, each followed by its resources grouped by type
    (stable: program order within a type), columns aligned per component."""
    pad = INDENT * depth
    custom = sorted((r for r in resources if r.custom), key=lambda r: short_type(r.type))
    type_width = max((len(short_type(r.type)) for r in custom), default=0)
    name_width = max((len(r.name) for r in custom), default=0)
    lines = []
    for resource in custom:
        mark = "*" if resource.protect else " "
        props = "  ".join(f"{path}={text}" for path, text in key_properties(resource))
        kind = short_type(resource.type)
        lines.append(
            f"{pad}{mark}{kind:<{type_width}}  {resource.name:<{name_width}}  {props}".rstrip()
        )
        lines += _render_tree(children[resource.urn], children, depth + 1)
    for component in (r for r in resources if not r.custom):
        lines.append(f"{pad}{short_type(component.type)} {component.name}")
        lines += _render_tree(children[component.urn], children, depth + 1)
    return lines


# -- compliance -------------------------------------------------------------------------------


def findings_data(report: ComplianceReport, deployability: DeployabilityReport) -> dict[str, Any]:
    """Compliance findings, the checks that ran and unused waivers, and the deployability
    rules that ran with their findings, as JSON-ready data."""
    return {
        "checks": [info.id for info in report.checks],
        "findings": [_finding_data(finding) for finding in report.findings],
        "unusedWaivers": [
            {"check": w.check, "resource": w.resource, "reason": w.reason}
            for w in report.unused_waivers
        ],
        "deployability": {
            "rules": [info.id for info in deployability.rules],
            "findings": [asdict(finding) for finding in deployability.findings],
        },
    }


def _finding_data(finding: Finding) -> dict[str, Any]:
    return {
        "check": finding.check,
        "severity": finding.severity,
        "urn": finding.urn,
        "message": finding.message,
        "status": finding.status,
        "title": finding.title,
        "control": finding.control,
        "resource": finding.resource,
        "type": finding.type,
        "property": finding.property,
        "fix": finding.fix,
        "waiverReason": finding.waiver_reason,
    }


def render_findings(report: ComplianceReport) -> list[str]:
    """Every finding with its check, resource, property, control and fix; waived ones with
    the profile's reason."""
    clouds = sorted({info.cloud for info in report.checks})
    lines = [
        f"Compliance: {len(report.checks)} {'/'.join(clouds)} checks, "
        f"{len(report.failures)} failed, {len(report.waived)} waived."
    ]
    for finding in report.findings:
        status = "FAIL" if finding.status == FAIL else "WAIVED"
        lines += [
            f"{status} {finding.severity} {finding.check}: {finding.title}",
            f"{INDENT}resource: {finding.resource} ({short_type(finding.type)})",
            f"{INDENT}urn:      {finding.urn}",
            f"{INDENT}property: {finding.property or '-'}",
            f"{INDENT}problem:  {finding.message}",
            f"{INDENT}control:  45 CFR {finding.control}",
            f"{INDENT}fix:      {finding.fix}",
        ]
        if finding.waiver_reason is not None:
            lines.append(f"{INDENT}waived:   {finding.waiver_reason}")
    lines += [
        f"Unused waiver: {w.check}{f' on {w.resource}' if w.resource else ''} matches no "
        f"finding (reason given: {w.reason})"
        for w in report.unused_waivers
    ]
    return lines


# -- deployability ----------------------------------------------------------------------------


def render_deployability(report: DeployabilityReport) -> list[str]:
    """Every deployability finding with its rule, resource, property, fix and source."""
    clouds = sorted({info.cloud for info in report.rules})
    lines = [
        f"Deployability: {len(report.rules)} {'/'.join(clouds)} rules, "
        f"{len(report.findings)} failed."
    ]
    for finding in report.findings:
        lines += [
            f"FAIL {finding.rule}: {finding.title}",
            f"{INDENT}resource: {finding.resource} ({short_type(finding.type)})",
            f"{INDENT}urn:      {finding.urn}",
            f"{INDENT}property: {finding.property or '-'}",
            f"{INDENT}problem:  {finding.message}",
            f"{INDENT}fix:      {finding.fix}",
            f"{INDENT}source:   {finding.source}",
        ]
    return lines
