"""When a Key Vault secret clinicgen writes must be rotated: its `exp` attribute."""

from __future__ import annotations

from datetime import datetime

import pulumi
import pulumiverse_time as time
from pulumi_azure_native import keyvault

from blueprints.azure.context import AzureContext


def secret_attributes(
    name: str, context: AzureContext, opts: pulumi.ResourceOptions
) -> keyvault.SecretAttributesArgs:
    """The secret's attributes: enabled, expiring `rotation_days` after it was first created.
    The date lives in Pulumi state (a time rotation resource), so a later run keeps it until
    it passes, and the next run after that sets the next one."""
    days = context.facts("key_vault_secrets")["rotation_days"]
    rotation = time.Rotating(f"{name}-rotation", rotation_days=days, opts=opts)
    return keyvault.SecretAttributesArgs(
        enabled=True,
        expires=rotation.rotation_rfc3339.apply(
            lambda moment: int(datetime.fromisoformat(moment).timestamp())
        ),
    )
