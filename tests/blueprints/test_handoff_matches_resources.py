"""Every value the handoff sheet gives the installer equals the input of the resource that
deploys it: the sheet is read back as an installer would read it, table by table, and each
setting is compared with the site stack's (and the core stack's) registered resources."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from generator.plan.model import SitePlan
from generator.preview.harness import RegisteredResource
from generator.render.handoff import render_handoff
from generator.render.stack_config import vpn_psk_secret_name
from tests.blueprints.practice_runs import PracticeRun, cached_run, is_secret, load_example

AZURE_LNG = "azure-native:network:LocalNetworkGateway"
AZURE_CONNECTION = "azure-native:network:VirtualNetworkGatewayConnection"
AZURE_GATEWAY = "azure-native:network:VirtualNetworkGateway"
AZURE_SECRET = "azure-native:keyvault:Secret"
AZURE_RULE = "azure-native:network:SecurityRule"
GCP_PEER = "gcp:compute/externalVpnGateway:ExternalVpnGateway"
GCP_TUNNEL = "gcp:compute/vPNTunnel:VPNTunnel"
GCP_INTERFACE = "gcp:compute/routerInterface:RouterInterface"
GCP_BGP_PEER = "gcp:compute/routerPeer:RouterPeer"
GCP_ROUTER = "gcp:compute/router:Router"
GCP_SECRET = "gcp:secretmanager/secret:Secret"


def sheet_tables(text: str) -> dict[str, list[list[str]]]:
    """Each `##`/`###` section's table rows (header and rule lines dropped), cells unquoted."""
    tables: dict[str, list[list[str]]] = {}
    section = ""
    for line in text.splitlines():
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        elif line.startswith("|") and not line.startswith("|---") and not line.startswith("|--"):
            cells = [cell.strip().strip("`") for cell in line.strip("|").split("|")]
            tables.setdefault(section, []).append(cells)
    return {name: rows[1:] for name, rows in tables.items()}


def settings(text: str) -> dict[str, str]:
    return {row[0]: row[1] for row in sheet_tables(text)["VPN"]}


def site_prefixes(text: str) -> list[str]:
    (line,) = [line for line in text.splitlines() if line.startswith("- From the site:")]
    return re.findall(r"`([^`]+)`", line)


def one(resources: list[RegisteredResource], type_: str) -> RegisteredResource:
    (match,) = [r for r in resources if r.type == type_]
    return match


def lakeside(name: str) -> PracticeRun:
    return cached_run(name, lambda _name: load_example("lakeside-health.yaml"))


def harbor(name: str) -> PracticeRun:
    return cached_run(name, lambda _name: load_example("harbor-behavioral.yaml"))


PRACTICES: dict[str, Callable[[str], PracticeRun]] = {
    "lakeside": lakeside,
    "harbor": harbor,
}


def vpn_sites(run: PracticeRun) -> list[SitePlan]:
    return [site for site in run.plan.sites if site.vpn is not None]


def test_the_azure_example_has_a_static_and_a_bgp_site() -> None:
    routings = {site.vpn.routing for site in vpn_sites(lakeside("lakeside")) if site.vpn}
    assert routings == {"static", "bgp"}


@pytest.mark.parametrize("practice", ["lakeside"])
def test_azure_sheet_values_are_the_deployed_inputs(practice: str) -> None:
    run = PRACTICES[practice](practice)
    for site in vpn_sites(run):
        assert site.vpn is not None
        text = render_handoff(run.plan, site)
        values = settings(text)
        resources = run.sites[site.id].resources
        local = one(resources, AZURE_LNG).inputs
        connection = one(resources, AZURE_CONNECTION).inputs
        gateway = one(run.core.resources, AZURE_GATEWAY).inputs
        assert values["Site VPN device (peer) public address"] == local["gatewayIpAddress"]
        assert values["Routing"] == ("bgp" if connection["enableBgp"] else "static")
        if values["Routing"] == "bgp":
            assert int(values["Site BGP ASN"]) == int(local["bgpSettings"]["asn"])
            assert values["Site BGP peer address"] == local["bgpSettings"]["bgpPeeringAddress"]
            assert int(values["Cloud BGP ASN"]) == int(gateway["bgpSettings"]["asn"])
            assert local["localNetworkAddressSpace"]["addressPrefixes"] == [
                values["Site BGP peer address"] + "/32"
            ]
            assert "Site BGP ASN" in values and "Tunnels and BGP sessions" not in text
        else:
            assert "bgpSettings" not in local
            assert "Site BGP ASN" not in values
            assert local["localNetworkAddressSpace"]["addressPrefixes"] == site_prefixes(text)
        ipsec_names = run.site_plan(site.id).platform.section("ipsec_names")
        ike = {row[0]: row[1] for row in sheet_tables(text)["IKE and IPsec"]}
        policy = connection["ipsecPolicies"][0]
        assert connection["connectionProtocol"] == ike["IKE version"]
        assert policy["ikeEncryption"] == ipsec_names["encryption"][ike["IKE (phase 1) encryption"]]
        assert (
            policy["ikeIntegrity"] == ipsec_names["integrity"][ike["IKE (phase 1) integrity / PRF"]]
        )
        assert (
            policy["dhGroup"] == ipsec_names["dh_group"][ike["Diffie-Hellman group"].split(" (")[0]]
        )
        assert policy["pfsGroup"] == ipsec_names["pfs_group"][ike["PFS group"].split(" (")[0]]
        assert (
            policy["ipsecEncryption"]
            == ipsec_names["encryption"][ike["IPsec (phase 2) encryption"]]
        )
        assert f"{int(policy['saLifeTimeSeconds'])} seconds" == ike["SA lifetime"]
        assert f"{int(policy['saDataSizeKilobytes'])} KB" == ike["SA data size"]
        secret = one(resources, AZURE_SECRET).inputs
        assert f"`{secret['secretName']}`" in text
        assert secret["secretName"] == vpn_psk_secret_name(site.id)


def test_azure_sheet_flows_are_the_deployed_rules() -> None:
    run = lakeside("lakeside")
    for site in run.plan.sites:
        rows = sheet_tables(render_handoff(run.plan, site))["Allowed flows"]
        rules = {
            r.inputs["securityRuleName"].removeprefix(f"{site.id}-"): r.inputs
            for r in run.sites[site.id].resources
            if r.type == AZURE_RULE
        }
        assert {row[0] for row in rows} == set(rules)
        for row in rows:
            ports = row[3].split(" ", 1)[1]
            assert ports == ", ".join(rules[row[0]]["destinationPortRanges"])
            sources = rules[row[0]].get("sourceAddressPrefixes") or [
                rules[row[0]]["sourceAddressPrefix"]
            ]
            assert all(source in row[1] for source in sources)


def test_gcp_sheet_values_are_the_deployed_inputs() -> None:
    run = harbor("harbor")
    (router,) = [r for r in run.core.resources if r.type == GCP_ROUTER]
    for site in vpn_sites(run):
        assert site.vpn is not None
        text = render_handoff(run.plan, site)
        values = settings(text)
        resources = run.sites[site.id].resources
        peer = one(resources, GCP_PEER).inputs
        assert values["Site VPN device (peer) public address"] == peer["interfaces"][0]["ipAddress"]
        assert values["Routing"] == "bgp"
        assert int(values["Cloud BGP ASN"]) == int(router.inputs["bgp"]["asn"])
        sessions = sheet_tables(text)["Tunnels and BGP sessions"]
        interfaces = {r.name: r.inputs for r in resources if r.type == GCP_INTERFACE}
        bgp_peers = {r.name: r.inputs for r in resources if r.type == GCP_BGP_PEER}
        tunnels = [r for r in resources if r.type == GCP_TUNNEL]
        assert len(sessions) == len(interfaces) == len(bgp_peers) == len(tunnels)
        component = f"{run.plan.practice.id}-site-{site.id}"
        for tunnel, cloud, site_address, length in sessions:
            interface = interfaces[f"{component}-tunnel-{tunnel}-interface"]
            bgp_peer = bgp_peers[f"{component}-tunnel-{tunnel}-peer"]
            assert interface["ipRange"] == f"{cloud}{length}"
            assert bgp_peer["peerIpAddress"] == site_address
            assert int(bgp_peer["peerAsn"]) == int(values["Site BGP ASN"])
        ike_version = sheet_tables(text)["IKE and IPsec"][0][1]
        for tunnel in (r.inputs for r in resources if r.type == GCP_TUNNEL):
            assert f"IKEv{int(tunnel['ikeVersion'])}" == ike_version
        secret = one(resources, GCP_SECRET).inputs
        assert f"`{secret['secretId']}`" in text


def psk_command(text: str) -> tuple[str, str]:
    """The output name and stack of the sheet's `pulumi stack output` command for the key."""
    section = text.split("### Pre-shared key", 1)[1]
    match = re.search(r"^pulumi stack output (\S+) --show-secrets -s (\S+)$", section, re.M)
    assert match, "the sheet reads the key with pulumi stack output --show-secrets"
    return match.group(1), match.group(2)


@pytest.mark.parametrize("practice", ["lakeside", "harbor"])
def test_the_sheet_reads_the_key_from_a_secret_output_of_the_site_stack(practice: str) -> None:
    run = PRACTICES[practice](practice)
    for site in vpn_sites(run):
        output, stack = psk_command(render_handoff(run.plan, site))
        site_run = run.sites[site.id]
        assert stack == site_run.stack
        assert output in site_run.outputs, f"{stack} exports no {output}"
        assert is_secret(site_run.outputs[output])
