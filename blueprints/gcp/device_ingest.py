"""Device ingest: a Pub/Sub topic for medical-device telemetry, kept in the practice's region
under a customer-managed key, and the subscription its processor reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import pubsub

from blueprints.gcp import naming
from blueprints.gcp.context import GcpContext
from generator.plan.model import DeviceIngest as DeviceIngestPlan

SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class DeviceIngestArgs:
    context: GcpContext
    ingest: DeviceIngestPlan
    key: pulumi.Input[str]
    # The Pub/Sub service agent must hold the key before the topic can use it.
    key_grants: Sequence[pulumi.Resource]


class DeviceIngest(pulumi.ComponentResource):
    """Telemetry in, retained as long as the plan says, never stored outside the region."""

    topic: pubsub.Topic
    subscription: pubsub.Subscription

    def __init__(
        self, name: str, args: DeviceIngestArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:DeviceIngest", name, None, opts)
        child_opts = ResourceOptions(parent=self)
        context = args.context
        limits = context.facts("pubsub")
        pid = context.practice_id
        retention_days = args.ingest.retention_days

        self.topic = pubsub.Topic(
            f"{name}-topic",
            name=naming.fit(naming.PUBSUB, pid, "device-telemetry"),
            project=context.project,
            kms_key_name=args.key,
            message_retention_duration=f"{retention_days * SECONDS_PER_DAY}s",
            # Telemetry is ePHI: it is stored in the practice's region only.
            message_storage_policy=pubsub.TopicMessageStoragePolicyArgs(
                allowed_persistence_regions=[context.location], enforce_in_transit=True
            ),
            labels=context.tags,
            opts=ResourceOptions.merge(
                child_opts, ResourceOptions(depends_on=list(args.key_grants))
            ),
        )
        subscription_days = min(retention_days, limits["max_subscription_retention_days"])
        self.subscription = pubsub.Subscription(
            f"{name}-processor",
            name=naming.fit(naming.PUBSUB, pid, "device-telemetry-processor"),
            project=context.project,
            topic=self.topic.id,
            ack_deadline_seconds=limits["ack_deadline_seconds"],
            message_retention_duration=f"{subscription_days * SECONDS_PER_DAY}s",
            # An idle subscription must not expire and silently drop telemetry.
            expiration_policy=pubsub.SubscriptionExpirationPolicyArgs(ttl=""),
            labels=context.tags,
            opts=child_opts,
        )

        self.register_outputs({"topic": self.topic.id, "subscription": self.subscription.id})
