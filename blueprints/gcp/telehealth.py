"""Telehealth: a Cloud Run service scaled between the plan's minimum and maximum instances,
running as its own service account and reaching private ranges through the VPC only."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import cloudrunv2

from blueprints.gcp import naming
from blueprints.gcp.context import GcpContext
from blueprints.gcp.identity import WorkloadAccount
from generator.plan.model import TelehealthPlan


@dataclass(frozen=True)
class TelehealthArgs:
    context: GcpContext
    telehealth: TelehealthPlan
    network: pulumi.Input[str]
    subnetwork: pulumi.Input[str]  # the telehealth subnet (Direct VPC egress)
    service_account: WorkloadAccount  # the telehealth workload's


class Telehealth(pulumi.ComponentResource):
    """The telehealth web service, sized from peak concurrent sessions."""

    uri: pulumi.Output[str]

    def __init__(
        self, name: str, args: TelehealthArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:Telehealth", name, None, opts)
        child_opts = ResourceOptions(parent=self)
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

        self.uri = service.uri
        self.register_outputs({"uri": self.uri})
