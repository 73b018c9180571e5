"""How a site stack finds its practice's core stack."""

from __future__ import annotations

import pulumi


def core_stack_reference(core_stack: str) -> pulumi.StackReference:
    """The core stack of this project and organization (`organization` on a DIY backend), the
    name `clinicgen generate` and the handoff sheets give it."""
    return pulumi.StackReference(f"{pulumi.get_organization()}/{pulumi.get_project()}/{core_stack}")
