"""The Azure practices the blueprint tests run: the two Azure example profiles and variants that
reach the branches the examples do not (no DR region, no VPN, a standard firewall, recorded
visits). Each practice is planned and run under mocks once per test session."""

from __future__ import annotations

import dataclasses
from typing import Any

from blueprints.azure import naming
from generator.preview import harness
from generator.preview.harness import RegisteredResource, StackRun
from generator.profile.model import Connectivity, Profile
from tests.blueprints.practice_runs import (
    PracticeRun,
    cached_run,
    load_example,
    of_type,
    with_practice,
)

RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
VNET = "azure-native:network:VirtualNetwork"
SUBNET = "azure-native:network:Subnet"
NSG = "azure-native:network:NetworkSecurityGroup"
RULE = "azure-native:network:SecurityRule"
ROUTE_TABLE = "azure-native:network:RouteTable"
PUBLIC_IP = "azure-native:network:PublicIPAddress"
VPN_GATEWAY = "azure-native:network:VirtualNetworkGateway"
LOCAL_GATEWAY = "azure-native:network:LocalNetworkGateway"
CONNECTION = "azure-native:network:VirtualNetworkGatewayConnection"
FIREWALL = "azure-native:network:AzureFirewall"
FIREWALL_POLICY = "azure-native:network:FirewallPolicy"
FIREWALL_RULES = "azure-native:network:FirewallPolicyRuleCollectionGroup"
BASTION = "azure-native:network:BastionHost"
FLOW_LOG = "azure-native:network:FlowLog"
PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
DNS_ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup"
NIC = "azure-native:network:NetworkInterface"
PRIVATE_ZONE = "azure-native:privatedns:PrivateZone"
ZONE_LINK = "azure-native:privatedns:VirtualNetworkLink"
KEY_VAULT = "azure-native:keyvault:Vault"
VAULT_SECRET = "azure-native:keyvault:Secret"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
POLICY_ASSIGNMENT = "azure-native:authorization:PolicyAssignment"
RECOVERY_VAULT = "azure-native:recoveryservices:Vault"
BACKUP_POLICY = "azure-native:recoveryservices:ProtectionPolicy"
PROTECTED_ITEM = "azure-native:recoveryservices:ProtectedItem"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
BLOB_SERVICE = "azure-native:storage:BlobServiceProperties"
CONTAINER = "azure-native:storage:BlobContainer"
LIFECYCLE = "azure-native:storage:ManagementPolicy"
HEALTH_WORKSPACE = "azure-native:healthcareapis:Workspace"
FHIR = "azure-native:healthcareapis:FhirService"
DICOM = "azure-native:healthcareapis:DicomService"
VM = "azure-native:compute:VirtualMachine"
DISK = "azure-native:compute:Disk"
SSH_KEY = "tls:index/privateKey:PrivateKey"
# The expiry date of each Key Vault secret clinicgen writes, kept in Pulumi state.
SECRET_ROTATION = "time:index/rotating:Rotating"
APP_SERVICE_PLAN = "azure-native:web:AppServicePlan"
WEB_APP = "azure-native:web:WebApp"
FTP_POLICY = "azure-native:web:WebAppFtpAllowed"
SCM_POLICY = "azure-native:web:WebAppScmAllowed"
AUTOSCALE = "azure-native:monitor:AutoscaleSetting"
COMMUNICATION = "azure-native:communication:CommunicationService"
IOT_HUB = "azure-native:iothub:IotHubResource"
LOG_WORKSPACE = "azure-native:operationalinsights:Workspace"
LOG_TABLE = "azure-native:operationalinsights:Table"
DIAGNOSTICS = "azure-native:monitor:DiagnosticSetting"
ACTIVITY_LOG = "azure-native:monitor:SubscriptionDiagnosticSetting"
DEFENDER = "azure-native:security:Pricing"
NETWORK_WATCHER = "azure-native:network:NetworkWatcher"
APP_GATEWAY = "azure-native:network:ApplicationGateway"
WAF_POLICY = "azure-native:network:WebApplicationFirewallPolicy"
CONDITIONAL_ACCESS = "azuread:index/conditionalAccessPolicy:ConditionalAccessPolicy"

AZURE_EXAMPLES = {"maple": "maple-grove.yaml", "lakeside": "lakeside-health.yaml"}


def example(name: str) -> Profile:
    return load_example(AZURE_EXAMPLES[name])


def variant(name: str) -> Profile:
    """An Azure practice by name: an example, or an example changed to reach another branch."""
    if name in AZURE_EXAMPLES:
        return example(name)
    if name == "lakeside-no-dr":
        # No DR region: zone-redundant vault and archive (no archive tier), no cross-region restore.
        return with_practice(example("lakeside"), dr_region=None)
    if name == "lakeside-hipaa":
        # HIPAA alone: a standard firewall instead of premium.
        return with_practice(example("lakeside"), compliance=("hipaa",))
    if name == "maple-no-vpn":
        # No VPN peer: no gateway in the core, rules but no tunnel in the site stack.
        lone = example("maple")
        site = lone.sites[0]
        offline = dataclasses.replace(
            site, connectivity=Connectivity(bandwidth_mbps=site.connectivity.bandwidth_mbps)
        )
        return dataclasses.replace(lone, sites=(offline,))
    if name == "maple-recorded":
        # Recorded visits: an immutable recordings archive beside the telehealth app.
        lone = example("maple")
        return dataclasses.replace(
            lone, telehealth=dataclasses.replace(lone.telehealth, recording=True)
        )
    if name == "lakeside-saas":
        # SaaS EHR: no application servers sized from the practice's total staff.
        lakeside = example("lakeside")
        return dataclasses.replace(
            lakeside, workloads=dataclasses.replace(lakeside.workloads, ehr="saas")
        )
    if name == "long-id":
        # The longest practice id a profile allows, ending in a hyphen: every name still fits.
        return with_practice(example("lakeside"), id="riverside-family-care--")
    raise KeyError(name)


PRACTICES = (
    "long-id",
    "maple",
    "lakeside",
    "lakeside-no-dr",
    "lakeside-hipaa",
    "maple-no-vpn",
    "maple-recorded",
)


def identities(run: PracticeRun) -> dict[str, RegisteredResource]:
    """The core stack's managed identities by what they are for (`ehr`, `flow-logs`, ...)."""
    pid = run.plan.practice.id
    purposes = [w.workload for w in run.plan.identity.workloads] + ["flow-logs"]
    by_name = {r.inputs["resourceName"]: r for r in of_type(run.core, IDENTITY)}
    return {p: by_name[naming.scoped(naming.MANAGED_IDENTITY, "id", pid, p)] for p in purposes}


def by_urn(run: StackRun) -> dict[str, dict[str, Any]]:
    """Every resource of a stack by URN, with its inputs: what a change would touch."""
    return {r.urn: r.inputs for r in run.resources}


# URN -> the URNs the SDK told the engine a resource waits for: its depends_on and every resource
# an input came from. Recorded beside the harness, which keeps inputs but not dependencies.
DEPENDENCIES: dict[str, frozenset[str]] = {}
_register = harness._RecordingMonitor.RegisterResource


def _register_recording_dependencies(monitor: Any, request: Any) -> Any:
    response = _register(monitor, request)
    DEPENDENCIES[response.urn] = frozenset(request.dependencies)
    return response


setattr(harness._RecordingMonitor, "RegisterResource", _register_recording_dependencies)  # noqa: B010


def waits_for(resource: RegisteredResource, other: RegisteredResource) -> bool:
    """Whether the engine creates `other` before `resource`."""
    return other.urn in DEPENDENCIES[resource.urn]


def remediation_grants(run: PracticeRun) -> set[str]:
    """URNs of the role assignments for policy assignments' identities (policy remediation)."""
    policies = of_type(run.core, POLICY_ASSIGNMENT)
    return {
        r.urn
        for r in of_type(run.core, ROLE_ASSIGNMENT)
        if any(waits_for(r, policy) for policy in policies)
    }


def practice_run(name: str) -> PracticeRun:
    """The practice `name` (see `variant`), planned and run once per test process."""
    return cached_run(name, variant)
