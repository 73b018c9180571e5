"""Compliance: the plan's compliance initiatives, which on Google Cloud are organization
policy constraints, enforced at project level when the plan says the deployer may
(GCP-ORG-01); otherwise the organization admin enforces them higher up, as the plan's
decision says."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import orgpolicy

from blueprints.gcp.context import GcpContext


@dataclass(frozen=True)
class ComplianceArgs:
    context: GcpContext
    policy_initiatives: tuple[str, ...]  # Google Cloud organization policy constraints
    # GcpProject.org_policies (GCP-ORG-01): set them here, which needs
    # roles/orgpolicy.policyAdmin at organization level, or leave them to the org admin
    enforce_here: bool


class Compliance(pulumi.ComponentResource):
    """Project constraints that refuse insecure resources whoever creates them."""

    def __init__(
        self, name: str, args: ComplianceArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:Compliance", name, None, opts)
        # Each resource waits for the API it is created through (GCP-API-01).
        child_opts = ResourceOptions.merge(
            ResourceOptions(parent=self),
            args.context.api_opts(*(("orgpolicy",) if args.enforce_here else ())),
        )
        context = args.context
        kinds = context.facts("org_policies")

        policies = []
        for constraint in args.policy_initiatives if args.enforce_here else ():
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
                    parent=f"projects/{context.project}",
                    name=f"projects/{context.project}/policies/{constraint}",
                    spec=orgpolicy.PolicySpecArgs(rules=[rule]),
                    opts=child_opts,
                )
            )

        self.register_outputs({"policies": [policy.name for policy in policies]})
