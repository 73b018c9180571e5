"""Run every check of a cloud over a practice's resource graph and apply the profile's waivers.

A waiver never hides a finding: it turns a failure into a waived finding that carries the
profile's reason into every report. A waiver that matches nothing is reported too, so stale
waivers do not linger unseen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from generator.checks.catalog import checks_for, violations
from generator.checks.deployability import DeployabilityReport
from generator.checks.graph import Graph
from generator.checks.model import (
    FAIL,
    SEVERITIES,
    WAIVED,
    CheckContext,
    CheckInfo,
    Finding,
    Resource,
)
from generator.errors import ChecksFailedError
from generator.profile.model import Waiver
from generator.wording import counted


@dataclass(frozen=True)
class ComplianceReport:
    """The checks that ran, what they found, and waivers that matched no finding."""

    checks: tuple[CheckInfo, ...]
    findings: tuple[Finding, ...]
    unused_waivers: tuple[Waiver, ...] = ()

    @property
    def failures(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.status == FAIL)

    @property
    def waived(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.status == WAIVED)


def evaluate(
    resources: Iterable[Resource], context: CheckContext, waivers: Sequence[Waiver] = ()
) -> ComplianceReport:
    """Every check for `context.cloud` over `resources`, findings ordered by severity then id."""
    graph = Graph(resources)
    checks = checks_for(context.cloud)
    findings = [
        Finding(
            check=info.id,
            severity=info.severity,
            title=info.title,
            control=info.control,
            fix=info.fix,
            **violation.located(),
        )
        for info in checks
        for violation in violations(info, graph, context)
    ]
    findings.sort(key=lambda f: (SEVERITIES.index(f.severity), f.check, f.urn, f.property))
    waived, unused = _apply_waivers(findings, waivers)
    return ComplianceReport(checks=checks, findings=tuple(waived), unused_waivers=unused)


def _apply_waivers(
    findings: list[Finding], waivers: Sequence[Waiver]
) -> tuple[list[Finding], tuple[Waiver, ...]]:
    used: set[Waiver] = set()
    result = []
    for finding in findings:
        waiver = waiver_for(waivers, finding.check, finding.resource, finding.urn)
        if waiver is not None:
            used.add(waiver)
            finding = replace(finding, status=WAIVED, waiver_reason=waiver.reason)
        result.append(finding)
    # A scanner's check (Checkov) is waived in what `clinicgen export` writes, not here.
    return result, tuple(w for w in waivers if w not in used and w.check.startswith("CG-"))


def waiver_for(waivers: Sequence[Waiver], check_id: str, resource: str, urn: str) -> Waiver | None:
    """The first of `waivers` that waives check `check_id` on the resource named `resource`
    (its logical name) with `urn`: a waiver names the check, and the resource or none."""
    for waiver in waivers:
        if waiver.check == check_id and waiver.resource in (None, resource, urn):
            return waiver
    return None


def require_no_failures(
    compliance: ComplianceReport, deployability: DeployabilityReport | None = None
) -> None:
    """Raise ChecksFailedError when any compliance finding is an unwaived failure or any
    deployability rule fails, naming each family that failed."""
    problems = []
    if compliance.failures:
        problems.append(
            f"{counted(len(compliance.failures), 'compliance finding')} failed; fix them, or "
            "waive each in the profile under `waivers:` with a reason"
        )
    if deployability is not None and deployability.findings:
        problems.append(
            f"{counted(len(deployability.findings), 'deployability finding')}: the cloud would "
            "reject these resources or they would not work; fix them (no waiver applies)"
        )
    if problems:
        raise ChecksFailedError(problems)
