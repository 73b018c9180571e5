"""The pulumi-gcp resource types the checks read, and readings several categories share.

Inputs are engine-level: the camelCase names pulumi-gcp sends (`allows`, `sourceRanges`,
`uniformBucketLevelAccess`). A value Google Cloud defaults securely passes when absent;
anything else must be stated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def exempt_purpose(subnet: Resource, params: Mapping[str, Any]) -> bool:
    """Whether the subnet serves a purpose (a proxy, Private Service Connect) the check exempts."""
    return str(subnet.inputs.get("purpose", "")).upper() in set(params["exempt_purposes"])
