"""Google Cloud name limits, each with its reason, and the one way clinicgen fits names to them.

Names derive from stable ids (practice id, site id, segment or workload name). A name that
would exceed its limit keeps a readable prefix and ends in a short hash of the full name, so
two long names never collide after trimming and the same inputs always give the same name.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class NameLimit:
    """What Google Cloud accepts for one kind of name, and why."""

    max_length: int
    min_length: int
    pattern: re.Pattern[str]
    reason: str


# Compute Engine (networks, subnets, routers, firewalls, tunnels, instances, disks, policies)
# and Cloud Router interface and peer names.
COMPUTE = NameLimit(
    63, 1, re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?"), "Compute Engine names are RFC 1035 labels"
)
SERVICE_ACCOUNT = NameLimit(
    30,
    6,
    re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])"),
    "IAM service account ids are 6-30 characters, lowercase, digits and hyphens",
)
# Dots are allowed in bucket names but imply domain verification; clinicgen never uses them.
BUCKET = NameLimit(
    63,
    3,
    re.compile(r"[a-z0-9][-_a-z0-9]*[a-z0-9]"),
    "Cloud Storage bucket names are 3-63 characters and unique across all of Google Cloud",
)
KMS = NameLimit(
    63, 1, re.compile(r"[a-zA-Z0-9_-]+"), "Cloud KMS key ring and key names are 1-63 characters"
)
SECRET = NameLimit(
    255, 1, re.compile(r"[a-zA-Z0-9_-]+"), "Secret Manager secret ids are 1-255 characters"
)
HEALTHCARE = NameLimit(
    256,
    1,
    re.compile(r"[a-zA-Z0-9_.-]+"),
    "Cloud Healthcare dataset and store ids are 1-256 characters",
)
# Cloud Run appends a revision suffix to the service name; 49 leaves it room.
CLOUD_RUN = NameLimit(
    49,
    1,
    re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?"),
    "Cloud Run service names are at most 49 characters so revision names fit in 63",
)
PUBSUB = NameLimit(
    255,
    3,
    re.compile(r"[a-zA-Z][-a-zA-Z0-9_.~+%]*"),
    "Pub/Sub topic and subscription names are 3-255 characters starting with a letter",
)
LOG_BUCKET = NameLimit(
    100, 1, re.compile(r"[a-zA-Z0-9_.-]+"), "Cloud Logging bucket ids are at most 100 characters"
)
LOG_SINK = NameLimit(
    100, 1, re.compile(r"[a-zA-Z0-9_.-]+"), "Cloud Logging sink names are at most 100 characters"
)
BACKUP = NameLimit(
    63,
    1,
    re.compile(r"[a-z][a-z0-9-]*"),
    "Backup and DR vault and plan ids are 1-63 characters: a letter, then lowercase and digits",
)
HASH_LENGTH = 4
SUFFIX_LENGTH = 6


def fit(limit: NameLimit, *parts: str) -> str:
    """`parts` joined with '-', trimmed to `limit` with a hash of the full name when too long."""
    full = "-".join(part for part in parts if part)
    name = full
    if len(full) > limit.max_length:
        digest = hashlib.sha256(full.encode()).hexdigest()[:HASH_LENGTH]
        head = full[: limit.max_length - HASH_LENGTH - 1].rstrip("-_.")
        name = f"{head}-{digest}"
    if len(name) < limit.min_length:
        name = f"{name}-{hashlib.sha256(full.encode()).hexdigest()[:HASH_LENGTH]}"
    if not limit.pattern.fullmatch(name):
        raise ValueError(f"{name!r} is not a valid name: {limit.reason}")
    return name


def unique_suffix(practice_id: str, project: str) -> str:
    """A short stable suffix for globally unique names (buckets).

    Practice ids are only unique within one MSP's fleet; the project id is unique across Google
    Cloud, so both feed the hash: two clients both called `riverside` still get distinct buckets.
    """
    return hashlib.sha256(f"{project}/{practice_id}".encode()).hexdigest()[:SUFFIX_LENGTH]


def role_slug(role: str) -> str:
    """A predefined role as a fragment of a logical name: `roles/storage.objectViewer` ->
    `storage-objectviewer`."""
    return role.removeprefix("roles/").replace(".", "-").lower()
