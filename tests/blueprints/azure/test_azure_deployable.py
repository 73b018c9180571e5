"""What Azure would reject on the first `pulumi up`, or accept and leave not working (issue 12):
each test names the constraint and where Azure documents it. Dependencies are read from what
the SDK sent the engine (`azure_runs.waits_for`)."""

from __future__ import annotations

from blueprints.azure import naming
from generator.catalog import load
from tests.blueprints.azure import azure_runs as a
from tests.blueprints.practice_runs import PracticeRun, of_type

PLATFORM = load("azure_platform")
ZONES = PLATFORM["availability_zones"]["zones"]


def _public_ip_of(run: PracticeRun, resource_inputs: dict[str, object]) -> dict[str, object]:
    """The inputs of the public IP the (first) IP configuration of a gateway points at."""
    (config, *_) = resource_inputs["ipConfigurations"]  # type: ignore[misc]
    by_id = {ip.id: ip.inputs for ip in of_type(run.core, a.PUBLIC_IP)}
    return by_id[config["publicIPAddress"]["id"]]


def test_az_sku_vpn_gateways_get_zone_redundant_public_ips(practice: PracticeRun) -> None:
    # VmssVpnGatewayPublicIpsMustHaveZonesConfigured: an *AZ SKU's Standard IP needs zones.
    for gateway in of_type(practice.core, a.VPN_GATEWAY):
        assert gateway.inputs["sku"]["name"].endswith("AZ")
        assert _public_ip_of(practice, gateway.inputs)["zones"] == ZONES


def test_the_firewall_and_its_public_ip_span_the_same_zones(practice: PracticeRun) -> None:
    for firewall in of_type(practice.core, a.FIREWALL):
        assert firewall.inputs["zones"] == ZONES
        assert _public_ip_of(practice, firewall.inputs)["zones"] == ZONES


def test_bastion_keeps_a_regional_public_ip(practice: PracticeRun) -> None:
    # Zone-redundant Bastion is a preview in listed regions; a zonal IP on a regional host is
    # not a documented combination, so both stay regional.
    for bastion in of_type(practice.core, a.BASTION):
        assert "zones" not in bastion.inputs
        assert "zones" not in _public_ip_of(practice, bastion.inputs)


def test_bastion_subnet_is_associated_only_after_the_rules_bastion_requires(
    practice: PracticeRun,
) -> None:
    # Azure validates the NSG's rules when it is associated with AzureBastionSubnet ('Working
    # with NSG access and Azure Bastion'); standalone rules must exist by then.
    bastion_name = load("cloud_subnets")["azure"]["bastion"]["cloud_name"]
    (subnet,) = [
        s for s in of_type(practice.core, a.SUBNET) if s.inputs["subnetName"] == bastion_name
    ]
    nsg = subnet.inputs["networkSecurityGroup"]["id"].rsplit("/", 1)[-1]
    required = {rule["name"] for rule in PLATFORM["bastion_rules"]["rules"]}
    rules = [
        r
        for r in of_type(practice.core, a.RULE)
        if r.inputs["networkSecurityGroupName"] == nsg and r.inputs["securityRuleName"] in required
    ]
    assert len(rules) == len(required)
    assert all(a.waits_for(subnet, rule) for rule in rules)


def test_iot_hub_enforces_tls_1_2_only_where_azure_accepts_it(practice: PracticeRun) -> None:
    # minTlsVersion 1.2 is accepted at creation only in the regions IoT Hub lists for it.
    facts = PLATFORM["device_ingest"]
    accepted = practice.plan.practice.region in facts["min_tls_regions"]
    for hub in of_type(practice.core, a.IOT_HUB):
        sent = hub.inputs["properties"].get("minTlsVersion")
        assert sent == (facts["min_tls"] if accepted else None)


def test_the_example_regions_get_a_tls_setting_azure_accepts(example_run: PracticeRun) -> None:
    expected = {"eastus": "1.2", "eastus2": None}[example_run.plan.practice.region]
    (hub,) = of_type(example_run.core, a.IOT_HUB)
    assert hub.inputs["properties"].get("minTlsVersion") == expected


def test_flow_logs_go_to_a_network_watcher_the_stack_creates_before_the_vnet(
    practice: PracticeRun,
) -> None:
    # Network Watcher is enabled automatically only when a VNet is created, and one watcher per
    # region and subscription exists; the stack makes it before the VNet, where Azure and the
    # HIPAA HITRUST initiative look for it (NetworkWatcherRG/NetworkWatcher_<region>).
    facts = PLATFORM["network_watcher"]
    watchers = of_type(practice.core, a.NETWORK_WATCHER)
    logs = of_type(practice.core, a.FLOW_LOG)
    assert len(watchers) == len(logs) == int(practice.plan.monitoring.flow_logs)
    for watcher, log in zip(watchers, logs, strict=True):
        region = practice.plan.practice.region
        assert watcher.inputs["networkWatcherName"] == f"{facts['name_prefix']}{region}"
        assert watcher.inputs["resourceGroupName"] == facts["resource_group"]
        (vnet,) = of_type(practice.core, a.VNET)
        assert a.waits_for(vnet, watcher)
        assert a.waits_for(log, watcher)


def test_flow_logs_wait_for_the_writer_identitys_role_grant(practice: PracticeRun) -> None:
    for log in of_type(practice.core, a.FLOW_LOG):
        (writer,) = [
            r
            for r in of_type(practice.core, a.ROLE_ASSIGNMENT)
            if r.inputs.get("principalId")
            == a.identities(practice)["flow-logs"].outputs["principalId"]
        ]
        assert a.waits_for(log, writer)


def _prefixes(rule: dict[str, object], side: str) -> set[str]:
    many = rule.get(f"{side}AddressPrefixes")
    return set(many) if isinstance(many, list) else {str(rule.get(f"{side}AddressPrefix"))}


def test_only_planned_cloud_to_site_flows_leave_the_hub(practice: PracticeRun) -> None:
    # AllowVnetOutBound (65000) admits everything to the sites (the VirtualNetwork tag holds
    # every range behind the VPN gateway): each hub NSG denies the private ranges outbound under
    # every outbound allow, after allowing the hub's own address space.
    floor, priorities = PLATFORM["outbound_floor"], PLATFORM["nsg_priorities"]
    (vnet,) = of_type(practice.core, a.VNET)
    hub = vnet.inputs["addressSpace"]["addressPrefixes"]
    by_nsg: dict[str, list[dict[str, object]]] = {}
    for rule in of_type(practice, a.RULE):
        if rule.inputs["direction"] == "Outbound":
            by_nsg.setdefault(str(rule.inputs["networkSecurityGroupName"]), []).append(rule.inputs)
    pid = practice.plan.practice.id
    exempt = {naming.scoped(naming.NETWORK, "nsg", pid, key) for key in floor["exempt"]}
    for nsg in of_type(practice.core, a.NSG):
        if nsg.inputs["networkSecurityGroupName"] in exempt:
            continue  # Application Gateway: checked with the WAF
        rules = by_nsg.get(nsg.inputs["networkSecurityGroupName"], [])
        (deny,) = [r for r in rules if r["access"] == "Deny"]
        assert deny["priority"] == priorities["deny_private_outbound"]
        assert _prefixes(deny, "destination") == set(floor["private_ranges"])
        assert all(r["priority"] < deny["priority"] for r in rules if r is not deny)  # type: ignore[operator]
        (own,) = [r for r in rules if _prefixes(r, "destination") == set(hub)]
        assert own["access"] == "Allow" and own["priority"] == priorities["hub_outbound"]


def test_fhir_and_dicom_exist_only_behind_the_workspace_private_endpoint(
    practice: PracticeRun,
) -> None:
    # publicNetworkAccess is read-only on Health Data Services workspaces, FHIR and DICOM
    # (healthcare-apis.json 2024-03-31, ResourcePublicNetworkAccess readOnly): an approved private
    # endpoint on the workspace disables public traffic, so the services wait for it.
    for workspace in of_type(practice.core, a.HEALTH_WORKSPACE):
        (endpoint,) = [
            e
            for e in of_type(practice.core, a.PRIVATE_ENDPOINT)
            if e.inputs["privateLinkServiceConnections"][0]["privateLinkServiceId"] == workspace.id
        ]
        assert "manualPrivateLinkServiceConnections" not in endpoint.inputs  # approved at once
        for service in of_type(practice.core, a.FHIR) + of_type(practice.core, a.DICOM):
            assert "publicNetworkAccess" not in service.inputs.get("properties", {})
            assert a.waits_for(service, endpoint)


def test_policy_identities_hold_the_roles_their_remediations_need(practice: PracticeRun) -> None:
    # 'Remediate non-compliant resources with Azure Policy': outside the portal the roles the
    # deployIfNotExists and modify members declare are granted by hand, at the narrowest scope.
    ids = PLATFORM["role_definitions"]["ids"]
    remediation = PLATFORM["policy_remediation"]["initiatives"]
    groups = {g.outputs["name"]: g.id for g in of_type(practice.core, a.RESOURCE_GROUP)}
    scopes = {
        "network-watcher": [groups.get(PLATFORM["network_watcher"]["resource_group"])],
        "virtual-machines": [groups.get(naming.resource_group(practice.plan.practice.id, "ehr"))],
    }
    for assignment in of_type(practice.core, a.POLICY_ASSIGNMENT):
        initiative = assignment.inputs["policyDefinitionId"].rsplit("/", 1)[-1]
        grants = [
            r for r in of_type(practice.core, a.ROLE_ASSIGNMENT) if a.waits_for(r, assignment)
        ]
        expected = {
            (ids[role], scope)
            for kind, roles in remediation.get(initiative, {}).items()
            for role in roles
            for scope in scopes[kind]
            if scope is not None
        }
        # An audit-only initiative (HITRUST CSF v11.3) remediates nothing: no identity, no role.
        assert bool(expected) is ("identity" in assignment.inputs)
        assert {
            (r.inputs["roleDefinitionId"].rsplit("/", 1)[-1], r.inputs["scope"]) for r in grants
        } == expected


def _app(run: PracticeRun) -> dict[str, object]:
    (app,) = of_type(run.core, a.WEB_APP)
    return app.inputs


def _subnet_id(run: PracticeRun, key: str) -> str:
    name = load("cloud_subnets")["azure"][key]["cloud_name"]
    (subnet,) = [s for s in of_type(run.core, a.SUBNET) if s.inputs["subnetName"] == name]
    return subnet.id


def test_telehealth_runs_the_plans_container_image(practice: PracticeRun) -> None:
    tele = practice.plan.workloads.telehealth
    assert tele is not None
    (service_plan,) = of_type(practice.core, a.APP_SERVICE_PLAN)
    assert service_plan.inputs["reserved"] is True and service_plan.inputs["kind"] == "linux"
    config = _app(practice)["siteConfig"]
    assert config["linuxFxVersion"] == f"DOCKER|{tele.image}"  # type: ignore[index]


def test_images_from_azure_container_registry_are_pulled_as_the_telehealth_identity(
    example_run: PracticeRun,
) -> None:
    tele = example_run.plan.workloads.telehealth
    assert tele is not None
    config = _app(example_run)["siteConfig"]
    acr = tele.image.split("/")[0].endswith(PLATFORM["telehealth"]["acr_login_suffix"])
    assert acr == (example_run.name == "lakeside")  # lakesideacr.azurecr.io; maple: ghcr.io
    client_id = a.identities(example_run)["telehealth"].outputs["clientId"]
    assert config.get("acrUseManagedIdentityCreds") is (True if acr else None)  # type: ignore[union-attr]
    assert config.get("acrUserManagedIdentityID") == (client_id if acr else None)  # type: ignore[union-attr]


def test_telehealth_egress_is_not_routed_into_a_subnet_without_egress(
    practice: PracticeRun,
) -> None:
    # The telehealth subnet has no route to the internet (no firewall route, no default
    # outbound access): all traffic through it would cut patients' media and signalling off.
    app = _app(practice)
    assert app["outboundVnetRouting"] == {"allTraffic": False}
    assert "vnetRouteAllEnabled" not in app["siteConfig"]  # type: ignore[operator]


def test_a_waf_guards_telehealth_when_the_plan_asks_and_is_its_only_way_in(
    practice: PracticeRun,
) -> None:
    tele = practice.plan.workloads.telehealth
    assert tele is not None
    facts = PLATFORM["application_gateway"]
    gateways = of_type(practice.core, a.APP_GATEWAY)
    config = _app(practice)["siteConfig"]
    assert len(gateways) == int(tele.waf)
    if not tele.waf:
        assert "ipSecurityRestrictions" not in config  # type: ignore[operator]
        return
    (gateway,) = gateways
    (policy,) = of_type(practice.core, a.WAF_POLICY)
    inputs = gateway.inputs
    assert inputs["sku"] == {"name": "WAF_v2", "tier": "WAF_v2"}
    assert inputs["firewallPolicy"]["id"] == policy.id
    assert policy.inputs["policySettings"]["mode"] == "Prevention"
    assert policy.inputs["managedRules"]["managedRuleSets"] == [
        {"ruleSetType": facts["rule_set_type"], "ruleSetVersion": facts["rule_set_version"]}
    ]
    gateway_subnet = _subnet_id(practice, "appgw")
    assert inputs["gatewayIPConfigurations"][0]["subnet"]["id"] == gateway_subnet
    assert gateway_subnet != _subnet_id(practice, "telehealth")
    (listener,) = inputs["httpListeners"]
    assert listener["protocol"] == "Https" and inputs["frontendPorts"][0]["port"] == 443
    assert inputs["sslPolicy"]["policyName"] == facts["ssl_policy"]
    assert inputs["zones"] == ZONES and _public_ip_of_frontend(practice, inputs)["zones"] == ZONES
    assert config["ipSecurityRestrictions"] == [  # type: ignore[index]
        {
            "action": "Allow",
            "name": "application-gateway",
            "priority": facts["access_restriction_priority"],
            "vnetSubnetResourceId": gateway_subnet,
        }
    ]
    assert config["ipSecurityRestrictionsDefaultAction"] == "Deny"  # type: ignore[index]
    assert config["scmIpSecurityRestrictionsDefaultAction"] == "Deny"  # type: ignore[index]
    (subnet,) = [s for s in of_type(practice.core, a.SUBNET) if s.id == gateway_subnet]
    assert subnet.inputs["serviceEndpoints"] == [{"service": "Microsoft.Web"}]


def _public_ip_of_frontend(run: PracticeRun, inputs: dict[str, object]) -> dict[str, object]:
    (frontend,) = inputs["frontendIPConfigurations"]  # type: ignore[misc]
    by_id = {ip.id: ip.inputs for ip in of_type(run.core, a.PUBLIC_IP)}
    return by_id[frontend["publicIPAddress"]["id"]]


def test_the_waf_subnet_has_the_rules_application_gateway_needs(practice: PracticeRun) -> None:
    # GatewayManager 65200-65535 and AzureLoadBalancer inbound, no outbound deny.
    if not of_type(practice.core, a.APP_GATEWAY):
        return
    name = load("cloud_subnets")["azure"]["appgw"]["cloud_name"]
    (subnet,) = [s for s in of_type(practice.core, a.SUBNET) if s.inputs["subnetName"] == name]
    nsg = subnet.inputs["networkSecurityGroup"]["id"].rsplit("/", 1)[-1]
    rules = [
        r.inputs for r in of_type(practice, a.RULE) if r.inputs["networkSecurityGroupName"] == nsg
    ]
    names = {r["securityRuleName"] for r in rules}
    assert {r["name"] for r in PLATFORM["application_gateway"]["nsg_rules"]} <= names
    assert not [r for r in rules if r["direction"] == "Outbound" and r["access"] == "Deny"]
    assert "defaultOutboundAccess" not in subnet.inputs
