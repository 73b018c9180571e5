"""Previews with a chosen deployability verdict, so the CLI's compliance behaviour and its
deployability behaviour are each tested whatever today's blueprints would make the cloud
reject (tests/preview/deployability_today.yaml holds that)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from generator.checks import CheckContext
from generator.checks.deployability import DeployabilityReport, rules_for
from generator.checks.model import DeployFinding, Read, Resource
from generator.preview import sources

REJECTED = DeployFinding(
    rule="CG-GCP-DEP-003",
    title="Organization policies are set only when the deployer holds roles/orgpolicy.policyAdmin",
    urn="urn:pulumi:harbor-core::clinicgen::gcp:orgpolicy/policy:Policy::harbor-oslogin",
    resource="harbor-oslogin",
    type="gcp:orgpolicy/policy:Policy",
    property="",
    message="needs roles/orgpolicy.policyAdmin",
    fix="Leave organization policies to the organization's administrator.",
    source="https://cloud.google.com/iam/docs/roles-permissions/orgpolicy",
)


def _verdict(monkeypatch: pytest.MonkeyPatch, findings: tuple[DeployFinding, ...]) -> None:
    def report(
        resources: Iterable[Resource], context: CheckContext, reads: Iterable[Read] = ()
    ) -> DeployabilityReport:
        return DeployabilityReport(rules_for(context.cloud), findings)

    monkeypatch.setattr(sources, "evaluate_deployability", report)


@pytest.fixture
def deployable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every deployability rule runs and finds nothing."""
    _verdict(monkeypatch, ())


@pytest.fixture
def undeployable(monkeypatch: pytest.MonkeyPatch) -> None:
    """One deployability rule rejects one resource."""
    _verdict(monkeypatch, (REJECTED,))
