"""Application servers for a hosted EHR: hardened instances spread over the region's zones,
each with a customer-key-encrypted data disk sized from the plan."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import compute

from blueprints.gcp import naming
from blueprints.gcp.backup import ZonalDisk
from blueprints.gcp.context import GcpContext
from blueprints.gcp.hardening import hardened_instance
from blueprints.gcp.identity import EncryptionKey, WorkloadAccount
from blueprints.options import protected
from generator.plan.model import HostedEhr


@dataclass(frozen=True)
class AppServersArgs:
    context: GcpContext
    ehr: HostedEhr
    zones: tuple[str, ...]  # ArchivePlacement.zones: the servers spread over them
    subnetwork: pulumi.Input[str]  # the apps subnet
    service_account: WorkloadAccount  # the ehr workload's
    disk_key: EncryptionKey


class AppServers(pulumi.ComponentResource):
    """The hosted EHR's servers: no external address, never the default identity."""

    instance_ids: dict[str, pulumi.Output[str]]
    disks: dict[str, ZonalDisk]  # boot and data disks, for the snapshot schedule

    def __init__(
        self, name: str, args: AppServersArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:AppServers", name, None, opts)
        # Each resource waits for the API it is created through (GCP-API-01).
        child_opts = ResourceOptions.merge(
            ResourceOptions(parent=self), args.context.api_opts("compute")
        )
        encrypted = ResourceOptions.merge(
            child_opts, ResourceOptions(depends_on=list(args.disk_key.grants))
        )
        context = args.context
        pid = context.practice_id

        self.instance_ids = {}
        self.disks = {}
        self_links = {}
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
                    kms_key_self_link=args.disk_key.id
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
                service_account_email=args.service_account.email,
                disk_key=args.disk_key.id,
                attached_disks=[data_disk.self_link],
                opts=encrypted,
            )
            self.instance_ids[key] = instance.id
            self_links[key] = instance.self_link
            # A boot disk created with its instance takes the instance's name.
            self.disks[f"{key}-boot"] = ZonalDisk(instance.name, zone)
            self.disks[f"{key}-data"] = ZonalDisk(data_disk.name, zone)

        self.register_outputs(self_links)
