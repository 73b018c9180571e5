"""Preview, compliance and deployability reports, for people (text) and machines (JSON).

The text report groups each stack's resources under the components that own them, counts them
by type and prints the sized inputs that matter for each type (catalog `resource_types.yaml`),
laid out in the given width with no value split (generator.render.layout); nothing is
truncated. Built-in role definitions and policy initiatives show by name; JSON keeps the ids.
The JSON report follows the documented contract:
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
from generator.catalog.builtin_names import builtin_name
from generator.checks import ComplianceReport, Finding
from generator.checks.deployability import DeployabilityReport
from generator.checks.graph import SECRET_KEY, SECRET_MARK, get
from generator.checks.model import FAIL, Resource
from generator.render.layout import PIPE_WIDTH, items_after, labelled, wrap
from generator.wording import counted

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
    """A value as one compact line: lists comma-separated, mappings as JSON, a built-in role
    definition or policy initiative by its name."""
    value = plain(value)
    if isinstance(value, str):
        return builtin_name(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ", ".join(show(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, separators=(", ", ": "))
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


def stack_counts(run: StackRun) -> tuple[int, int]:
    """A stack's (resources, components): what each stack's heading and, summed, the
    preview's heading say, so the two always agree."""
    custom = sum(1 for r in run.resources if r.custom)
    return custom, len(run.resources) - custom


def preview_summary(preview: PracticePreview) -> str:
    """`23 stacks, 456 resources in 31 components`: the per-stack counts, summed."""
    counts = [stack_counts(run) for run in preview.runs]
    resources, components = sum(c[0] for c in counts), sum(c[1] for c in counts)
    return (
        f"{counted(len(counts), 'stack')}, {counted(resources, 'resource')} in "
        f"{counted(components, 'component')}"
    )


def render_preview(preview: PracticePreview, width: int = PIPE_WIDTH) -> str:
    """The preview for a person, in `width` columns: per stack, counts by type and the
    resource tree, then the findings."""
    stacks = preview.stacks
    lines = [
        *wrap(
            f"Preview of {stacks.practice_id} ({stacks.cloud}, {stacks.core.practice.region}) "
            f"from {stacks.source}",
            width,
        ),
        *wrap(
            f"{preview_summary(preview)}, registered offline under Pulumi mocks (no cloud "
            "account, no Pulumi CLI).",
            width,
        ),
    ]
    for run in preview.runs:
        lines += ["", *_render_stack(run, width)]
    lines += ["", *render_checks(preview.compliance, preview.deployability, width)]
    return "\n".join(lines) + "\n"


def _render_stack(run: StackRun, width: int) -> list[str]:
    resources, components = stack_counts(run)
    custom = [r for r in run.resources if r.custom]
    heading = f"{run.stack}: {counted(resources, 'resource')} in {counted(components, 'component')}"
    lines = wrap(f"== {heading} ==", width)
    lines.append("Resources by type:")
    lines += [f"{INDENT}{count:>5}  {short_type(token)}" for token, count in _counts(custom)]
    lines.append("Resources by component (* protected from deletion):")
    children: dict[str, list[Any]] = defaultdict(list)
    for resource in run.resources:
        children[resource.parent].append(resource)
    urns = {r.urn for r in run.resources}
    roots = [r for r in run.resources if r.parent not in urns]
    lines += _render_tree(roots, children, 1, width)
    return lines


def _render_tree(
    resources: Sequence[Any], children: dict[str, list[Any]], depth: int, width: int
) -> list[str]:
    """Components in registration order, each followed by its resources grouped by type
    (stable: program order within a type), type and name columns aligned per component where
    they fit the width; a resource's key inputs follow, wrapped."""
    pad = INDENT * depth
    custom = sorted((r for r in resources if r.custom), key=lambda r: short_type(r.type))
    type_width = max((len(short_type(r.type)) for r in custom), default=0)
    name_width = max((len(r.name) for r in custom), default=0)
    aligned = len(pad) + 1 + type_width + 2 + name_width <= width
    lines = []
    for resource in custom:
        mark = "*" if resource.protect else " "
        props = [f"{path}={text}" for path, text in key_properties(resource)]
        kind = short_type(resource.type)
        if aligned:
            head = f"{pad}{mark}{kind:<{type_width}}  {resource.name:<{name_width}}  "
        elif len(pad) + 1 + len(kind) + 2 + len(resource.name) <= width:
            head = f"{pad}{mark}{kind}  {resource.name}  "
        else:
            lines.append(f"{pad}{mark}{kind}")
            head = f"{pad}{INDENT * 2}{resource.name}  "
        lines += items_after(head, props, width)
        lines += _render_tree(children[resource.urn], children, depth + 1, width)
    for component in (r for r in resources if not r.custom):
        lines.append(f"{pad}{short_type(component.type)} {component.name}")
        lines += _render_tree(children[component.urn], children, depth + 1, width)
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


def render_checks(
    report: ComplianceReport, deployability: DeployabilityReport, width: int = PIPE_WIDTH
) -> list[str]:
    """The compliance findings, then the deployability findings: what `check` prints."""
    return [*render_findings(report, width), "", *render_deployability(deployability, width)]


def _fields(heading: str, fields: Sequence[tuple[str, str]], width: int) -> list[str]:
    """A finding: its heading, then one `label: value` line (or more, wrapped) per field."""
    label = max(len(name) for name, _text in fields) + 2
    lines = wrap(heading, width, "", INDENT * 2)
    for name, text in fields:
        lines += labelled(f"{INDENT}{name + ':':<{label}}", text, width)
    return lines


def render_findings(report: ComplianceReport, width: int = PIPE_WIDTH) -> list[str]:
    """Every finding with its check, resource, property, control and fix; waived ones with
    the profile's reason; in `width` columns."""
    clouds = sorted({info.cloud for info in report.checks})
    lines = [
        f"Compliance: {len(report.checks)} {'/'.join(clouds)} checks, "
        f"{len(report.failures)} failed, {len(report.waived)} waived."
    ]
    for finding in report.findings:
        status = "FAIL" if finding.status == FAIL else "WAIVED"
        fields = [
            ("resource", f"{finding.resource} ({short_type(finding.type)})"),
            ("urn", finding.urn),
            ("property", finding.property or "-"),
            ("problem", finding.message),
            ("control", f"45 CFR {finding.control}"),
            ("fix", finding.fix),
        ]
        if finding.waiver_reason is not None:
            fields.append(("waived", finding.waiver_reason))
        heading = f"{status} {finding.severity} {finding.check}: {finding.title}"
        lines += _fields(heading, fields, width)
    for w in report.unused_waivers:
        lines += wrap(
            f"Unused waiver: {w.check}{f' on {w.resource}' if w.resource else ''} matches no "
            f"finding (reason given: {w.reason})",
            width,
            "",
            INDENT * 2,
        )
    return lines


# -- deployability ----------------------------------------------------------------------------


def render_deployability(report: DeployabilityReport, width: int = PIPE_WIDTH) -> list[str]:
    """Every deployability finding with its rule, resource, property, fix and source, in
    `width` columns."""
    clouds = sorted({info.cloud for info in report.rules})
    lines = [
        f"Deployability: {len(report.rules)} {'/'.join(clouds)} rules, "
        f"{len(report.findings)} failed."
    ]
    for finding in report.findings:
        fields = [
            ("resource", f"{finding.resource} ({short_type(finding.type)})"),
            ("urn", finding.urn),
            ("property", finding.property or "-"),
            ("problem", finding.message),
            ("fix", finding.fix),
            ("source", finding.source),
        ]
        lines += _fields(f"FAIL {finding.rule}: {finding.title}", fields, width)
    return lines
