"""Identity and key management: the practice's Key Vault and one managed identity per workload."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import keyvault, managedidentity, resources

from blueprints.azure import naming
from blueprints.azure.diagnostics import send_to_workspace
from blueprints.azure.platform import facts
from blueprints.azure.private_link import PrivateNetwork, connect_privately
from blueprints.options import protected


@dataclass(frozen=True)
class IdentityArgs:
    practice_id: str
    location: str
    tags: Mapping[str, str]
    tenant_id: pulumi.Input[str]
    workloads: tuple[str, ...]  # one user-assigned identity each
    private_network: PrivateNetwork
    workspace_id: pulumi.Input[str]


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
        platform = facts("key_vault")
        group = resources.ResourceGroup(
            f"{name}-group",
            resource_group_name=naming.resource_group(args.practice_id, "security"),
            location=args.location,
            tags=dict(args.tags),
            opts=child_opts,
        )
        vault = keyvault.Vault(
            f"{name}-key-vault",
            vault_name=naming.global_name("key-vault", args.practice_id),
            resource_group_name=group.name,
            location=args.location,
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
            tags=dict(args.tags),
            opts=protected(child_opts),
        )
        connect_privately(
            f"{name}-key-vault",
            "key-vault",
            vault.id,
            naming.scoped(naming.NETWORK, "kv", args.practice_id),
            args.private_network,
            group.name,
            args.location,
            args.tags,
            child_opts,
        )
        send_to_workspace(
            f"{name}-key-vault-diagnostics", "key-vault", vault.id, args.workspace_id, child_opts
        )
        self.identities = {
            workload: managedidentity.UserAssignedIdentity(
                f"{name}-{workload}",
                resource_name_=naming.scoped(
                    naming.MANAGED_IDENTITY, "id", args.practice_id, workload
                ),
                resource_group_name=group.name,
                location=args.location,
                tags=dict(args.tags),
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
