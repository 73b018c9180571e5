"""The site handoff sheet: VLANs, VPN settings and flows for the installer, never the key."""

from __future__ import annotations

from pathlib import Path

from generator.catalog import load
from generator.ipam import load_ledger
from generator.pipeline import generate_stacks
from generator.profile import load_profile
from generator.sizing import build_plan
from tests.paths import ROOT

TITLES = {name: entry["title"] for name, entry in load("segments")["segments"].items()}


def test_handoff_sheet_has_vlans_vpn_and_flows_but_no_key(tmp_path: Path) -> None:
    example = ROOT / "examples" / "lakeside-health.yaml"
    generate_stacks(example, tmp_path)
    plan, _ = build_plan(load_profile(example), load_ledger(tmp_path / "lakeside.ledger.yaml"))
    site = plan.site("downtown")
    sheet = (tmp_path / "handoff" / "lakeside-site-downtown.md").read_text()
    assert "# Site handoff: Downtown Medical Center\n" in sheet
    for segment in site.segments:
        assert f"| {segment.vlan} | " in sheet
        assert f"`{segment.cidr}` | `{segment.gateway}` | `{segment.dhcp_start}` to " in sheet
    assert site.vpn is not None
    assert f"`{site.vpn.peer_ip}`" in sheet
    assert "pulumi stack output vpnGatewayAddresses -s lakeside-core" in sheet
    assert f"| IKE version | {plan.ipsec.ike_version} |" in sheet
    for prefix in site.vpn.local_prefixes:
        assert f"`{prefix}`" in sheet
    guest = [s for s in site.segments if not s.crosses_vpn]
    assert all(s.cidr not in site.vpn.local_prefixes for s in guest)
    # From the site stack's state: the key vault admits no public network access.
    assert "pulumi stack output vpnPreSharedKey --show-secrets -s lakeside-site-downtown" in sheet
    assert "az keyvault" not in sheet
    assert "pulumi config" not in sheet
    for flow in (f for f in plan.flows if f.site == "downtown"):
        assert f"| {flow.id} | " in sheet.replace("\\-", "-")


def test_handoff_names_every_segment_that_never_enters_the_tunnel(tmp_path: Path) -> None:
    example = ROOT / "examples" / "lakeside-health.yaml"
    generate_stacks(example, tmp_path)
    plan, _ = build_plan(load_profile(example), load_ledger(tmp_path / "lakeside.ledger.yaml"))
    downtown = plan.site("downtown").segments
    vendor = next(s for s in downtown if s.name == "vendor-access")
    sheet = (tmp_path / "handoff" / "lakeside-site-downtown.md").read_text()
    (line,) = [x for x in sheet.splitlines() if x.startswith("- Never in the tunnel")]
    assert line == (
        "- Never in the tunnel, internet only from the site: "
        + ", ".join(f"{TITLES[s.name]} `{s.cidr}`" for s in downtown if not s.crosses_vpn)
        + "."
    )
    assert f"Vendor remote access `{vendor.cidr}`" in line
    billing = (tmp_path / "handoff" / "lakeside-site-billing.md").read_text()
    assert "Never in the tunnel" not in billing and "Guest" not in billing


def test_voice_vlan_section_states_sip_and_rtp_to_the_provider(tmp_path: Path) -> None:
    example = ROOT / "examples" / "lakeside-health.yaml"
    generate_stacks(example, tmp_path)
    plan, _ = build_plan(load_profile(example), load_ledger(tmp_path / "lakeside.ledger.yaml"))
    for site in plan.sites:
        sheet = (tmp_path / "handoff" / f"lakeside-site-{site.id}.md").read_text()
        voice = next((s for s in site.segments if s.name == "voice"), None)
        heading = "### Voice VLAN 50: to the internet from the site\n"
        if voice is None:
            assert heading not in sheet
            continue
        section = sheet.split(heading)[1].split("\n\n#")[0]
        assert f"the site's firewall lets `{voice.cidr}` reach" in section
        rows = [line.split(" | ")[:3] for line in section.splitlines() if line.startswith("| ")]
        assert rows[1:] == [
            ["| SIP signalling", "UDP and TCP", "5060"],
            ["| SIP over TLS", "TCP", "5061"],
            ["| RTP and RTCP media", "UDP", "the range the voice provider documents"],
        ]
        assert section.count("RFC 3261 section 18.1.1") == 2
