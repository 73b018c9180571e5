"""Telehealth: a Cloud Run service scaled between the plan's minimum and maximum instances,
running as its own service account and reaching private ranges through the VPC only, and an
immutable recordings archive when visits are recorded."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import cloudrunv2, storage

from blueprints.gcp import naming
from blueprints.gcp.archives import Archive, ArchiveStore, archive_buckets, rarely_read
from blueprints.gcp.context import GcpContext
from blueprints.gcp.identity import WorkloadAccount
from generator.plan.model import TelehealthPlan

# Create objects only: the service cannot read, list, replace or delete a recording.
RECORDING_WRITER = "roles/storage.objectCreator"


@dataclass(frozen=True)
class TelehealthArgs:
    context: GcpContext
    telehealth: TelehealthPlan
    network: pulumi.Input[str]
    subnetwork: pulumi.Input[str]  # the telehealth subnet (Direct VPC egress)
    service_account: WorkloadAccount  # the telehealth workload's
    record_retention_days: int  # BackupPlan.retention_days.records: recorded visits are records
    archive_store: ArchiveStore


class Telehealth(pulumi.ComponentResource):
    """The telehealth web service, sized from peak concurrent sessions; recorded visits are
    kept in an archive like the medical records' for as long as they are."""

    uri: pulumi.Output[str]

    def __init__(
        self, name: str, args: TelehealthArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:Telehealth", name, None, opts)
        # Each resource waits for the API it is created through (GCP-API-01).
        child_opts = ResourceOptions.merge(
            ResourceOptions(parent=self), args.context.api_opts("run")
        )
        context, telehealth = args.context, args.telehealth
        controls = context.facts("telehealth")

        service = cloudrunv2.Service(
            f"{name}-service",
            name=naming.fit(naming.CLOUD_RUN, context.practice_id, "telehealth"),
            project=context.project,
            location=context.location,
            ingress=controls["ingress"],
            template=cloudrunv2.ServiceTemplateArgs(
                service_account=args.service_account.email,
                scaling=cloudrunv2.ServiceTemplateScalingArgs(
                    min_instance_count=telehealth.min_instances,
                    max_instance_count=telehealth.max_instances,
                ),
                containers=[
                    cloudrunv2.ServiceTemplateContainerArgs(
                        image=controls["image"],
                        resources=cloudrunv2.ServiceTemplateContainerResourcesArgs(
                            limits={
                                "cpu": str(telehealth.cpu),
                                "memory": f"{telehealth.memory_gb}Gi",
                            }
                        ),
                    )
                ],
                vpc_access=cloudrunv2.ServiceTemplateVpcAccessArgs(
                    network_interfaces=[
                        cloudrunv2.ServiceTemplateVpcAccessNetworkInterfaceArgs(
                            network=args.network, subnetwork=args.subnetwork
                        )
                    ],
                    egress=controls["vpc_egress"],
                ),
            ),
            labels=context.tags,
            opts=child_opts,
        )

        if telehealth.recording:
            recordings = Archive("recordings", args.record_retention_days, rarely_read(context))
            buckets = archive_buckets(name, context, recordings, args.archive_store, child_opts)
            storage.BucketIAMMember(
                f"{name}-recordings-{naming.role_slug(RECORDING_WRITER)}",
                bucket=buckets["recordings"],
                role=RECORDING_WRITER,
                member=args.service_account.member,
                opts=ResourceOptions.merge(child_opts, context.api_opts("storage")),
            )

        self.uri = service.uri
        self.register_outputs({"uri": self.uri})
