"""Monitoring: a locked log bucket with the plan's retention, a sink routing audit, flow and
firewall logs into it, and data-access audit logs for the services that hold ePHI."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import logging as cloud_logging
from pulumi_gcp import projects

from blueprints.gcp import naming
from blueprints.gcp.context import GcpContext
from blueprints.options import protected
from generator.plan.model import MonitoringPlan


@dataclass(frozen=True)
class MonitoringArgs:
    context: GcpContext
    monitoring: MonitoringPlan


class Monitoring(pulumi.ComponentResource):
    """Evidence that survives an attacker or an administrator: a log bucket nobody can shorten,
    and a record of every read and write of health data."""

    def __init__(
        self, name: str, args: MonitoringArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:Monitoring", name, None, opts)
        # Each resource waits for the API it is created through (GCP-API-01).
        child_opts = ResourceOptions.merge(
            ResourceOptions(parent=self), args.context.api_opts("logging", "cloudresourcemanager")
        )
        context = args.context

        # One log bucket holds the whole retention: Cloud Logging has no separate archive tier,
        # so the bucket keeps the plan's total (interactive plus archive) retention.
        log_bucket = cloud_logging.ProjectBucketConfig(
            f"{name}-logs",
            project=context.project,
            location=context.location,
            bucket_id=naming.fit(naming.LOG_BUCKET, context.practice_id, "audit"),
            retention_days=args.monitoring.log_archive_days,
            locked=True,
            description="clinicgen audit, flow and firewall logs (locked retention)",
            opts=protected(child_opts),
        )
        cloud_logging.ProjectSink(
            f"{name}-sink",
            name=naming.fit(naming.LOG_SINK, context.practice_id, "audit-sink"),
            project=context.project,
            destination=pulumi.Output.concat(
                "logging.googleapis.com/projects/",
                context.project,
                "/locations/",
                context.location,
                "/buckets/",
                log_bucket.bucket_id,
            ),
            filter=context.facts("log_sink")["filter"],
            unique_writer_identity=True,
            opts=child_opts,
        )
        audit = context.facts("audit_logs")
        for service in audit["services"]:
            projects.IAMAuditConfig(
                f"{name}-audit-{service.split('.')[0]}",
                project=context.project,
                service=service,
                audit_log_configs=[
                    projects.IAMAuditConfigAuditLogConfigArgs(log_type=log_type)
                    for log_type in audit["log_types"]
                ],
                opts=child_opts,
            )

        self.register_outputs({"logBucket": log_bucket.id})
