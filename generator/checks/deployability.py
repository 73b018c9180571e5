"""The deployability rules: what the cloud would reject on the first `pulumi up`, or what would
deploy and not work, found offline over the same resource graph as the compliance checks.

A rule's constraint, fix, source and parameters are data (`generator/catalog/deployability.yaml`);
its logic lives in `rules/deploy_azure.py`, `rules/deploy_gcp.py` and, for rules that are data
alone, `rules/deploy_values.py`. This is the one module that imports those, as
`generator.checks.catalog` is for the compliance checks. No waiver applies to a rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from generator.catalog import load
from generator.checks.graph import Graph
from generator.checks.model import CheckContext, DeployFinding, Read, Resource, RuleInfo, Violation
from generator.checks.registry import CheckLogic, combined
from generator.checks.rules import deploy_azure, deploy_gcp, deploy_values

RULE_ID = re.compile(r"^CG-(AZ|GCP)-DEP-\d{3}$")
CLOUD_OF_PREFIX = {"AZ": "azure", "GCP": "gcp"}
_REQUIRED = ("title", "fix", "source")


@cache
def all_rules() -> tuple[RuleInfo, ...]:
    """Every deployability rule in the catalog, in id order, each bound to its logic."""
    entries = load("deployability")["rules"]
    rules = tuple(_rule_info(rule_id, entry) for rule_id, entry in sorted(entries.items()))
    table = _logic_table()
    missing = sorted(set(entries) - set(table))
    unknown = sorted(set(table) - set(entries))
    if missing or unknown:
        raise ValueError(
            f"rules without logic: {missing}; logic without a catalog entry: {unknown}"
        )
    return rules


def rules_for(cloud: str) -> tuple[RuleInfo, ...]:
    return tuple(info for info in all_rules() if info.cloud == cloud)


def rule(rule_id: str) -> RuleInfo:
    """The catalog entry of `rule_id`; KeyError when there is none."""
    for info in all_rules():
        if info.id == rule_id:
            return info
    raise KeyError(rule_id)


def rule_violations(info: RuleInfo, graph: Graph, context: CheckContext) -> list[Violation]:
    """Run one rule's logic over `graph`."""
    return list(_logic_table()[info.id](graph, context, info.params or {}))


@dataclass(frozen=True)
class DeployabilityReport:
    """The rules that ran and every resource one of them rejects."""

    rules: tuple[RuleInfo, ...]
    findings: tuple[DeployFinding, ...]


def evaluate_deployability(
    resources: Iterable[Resource], context: CheckContext, reads: Iterable[Read] = ()
) -> DeployabilityReport:
    """Every rule for `context.cloud` over `resources` and what the program read from the
    cloud (`reads`), findings ordered by rule, then resource."""
    graph = Graph(resources, reads)
    rules = rules_for(context.cloud)
    findings = sorted(
        (
            DeployFinding(
                rule=info.id,
                title=info.title,
                fix=info.fix,
                source=info.source,
                **violation.located(),
            )
            for info in rules
            for violation in rule_violations(info, graph, context)
        ),
        key=lambda f: (f.rule, f.urn, f.property, f.message),
    )
    return DeployabilityReport(rules=rules, findings=tuple(findings))


@cache
def _logic_table() -> dict[str, CheckLogic]:
    return combined([deploy_azure.logic, deploy_gcp.logic, deploy_values.logic])


def _rule_info(rule_id: str, entry: Mapping[str, Any]) -> RuleInfo:
    match = RULE_ID.match(rule_id)
    if not match:
        raise ValueError(f"deployability.yaml: {rule_id}: id must look like CG-AZ-DEP-001")
    absent = [key for key in _REQUIRED if not entry.get(key)]
    if absent:
        raise ValueError(f"deployability.yaml: {rule_id}: missing {', '.join(absent)}")
    return RuleInfo(
        id=rule_id,
        cloud=CLOUD_OF_PREFIX[match.group(1)],
        title=entry["title"],
        fix=entry["fix"],
        source=entry["source"],
        params=entry.get("params") or {},
        reads_cloud=entry.get("reads_cloud"),
    )
