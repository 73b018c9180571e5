"""The Google Cloud stack context: what every component shares, plus the project it deploys in
and the APIs the core stack enabled there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi

from blueprints.context import StackContext, stack_labels
from generator.plan.model import PlatformFacts, PracticeInfo


@dataclass(frozen=True)
class GcpContext(StackContext):
    """One Google Cloud stack's shared component inputs; `location` is the practice's region.

    `apis` maps an API's short name (`compute`) to the core stack's `projects.Service` for it;
    None in a site stack, whose APIs (compute, secretmanager) the core stack enables."""

    project: str
    apis: Mapping[str, pulumi.Resource] | None = None

    def api_opts(self, *apis: str) -> pulumi.ResourceOptions:
        """Options that make a resource wait for its APIs (`compute`, `cloudkms`, ...)."""
        if self.apis is None:
            return pulumi.ResourceOptions()
        missing = [api for api in apis if api not in self.apis]
        if missing:
            raise ValueError(
                f"the plan enables no {', '.join(missing)} API (GCP-API-01) for a resource "
                "that needs it; regenerate the stack files with this clinicgen"
            )
        return pulumi.ResourceOptions(depends_on=[self.apis[api] for api in apis])


def gcp_context(
    practice: PracticeInfo,
    platform: PlatformFacts,
    apis: Mapping[str, pulumi.Resource] | None = None,
) -> GcpContext:
    """The context of one of `practice`'s stacks, its tags the labels of every resource as
    written (`clinicgen validate` holds them to Google Cloud's label rules); `apis` are the
    core stack's enabled APIs (none in a site stack)."""
    if not practice.gcp_project:
        raise ValueError(f"practice {practice.id} has no gcp_project; Google Cloud needs one")
    return GcpContext(
        practice_id=practice.id,
        location=practice.region,
        labels=stack_labels(practice),
        platform=platform,
        project=practice.gcp_project,
        apis=apis,
    )
