"""Resource options both clouds' components share."""

from __future__ import annotations

import pulumi


def protected(opts: pulumi.ResourceOptions) -> pulumi.ResourceOptions:
    """`opts`, protected: Pulumi refuses to delete the resource (patient data, keys, backups,
    audit logs) until the protection is lifted in code, so a mistaken change cannot lose it."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=True))
