"""Application servers for a hosted EHR: hardened instances spread over the region's zones,
each with a customer-key-encrypted data disk sized from the plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import compute

from blueprints.gcp import naming
from blueprints.gcp.backup import ZonalDisk
from blueprints.gcp.context import GcpContext
from blueprints.gcp.hardening import hardened_instance
from blueprints.options import protected
from generator.plan.model import HostedEhr


@dataclass(frozen=True)
class AppServersArgs:
    context: GcpContext
    ehr: HostedEhr
    zones: tuple[str, ...]  # ArchivePlacement.zones: the servers spread over them
    subnetwork: pulumi.Input[str]  # the apps subnet
    service_account: pulumi.Input[str]  # the ehr workload's email
    disk_key: pulumi.Input[str]
    # The Compute Engine service agent must hold the key before an encrypted disk exists.
    key_grants: Sequence[pulumi.Resource]


class AppServers(pulumi.ComponentResource):
    """The hosted EHR's servers: no external address, never the default identity."""

    instances: dict[str, compute.Instance]
    disks: dict[str, ZonalDisk]

    def __init__(
        self, name: str, args: AppServersArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:AppServers", name, None, opts)
        child_opts = ResourceOptions(parent=self)
        encrypted = ResourceOptions.merge(
            child_opts, ResourceOptions(depends_on=list(args.key_grants))
        )
        context = args.context
        pid = context.practice_id

        self.instances = {}
        self.disks = {}
        for index in range(1, args.ehr.vm_count + 1):
            # Spread the servers over the region's zones: one zone's loss leaves the others.
            zone = args.zones[(index - 1) % len(args.zones)]
            key = f"ehr-{index}"
            data_disk = compute.Disk(
                f"{name}-{key}-data",
                name=naming.fit(naming.COMPUTE, pid, key, "data"),
                project=context.project,
                zone=zone,
                size=args.ehr.data_disk_gb,
                type=context.facts("instances")["data_disk_type"],
                disk_encryption_key=compute.DiskDiskEncryptionKeyArgs(
                    kms_key_self_link=args.disk_key
                ),
                labels=context.tags,
                opts=protected(encrypted),
            )
            instance = hardened_instance(
                f"{name}-{key}",
                context,
                name=naming.fit(naming.COMPUTE, pid, key),
                zone=zone,
                machine_type=args.ehr.machine_type,
                subnetwork=args.subnetwork,
                service_account_email=args.service_account,
                disk_key=args.disk_key,
                attached_disks=[data_disk.self_link],
                opts=encrypted,
            )
            self.instances[key] = instance
            # A boot disk created with its instance takes the instance's name.
            self.disks[f"{key}-boot"] = ZonalDisk(instance.name, zone)
            self.disks[f"{key}-data"] = ZonalDisk(data_disk.name, zone)

        self.register_outputs({key: i.self_link for key, i in self.instances.items()})
