"""Compliance: the plan's compliance initiatives, which on Google Cloud are organization
policy constraints, enforced at project level."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import orgpolicy

from generator.catalog import load


@dataclass(frozen=True)
class ComplianceArgs:
    project: str
    constraints: tuple[str, ...]  # MonitoringPlan.policy_initiatives


class Compliance(pulumi.ComponentResource):
    """Project constraints that refuse insecure resources whoever creates them."""

    def __init__(
        self, name: str, args: ComplianceArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:Compliance", name, None, opts)
        child_opts = ResourceOptions(parent=self)
        kinds = load("gcp_controls")["org_policies"]

        policies = []
        for constraint in args.constraints:
            if constraint not in kinds:
                raise ValueError(f"no Google Cloud organization policy constraint {constraint!r}")
            # Boolean constraints are enforced; list constraints deny every value.
            rule = (
                orgpolicy.PolicySpecRuleArgs(deny_all="TRUE")
                if kinds[constraint]["kind"] == "deny_all"
                else orgpolicy.PolicySpecRuleArgs(enforce="TRUE")
            )
            policies.append(
                orgpolicy.Policy(
                    f"{name}-{constraint.replace('.', '-').lower()}",
                    parent=f"projects/{args.project}",
                    name=f"projects/{args.project}/policies/{constraint}",
                    spec=orgpolicy.PolicySpecArgs(rules=[rule]),
                    opts=child_opts,
                )
            )

        self.register_outputs({"policies": [policy.name for policy in policies]})
