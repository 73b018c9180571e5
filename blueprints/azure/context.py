"""The Azure stack context: the shared one plus the Log Analytics workspace every component
sends its diagnostics to, and the one way a component makes its resource group."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import resources

from blueprints.azure import naming
from blueprints.context import StackContext


@dataclass(frozen=True)
class AzureContext(StackContext):
    """`workspace_id` is the practice's Log Analytics workspace (None until monitoring made
    it: only the monitoring component itself runs without one)."""

    workspace_id: pulumi.Input[str] | None = None

    def resource_group(
        self, name: str, role: str, opts: pulumi.ResourceOptions
    ) -> resources.ResourceGroup:
        """The component's own resource group, named for the practice and its `role`."""
        return resources.ResourceGroup(
            f"{name}-group",
            resource_group_name=naming.resource_group(self.practice_id, role),
            location=self.location,
            tags=self.tags,
            opts=opts,
        )

    def dns_tags(self) -> dict[str, str]:
        """The tags an Azure DNS resource (a private zone, its link) keeps: those whose names
        the plan's `dns_tag_names` pattern accepts. Azure DNS drops the others without an
        error, and every deployment would then try to apply them again."""
        pattern = re.compile(self.facts("dns_tag_names"))
        return {key: value for key, value in self.labels.items() if pattern.fullmatch(key)}

    def workspace(self) -> pulumi.Input[str]:
        if self.workspace_id is None:
            raise ValueError("the Log Analytics workspace must exist before this component")
        return self.workspace_id
