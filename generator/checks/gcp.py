"""Check logic over pulumi-gcp resources; each check's metadata is in catalog checks.yaml.

Inputs are engine-level: the camelCase names pulumi-gcp sends (`allows`, `sourceRanges`,
`uniformBucketLevelAccess`). A value Google Cloud defaults securely passes when absent;
anything else must be stated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from generator.checks.graph import Graph, get, is_internet, items, port_in, refers_to, seconds
from generator.checks.model import CheckContext, Resource, Violation
from generator.checks.registry import Registry

logic = Registry()

NETWORK = "gcp:compute/network:Network"
SUBNETWORK = "gcp:compute/subnetwork:Subnetwork"
FIREWALL = "gcp:compute/firewall:Firewall"
POLICY_RULE = "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule"
POLICY_ASSOCIATION = "gcp:compute/networkFirewallPolicyAssociation:NetworkFirewallPolicyAssociation"
INSTANCE = "gcp:compute/instance:Instance"
DISK_POLICY_ATTACHMENT = "gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment"
VPN_TUNNEL = "gcp:compute/vPNTunnel:VPNTunnel"
BUCKET = "gcp:storage/bucket:Bucket"
TOPIC = "gcp:pubsub/topic:Topic"
CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
BACKUP_VAULT = "gcp:backupdisasterrecovery/backupVault:BackupVault"
BACKUP_PLAN_ASSOCIATION = "gcp:backupdisasterrecovery/backupPlanAssociation:BackupPlanAssociation"
LOG_BUCKET = "gcp:logging/projectBucketConfig:ProjectBucketConfig"
AUDIT_CONFIG = "gcp:projects/iAMAuditConfig:IAMAuditConfig"
PROJECT_IAM = ("gcp:projects/iAMMember:IAMMember", "gcp:projects/iAMBinding:IAMBinding")
SERVICE_ACCOUNT_KEY = "gcp:serviceaccount/key:Key"
CLOUD_RUN = "gcp:cloudrunv2/service:Service"

_SINGLE_REGION = re.compile(r"^[a-z]+-[a-z]+\d+$", re.IGNORECASE)
_DEFAULT_COMPUTE_ACCOUNT = re.compile(r"-compute@developer\.gserviceaccount\.com$")


def _ingress(rule: Mapping[str, Any]) -> bool:
    return str(rule.get("direction") or "INGRESS").upper() == "INGRESS" and not rule.get("disabled")


def _firewall_sources(rule: Mapping[str, Any]) -> list[Any]:
    sources = items(rule.get("sourceRanges"))
    # With no source ranges, tags or service accounts, GCP applies an ingress rule to 0.0.0.0/0.
    if not sources and not rule.get("sourceTags") and not rule.get("sourceServiceAccounts"):
        return ["0.0.0.0/0"]
    return sources


def _opens(entries: list[Any], protocol_key: str, port: int, protocols: set[str]) -> bool:
    for entry in entries:
        if str(entry.get(protocol_key, "")).lower() not in protocols | {"all"}:
            continue
        ports = items(entry.get("ports")) or ["*"]
        if any(port_in(spec, port) for spec in ports):
            return True
    return False


@logic("CG-GCP-NET-001")
@logic("CG-GCP-NET-002")
def internet_to_management_port(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    port = int(params["port"])
    protocols = {p.lower() for p in params["protocols"]}
    for rule in graph.of_type(FIREWALL):
        inputs = rule.inputs
        if not _ingress(inputs) or not any(is_internet(s) for s in _firewall_sources(inputs)):
            continue
        if _opens(items(inputs.get("allows")), "protocol", port, protocols):
            yield Violation(rule, "sourceRanges", f"allows the internet to port {port}")
    for rule in graph.of_type(POLICY_RULE):
        inputs = rule.inputs
        if not _ingress(inputs) or str(inputs.get("action", "")).lower() != "allow":
            continue
        if not any(is_internet(s) for s in items(get(inputs, "match.srcIpRanges"))):
            continue
        if _opens(items(get(inputs, "match.layer4Configs")), "ipProtocol", port, protocols):
            yield Violation(rule, "match.srcIpRanges", f"allows the internet to port {port}")


def _denies_all(rule: Mapping[str, Any]) -> bool:
    return (
        any(str(d.get("protocol", "")).lower() == "all" for d in items(rule.get("denies")))
        and any(is_internet(s) for s in _firewall_sources(rule))
        and not rule.get("targetTags")
        and not rule.get("targetServiceAccounts")
    )


def _policy_denies_all(rule: Mapping[str, Any]) -> bool:
    return (
        str(rule.get("action", "")).lower() == "deny"
        and any(is_internet(s) for s in items(get(rule, "match.srcIpRanges")))
        and any(
            str(c.get("ipProtocol", "")).lower() == "all"
            for c in items(get(rule, "match.layer4Configs"))
        )
    )


def _priority(rule: Mapping[str, Any]) -> float:
    return float(rule.get("priority", 1000))  # GCP's default firewall rule priority


@logic("CG-GCP-NET-003")
def network_without_final_deny(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for network in graph.of_type(NETWORK):
        if _policy_posture(graph, network):
            continue
        rules = [
            r
            for r in graph.of_type(FIREWALL)
            if refers_to(r.inputs.get("network"), network) and _ingress(r.inputs)
        ]
        deny_all = [r for r in rules if _denies_all(r.inputs)]
        if not deny_all:
            yield Violation(
                network,
                "",
                "no ingress deny-all rule: only GCP's unlogged implied deny stands behind "
                "the allow rules",
            )
            continue
        last = max(_priority(r.inputs) for r in deny_all)
        for rule in rules:
            if _priority(rule.inputs) > last:
                yield Violation(
                    rule,
                    "priority",
                    f"rule at priority {int(_priority(rule.inputs))} comes after the deny-all "
                    f"at {int(last)} and is never reached",
                )


def _policy_posture(graph: Graph, network: Resource) -> bool:
    """Whether a network firewall policy attached to `network` ends in an ingress deny-all."""
    policies = [
        a.inputs.get("firewallPolicy")
        for a in graph.of_type(POLICY_ASSOCIATION)
        if refers_to(a.inputs.get("attachmentTarget"), network)
    ]
    for policy in policies:
        rules = [
            r.inputs
            for r in graph.of_type(POLICY_RULE)
            if r.inputs.get("firewallPolicy") == policy and _ingress(r.inputs)
        ]
        deny_all = [r for r in rules if _policy_denies_all(r)]
        if deny_all and max(_priority(r) for r in deny_all) >= max(_priority(r) for r in rules):
            return True
    return False


@logic("CG-GCP-NET-004")
def instance_external_ip(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for instance in graph.of_type(INSTANCE):
        for index, interface in enumerate(items(instance.inputs.get("networkInterfaces"))):
            if items(interface.get("accessConfigs")):
                yield Violation(
                    instance,
                    f"networkInterfaces[{index}].accessConfigs",
                    "instance has an external IP address",
                )


@logic("CG-GCP-NET-005")
def bucket_public_access_prevention(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for bucket in graph.of_type(BUCKET):
        value = bucket.inputs.get("publicAccessPrevention")
        if str(value).lower() != "enforced":
            yield Violation(
                bucket,
                "publicAccessPrevention",
                f"public access is not prevented ({value or 'inherited'})",
            )


def _exempt_purpose(subnet: Resource, params: Mapping[str, Any]) -> bool:
    return str(subnet.inputs.get("purpose", "")).upper() in set(params["exempt_purposes"])


@logic("CG-GCP-NET-007")
def subnet_private_google_access(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for subnet in graph.of_type(SUBNETWORK):
        if (
            not _exempt_purpose(subnet, params)
            and subnet.inputs.get("privateIpGoogleAccess") is not True
        ):
            yield Violation(
                subnet,
                "privateIpGoogleAccess",
                "instances without external IPs cannot reach Google APIs privately",
            )


@logic("CG-GCP-NET-008")
def instance_serial_port(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for instance in graph.of_type(INSTANCE):
        value = get(instance.inputs, "metadata.serial-port-enable")
        if str(value).lower() in ("true", "1"):
            yield Violation(
                instance, "metadata.serial-port-enable", "interactive serial console is enabled"
            )


# -- encryption and TLS -----------------------------------------------------------------------


@logic("CG-GCP-ENC-001")
def bucket_cmek(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for bucket in graph.of_type(BUCKET):
        if not get(bucket.inputs, "encryption.defaultKmsKeyName"):
            yield Violation(
                bucket,
                "encryption.defaultKmsKeyName",
                "objects are encrypted with Google-managed keys the practice cannot revoke",
            )


@logic("CG-GCP-ENC-002")
def topic_cmek(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for topic in graph.of_type(TOPIC):
        if not topic.inputs.get("kmsKeyName"):
            yield Violation(
                topic,
                "kmsKeyName",
                "messages are encrypted with Google-managed keys the practice cannot revoke",
            )


@logic("CG-GCP-ENC-003")
def vpn_ike_version(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for tunnel in graph.of_type(VPN_TUNNEL):
        version = tunnel.inputs.get("ikeVersion")
        # Absent: Cloud VPN negotiates IKEv2 by default.
        if version is not None and int(version) < 2:
            yield Violation(tunnel, "ikeVersion", f"negotiates IKEv{int(version)}")


# -- key management ---------------------------------------------------------------------------


@logic("CG-GCP-KMS-001")
def key_rotation(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    max_seconds = float(params["max_days"]) * 86400
    for key in graph.of_type(CRYPTO_KEY):
        # Only symmetric keys rotate automatically; asymmetric keys get new versions by hand.
        if str(key.inputs.get("purpose") or "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT":
            continue
        period = seconds(key.inputs.get("rotationPeriod"))
        if period is None or period > max_seconds:
            yield Violation(
                key,
                "rotationPeriod",
                f"key is not rotated within {params['max_days']} days "
                f"({key.inputs.get('rotationPeriod') or 'never'})",
            )


@logic("CG-GCP-KMS-002")
def key_destroy_window(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    min_seconds = float(params["min_days"]) * 86400
    for key in graph.of_type(CRYPTO_KEY):
        duration = key.inputs.get("destroyScheduledDuration")
        window = seconds(duration)
        # Absent: Cloud KMS keeps a destroyed version recoverable for 30 days.
        if duration is not None and (window is None or window < min_seconds):
            yield Violation(
                key,
                "destroyScheduledDuration",
                f"a destroyed key version is recoverable for only {duration}",
            )


# -- backup and retention ---------------------------------------------------------------------


@logic("CG-GCP-BAK-001")
def bucket_object_recovery(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for bucket in graph.of_type(BUCKET):
        versioned = get(bucket.inputs, "versioning.enabled") is True
        retained = float(get(bucket.inputs, "retentionPolicy.retentionPeriod") or 0) > 0
        # Cloud Storage does not allow both on one bucket; either keeps an exact copy.
        if not (versioned or retained):
            yield Violation(
                bucket,
                "versioning.enabled",
                "an overwritten or deleted object cannot be recovered: neither versioning "
                "nor a retention policy",
            )


@logic("CG-GCP-BAK-002")
def backup_vault_enforced_retention(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    min_seconds = float(params["min_days"]) * 86400
    for vault in graph.of_type(BACKUP_VAULT):
        duration = vault.inputs.get("backupMinimumEnforcedRetentionDuration")
        window = seconds(duration)
        if window is None or window < min_seconds:
            yield Violation(
                vault,
                "backupMinimumEnforcedRetentionDuration",
                f"backups can be deleted early (enforced retention {duration or 'unset'})",
            )


def _boot_disk_name(instance: Resource) -> str:
    source = get(instance.inputs, "bootDisk.source")
    # A boot disk created with the instance takes the instance's name.
    return str(source or instance.outputs.get("name") or instance.name).rsplit("/", 1)[-1]


@logic("CG-GCP-BAK-003")
def instance_backup_coverage(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    attached_disks = {
        str(a.inputs.get("disk", "")).rsplit("/", 1)[-1]
        for a in graph.of_type(DISK_POLICY_ATTACHMENT)
    }
    planned = [a.inputs.get("resource") for a in graph.of_type(BACKUP_PLAN_ASSOCIATION)]
    for instance in graph.of_type(INSTANCE):
        scheduled = get(instance.inputs, "bootDisk.initializeParams.resourcePolicies")
        if scheduled or _boot_disk_name(instance) in attached_disks:
            continue
        if any(refers_to(resource, instance) for resource in planned):
            continue
        yield Violation(
            instance, "", "instance has no snapshot schedule and no backup plan association"
        )


@logic("CG-GCP-BAK-004")
def bucket_geo_redundancy(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    if not context.dr_region:
        return
    for bucket in graph.of_type(BUCKET):
        location = str(bucket.inputs.get("location", ""))
        dual = items(get(bucket.inputs, "customPlacementConfig.dataLocations"))
        if _SINGLE_REGION.match(location) and not dual:
            yield Violation(
                bucket,
                "location",
                f"objects live only in {location}; the practice has DR region {context.dr_region}",
            )


# -- logging and audit ------------------------------------------------------------------------


@logic("CG-GCP-LOG-001")
def subnet_flow_logs(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for subnet in graph.of_type(SUBNETWORK):
        if not _exempt_purpose(subnet, params) and not subnet.inputs.get("logConfig"):
            yield Violation(subnet, "logConfig", "VPC flow logs are off for this subnet")


@logic("CG-GCP-LOG-004")
def data_access_audit_logs(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    required = {"DATA_READ", "DATA_WRITE"}
    audited: set[tuple[str | None, str]] = set()
    for config in graph.of_type(AUDIT_CONFIG):
        kinds = {str(c.get("logType")) for c in items(config.inputs.get("auditLogConfigs"))}
        if required <= kinds:
            audited.add((config.inputs.get("project"), str(config.inputs.get("service"))))
    for type_token, service in params["services"].items():
        for resource in graph.of_type(type_token):
            project = resource.inputs.get("project")
            if not any(
                svc in (service, "allServices") and proj in (project, None) for proj, svc in audited
            ):
                yield Violation(
                    resource,
                    "",
                    f"reads and writes of this data are not audited (no DATA_READ and DATA_WRITE "
                    f"audit config for {service} or allServices)",
                )


@logic("CG-GCP-LOG-005")
def firewall_logging(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for rule in graph.of_type(FIREWALL):
        if (
            not get(rule.inputs, "logConfig.metadata")
            and rule.inputs.get("enableLogging") is not True
        ):
            yield Violation(rule, "logConfig", "connections this rule matches are not logged")
    for rule in graph.of_type(POLICY_RULE):
        if rule.inputs.get("enableLogging") is not True:
            yield Violation(rule, "enableLogging", "connections this rule matches are not logged")


# -- identity ---------------------------------------------------------------------------------


def _project_grants(graph: Graph) -> Iterator[tuple[Resource, str]]:
    for grant in graph.of_type(*PROJECT_IAM):
        yield grant, str(grant.inputs.get("role", ""))


@logic("CG-GCP-IAM-001")
def basic_roles(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for grant, role in _project_grants(graph):
        if role in params["roles"]:
            yield Violation(grant, "role", f"grants basic role {role} across the whole project")


@logic("CG-GCP-IAM-002")
def public_principals(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    public = set(params["principals"])
    for grant in graph.resources:
        kind = grant.type.rsplit(":", 1)[-1].lower()
        if not grant.type.startswith("gcp:") or not kind.endswith(("iammember", "iambinding")):
            continue
        members = items(grant.inputs.get("member")) + items(grant.inputs.get("members"))
        for member in members:
            if member in public:
                yield Violation(grant, "member", f"grants access to {member}")


@logic("CG-GCP-IAM-003")
def service_account_keys(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for key in graph.of_type(SERVICE_ACCOUNT_KEY):
        yield Violation(
            key, "", "a downloadable service account key is a long-lived credential to leak"
        )


@logic("CG-GCP-IAM-004")
def workload_service_account(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for instance in graph.of_type(INSTANCE):
        email = str(get(instance.inputs, "serviceAccount.email") or "")
        if not email or _DEFAULT_COMPUTE_ACCOUNT.search(email):
            yield Violation(
                instance,
                "serviceAccount.email",
                "runs as the default compute service account (Editor on the project)",
            )
    for service in graph.of_type(CLOUD_RUN):
        if not get(service.inputs, "template.serviceAccount"):
            yield Violation(
                service,
                "template.serviceAccount",
                "runs as the default compute service account (Editor on the project)",
            )


@logic("CG-GCP-IAM-005")
def service_account_impersonation(
    graph: Graph, context: CheckContext, params: Mapping[str, Any]
) -> Iterator[Violation]:
    for grant, role in _project_grants(graph):
        if role in params["roles"]:
            yield Violation(
                grant, "role", f"{role} at project level can act as every service account"
            )
