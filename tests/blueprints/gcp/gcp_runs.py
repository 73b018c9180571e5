"""The Google Cloud practices the blueprint tests run: the GCP example profiles and a few
variants that reach the branches the examples do not (hosted EHR, PACS, far DR region, no DR
region, recorded visits). Each practice is planned and run once per test session."""

from __future__ import annotations

import dataclasses

from generator.plan.model import ArchivePlacement
from generator.preview.harness import RegisteredResource, StackRun
from generator.profile.model import Profile, Workloads
from tests.blueprints.practice_runs import PracticeRun, cached_run, load_example, with_practice

GCP_EXAMPLES = {"harbor": "harbor-behavioral.yaml", "brightsmile": "brightsmile-dental.yaml"}

NETWORK = "gcp:compute/network:Network"
SUBNETWORK = "gcp:compute/subnetwork:Subnetwork"
ROUTER = "gcp:compute/router:Router"
NAT = "gcp:compute/routerNat:RouterNat"
HA_VPN = "gcp:compute/haVpnGateway:HaVpnGateway"
FIREWALL = "gcp:compute/firewall:Firewall"
INSTANCE = "gcp:compute/instance:Instance"
DISK = "gcp:compute/disk:Disk"
RESOURCE_POLICY = "gcp:compute/resourcePolicy:ResourcePolicy"
DISK_ATTACHMENT = "gcp:compute/diskResourcePolicyAttachment:DiskResourcePolicyAttachment"
EXTERNAL_GATEWAY = "gcp:compute/externalVpnGateway:ExternalVpnGateway"
TUNNEL = "gcp:compute/vPNTunnel:VPNTunnel"
ROUTER_INTERFACE = "gcp:compute/routerInterface:RouterInterface"
ROUTER_PEER = "gcp:compute/routerPeer:RouterPeer"
ACCOUNT = "gcp:serviceaccount/account:Account"
KEY_RING = "gcp:kms/keyRing:KeyRing"
CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
KEY_IAM = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
SECRET = "gcp:secretmanager/secret:Secret"
SECRET_VERSION = "gcp:secretmanager/secretVersion:SecretVersion"
DATASET = "gcp:healthcare/dataset:Dataset"
FHIR_STORE = "gcp:healthcare/fhirStore:FhirStore"
DICOM_STORE = "gcp:healthcare/dicomStore:DicomStore"
BUCKET = "gcp:storage/bucket:Bucket"
TRANSFER_JOB = "gcp:storage/transferJob:TransferJob"
BUCKET_IAM = "gcp:storage/bucketIAMMember:BucketIAMMember"
VAULT = "gcp:backupdisasterrecovery/backupVault:BackupVault"
BACKUP_PLAN = "gcp:backupdisasterrecovery/backupPlan:BackupPlan"
BACKUP_ASSOCIATION = "gcp:backupdisasterrecovery/backupPlanAssociation:BackupPlanAssociation"
CLOUD_RUN = "gcp:cloudrunv2/service:Service"
TOPIC = "gcp:pubsub/topic:Topic"
SUBSCRIPTION = "gcp:pubsub/subscription:Subscription"
LOG_BUCKET = "gcp:logging/projectBucketConfig:ProjectBucketConfig"
LOG_SINK = "gcp:logging/projectSink:ProjectSink"
AUDIT_CONFIG = "gcp:projects/iAMAuditConfig:IAMAuditConfig"
PROJECT_IAM = "gcp:projects/iAMMember:IAMMember"
SERVICE = "gcp:projects/service:Service"
SERVICE_IDENTITY = "gcp:projects/serviceIdentity:ServiceIdentity"
RUN_INVOKER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"
NEG = "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup"
SECURITY_POLICY = "gcp:compute/securityPolicy:SecurityPolicy"
BACKEND_SERVICE = "gcp:compute/backendService:BackendService"
URL_MAP = "gcp:compute/uRLMap:URLMap"
CERTIFICATE = "gcp:compute/managedSslCertificate:ManagedSslCertificate"
SSL_POLICY = "gcp:compute/sSLPolicy:SSLPolicy"
HTTPS_PROXY = "gcp:compute/targetHttpsProxy:TargetHttpsProxy"
GLOBAL_ADDRESS = "gcp:compute/globalAddress:GlobalAddress"
FORWARDING_RULE = "gcp:compute/globalForwardingRule:GlobalForwardingRule"
# The telehealth WAF front end: one of each when the plan puts a WAF in front (WL-TEL-01).
WAF_FRONT_END = (
    NEG,
    SECURITY_POLICY,
    BACKEND_SERVICE,
    URL_MAP,
    CERTIFICATE,
    SSL_POLICY,
    HTTPS_PROXY,
    GLOBAL_ADDRESS,
    FORWARDING_RULE,
)
ORG_POLICY = "gcp:orgpolicy/policy:Policy"


def example(name: str) -> Profile:
    return load_example(GCP_EXAMPLES[name])


def variant(name: str) -> Profile:
    """A GCP practice by name: an example, or an example changed to reach another branch."""
    if name in GCP_EXAMPLES:
        return example(name)
    if name == "harbor-hosted":
        # Hosted EHR servers and PACS: instances, disks, DICOM store, imaging archive.
        return dataclasses.replace(
            example("harbor"), workloads=Workloads(ehr="hosted", pacs="on", fhir=True)
        )
    if name == "brightsmile-far-dr":
        # A DR region on another continent: no dual-region bucket, a replicated copy instead.
        return with_practice(example("brightsmile"), dr_region="europe-west1")
    if name == "harbor-no-dr":
        return with_practice(example("harbor"), dr_region=None)
    if name == "harbor-small-telehealth":
        # Below the WAF threshold (skus.yaml telehealth.waf_min_peak_sessions): no WAF.
        harbor = example("harbor")
        return dataclasses.replace(
            harbor,
            telehealth=dataclasses.replace(
                harbor.telehealth, peak_concurrent_sessions=10, domain=None
            ),
        )
    if name == "harbor-org-policies":
        # A deployer who holds roles/orgpolicy.policyAdmin: the core sets the constraints.
        return with_practice(example("harbor"), gcp_org_policies=True)
    if name == "harbor-recorded":
        # Recorded visits: an immutable recordings archive beside the telehealth service.
        harbor = example("harbor")
        return dataclasses.replace(
            harbor, telehealth=dataclasses.replace(harbor.telehealth, recording=True)
        )
    raise KeyError(name)


PRACTICES = (
    "harbor",
    "brightsmile",
    "harbor-hosted",
    "brightsmile-far-dr",
    "harbor-no-dr",
    "harbor-recorded",
)


def custom(run: StackRun) -> list[RegisteredResource]:
    return [r for r in run.resources if r.custom]


def placement(run: PracticeRun) -> ArchivePlacement:
    """The practice's placement as its plan decided it (GCP-PLC-01)."""
    assert run.plan.placement is not None
    return run.plan.placement


def practice_run(name: str) -> PracticeRun:
    """The practice `name` (see `variant`), planned and run once per test process."""
    return cached_run(name, variant)
