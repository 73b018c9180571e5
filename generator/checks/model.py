"""What a compliance check and a deployability rule are, what they report, and the plan facts
they measure against.

Plain dataclasses with no Pulumi import: checks and rules read the resource graph that
`generator.preview.harness` records, through the `Resource` and `Read` protocols below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from generator.plan.model import CoreStackPlan, PracticeInfo, core_stack_name

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


class Read(Protocol):
    """Something the program read from the cloud, as `generator.preview.harness.CloudRead`
    records it: a data source's token (or the type of an existing resource) and the answer."""

    @property
    def token(self) -> str: ...
    @property
    def result(self) -> dict[str, Any]: ...


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
    """A resource a check's or rule's logic rejects, the input property at fault, and why."""

    resource: Resource
    property: str
    message: str

    def located(self) -> dict[str, str]:
        """Where a finding is and what it says: the resource's URN, name and type, the
        property at fault and the message."""
        return {
            "urn": self.resource.urn,
            "resource": self.resource.name,
            "type": self.resource.type,
            "property": self.property,
            "message": self.message,
        }


@dataclass(frozen=True)
class RuleInfo:
    """A deployability rule's catalog entry: what the cloud requires, where it says so, and
    what to change. A rule has no severity: the cloud rejects the resource or it does not work.
    """

    id: str
    cloud: str
    title: str  # the constraint, as the cloud documents it
    fix: str
    source: str  # a documentation URL or an API spec path
    params: Mapping[str, Any] | None = None
    # Why the rule needs what the program read from the cloud, which a policy pack never sees.
    reads_cloud: str | None = None


@dataclass(frozen=True)
class CheckContext:
    """The plan facts checks and rules measure against: what this practice must have, not just
    what is generally good (log retention from the plan, geo-redundancy only when there is a
    DR region, org policies only when the deployer may set them).
    """

    cloud: str
    log_retention_days: int
    dr_region: str | None = None
    policy_initiatives: tuple[str, ...] = ()
    # The stack every site stack is deployed after (the runbook's order: core, then sites).
    core_stack: str = ""
    # The plan has a telehealth front end, which patients open from the internet.
    telehealth: bool = False
    # The deployer holds roles/orgpolicy.policyAdmin at the organization (Google Cloud).
    org_policy_admin: bool = False

    @classmethod
    def from_core_plan(cls, plan: CoreStackPlan) -> CheckContext:
        return cls(
            cloud=plan.practice.cloud,
            log_retention_days=plan.monitoring.log_retention_days,
            dr_region=plan.practice.dr_region,
            policy_initiatives=plan.monitoring.policy_initiatives,
            core_stack=core_stack_name(plan.practice.id),
            telehealth=plan.workloads.telehealth is not None,
            org_policy_admin=org_policy_admin(plan.practice),
        )


def org_policy_admin(practice: PracticeInfo) -> bool:
    """Whether the profile says the deployer holds the organization-level role that org
    policies need (`practice.gcp_org_policies`, issue 12). A plan without that choice says
    nothing of the kind, so the answer is no."""
    return bool(getattr(practice, "gcp_org_policies", False))


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


@dataclass(frozen=True)
class DeployFinding:
    """One deployability rule failing on one resource: the cloud would reject it or it would
    not work. No waiver applies to it."""

    rule: str
    title: str
    urn: str
    resource: str
    type: str
    property: str
    message: str
    fix: str
    source: str
