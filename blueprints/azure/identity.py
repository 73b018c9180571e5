"""Identity and key management: the practice's Key Vault and one managed identity per workload."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import keyvault, managedidentity

from blueprints.azure import naming
from blueprints.azure.context import AzureContext
from blueprints.azure.diagnostics import send_to_workspace
from blueprints.azure.private_link import PrivateNetwork, connect_privately
from blueprints.options import protected


@dataclass(frozen=True)
class IdentityArgs:
    context: AzureContext
    tenant_id: pulumi.Input[str]
    workloads: tuple[str, ...]  # one user-assigned identity each
    private_network: PrivateNetwork


class Identity(pulumi.ComponentResource):
    """Key Vault (RBAC only, purge protection, soft delete, private endpoint, no public network
    access) and the workloads' user-assigned managed identities."""

    resource_group_name: pulumi.Output[str]
    key_vault_id: pulumi.Output[str]
    key_vault_name: pulumi.Output[str]
    identities: dict[str, managedidentity.UserAssignedIdentity]

    def __init__(
        self, name: str, args: IdentityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:Identity", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        platform = args.context.facts("key_vault")
        group = args.context.resource_group(name, "security", child_opts)
        vault = keyvault.Vault(
            f"{name}-key-vault",
            vault_name=naming.global_name("key-vault", args.context.practice_id),
            resource_group_name=group.name,
            location=args.context.location,
            properties=keyvault.VaultPropertiesArgs(
                tenant_id=args.tenant_id,
                sku=keyvault.SkuArgs(family="A", name=platform["sku"]),
                enable_rbac_authorization=True,
                enable_purge_protection=True,
                enable_soft_delete=True,
                soft_delete_retention_in_days=platform["soft_delete_days"],
                public_network_access="Disabled",
                network_acls=keyvault.NetworkRuleSetArgs(
                    default_action="Deny", bypass="AzureServices"
                ),
                enabled_for_deployment=False,
                enabled_for_disk_encryption=False,
                enabled_for_template_deployment=False,
            ),
            tags=args.context.tags,
            opts=protected(child_opts),
        )
        connect_privately(
            args.context,
            f"{name}-key-vault",
            "key-vault",
            vault.id,
            naming.scoped(naming.NETWORK, "kv", args.context.practice_id),
            args.private_network,
            group.name,
            child_opts,
        )
        send_to_workspace(
            args.context, f"{name}-key-vault-diagnostics", "key-vault", vault.id, child_opts
        )
        self.identities = {
            workload: managedidentity.UserAssignedIdentity(
                f"{name}-{workload}",
                resource_name_=naming.scoped(
                    naming.MANAGED_IDENTITY, "id", args.context.practice_id, workload
                ),
                resource_group_name=group.name,
                location=args.context.location,
                tags=args.context.tags,
                opts=child_opts,
            )
            for workload in args.workloads
        }
        self.resource_group_name = group.name
        self.key_vault_id = vault.id
        self.key_vault_name = vault.name
        self.register_outputs(
            {
                "resource_group_name": group.name,
                "key_vault_id": vault.id,
                "key_vault_name": vault.name,
                "identity_ids": {key: identity.id for key, identity in self.identities.items()},
            }
        )
