"""Hosted application servers: the EHR's VMs, sized by the plan, backed up, reachable privately."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_tls as tls
from pulumi_azure_native import compute, keyvault, network, resources
from pulumi_azure_native import recoveryservices as rs

from blueprints.azure import naming
from blueprints.azure.context import AzureContext
from blueprints.azure.secret_expiry import secret_attributes
from blueprints.options import protected
from generator.plan.model import HostedEhr


@dataclass(frozen=True)
class AppServersArgs:
    context: AzureContext
    ehr: HostedEhr
    subnet_id: pulumi.Input[str]  # the hub's apps subnet
    identity_id: pulumi.Input[str]  # the ehr workload identity
    key_vault_name: pulumi.Input[str]
    key_vault_resource_group: pulumi.Input[str]
    backup_vault_name: pulumi.Input[str]
    backup_resource_group: pulumi.Input[str]
    backup_policy_id: pulumi.Input[str]


class AppServers(pulumi.ComponentResource):
    """`vm_count` Linux VMs of the plan's size with a data disk of the plan's size: no public
    IP, Trusted Launch, encryption at host, SSH keys only (the private key lives in Key Vault for
    Bastion), each protected by the vault's VM policy."""

    resource_group_name: pulumi.Output[str]
    resource_group_id: pulumi.Output[str]
    vm_ids: list[pulumi.Output[str]]

    def __init__(
        self, name: str, args: AppServersArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:AppServers", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        platform = args.context.facts("application_servers")
        group_name = naming.resource_group(args.context.practice_id, "ehr")
        # The backup container and item ids spell the group's name, known before it exists.
        group = args.context.resource_group(name, "ehr", child_opts)
        # Generated once and kept in state: the public half goes on every VM, the private half
        # only into Key Vault, where Bastion reads it for a session.
        admin_key = tls.PrivateKey(f"{name}-admin-key", algorithm="ED25519", opts=child_opts)
        keyvault.Secret(
            f"{name}-admin-key-secret",
            secret_name=naming.scoped(naming.KEY_VAULT_SECRET, "ehr-admin-ssh-key"),
            vault_name=args.key_vault_name,
            resource_group_name=args.key_vault_resource_group,
            properties=keyvault.SecretPropertiesArgs(
                value=pulumi.Output.secret(admin_key.private_key_openssh),
                content_type="application/x-openssh-key",
                attributes=secret_attributes(f"{name}-admin-key", args.context, child_opts),
            ),
            opts=child_opts,
        )
        self.vm_ids = []
        for number in range(1, args.ehr.vm_count + 1):
            vm_name = naming.scoped(
                naming.VIRTUAL_MACHINE, "vm", args.context.practice_id, f"ehr{number}"
            )
            vm = self._server(
                f"{name}-{number}", vm_name, group, args, admin_key, platform, child_opts
            )
            # Azure Backup's own names for a VM's container and item in the vault.
            rs.ProtectedItem(
                f"{name}-{number}-backup",
                vault_name=args.backup_vault_name,
                resource_group_name=args.backup_resource_group,
                fabric_name="Azure",
                container_name=f"IaasVMContainer;iaasvmcontainerv2;{group_name};{vm_name}",
                protected_item_name=f"VM;iaasvmcontainerv2;{group_name};{vm_name}",
                properties=rs.AzureIaaSComputeVMProtectedItemArgs(
                    protected_item_type="Microsoft.Compute/virtualMachines",
                    source_resource_id=vm.id,
                    policy_id=args.backup_policy_id,
                ),
                opts=child_opts,
            )
            self.vm_ids.append(vm.id)
        self.resource_group_name = group.name
        self.resource_group_id = group.id
        self.register_outputs({"resource_group_name": group.name, "vm_ids": self.vm_ids})

    @staticmethod
    def _server(
        name: str,
        vm_name: str,
        group: resources.ResourceGroup,
        args: AppServersArgs,
        admin_key: tls.PrivateKey,
        platform: dict[str, Any],
        child_opts: pulumi.ResourceOptions,
    ) -> compute.VirtualMachine:
        admin, disk_sku = platform["admin_username"], platform["disk_sku"]
        nic = network.NetworkInterface(
            f"{name}-nic",
            network_interface_name=naming.scoped(naming.NETWORK, "nic", vm_name),
            resource_group_name=group.name,
            location=args.context.location,
            enable_accelerated_networking=True,
            ip_configurations=[
                network.NetworkInterfaceIPConfigurationArgs(
                    name="private",
                    private_ip_allocation_method="Dynamic",
                    subnet=network.SubnetArgs(id=args.subnet_id),
                )
            ],
            tags=args.context.tags,
            opts=child_opts,
        )
        data_disk = compute.Disk(
            f"{name}-data-disk",
            disk_name=naming.scoped(naming.NETWORK, "disk", vm_name, "data"),
            resource_group_name=group.name,
            location=args.context.location,
            sku=compute.DiskSkuArgs(name=disk_sku),
            disk_size_gb=args.ehr.data_disk_gb,
            creation_data=compute.CreationDataArgs(create_option="Empty"),
            encryption=compute.EncryptionArgs(type=platform["disk_encryption"]),
            # No SAS export of patient data: the disk is read only through its VM.
            network_access_policy="DenyAll",
            public_network_access="Disabled",
            tags=args.context.tags,
            opts=protected(child_opts),
        )
        return compute.VirtualMachine(
            name,
            vm_name=vm_name,
            resource_group_name=group.name,
            location=args.context.location,
            hardware_profile=compute.HardwareProfileArgs(vm_size=args.ehr.machine_type),
            identity=compute.VirtualMachineIdentityArgs(
                type=compute.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[args.identity_id],
            ),
            storage_profile=compute.StorageProfileArgs(
                image_reference=compute.ImageReferenceArgs(**platform["image"]),
                os_disk=compute.OSDiskArgs(
                    create_option="FromImage",
                    delete_option="Delete",
                    managed_disk=compute.ManagedDiskParametersArgs(storage_account_type=disk_sku),
                ),
                data_disks=[
                    compute.DataDiskArgs(
                        lun=0,
                        create_option="Attach",
                        managed_disk=compute.ManagedDiskParametersArgs(id=data_disk.id),
                    )
                ],
            ),
            os_profile=compute.OSProfileArgs(
                computer_name=vm_name,
                admin_username=admin,
                linux_configuration=compute.LinuxConfigurationArgs(
                    disable_password_authentication=True,
                    provision_vm_agent=True,
                    ssh=compute.SshConfigurationArgs(
                        public_keys=[
                            compute.SshPublicKeyArgs(
                                path=f"/home/{admin}/.ssh/authorized_keys",
                                key_data=admin_key.public_key_openssh,
                            )
                        ]
                    ),
                    patch_settings=compute.LinuxPatchSettingsArgs(
                        patch_mode="AutomaticByPlatform", assessment_mode="AutomaticByPlatform"
                    ),
                ),
            ),
            network_profile=compute.NetworkProfileArgs(
                network_interfaces=[compute.NetworkInterfaceReferenceArgs(id=nic.id, primary=True)]
            ),
            security_profile=compute.SecurityProfileArgs(
                security_type="TrustedLaunch",
                uefi_settings=compute.UefiSettingsArgs(
                    secure_boot_enabled=True, v_tpm_enabled=True
                ),
                # Temp disk and caches are encrypted too, not only the managed disks at rest.
                # Needs the subscription feature Microsoft.Compute/EncryptionAtHost registered
                # before the first up ('Enable end-to-end encryption using encryption at host'):
                # a deployer prerequisite of the runbook, not something this program can do.
                encryption_at_host=True,
            ),
            diagnostics_profile=compute.DiagnosticsProfileArgs(
                boot_diagnostics=compute.BootDiagnosticsArgs(enabled=True)
            ),
            tags=args.context.tags,
            opts=child_opts,
        )
