"""The check catalog: each check's metadata from `generator/catalog/checks.yaml`, bound to the
logic a rules module registers under the same id.

A check's identity, severity, HIPAA control, equivalent Checkov / Azure Policy ids, fix and
parameters are data; this is the one module that imports the rules modules, so none of them
imports it back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from generator.catalog import load
from generator.checks.graph import Graph
from generator.checks.model import SEVERITIES, CheckContext, CheckInfo, Violation
from generator.checks.registry import CheckLogic, combined
from generator.checks.rules import backup, encryption, identity, keys, logging, network, values

CHECK_ID = re.compile(r"^CG-(AZ|GCP)-(NET|ENC|KMS|BAK|LOG|IAM)-\d{3}$")
CLOUD_OF_PREFIX = {"AZ": "azure", "GCP": "gcp"}
_REQUIRED = ("category", "severity", "title", "control", "fix", "source")


@cache
def all_checks() -> tuple[CheckInfo, ...]:
    """Every check in the catalog, in id order, each bound to its logic."""
    entries = load("checks")["checks"]
    checks = tuple(_check_info(check_id, entry) for check_id, entry in sorted(entries.items()))
    table = _logic_table()
    missing = sorted(set(entries) - set(table))
    unknown = sorted(set(table) - set(entries))
    if missing or unknown:
        raise ValueError(
            f"checks without logic: {missing}; logic without a catalog entry: {unknown}"
        )
    return checks


def checks_for(cloud: str) -> tuple[CheckInfo, ...]:
    return tuple(check for check in all_checks() if check.cloud == cloud)


def check(check_id: str) -> CheckInfo:
    """The catalog entry of `check_id`; KeyError when there is none."""
    for info in all_checks():
        if info.id == check_id:
            return info
    raise KeyError(check_id)


def violations(info: CheckInfo, graph: Graph, context: CheckContext) -> list[Violation]:
    """Run one check's logic over `graph`."""
    return list(_logic_table()[info.id](graph, context, info.params or {}))


@cache
def _logic_table() -> dict[str, CheckLogic]:
    categories = (network, encryption, keys, backup, logging, identity)
    return combined([*(module.logic for module in categories), values.logic])


def _check_info(check_id: str, entry: Mapping[str, Any]) -> CheckInfo:
    match = CHECK_ID.match(check_id)
    if not match:
        raise ValueError(f"checks.yaml: {check_id}: id must look like CG-AZ-NET-001")
    absent = [key for key in _REQUIRED if not entry.get(key)]
    if absent:
        raise ValueError(f"checks.yaml: {check_id}: missing {', '.join(absent)}")
    if entry["severity"] not in SEVERITIES:
        raise ValueError(f"checks.yaml: {check_id}: severity must be one of {SEVERITIES}")
    return CheckInfo(
        id=check_id,
        cloud=CLOUD_OF_PREFIX[match.group(1)],
        category=entry["category"],
        severity=entry["severity"],
        title=entry["title"],
        control=entry["control"],
        fix=entry["fix"],
        source=entry["source"],
        checkov=entry.get("checkov"),
        azure_policy=entry.get("azure_policy"),
        params=entry.get("params") or {},
    )
