"""Hardened storage accounts: the archive for imaging studies, flow logs, visit recordings."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import storage

from blueprints.azure.context import AzureContext
from blueprints.azure.diagnostics import send_to_workspace
from blueprints.options import protected


@dataclass(frozen=True)
class Lifecycle:
    """Days after a blob's last change before it moves down a tier or is deleted."""

    cool_after_days: int | None = None
    archive_after_days: int | None = None
    delete_after_days: int | None = None


@dataclass(frozen=True)
class SecureStorageArgs:
    account_name: str
    context: AzureContext
    resource_group_name: pulumi.Input[str]
    redundancy: str  # geo | zone | local (the plan's backup redundancy)
    containers: tuple[str, ...]
    lifecycle: Lifecycle
    immutable_days: int | None  # WORM retention of every blob version; None: not immutable


class SecureStorage(pulumi.ComponentResource):
    """A storage account no one reaches anonymously or with a shared key: TLS 1.2, HTTPS only,
    no public blobs, Entra ID auth only, network default deny, versioning and soft delete, an
    optional WORM retention, lifecycle tiers from the plan, blob logs to the workspace."""

    account_id: pulumi.Output[str]
    account_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: SecureStorageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:SecureStorage", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        platform = args.context.facts("storage")
        sku = platform["skus"][args.redundancy]
        account = storage.StorageAccount(
            f"{name}-account",
            account_name=args.account_name,
            resource_group_name=args.resource_group_name,
            location=args.context.location,
            kind="StorageV2",
            sku=storage.SkuArgs(name=sku),
            access_tier=storage.AccessTier.HOT,
            minimum_tls_version="TLS1_2",
            enable_https_traffic_only=True,
            allow_blob_public_access=False,
            allow_shared_key_access=False,
            default_to_o_auth_authentication=True,
            allow_cross_tenant_replication=False,
            # Only private endpoints and trusted Azure services (backup, Network Watcher).
            network_rule_set=storage.NetworkRuleSetArgs(
                default_action=storage.DefaultAction.DENY, bypass="AzureServices"
            ),
            encryption=storage.EncryptionArgs(
                key_source="Microsoft.Storage", require_infrastructure_encryption=True
            ),
            immutable_storage_with_versioning=storage.ImmutableStorageAccountArgs(
                enabled=True,
                immutability_policy=storage.AccountImmutabilityPolicyPropertiesArgs(
                    immutability_period_since_creation_in_days=args.immutable_days,
                    # Locking is one-way (retention can never shrink); the approver locks it
                    # once the first copies are verified.
                    state="Unlocked",
                    allow_protected_append_writes=False,
                ),
            )
            if args.immutable_days
            else None,
            tags=args.context.tags,
            opts=protected(child_opts),
        )
        soft_delete = storage.DeleteRetentionPolicyArgs(
            enabled=True, days=platform["blob_soft_delete_days"]
        )
        blobs = storage.BlobServiceProperties(
            f"{name}-blob-service",
            account_name=account.name,
            resource_group_name=args.resource_group_name,
            blob_services_name="default",
            is_versioning_enabled=True,
            delete_retention_policy=soft_delete,
            container_delete_retention_policy=soft_delete,
            opts=child_opts,
        )
        for container in args.containers:
            storage.BlobContainer(
                f"{name}-{container}",
                container_name=container,
                account_name=account.name,
                resource_group_name=args.resource_group_name,
                public_access=storage.PublicAccess.NONE,
                opts=pulumi.ResourceOptions.merge(
                    child_opts, pulumi.ResourceOptions(depends_on=[blobs])
                ),
            )
        lifecycle = self._lifecycle(args.lifecycle, sku in platform["archive_tier_skus"])
        if lifecycle is not None:
            storage.ManagementPolicy(
                f"{name}-lifecycle",
                management_policy_name="default",
                account_name=account.name,
                resource_group_name=args.resource_group_name,
                policy=storage.ManagementPolicySchemaArgs(
                    rules=[
                        storage.ManagementPolicyRuleArgs(
                            name="lifecycle",
                            enabled=True,
                            type="Lifecycle",
                            definition=storage.ManagementPolicyDefinitionArgs(
                                filters=storage.ManagementPolicyFilterArgs(
                                    blob_types=["blockBlob"]
                                ),
                                actions=lifecycle,
                            ),
                        )
                    ]
                ),
                opts=child_opts,
            )
        send_to_workspace(
            args.context,
            f"{name}-blob-diagnostics",
            "blob-service",
            pulumi.Output.concat(account.id, "/blobServices/default"),
            pulumi.ResourceOptions.merge(child_opts, pulumi.ResourceOptions(depends_on=[blobs])),
        )
        self.account_id = account.id
        self.account_name = account.name
        self.register_outputs({"account_id": account.id, "account_name": account.name})

    @staticmethod
    def _lifecycle(
        lifecycle: Lifecycle, archive_tier: bool
    ) -> storage.ManagementPolicyActionArgs | None:
        def after(days: int | None) -> storage.DateAfterModificationArgs | None:
            return (
                storage.DateAfterModificationArgs(days_after_modification_greater_than=days)
                if days is not None
                else None
            )

        if lifecycle == Lifecycle():
            return None
        # Old versions go when the current blob would: versioning must not outlive retention.
        version_delete = (
            storage.ManagementPolicyVersionArgs(
                delete=storage.DateAfterCreationArgs(
                    days_after_creation_greater_than=lifecycle.delete_after_days
                )
            )
            if lifecycle.delete_after_days is not None
            else None
        )
        return storage.ManagementPolicyActionArgs(
            base_blob=storage.ManagementPolicyBaseBlobArgs(
                tier_to_cool=after(lifecycle.cool_after_days),
                tier_to_archive=after(lifecycle.archive_after_days) if archive_tier else None,
                tier_to_cold=None if archive_tier else after(lifecycle.archive_after_days),
                delete=after(lifecycle.delete_after_days),
            ),
            version=version_delete,
        )
