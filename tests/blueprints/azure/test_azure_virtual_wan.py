"""A practice past one VNet gateway's 100 tunnels (issue 15): a Standard Virtual WAN hub in the
core stack, a VPN site and a standalone connection per site stack. The core and two of its 101
site stacks run under mocks (all of them run in benchmarks/scale_bench.py)."""

from __future__ import annotations

import dataclasses

import pytest

from generator.checks import CheckContext
from generator.checks.deployability import evaluate_deployability
from generator.plan.model import split_into_stacks
from generator.preview.harness import RegisteredResource, StackRun
from generator.preview.runner import run_core, run_site
from generator.sizing import build_plan, vpn
from tests.blueprints.practice_runs import is_secret, of_type
from tests.sizing.profiles import make_profile, make_site

NET = "azure-native:network"
SITES = 101


@pytest.fixture(scope="module")
def runs() -> tuple[object, StackRun, list[StackRun]]:
    profile = make_profile(
        *(make_site(f"s{i:03d}", vpn=True, workstations=4, phones=2) for i in range(SITES)),
        cloud="azure",
    )
    plan, ledger = build_plan(profile)
    core_plan, site_plans = split_into_stacks(plan)
    core = run_core(core_plan)
    sites = [run_site(site, core) for site in (site_plans[0], site_plans[-1])]
    return (plan, ledger), core, sites


def _one(run: StackRun, kind: str) -> RegisteredResource:
    (found,) = of_type(run, f"{NET}:{kind}")
    return found


def test_the_core_builds_a_virtual_wan_hub_instead_of_a_vnet_gateway(runs) -> None:
    (plan, ledger), core, _sites = runs
    assert of_type(core, f"{NET}:VirtualNetworkGateway") == []
    wan = _one(core, "VirtualWan")
    assert wan.inputs["type"] == "Standard"
    assert wan.inputs["allowBranchToBranchTraffic"] is False
    hub = _one(core, "VirtualHub")
    assert hub.inputs["addressPrefix"] == ledger.core.virtual_hub == "10.64.4.0/23"
    assert hub.inputs["virtualWan"]["id"] == wan.id
    gateway = _one(core, "VpnGateway")
    assert gateway.inputs["virtualHub"]["id"] == hub.id
    assert gateway.inputs["vpnGatewayScaleUnit"] == plan.vpn.virtual_wan.scale_units
    assert "connections" not in gateway.inputs
    joined = _one(core, "HubVirtualNetworkConnection")
    assert joined.inputs["remoteVirtualNetwork"]["id"] == _one(core, "VirtualNetwork").id
    default = f"{hub.id}/hubRouteTables/defaultRouteTable"
    assert joined.inputs["routingConfiguration"]["associatedRouteTable"]["id"] == default


def test_each_site_stack_holds_its_vpn_site_and_connection_on_the_hub_gateway(runs) -> None:
    (plan, _ledger), core, sites = runs
    gateway, wan, hub = (_one(core, k) for k in ("VpnGateway", "VirtualWan", "VirtualHub"))
    for run in sites:
        assert of_type(run, f"{NET}:LocalNetworkGateway") == []
        vpn_site, connection = _one(run, "VpnSite"), _one(run, "VpnConnection")
        site_id = vpn_site.inputs["vpnSiteName"].rsplit("-", 1)[-1]
        site = plan.site(site_id)
        assert site.vpn is not None
        (link,) = vpn_site.inputs["vpnSiteLinks"]
        assert link["ipAddress"] == site.vpn.peer_ip
        assert link["linkProperties"]["linkSpeedInMbps"] == site.vpn.bandwidth_mbps
        assert vpn_site.inputs["virtualWan"]["id"] == wan.id
        assert vpn_site.inputs["addressSpace"]["addressPrefixes"] == list(site.vpn.local_prefixes)
        assert connection.inputs["gatewayName"] == gateway.inputs["gatewayName"]
        assert connection.inputs["remoteVpnSite"]["id"] == vpn_site.id
        # The pre-shared key inside makes the whole list travel as a secret.
        links = connection.inputs["vpnLinkConnections"]
        assert is_secret(links)
        (link_connection,) = links["value"]
        assert link_connection["sharedKey"] == "<secret>"  # the generated password
        assert link_connection["vpnSiteLink"]["id"] == f"{vpn_site.id}/vpnSiteLinks/primary"
        assert link_connection["vpnConnectionProtocolType"] == "IKEv2"
        (policy,) = link_connection["ipsecPolicies"]
        assert (policy["ipsecEncryption"], policy["dhGroup"]) == ("GCMAES256", "ECP384")
        routing = connection.inputs["routingConfiguration"]
        assert routing["associatedRouteTable"]["id"] == f"{hub.id}/hubRouteTables/defaultRouteTable"


def test_the_pooled_sites_flows_are_the_cores_rules_with_the_pools_as_site_end(runs) -> None:
    (plan, ledger), core, sites = runs
    pools = {pool.name: pool.cidr for pool in ledger.core.segment_pools}
    assert {pool.name: pool.cidr for pool in plan.core.segment_pools} == pools
    rules = {
        r.inputs["securityRuleName"]: r.inputs
        for r in of_type(core, f"{NET}:SecurityRule")
        if "pooled_sites" in r.inputs["securityRuleName"]
    }
    priorities = {f.flow: f.priority for f in ledger.core.pool_flows}
    flows = {flow.id for flow in plan.flows}
    assert flows and {name.split("-", 1)[1] for name in rules} == flows
    clinical = rules["pooled_sites-clinical-to-apps"]
    assert clinical["sourceAddressPrefix"] == pools["clinical"]
    assert clinical["destinationAddressPrefix"] == plan.core.subnet("apps").cidr
    assert (clinical["direction"], clinical["priority"]) == (
        "Inbound",
        priorities["clinical-to-apps"],
    )
    snmp = rules["pooled_sites-shared-to-management-snmp"]
    assert snmp["direction"] == "Outbound"
    assert snmp["destinationAddressPrefix"] == pools["management"]
    # One rule per flow whatever the number of sites, and none in any site's stack.
    assert len(rules) == len(plan.core.pool_flows) < SITES
    for run in sites:
        assert of_type(run, f"{NET}:SecurityRule") == []


def test_a_virtual_wan_connection_carries_the_weaker_suite_when_the_profile_picks_it(runs) -> None:
    """The hub's VpnConnection names MODP group 14 as its custom-policy table does, DHGroup14
    and PFS14, where a VNet gateway connection says DHGroup2048 and PFS2048 (Microsoft Learn
    'Virtual WAN: site-to-site IPsec policies', custom policies)."""
    (plan, _ledger), core, _sites = runs
    _core, site_plans = split_into_stacks(plan)
    weaker = vpn.ipsec_policy("azure", "aes256-sha256-dh14").value
    run = run_site(dataclasses.replace(site_plans[0], ipsec=weaker), core)
    (link_connection,) = _one(run, "VpnConnection").inputs["vpnLinkConnections"]["value"]
    (policy,) = link_connection["ipsecPolicies"]
    assert {key: policy[key] for key in ("ikeEncryption", "ikeIntegrity", "dhGroup")} == {
        "ikeEncryption": "AES256",
        "ikeIntegrity": "SHA256",
        "dhGroup": "DHGroup14",
    }
    assert (policy["ipsecEncryption"], policy["ipsecIntegrity"], policy["pfsGroup"]) == (
        "AES256",
        "SHA256",
        "PFS14",
    )


def test_the_virtual_wan_practice_passes_every_deployability_rule(runs) -> None:
    (plan, _ledger), core, sites = runs
    core_plan, _ = split_into_stacks(plan)
    resources = [r for run in (core, *sites) for r in run.resources]
    reads = [read for run in (core, *sites) for read in run.reads]
    report = evaluate_deployability(resources, CheckContext.from_core_plan(core_plan), reads)
    assert [f.rule for f in report.findings if f.status == "fail"] == []
