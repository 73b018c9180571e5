"""The security properties of every Azure practice's stacks, read from the registered resources.
Each test names the property it holds; each was seen to fail with the property broken."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

import pytest

from generator.catalog import load
from generator.plan.model import split_into_stacks
from generator.preview.mocks import SUBSCRIPTION_ID
from generator.preview.runner import run_site
from generator.render.stack_config import VPN_PRE_SHARED_KEY_OUTPUT
from generator.sizing import build_plan, vpn
from tests.blueprints.azure import azure_runs as a
from tests.blueprints.practice_runs import (
    PASSWORD,
    PracticeRun,
    is_secret,
    of_type,
    with_practice,
)

PLATFORM = load("azure_platform")
MANAGEMENT_PORTS = {"22", "3389"}
ANYWHERE = {"*", "Internet", "0.0.0.0/0", "Any"}
ROLE_IDS = PLATFORM["role_definitions"]["ids"]
HIPAA_HITRUST = "a169a624-5599-4385-a696-c8d643089fab"
HITRUST_CSF = "e0d47b75-5d99-442a-9d60-07f2595ab095"
STATEFUL = {
    a.KEY_VAULT,
    a.RECOVERY_VAULT,
    a.STORAGE_ACCOUNT,
    a.LOG_WORKSPACE,
    a.HEALTH_WORKSPACE,
    a.FHIR,
    a.DICOM,
    a.IOT_HUB,
    a.DISK,
}


def _ports(rule: dict[str, Any]) -> set[str]:
    ranges = rule.get("destinationPortRanges") or [rule.get("destinationPortRange")]
    return {str(port) for port in ranges}


def _sources(rule: dict[str, Any]) -> set[str]:
    return set(rule.get("sourceAddressPrefixes") or [rule.get("sourceAddressPrefix")])


def test_no_rule_admits_the_internet_to_management_ports(practice: PracticeRun) -> None:
    for rule in of_type(practice, a.RULE):
        inputs = rule.inputs
        if inputs["access"] != "Allow" or inputs["direction"] != "Inbound":
            continue
        if _sources(inputs) & ANYWHERE:
            ports = _ports(inputs)
            assert "*" not in ports and not ports & MANAGEMENT_PORTS, rule.name


def test_every_subnet_but_azures_own_has_an_nsg(practice: PracticeRun) -> None:
    reserved = set(PLATFORM["subnets_without_nsg"]["keys"])
    cloud_names = load("cloud_subnets")["azure"]
    reserved_names = {cloud_names[key]["cloud_name"] for key in reserved}
    for subnet in of_type(practice.core, a.SUBNET):
        has_nsg = "networkSecurityGroup" in subnet.inputs
        assert has_nsg == (subnet.inputs["subnetName"] not in reserved_names), subnet.name


def test_nsg_rules_are_standalone_with_deny_all_last(practice: PracticeRun) -> None:
    nsgs = of_type(practice.core, a.NSG)
    assert all("securityRules" not in nsg.inputs for nsg in nsgs)
    deny_priority = PLATFORM["nsg_priorities"]["deny_all"]
    rules_by_nsg: dict[str, list[dict[str, object]]] = defaultdict(list)
    for rule in of_type(practice, a.RULE):
        rules_by_nsg[rule.inputs["networkSecurityGroupName"]].append(rule.inputs)
    assert set(rules_by_nsg) == {nsg.inputs["networkSecurityGroupName"] for nsg in nsgs}
    for nsg, rules in rules_by_nsg.items():
        inbound = [r for r in rules if r["direction"] == "Inbound"]
        (deny,) = [r for r in inbound if r["access"] == "Deny"]
        assert deny["priority"] == deny_priority, nsg
        assert _sources(deny) == {"*"} and _ports(deny) == {"*"} and deny["protocol"] == "*"
        assert all(r["priority"] < deny_priority for r in inbound if r is not deny), nsg


def test_rule_priorities_never_collide_across_stacks(practice: PracticeRun) -> None:
    seen: set[tuple[object, object, object]] = set()
    for rule in of_type(practice, a.RULE):
        key = (
            rule.inputs["networkSecurityGroupName"],
            rule.inputs["direction"],
            rule.inputs["priority"],
        )
        assert key not in seen, rule.name
        seen.add(key)


def test_vpn_connections_use_ikev2_the_plans_ipsec_policy_and_a_secret_key(
    practice: PracticeRun,
) -> None:
    ipsec = practice.plan.ipsec
    # The plan's neutral aes-256-gcm / sha-384 / ecp-384 / aead policy in Azure's enums.
    expected_policy = {
        "ikeEncryption": "GCMAES256",
        "ikeIntegrity": "SHA384",
        "dhGroup": "ECP384",
        "ipsecEncryption": "GCMAES256",
        "ipsecIntegrity": "GCMAES256",
        "pfsGroup": "ECP384",
        "saLifeTimeSeconds": ipsec.sa_lifetime_seconds,
        "saDataSizeKilobytes": ipsec.sa_data_size_kb,
    }
    with_vpn = [s.site.id for s in practice.site_plans if s.site.vpn is not None]
    for site_id, run in practice.sites.items():
        connections = of_type(run, a.CONNECTION)
        assert len(connections) == (site_id in with_vpn)
        for connection in connections:
            assert connection.inputs["connectionProtocol"] == "IKEv2"
            assert connection.inputs["ipsecPolicies"] == [expected_policy]
            assert connection.inputs["usePolicyBasedTrafficSelectors"] is False
            assert is_secret(connection.inputs["sharedKey"])


def test_pre_shared_keys_are_generated_kept_in_key_vault_and_exported_only_as_secrets(
    practice: PracticeRun,
) -> None:
    vault_name = practice.core.outputs["keyVaultName"]
    for site_plan in practice.site_plans:
        run = practice.sites[site_plan.site.id]
        passwords = of_type(run, PASSWORD)
        secrets = of_type(run, a.VAULT_SECRET)
        if site_plan.site.vpn is None:
            assert passwords == [] and secrets == []
            continue
        (password,) = passwords
        assert password.inputs["special"] is False and password.inputs["length"] >= 32
        (secret,) = secrets
        assert secret.inputs["vaultName"] == vault_name
        assert secret.inputs["secretName"] == f"vpn-psk-{site_plan.site.id}"
        assert is_secret(secret.inputs["properties"])
        # The installer's copy (the handoff sheet reads it), never in clear text.
        assert list(run.outputs) == [VPN_PRE_SHARED_KEY_OUTPUT]
        assert is_secret(run.outputs[VPN_PRE_SHARED_KEY_OUTPUT])
    assert "<secret>" not in str(practice.core.outputs)


def test_local_gateways_carry_every_segment_but_guest(practice: PracticeRun) -> None:
    for site_plan in practice.site_plans:
        site, run = site_plan.site, practice.sites[site_plan.site.id]
        gateways = of_type(run, a.LOCAL_GATEWAY)
        if site.vpn is None:
            assert gateways == []
            continue
        (gateway,) = gateways
        prefixes = set(gateway.inputs["localNetworkAddressSpace"]["addressPrefixes"])
        crossing = {s.cidr for s in site.segments if s.crosses_vpn}
        guest = {s.cidr for s in site.segments if not s.crosses_vpn}
        assert not prefixes & guest
        if site.vpn.routing == "bgp":
            # A BGP site declares only its router's address; it advertises the rest.
            assert prefixes == {f"{site.vpn.bgp_peer_address}/32"}
            assert gateway.inputs["bgpSettings"] == {
                "asn": site.vpn.site_asn,
                "bgpPeeringAddress": site.vpn.bgp_peer_address,
            }
        else:
            assert prefixes == crossing | set(site.onprem_ranges)
        assert gateway.inputs["gatewayIpAddress"] == site.vpn.peer_ip


def test_key_vault_is_rbac_only_purge_protected_and_private(practice: PracticeRun) -> None:
    (vault,) = of_type(practice.core, a.KEY_VAULT)
    properties = vault.inputs["properties"]
    assert properties["enableRbacAuthorization"] is True
    assert properties["enablePurgeProtection"] is True
    assert properties["enableSoftDelete"] is True
    assert properties["publicNetworkAccess"] == "Disabled"
    assert properties["networkAcls"]["defaultAction"] == "Deny"
    assert "accessPolicies" not in properties
    endpoints = of_type(practice.core, a.PRIVATE_ENDPOINT)
    assert any(
        e.inputs["privateLinkServiceConnections"][0]["groupIds"] == ["vault"] for e in endpoints
    )


def test_storage_accounts_are_locked_down(practice: PracticeRun) -> None:
    accounts = of_type(practice.core, a.STORAGE_ACCOUNT)
    assert accounts
    for account in accounts:
        inputs = account.inputs
        assert inputs["minimumTlsVersion"] == "TLS1_2", account.name
        assert inputs["enableHttpsTrafficOnly"] is True
        assert inputs["allowBlobPublicAccess"] is False
        assert inputs["allowSharedKeyAccess"] is False
        assert inputs["networkRuleSet"]["defaultAction"] == "Deny"
    for container in of_type(practice.core, a.CONTAINER):
        assert container.inputs["publicAccess"] == "None"


def test_recovery_vault_has_soft_delete_and_immutability(practice: PracticeRun) -> None:
    (vault,) = of_type(practice.core, a.RECOVERY_VAULT)
    security = vault.inputs["properties"]["securitySettings"]
    assert security["softDeleteSettings"]["softDeleteState"] in {"Enabled", "AlwaysON"}
    expected = {"Unlocked", "Locked"} if practice.plan.backup.immutable else {"Disabled"}
    assert security["immutabilitySettings"]["state"] in expected
    assert practice.plan.backup.immutable


def test_every_vm_is_backed_up_private_encrypted_and_key_only(practice: PracticeRun) -> None:
    vms = of_type(practice.core, a.VM)
    protected = {
        item.inputs["properties"]["sourceResourceId"]
        for item in of_type(practice.core, a.PROTECTED_ITEM)
    }
    ids = {r.urn: r.id for r in practice.core.resources}
    assert {ids[vm.urn] for vm in vms} == protected
    (policy,) = of_type(practice.core, a.BACKUP_POLICY)
    for item in of_type(practice.core, a.PROTECTED_ITEM):
        assert item.inputs["properties"]["policyId"] == ids[policy.urn]
    for vm in vms:
        linux = vm.inputs["osProfile"]["linuxConfiguration"]
        assert linux["disablePasswordAuthentication"] is True
        assert "adminPassword" not in vm.inputs["osProfile"]
        assert vm.inputs["securityProfile"]["encryptionAtHost"] is True
        assert vm.inputs["securityProfile"]["securityType"] == "TrustedLaunch"
    for nic in of_type(practice.core, a.NIC):
        for config in nic.inputs["ipConfigurations"]:
            assert "publicIPAddress" not in config
    # The only public addresses are the gateways' own.
    public = {
        ip.inputs["publicIpAddressName"].split("-")[-1]
        for ip in of_type(practice.core, a.PUBLIC_IP)
    }
    assert public <= {"vpn", "firewall", "bastion", "waf"}


def test_the_ssh_private_key_is_a_secret_in_key_vault(lakeside: PracticeRun) -> None:
    (secret,) = of_type(lakeside.core, a.VAULT_SECRET)
    assert secret.inputs["vaultName"] == lakeside.core.outputs["keyVaultName"]
    assert is_secret(secret.inputs["properties"])


def test_health_data_services_run_as_their_workload_identities(practice: PracticeRun) -> None:
    identities = {key: r.id for key, r in a.identities(practice).items()}
    for type_token, workload in ((a.FHIR, "fhir"), (a.DICOM, "imaging")):
        for service in of_type(practice.core, type_token):
            assert service.inputs["identity"] == {
                "type": "UserAssigned",
                "userAssignedIdentities": [identities[workload]],
            }


def test_each_workload_runs_as_its_own_identity(practice: PracticeRun) -> None:
    identities = {key: r.id for key, r in a.identities(practice).items()}
    users = {
        "ehr": of_type(practice.core, a.VM),
        "telehealth": of_type(practice.core, a.WEB_APP),
        "ingest": of_type(practice.core, a.IOT_HUB),
    }
    for workload, resources in users.items():
        for resource in resources:
            assert resource.inputs["identity"]["userAssignedIdentities"] == [identities[workload]]
    # Azure Backup's service backs up the VMs: the vault keeps its own identity, with no role.
    (vault,) = of_type(practice.core, a.RECOVERY_VAULT)
    assert vault.inputs["identity"] == {"type": "SystemAssigned"}
    assert "backup" not in identities


def test_compliance_initiatives_and_defender_plans_are_on(practice: PracticeRun) -> None:
    assignments = of_type(practice.core, a.POLICY_ASSIGNMENT)
    assigned = {p.inputs["policyDefinitionId"].rsplit("/", 1)[-1]: p for p in assignments}
    assert set(assigned) == set(practice.plan.monitoring.policy_initiatives)
    assert HIPAA_HITRUST in assigned
    # HITRUST CSF v11.3 only audits: its assignment carries no identity to remediate with.
    if HITRUST_CSF in assigned:
        assert "identity" not in assigned[HITRUST_CSF].inputs
    assert assigned[HIPAA_HITRUST].inputs["identity"]["type"] == "SystemAssigned"
    assert all(p.inputs["enforcementMode"] == "Default" for p in assignments)
    pricings = of_type(practice.core, a.DEFENDER)
    assert {p.inputs["pricingName"] for p in pricings} == set(
        practice.plan.monitoring.defender_plans
    )
    assert {p.inputs["pricingTier"] for p in pricings} == {"Standard"}


def test_vaults_and_networks_send_diagnostics_to_log_analytics(practice: PracticeRun) -> None:
    ids = {r.urn: r.id for r in practice.core.resources}
    (workspace,) = of_type(practice.core, a.LOG_WORKSPACE)
    settings = of_type(practice.core, a.DIAGNOSTICS)
    assert {s.inputs["workspaceId"] for s in settings} == {ids[workspace.urn]}
    logged = {s.inputs["resourceUri"] for s in settings}
    must_log = [a.KEY_VAULT, a.RECOVERY_VAULT, a.VNET, a.NSG, a.VPN_GATEWAY, a.FIREWALL]
    for type_token in must_log:
        for resource in of_type(practice.core, type_token):
            assert ids[resource.urn] in logged, resource.name
    (activity,) = of_type(practice.core, a.ACTIVITY_LOG)
    assert activity.inputs["workspaceId"] == ids[workspace.urn]


def test_vnet_flow_logs_cover_the_hub(practice: PracticeRun) -> None:
    ids = {r.urn: r.id for r in practice.core.resources}
    (vnet,) = of_type(practice.core, a.VNET)
    (flow_log,) = of_type(practice.core, a.FLOW_LOG)
    assert flow_log.inputs["targetResourceId"] == ids[vnet.urn]
    assert flow_log.inputs["enabled"] is True
    analytics = flow_log.inputs["flowAnalyticsConfiguration"][
        "networkWatcherFlowAnalyticsConfiguration"
    ]
    assert analytics["enabled"] is True


def test_stateful_resources_are_protected(practice: PracticeRun) -> None:
    for resource in practice.core.resources:
        if resource.type in STATEFUL:
            assert resource.protect, resource.name


def test_role_assignments_are_least_privilege(practice: PracticeRun) -> None:
    forbidden = {ROLE_IDS.get(name) for name in load("roles")["forbidden"]["azure"]}
    owner_like = forbidden | {
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",  # Owner
        "b24988ac-6180-42a0-ab88-20f7382dd24c",  # Contributor
    }
    # Policy remediation identities run only their initiative's templates and hold exactly the
    # roles its policies declare (azure_platform.yaml policy_remediation), Contributor included.
    remediation = a.remediation_grants(practice)
    remediation_roles = {
        ROLE_IDS[role]
        for needs in PLATFORM["policy_remediation"]["initiatives"].values()
        for roles in needs.values()
        for role in roles
    }
    subscription = f"/subscriptions/{SUBSCRIPTION_ID}"
    groups = {p.group for p in practice.plan.identity.personas}
    assignments = of_type(practice.core, a.ROLE_ASSIGNMENT)
    assert assignments
    for assignment in assignments:
        inputs = assignment.inputs
        role = inputs["roleDefinitionId"].rsplit("/", 1)[-1]
        if assignment.urn in remediation:
            assert role in remediation_roles, assignment.name
        else:
            assert role not in owner_like, assignment.name
        assert inputs["scope"].rstrip("/") != subscription, assignment.name
        if inputs["principalType"] == "Group":
            assert inputs["principalId"] in groups


def test_workload_identities_get_data_roles_on_what_they_use(practice: PracticeRun) -> None:
    ids = {r.urn: r.id for r in practice.core.resources}
    principals = {r.outputs["principalId"]: key for key, r in a.identities(practice).items()}
    granted: dict[str, set[tuple[str, str]]] = defaultdict(set)
    remediation = a.remediation_grants(practice)
    for assignment in of_type(practice.core, a.ROLE_ASSIGNMENT):
        if assignment.urn in remediation:
            continue
        if assignment.inputs["principalType"] == "ServicePrincipal":
            role = assignment.inputs["roleDefinitionId"].rsplit("/", 1)[-1]
            granted[principals[assignment.inputs["principalId"]]].add(
                (role, assignment.inputs["scope"])
            )
    (vault,) = of_type(practice.core, a.KEY_VAULT)
    for workload in practice.plan.identity.workloads:
        for grant in workload.grants:
            if grant.scope == "key-vault":
                assert (ROLE_IDS[grant.role], ids[vault.urn]) in granted[workload.workload]
    planned = {w.workload for w in practice.plan.identity.workloads if w.grants}
    assert set(granted) == planned | {"flow-logs"}
    # The flow-log writer may write blobs in its own account and nowhere else.
    ((role, scope),) = granted["flow-logs"]
    assert role == ROLE_IDS["Storage Blob Data Contributor"]
    flow_archive = [
        r
        for r in of_type(practice.core, a.STORAGE_ACCOUNT)
        if r.inputs["accountName"].startswith("stflow")
    ]
    assert [ids[r.urn] for r in flow_archive] == [scope]


def test_the_core_keeps_within_the_hub_rules_the_capacity_rules_allow_it(
    practice: PracticeRun,
) -> None:
    # CAP-NSG-01 leaves limits.yaml's hub_rules_per_nsg of each NSG's 1,000 rules to the core.
    per_nsg: dict[object, int] = defaultdict(int)
    for rule in of_type(practice.core, a.RULE):
        per_nsg[rule.inputs["networkSecurityGroupName"]] += 1
    assert max(per_nsg.values()) <= load("limits")["azure"]["hub_rules_per_nsg"]


def test_the_weaker_suite_is_the_connections_ipsec_policy_and_leaves_the_core_alone(
    lakeside: PracticeRun,
) -> None:
    """`practice.vpn_crypto: aes256-sha256-dh14` in Azure's IpsecPolicy enums, as Microsoft
    Learn 'Configure custom IPsec/IKE connection policies' spells them (CBC carries its own
    SHA256 integrity; DH group 14 is DHGroup2048 in IKE and PFS2048 for PFS)."""
    profile = with_practice(lakeside.profile, vpn_crypto="aes256-sha256-dh14")
    plan, _ledger = build_plan(profile, lakeside.ledger)
    core_plan, site_plans = split_into_stacks(plan)
    assert core_plan == lakeside.core_plan
    site_plan = next(s for s in site_plans if s.site.vpn is not None)
    (connection,) = of_type(run_site(site_plan, lakeside.core), a.CONNECTION)
    assert connection.inputs["ipsecPolicies"] == [
        {
            "ikeEncryption": "AES256",
            "ikeIntegrity": "SHA256",
            "dhGroup": "DHGroup2048",
            "ipsecEncryption": "AES256",
            "ipsecIntegrity": "SHA256",
            "pfsGroup": "PFS2048",
            "saLifeTimeSeconds": 27000,
            "saDataSizeKilobytes": 102400000,
        }
    ]


@pytest.mark.parametrize("suite", list(load("vpn")["ipsec_suites"]))
def test_every_suite_is_in_azures_ipsec_policy_enums(suite: str) -> None:
    """Each catalog suite translates into values of the installed SDK's enums (the API's)."""
    from pulumi_azure_native import network

    policy = vpn.ipsec_policy("azure", suite).value
    names = load("azure_platform")["ipsec_names"]
    encryption = names["encryption"]
    assert encryption[policy.ike_encryption] in set(network.IkeEncryption)
    assert names["integrity"][policy.ike_integrity] in set(network.IkeIntegrity)
    assert names["dh_group"][policy.dh_group] in set(network.DhGroup)
    assert encryption[policy.ipsec_encryption] in set(network.IpsecEncryption)
    if policy.ipsec_integrity != "aead":
        assert names["integrity"][policy.ipsec_integrity] in set(network.IpsecIntegrity)
    assert names["pfs_group"][policy.pfs_group] in set(network.PfsGroup)
    hub = names["virtual_wan"]  # a Virtual WAN connection's own names for some groups
    assert set(hub["dh_group"].values()) <= set(network.DhGroup)
    assert set(hub["pfs_group"].values()) <= set(network.PfsGroup)


def test_a_site_with_its_own_suite_gets_it_on_its_connection_alone(lakeside: PracticeRun) -> None:
    site_ids = [s.site.id for s in lakeside.site_plans if s.site.vpn is not None]
    own, other = site_ids[0], site_ids[1]
    index = next(i for i, s in enumerate(lakeside.profile.sites) if s.id == own)
    sites = list(lakeside.profile.sites)
    sites[index] = dataclasses.replace(
        sites[index],
        connectivity=dataclasses.replace(
            sites[index].connectivity, vpn_crypto="aes256-sha256-dh14"
        ),
    )
    plan, _ledger = build_plan(
        dataclasses.replace(lakeside.profile, sites=tuple(sites)), lakeside.ledger
    )
    core_plan, site_plans = split_into_stacks(plan)
    assert core_plan == lakeside.core_plan
    by_id = {s.site.id: s for s in site_plans}
    assert by_id[other] == lakeside.site_plan(other)
    (connection,) = of_type(run_site(by_id[own], lakeside.core), a.CONNECTION)
    (policy,) = connection.inputs["ipsecPolicies"]
    assert (policy["ikeEncryption"], policy["dhGroup"], policy["pfsGroup"]) == (
        "AES256",
        "DHGroup2048",
        "PFS2048",
    )
