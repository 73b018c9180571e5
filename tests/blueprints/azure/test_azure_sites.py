"""Site stacks: what each holds, that it builds on the core stack's outputs, and that adding a
site to a practice changes nothing in the core stack or in any other site's stack."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from blueprints.azure import outputs
from blueprints.azure.stacks import private_endpoint_services
from generator.plan.model import CoreStackPlan, SiteStackPlan
from generator.preview.harness import StackRun
from tests.blueprints.azure import azure_runs as a
from tests.blueprints.practice_runs import PASSWORD, PracticeRun, of_type

COMPONENT = "clinicgen:azure:SiteConnectivity"


def expected_site_inventory(site_plan: SiteStackPlan) -> Counter[str]:
    vpn = int(site_plan.site.vpn is not None)
    return Counter(
        {
            COMPONENT: 1,
            a.LOCAL_GATEWAY: vpn,
            PASSWORD: vpn,
            a.VAULT_SECRET: vpn,
            a.SECRET_ROTATION: vpn,
            a.CONNECTION: vpn,
            a.RULE: len(site_plan.flows),
        }
    )


def test_site_inventory_is_the_sites_vpn_and_its_flow_rules(practice: PracticeRun) -> None:
    for site_plan in practice.site_plans:
        run = practice.sites[site_plan.site.id]
        assert Counter(r.type for r in run.resources) == +expected_site_inventory(site_plan)
        (component,) = [r for r in run.resources if r.type == COMPONENT]
        assert {r.parent for r in run.resources if r.custom} == {component.urn}


def test_site_rules_are_the_plans_flows_on_the_cores_nsgs(practice: PracticeRun) -> None:
    nsg_names = practice.core.outputs[outputs.NSG_NAMES]
    network_group = practice.core.outputs[outputs.NETWORK_RESOURCE_GROUP]
    for site_plan in practice.site_plans:
        site_id = site_plan.site.id
        rules = {
            r.inputs["securityRuleName"]: r.inputs for r in of_type(practice.sites[site_id], a.RULE)
        }
        assert set(rules) == {f"{site_id}-{flow.id}" for flow in site_plan.flows}
        for flow in site_plan.flows:
            rule = rules[f"{site_id}-{flow.id}"]
            inbound = flow.direction == "site-to-cloud"
            cloud_subnet = flow.destination if inbound else flow.source
            assert rule["networkSecurityGroupName"] == nsg_names[cloud_subnet]
            assert rule["resourceGroupName"] == network_group
            assert rule["direction"] == ("Inbound" if inbound else "Outbound")
            assert rule["priority"] == flow.priority
            assert rule["access"] == "Allow"
            assert set(rule["destinationPortRanges"]) == {str(p) for p in flow.ports}
            sources = rule.get("sourceAddressPrefixes") or [rule["sourceAddressPrefix"]]
            targets = rule.get("destinationAddressPrefixes") or [rule["destinationAddressPrefix"]]
            assert sources == list(flow.source_cidrs)
            assert targets == list(flow.destination_cidrs)
            assert site_plan.site.priority_base <= flow.priority


def test_sites_connect_to_the_core_gateway_and_vault(practice: PracticeRun) -> None:
    for site_plan in practice.site_plans:
        run = practice.sites[site_plan.site.id]
        for connection in of_type(run, a.CONNECTION):
            assert connection.inputs["virtualNetworkGateway1"] == {
                "id": practice.core.outputs[outputs.VPN_GATEWAY_ID]
            }
            (local,) = of_type(run, a.LOCAL_GATEWAY)
            assert connection.inputs["localNetworkGateway2"] == {"id": local.id}
        for secret in of_type(run, a.VAULT_SECRET):
            assert (
                secret.inputs["resourceGroupName"]
                == (practice.core.outputs[outputs.KEY_VAULT_RESOURCE_GROUP])
            )


def _same(before: StackRun, after: StackRun) -> None:
    assert a.by_urn(after) == a.by_urn(before)
    assert after.outputs == before.outputs


def test_adding_a_small_site_changes_nothing_in_the_core_stack(
    grown_quietly: tuple[PracticeRun, PracticeRun],
) -> None:
    before, after = grown_quietly
    assert "annex" in after.sites and of_type(after.sites["annex"], a.CONNECTION)
    _same(before.core, after.core)
    for site_id, run in before.sites.items():
        _same(run, after.sites[site_id])


# What each core component is built from. A site that moves a practice-wide size (EHR servers
# from total staff, the firewall tier from site count) changes the plan there, and only there.
PLAN_INPUTS: dict[str, Callable[[CoreStackPlan], object]] = {
    "clinicgen:azure:Monitoring": lambda p: p.monitoring,
    "clinicgen:azure:CoreNetwork": lambda p: (
        p.core,
        p.vpn.sku if p.vpn else None,
        private_endpoint_services(p.workloads),
    ),
    "clinicgen:azure:Identity": lambda p: p.identity.workloads,
    "clinicgen:azure:Backup": lambda p: p.backup,
    "clinicgen:azure:HealthData": lambda p: (p.workloads.fhir, p.workloads.imaging, p.backup),
    "clinicgen:azure:AppServers": lambda p: p.workloads.ehr,
    "clinicgen:azure:Telehealth": lambda p: (p.workloads.telehealth, p.backup),
    "clinicgen:azure:DeviceIngest": lambda p: p.workloads.ingest,
    "clinicgen:azure:Compliance": lambda p: (p.monitoring, p.backup.redundancy),
    "clinicgen:azure:AccessGrants": lambda p: (p.identity, p.workloads),
}


def _component_of(run: StackRun) -> dict[str, str]:
    """Each resource's top-level component type, by URN."""
    types = {r.urn: r.type for r in run.resources}
    parents = {r.urn: r.parent for r in run.resources}

    def top(urn: str) -> str:
        while parents[urn] in types:
            urn = parents[urn]
        return types[urn]

    return {urn: top(urn) for urn in types}


def test_adding_a_site_moves_the_core_only_where_its_plan_moves(
    grown: tuple[PracticeRun, PracticeRun],
) -> None:
    before, after = grown
    old, new = a.by_urn(before.core), a.by_urn(after.core)
    components = _component_of(before.core) | _component_of(after.core)
    moved = {urn for urn in old.keys() | new.keys() if old.get(urn) != new.get(urn)}
    assert moved, "the example's added site should move some practice-wide size"
    for urn in moved:
        component = components[urn]
        inputs_of = PLAN_INPUTS[component]
        assert inputs_of(before.core_plan) != inputs_of(after.core_plan), urn
    assert after.core.outputs == before.core.outputs


def test_adding_a_site_changes_nothing_in_other_site_stacks(
    grown: tuple[PracticeRun, PracticeRun],
) -> None:
    before, after = grown
    added = (set(after.sites) - set(before.sites)).pop()
    assert set(after.sites) == set(before.sites) | {added}
    for site_id, run in before.sites.items():
        _same(run, after.sites[site_id])
    assert of_type(after.sites[added], a.CONNECTION) and of_type(after.sites[added], a.RULE)


def test_every_key_vault_secret_expires_a_rotation_period_after_it_is_created() -> None:
    from tests.blueprints.azure.azure_runs import practice_run

    run = practice_run("lakeside")
    days = run.plan.platform.section("key_vault_secrets")["rotation_days"]
    secrets = [r for r in run.all_resources() if r.type == a.VAULT_SECRET]
    assert secrets
    for secret in secrets:
        properties = secret.inputs["properties"]
        properties = properties.get("value", properties)  # the whole input is marked secret
        # The preview creates the rotation at the Unix epoch: the expiry is the period itself.
        assert properties["attributes"] == {"enabled": True, "expires": days * 86400}
