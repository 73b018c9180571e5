"""The one way clinicgen builds a Compute Engine instance: Shielded VM, OS Login, no external
IP, no serial port, never the default service account."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import compute

from blueprints.gcp.context import GcpContext


def hardened_instance(
    resource_name: str,
    context: GcpContext,
    *,
    name: str,
    zone: str,
    machine_type: str,
    subnetwork: pulumi.Input[str],
    service_account_email: pulumi.Input[str],
    disk_key: pulumi.Input[str] | None,
    attached_disks: Sequence[pulumi.Input[str]] = (),
    opts: ResourceOptions | None = None,
) -> compute.Instance:
    """An instance with the plan's hardening facts, running as `service_account_email`; `disk_key`
    encrypts its boot disk with a customer-managed key."""
    shape = context.facts("instances")
    return compute.Instance(
        resource_name,
        name=name,
        project=context.project,
        zone=zone,
        machine_type=machine_type,
        boot_disk=compute.InstanceBootDiskArgs(
            initialize_params=compute.InstanceBootDiskInitializeParamsArgs(
                image=shape["boot_image"],
                size=shape["boot_disk_gb"],
                type=shape["boot_disk_type"],
            ),
            kms_key_self_link=disk_key,
        ),
        attached_disks=[compute.InstanceAttachedDiskArgs(source=disk) for disk in attached_disks],
        # No access_configs: the interface gets no external address.
        network_interfaces=[compute.InstanceNetworkInterfaceArgs(subnetwork=subnetwork)],
        metadata=context.facts("instance_metadata")["values"],
        shielded_instance_config=compute.InstanceShieldedInstanceConfigArgs(
            enable_secure_boot=True, enable_vtpm=True, enable_integrity_monitoring=True
        ),
        service_account=compute.InstanceServiceAccountArgs(
            email=service_account_email, scopes=shape["scopes"]
        ),
        allow_stopping_for_update=True,
        labels=context.tags,
        opts=opts,
    )
