"""Telehealth: the plan's image on Cloud Run, scaled between the plan's minimum and maximum
instances, running as its own service account, reaching private ranges through the VPC only,
open to patients, and behind an HTTPS load balancer with Cloud Armor's WAF when the plan says
(WL-TEL-01); an immutable recordings archive when visits are recorded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import cloudrunv2, compute, storage

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
    address: pulumi.Output[str] | None  # the load balancer's address the domain points at

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
            # Behind a WAF only the load balancer may reach the service; else patients do.
            ingress=controls["ingress"]["waf" if telehealth.waf else "direct"],
            template=cloudrunv2.ServiceTemplateArgs(
                service_account=args.service_account.email,
                scaling=cloudrunv2.ServiceTemplateScalingArgs(
                    min_instance_count=telehealth.min_instances,
                    max_instance_count=telehealth.max_instances,
                ),
                containers=[
                    cloudrunv2.ServiceTemplateContainerArgs(
                        image=telehealth.image,
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
                    # Private destinations through the VPC and its firewall; the internet
                    # directly, never through the VPC.
                    egress=controls["vpc_egress"],
                ),
            ),
            labels=context.tags,
            opts=child_opts,
        )
        # Patients have no Google identity: anyone may invoke the service, and the
        # application authenticates every patient itself (profile waiver of CG-GCP-IAM-002).
        invoker = controls["invoker"]
        cloudrunv2.ServiceIamMember(
            f"{name}-invoker",
            project=context.project,
            location=context.location,
            name=service.name,
            role=invoker["role"],
            member=invoker["member"],
            opts=child_opts,
        )

        self.address = None
        if telehealth.waf:
            if not telehealth.domain:
                raise ValueError(
                    "the plan puts a WAF in front of telehealth but names no domain for its "
                    "certificate; set telehealth.domain and regenerate the stack files"
                )
            self.address = _waf_front_end(
                name, context, service.name, telehealth.domain, controls["waf"], child_opts
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
        self.register_outputs({"uri": self.uri, "address": self.address})


def _waf_front_end(
    name: str,
    context: GcpContext,
    service: pulumi.Input[str],
    domain: str,
    waf: Mapping[str, Any],
    opts: ResourceOptions,
) -> pulumi.Output[str]:
    """A global external Application Load Balancer in front of the Cloud Run service: a
    serverless NEG, a backend service under a Cloud Armor policy of preconfigured OWASP rules,
    HTTPS only with a Google-managed certificate for `domain`. Returns its address."""
    pid, project = context.practice_id, context.project
    opts = ResourceOptions.merge(opts, context.api_opts("compute"))

    def named(*parts: str) -> str:
        return naming.fit(naming.COMPUTE, pid, "telehealth", *parts)

    endpoints = compute.RegionNetworkEndpointGroup(
        f"{name}-neg",
        name=named("neg"),
        project=project,
        region=context.location,
        network_endpoint_type="SERVERLESS",
        cloud_run=compute.RegionNetworkEndpointGroupCloudRunArgs(service=service),
        opts=opts,
    )
    rules = [
        compute.SecurityPolicyRuleArgs(
            action=waf["action"],
            priority=waf["first_priority"] + index,
            match=compute.SecurityPolicyRuleMatchArgs(
                expr=compute.SecurityPolicyRuleMatchExprArgs(
                    expression=f"evaluatePreconfiguredWaf('{rule}')"
                )
            ),
            description=f"Cloud Armor preconfigured WAF rule {rule}",
        )
        for index, rule in enumerate(waf["rules"])
    ]
    # Cloud Armor requires a default rule at the lowest priority; what passes the WAF rules
    # is allowed.
    rules.append(
        compute.SecurityPolicyRuleArgs(
            action="allow",
            priority=waf["default_priority"],
            match=compute.SecurityPolicyRuleMatchArgs(
                versioned_expr="SRC_IPS_V1",
                config=compute.SecurityPolicyRuleMatchConfigArgs(src_ip_ranges=["*"]),
            ),
            description="default: allow what no WAF rule denied",
        )
    )
    policy = compute.SecurityPolicy(
        f"{name}-waf",
        name=named("waf"),
        project=project,
        type="CLOUD_ARMOR",
        description="OWASP preconfigured WAF rules in front of the telehealth service",
        rules=rules,
        opts=opts,
    )
    backend = compute.BackendService(
        f"{name}-backend",
        name=named("backend"),
        project=project,
        load_balancing_scheme="EXTERNAL_MANAGED",
        protocol="HTTPS",
        backends=[compute.BackendServiceBackendArgs(group=endpoints.id)],
        security_policy=policy.self_link,
        log_config=compute.BackendServiceLogConfigArgs(enable=True, sample_rate=1.0),
        opts=opts,
    )
    url_map = compute.URLMap(
        f"{name}-urls", name=named("urls"), project=project, default_service=backend.id, opts=opts
    )
    certificate = compute.ManagedSslCertificate(
        f"{name}-certificate",
        name=named("certificate"),
        project=project,
        managed=compute.ManagedSslCertificateManagedArgs(domains=[domain]),
        opts=opts,
    )
    tls = compute.SSLPolicy(
        f"{name}-tls",
        name=named("tls"),
        project=project,
        min_tls_version=waf["min_tls_version"],
        profile=waf["tls_profile"],
        opts=opts,
    )
    proxy = compute.TargetHttpsProxy(
        f"{name}-proxy",
        name=named("proxy"),
        project=project,
        url_map=url_map.id,
        ssl_certificates=[certificate.id],
        ssl_policy=tls.id,
        opts=opts,
    )
    address = compute.GlobalAddress(
        f"{name}-address", name=named("address"), project=project, opts=opts
    )
    compute.GlobalForwardingRule(
        f"{name}-https",
        name=named("https"),
        project=project,
        target=proxy.id,
        ip_address=address.id,
        ip_protocol="TCP",
        port_range="443",
        load_balancing_scheme="EXTERNAL_MANAGED",
        opts=opts,
    )
    return address.address
