"""Site stacks of every GCP practice: what each adds, that it reads the core stack's outputs
through a StackReference, that its tunnels and rules equal the plan, and that its pre-shared
key is generated in the program and never leaves Pulumi's secret handling."""

from __future__ import annotations

import dataclasses
import ipaddress
import json
from collections import Counter

from blueprints.gcp import outputs
from generator.catalog import load
from generator.plan.model import split_into_stacks
from generator.preview.runner import run_core, run_site
from generator.render.stack_config import VPN_PRE_SHARED_KEY_OUTPUT, vpn_psk_secret_name
from generator.sizing import build_plan
from tests.blueprints.gcp import gcp_runs as g
from tests.blueprints.gcp.gcp_runs import practice_run
from tests.blueprints.practice_runs import (
    PASSWORD,
    PracticeRun,
    is_secret,
    run_practice,
    with_practice,
)

CIPHERS = load("gcp_controls")["vpn"]


def test_site_inventory_matches_the_plan(practice: PracticeRun) -> None:
    for site_plan in practice.site_plans:
        run = practice.sites[site_plan.site.id]
        vpn = site_plan.site.vpn
        tunnels = len(vpn.bgp_sessions) if vpn else 0
        counted = Counter(r.type for r in run.resources if r.custom)
        assert counted == +Counter(
            {
                # One rule per flow, then the deny of all other egress to the site.
                g.FIREWALL: len(site_plan.flows) + 1,
                PASSWORD: 1 if vpn else 0,
                g.SECRET: 1 if vpn else 0,
                g.SECRET_VERSION: 1 if vpn else 0,
                g.EXTERNAL_GATEWAY: 1 if vpn else 0,
                g.TUNNEL: tunnels,
                g.ROUTER_INTERFACE: tunnels,
                g.ROUTER_PEER: tunnels,
            }
        )
        assert tunnels in (0, 2)  # HA VPN: two tunnels per site for the 99.99% SLA


def test_sites_read_the_core_through_a_stack_reference(practice: PracticeRun) -> None:
    # The mocks resolve only `organization/clinicgen/<core stack>` to the core run's outputs:
    # these values arriving proves the reference names the right stack.
    core = practice.core.outputs
    for site_plan in practice.site_plans:
        run = practice.sites[site_plan.site.id]
        for rule in run.of_type(g.FIREWALL):
            assert rule.inputs["network"] == core[outputs.NETWORK]
        router = site_plan.site.vpn.router if site_plan.site.vpn else None
        for tunnel in run.of_type(g.TUNNEL):
            assert router is not None
            assert tunnel.inputs["vpnGateway"] == core[outputs.VPN_GATEWAYS][router.region]
            assert tunnel.inputs["router"] == core[outputs.ROUTERS][str(router.slot)]
        for resource in run.of_type(g.ROUTER_INTERFACE) + run.of_type(g.ROUTER_PEER):
            assert router is not None
            assert resource.inputs["router"] == core[outputs.ROUTER_NAMES][str(router.slot)]


def test_tunnels_and_bgp_sessions_equal_the_plan(practice: PracticeRun) -> None:
    for site_plan in practice.site_plans:
        vpn = site_plan.site.vpn
        if vpn is None:
            continue
        run = practice.sites[site_plan.site.id]
        (peer_gateway,) = run.of_type(g.EXTERNAL_GATEWAY)
        assert peer_gateway.inputs["interfaces"] == [{"id": 0, "ipAddress": vpn.peer_ip}]
        tunnels = sorted(run.of_type(g.TUNNEL), key=lambda t: t.inputs["vpnGatewayInterface"])
        interfaces = {r.inputs["vpnTunnel"]: r.inputs for r in run.of_type(g.ROUTER_INTERFACE)}
        peers = {r.inputs["interface"]: r.inputs for r in run.of_type(g.ROUTER_PEER)}
        for session, tunnel in zip(vpn.bgp_sessions, tunnels, strict=True):
            assert tunnel.inputs["vpnGatewayInterface"] == session.tunnel
            assert tunnel.inputs["peerExternalGateway"] == peer_gateway.outputs["selfLink"]
            interface = interfaces[tunnel.inputs["name"]]
            assert interface["ipRange"] == f"{session.cloud_address}/{session.prefix_length}"
            peer = peers[interface["name"]]
            assert (peer["ipAddress"], peer["peerIpAddress"], peer["peerAsn"]) == (
                session.cloud_address,
                session.site_address,
                vpn.site_asn,
            )


def test_tunnels_offer_only_the_plans_strong_ciphers(practice: PracticeRun) -> None:
    for site_plan in practice.site_plans:
        ipsec = site_plan.ipsec
        for tunnel in practice.sites[site_plan.site.id].of_type(g.TUNNEL):
            assert tunnel.inputs["ikeVersion"] == 2
            suite = tunnel.inputs["cipherSuite"]
            assert suite["phase1"]["encryptions"] == [CIPHERS["encryption"][ipsec.ike_encryption]]
            assert suite["phase1"]["dhs"] == [CIPHERS["dh_group"][ipsec.dh_group]]
            assert suite["phase2"]["encryptions"] == [CIPHERS["encryption"][ipsec.ipsec_encryption]]
            assert suite["phase2"]["pfs"] == [CIPHERS["pfs_group"][ipsec.pfs_group]]


def test_the_weaker_suite_is_each_tunnels_cipher_suite_in_cloud_vpns_names() -> None:
    """`practice.vpn_crypto: aes256-sha256-dh14` as Cloud VPN names its ciphers (Google Cloud
    'Supported IKE ciphers'): CBC needs its integrity algorithm, GCM would carry none."""
    harbor = practice_run("harbor")
    profile = with_practice(harbor.profile, vpn_crypto="aes256-sha256-dh14")
    plan, _ledger = build_plan(profile, harbor.ledger)
    core_plan, site_plans = split_into_stacks(plan)
    assert core_plan == harbor.core_plan
    site_plan = next(s for s in site_plans if s.site.vpn is not None)
    tunnels = run_site(site_plan, harbor.core).of_type(g.TUNNEL)
    assert tunnels
    for tunnel in tunnels:
        assert tunnel.inputs["ikeVersion"] == 2
        assert tunnel.inputs["cipherSuite"] == {
            "phase1": {
                "encryptions": ["AES-CBC-256"],
                "integrities": ["HMAC-SHA2-256-128"],
                "prves": ["PRF-HMAC-SHA2-256"],
                "dhs": ["Group-14"],
            },
            "phase2": {
                "encryptions": ["AES-CBC-256"],
                "integrities": ["HMAC-SHA2-256-128"],
                "pfs": ["Group-14"],
            },
        }


def test_pre_shared_key_is_generated_and_only_ever_a_secret(practice: PracticeRun) -> None:
    for site_plan in practice.site_plans:
        run = practice.sites[site_plan.site.id]
        if site_plan.site.vpn is None:
            continue
        (password,) = run.of_type(PASSWORD)
        assert password.inputs["length"] >= 32
        assert password.inputs["special"] is False
        (secret,) = run.of_type(g.SECRET)
        assert secret.inputs["secretId"] == vpn_psk_secret_name(site_plan.site.id)
        assert secret.inputs["replication"]["userManaged"]["replicas"] == [
            {"location": site_plan.practice.region}
        ]
        # The stored key and both tunnels' key are the generated password, sent as secrets.
        generated = password.outputs["result"]
        (version,) = run.of_type(g.SECRET_VERSION)
        assert version.inputs["secret"] == secret.id
        shared = [version.inputs["secretData"]]
        shared += [tunnel.inputs["sharedSecret"] for tunnel in run.of_type(g.TUNNEL)]
        for value in shared:
            assert is_secret(value) and value["value"] == generated
        # The stack file holds no key material; the stack exports it only as a secret, for
        # the installer (the handoff sheet reads it).
        stored = json.dumps(run.config)
        assert "clinicgen:plan" in run.config
        assert "sharedSecret" not in stored and "<secret>" not in stored
        assert set(run.outputs) == {VPN_PRE_SHARED_KEY_OUTPUT, outputs.VPN_GATEWAY_ADDRESSES}
        assert is_secret(run.outputs[VPN_PRE_SHARED_KEY_OUTPUT])
        # Beside it, in the clear, the addresses of the gateway the site's tunnels end on.
        router = site_plan.site.vpn.router
        assert router is not None
        core_addresses = practice.core.outputs[outputs.VPN_GATEWAY_ADDRESSES]
        assert run.outputs[outputs.VPN_GATEWAY_ADDRESSES] == core_addresses[router.region]


def test_site_rules_are_standalone_with_the_ledgers_priorities(practice: PracticeRun) -> None:
    priorities = []
    for site_plan in practice.site_plans:
        rules = {
            r.name.removeprefix(f"{practice.plan.practice.id}-site-{site_plan.site.id}-"): r.inputs
            for r in practice.sites[site_plan.site.id].of_type(g.FIREWALL)
            if r.inputs.get("allows")
        }
        assert set(rules) == {flow.id for flow in site_plan.flows}
        for flow in site_plan.flows:
            rule = rules[flow.id]
            assert rule["priority"] == flow.priority
            assert (
                rule["direction"]
                == {"site-to-cloud": "INGRESS", "cloud-to-site": "EGRESS"}[flow.direction]
            )
            assert rule["sourceRanges"] == list(flow.source_cidrs)
            assert rule["destinationRanges"] == list(flow.destination_cidrs)
            assert rule["allows"] == [
                {"protocol": flow.protocol, "ports": [str(p) for p in flow.ports]}
            ]
            priorities.append(flow.priority)
        base = site_plan.site.priority_base
        assert all(base <= flow.priority for flow in site_plan.flows)
    assert len(priorities) == len(set(priorities))  # no two sites share a priority


def test_guest_wifi_never_reaches_the_cloud(practice: PracticeRun) -> None:
    for site_plan in practice.site_plans:
        guests = [
            ipaddress.ip_network(s.cidr) for s in site_plan.site.segments if s.name == "guest"
        ]
        allows = [
            r
            for r in practice.sites[site_plan.site.id].of_type(g.FIREWALL)
            if r.inputs.get("allows")
        ]
        for rule in allows:
            for cidr in rule.inputs["sourceRanges"] + rule.inputs["destinationRanges"]:
                assert not any(ipaddress.ip_network(cidr).overlaps(guest) for guest in guests)
            assert "0.0.0.0/0" not in rule.inputs["sourceRanges"]


def test_site_stacks_hold_only_their_own_resources(practice: PracticeRun) -> None:
    core_names = {str(r.inputs["name"]) for r in practice.core.resources if r.inputs.get("name")}
    seen: set[str] = set()
    for site_id, run in practice.sites.items():
        (component,) = [r for r in run.resources if not r.custom]
        assert component.type == "clinicgen:gcp:SiteConnectivity"
        for resource in run.resources:
            if resource.custom:
                assert resource.parent == component.urn
                assert resource.name.startswith(f"{practice.plan.practice.id}-site-{site_id}-")
        names = {str(r.inputs["name"]) for r in run.resources if r.inputs.get("name")}
        assert not names & seen and not names & core_names
        seen |= names


def test_a_site_on_a_dr_region_router_tunnels_there_and_the_vpc_routes_globally() -> None:
    # A ledger that put harbor's second site on slot 5, the DR region's first Cloud Router
    # (what a practice past 320 two-tunnel sites gets, VPN-RTR-01): built without 321 sites.
    harbor = g.example("harbor")
    _plan, ledger = build_plan(harbor)
    moved_id = harbor.sites[1].id
    moved = dataclasses.replace(ledger.site(moved_id), router=5)  # type: ignore[arg-type]
    ledger = dataclasses.replace(
        ledger, sites=tuple(moved if s.id == moved_id else s for s in ledger.sites)
    )
    practice = run_practice("harbor-overflow", harbor, ledger)
    dr_region = harbor.practice.dr_region
    assert practice.ledger.site(moved_id).router == 5  # type: ignore[union-attr]
    (vpc,) = practice.core.of_type(g.NETWORK)
    assert vpc.inputs["routingMode"] == "GLOBAL"
    routers = {r.inputs["region"]: r for r in practice.core.of_type(g.ROUTER)}
    assert set(routers) == {harbor.practice.region, dr_region}
    gateways = {gw.inputs["region"] for gw in practice.core.of_type(g.HA_VPN)}
    assert gateways == {harbor.practice.region, dr_region}
    site = practice.sites[moved_id]
    core = practice.core.outputs
    for tunnel in site.of_type(g.TUNNEL):
        assert tunnel.inputs["region"] == dr_region
        assert tunnel.inputs["vpnGateway"] == core[outputs.VPN_GATEWAYS][dr_region]
        assert tunnel.inputs["router"] == core[outputs.ROUTERS]["5"]
    for resource in site.of_type(g.ROUTER_INTERFACE) + site.of_type(g.ROUTER_PEER):
        assert resource.inputs["region"] == dr_region
        assert resource.inputs["router"] == core[outputs.ROUTER_NAMES]["5"]


def test_stack_files_from_before_cloud_router_slots_deploy_the_same_resources() -> None:
    # Stack files written before VPN-RTR-01..03 carry no routers, slots or routing mode;
    # `clinicgen diff OLD_STACKS NEW` runs today's program over them: nothing may move.
    today = g.practice_run("harbor")
    plan = today.plan
    assert plan.vpn is not None
    before = dataclasses.replace(
        plan,
        core=dataclasses.replace(plan.core, routing_mode=None),
        vpn=dataclasses.replace(plan.vpn, routers=()),
        sites=tuple(
            dataclasses.replace(s, vpn=dataclasses.replace(s.vpn, router=None)) if s.vpn else s
            for s in plan.sites
        ),
    )
    core_plan, site_plans = split_into_stacks(before)
    core = run_core(core_plan)
    assert {r.urn: r.inputs for r in core.resources} == {
        r.urn: r.inputs for r in today.core.resources
    }
    for site_plan in site_plans:
        run = run_site(site_plan, core)
        assert {r.urn: r.inputs for r in run.resources} == {
            r.urn: r.inputs for r in today.sites[site_plan.site.id].resources
        }
