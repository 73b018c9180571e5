"""What a compliance check is, what it reports, and the plan facts it measures against.

Plain dataclasses with no Pulumi import: checks read the resource graph that
`generator.preview.harness` records, through the `Resource` protocol below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from generator.plan.model import CoreStackPlan

SEVERITIES = ("critical", "high", "medium", "low")
FAIL = "fail"
WAIVED = "waived"


class Resource(Protocol):
    """One registered resource, as `generator.preview.harness.RegisteredResource` records it."""

    @property
    def urn(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def protect(self) -> bool: ...
    @property
    def inputs(self) -> dict[str, Any]: ...
    @property
    def id(self) -> str: ...
    @property
    def outputs(self) -> dict[str, Any]: ...
    @property
    def dependencies(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class CheckInfo:
    """A check's catalog entry: identity, severity, the control it evidences, and the fix."""

    id: str
    cloud: str
    category: str
    severity: str
    title: str
    control: str  # HIPAA Security Rule citation, 45 CFR 164.3xx
    fix: str
    source: str
    checkov: str | None = None
    azure_policy: str | None = None
    params: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Violation:
    """A resource a check's logic rejects, the input property at fault, and why."""

    resource: Resource
    property: str
    message: str


@dataclass(frozen=True)
class CheckContext:
    """The plan facts checks measure against: what this practice must have, not just what is
    generally good (log retention from the plan, geo-redundancy only when there is a DR region).
    """

    cloud: str
    log_retention_days: int
    dr_region: str | None = None
    policy_initiatives: tuple[str, ...] = ()

    @classmethod
    def from_core_plan(cls, plan: CoreStackPlan) -> CheckContext:
        return cls(
            cloud=plan.practice.cloud,
            log_retention_days=plan.monitoring.log_retention_days,
            dr_region=plan.practice.dr_region,
            policy_initiatives=plan.monitoring.policy_initiatives,
        )


@dataclass(frozen=True)
class Finding:
    """One check failing on one resource; `status` is `waived` when the profile waives it."""

    check: str
    severity: str
    title: str
    control: str
    urn: str
    resource: str
    type: str
    property: str
    message: str
    fix: str
    status: str = FAIL
    waiver_reason: str | None = None
