"""The persona groups' multifactor authentication: one Entra ID Conditional Access policy,
deployed only when the profile opts in (identity.conditional_access), as it needs Microsoft
Entra ID P1 and a deployer with the Conditional Access Administrator role."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azuread as azuread

from blueprints.azure.context import AzureContext


@dataclass(frozen=True)
class PersonaMfaArgs:
    context: AzureContext
    groups: tuple[str, ...]  # the persona groups' Entra object ids


class PersonaMfa(pulumi.ComponentResource):
    """An enabled Conditional Access policy that requires MFA for the persona groups when they
    use Azure management (catalog azure_platform.yaml `conditional_access`)."""

    def __init__(
        self, name: str, args: PersonaMfaArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:PersonaMfa", name, None, opts)
        facts = args.context.facts("conditional_access")
        policy = azuread.ConditionalAccessPolicy(
            f"{name}-policy",
            display_name=f"clinicgen {args.context.practice_id}: persona groups require MFA",
            state="enabled",
            conditions=azuread.ConditionalAccessPolicyConditionsArgs(
                users=azuread.ConditionalAccessPolicyConditionsUsersArgs(
                    included_groups=list(args.groups)
                ),
                applications=azuread.ConditionalAccessPolicyConditionsApplicationsArgs(
                    included_applications=list(facts["applications"])
                ),
                client_app_types=list(facts["client_app_types"]),
            ),
            grant_controls=azuread.ConditionalAccessPolicyGrantControlsArgs(
                operator="OR", built_in_controls=list(facts["built_in_controls"])
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"policy_id": policy.id})
