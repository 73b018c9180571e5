"""Device ingest: a Pub/Sub topic for medical-device telemetry, kept in the practice's region
under a customer-managed key, and the subscription its processor reads."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import pubsub

from blueprints.gcp import naming
from blueprints.gcp.context import GcpContext
from blueprints.gcp.identity import EncryptionKey
from generator.plan.model import DeviceIngest as DeviceIngestPlan

SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class DeviceIngestArgs:
    context: GcpContext
    ingest: DeviceIngestPlan
    key: EncryptionKey


class DeviceIngest(pulumi.ComponentResource):
    """Telemetry in, retained as long as the plan says, never stored outside the region."""

    topic_id: pulumi.Output[str]
    subscription_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: DeviceIngestArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:DeviceIngest", name, None, opts)
        # Each resource waits for the API it is created through (GCP-API-01).
        child_opts = ResourceOptions.merge(
            ResourceOptions(parent=self), args.context.api_opts("pubsub")
        )
        context = args.context
        limits = context.facts("pubsub")
        pid = context.practice_id
        retention_days = args.ingest.retention_days

        topic = pubsub.Topic(
            f"{name}-topic",
            name=naming.fit(naming.PUBSUB, pid, "device-telemetry"),
            project=context.project,
            kms_key_name=args.key.id,
            message_retention_duration=f"{retention_days * SECONDS_PER_DAY}s",
            # Telemetry is ePHI: it is stored in the practice's region only.
            message_storage_policy=pubsub.TopicMessageStoragePolicyArgs(
                allowed_persistence_regions=[context.location], enforce_in_transit=True
            ),
            labels=context.tags,
            opts=ResourceOptions.merge(
                child_opts, ResourceOptions(depends_on=list(args.key.grants))
            ),
        )
        subscription_days = min(retention_days, limits["max_subscription_retention_days"])
        subscription = pubsub.Subscription(
            f"{name}-processor",
            name=naming.fit(naming.PUBSUB, pid, "device-telemetry-processor"),
            project=context.project,
            topic=topic.id,
            ack_deadline_seconds=limits["ack_deadline_seconds"],
            message_retention_duration=f"{subscription_days * SECONDS_PER_DAY}s",
            # An idle subscription must not expire and silently drop telemetry.
            expiration_policy=pubsub.SubscriptionExpirationPolicyArgs(ttl=""),
            labels=context.tags,
            opts=child_opts,
        )

        self.topic_id = topic.id
        self.subscription_id = subscription.id
        self.register_outputs({"topic": self.topic_id, "subscription": self.subscription_id})
