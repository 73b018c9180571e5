"""The pulumi-gcp resource types the checks and rules read, and readings several share.

Inputs are engine-level: the camelCase names pulumi-gcp sends (`allows`, `sourceRanges`,
`uniformBucketLevelAccess`). A value Google Cloud defaults securely passes when absent;
anything else must be stated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from generator.checks.graph import Graph, items
from generator.checks.model import Resource

NETWORK = "gcp:compute/network:Network"
SUBNETWORK = "gcp:compute/subnetwork:Subnetwork"
FIREWALL = "gcp:compute/firewall:Firewall"
POLICY_RULE = "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule"
POLICY_ASSOCIATION = "gcp:compute/networkFirewallPolicyAssociation:NetworkFirewallPolicyAssociation"
INSTANCE = "gcp:compute/instance:Instance"
DISK_POLICY_ATTACHMENT = "gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment"
VPN_TUNNEL = "gcp:compute/vPNTunnel:VPNTunnel"
BUCKET = "gcp:storage/bucket:Bucket"
CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
BACKUP_VAULT = "gcp:backupdisasterrecovery/backupVault:BackupVault"
BACKUP_PLAN_ASSOCIATION = "gcp:backupdisasterrecovery/backupPlanAssociation:BackupPlanAssociation"
AUDIT_CONFIG = "gcp:projects/iAMAuditConfig:IAMAuditConfig"
SERVICE_ACCOUNT_KEY = "gcp:serviceaccount/key:Key"
CLOUD_RUN = "gcp:cloudrunv2/service:Service"
PROJECT_SERVICE = "gcp:projects/service:Service"
ORG_POLICY = "gcp:orgpolicy/policy:Policy"
SERVERLESS_NEG = "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup"


def exempt_purpose(subnet: Resource, params: Mapping[str, Any]) -> bool:
    """Whether the subnet serves a purpose (a proxy, Private Service Connect) the check exempts."""
    return str(subnet.inputs.get("purpose", "")).upper() in set(params["exempt_purposes"])


def grants(graph: Graph) -> Iterator[Resource]:
    """Every IAM member or binding resource, on any resource type (`...IAMMember`,
    `...IamBinding`): the grants a practice makes."""
    for grant in graph.resources:
        kind = grant.type.rsplit(":", 1)[-1].lower()
        if grant.type.startswith("gcp:") and kind.endswith(("iammember", "iambinding")):
            yield grant


def members(grant: Resource) -> list[str]:
    """The principals a grant names (`member` of a member resource, `members` of a binding)."""
    return [str(m) for m in items(grant.inputs.get("member")) + items(grant.inputs.get("members"))]
