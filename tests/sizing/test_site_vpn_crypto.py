"""A site whose VPN device cannot do the practice's IPsec suite names its own
(`sites[].connectivity.vpn_crypto`): only that site's tunnels, stack and handoff sheet change."""

from __future__ import annotations

import dataclasses

from generator.plan.codec import dumps, loads
from generator.plan.model import Plan, site_ipsec, split_into_stacks
from generator.preview.sources import stacks_from_plan
from generator.render.handoff import render_handoff
from generator.sizing import build_plan, vpn
from tests.sizing.profiles import make_profile, make_site


def _with_own_suite(cloud: str) -> tuple[Plan, Plan]:
    """A two-site practice as is, and with its annex on the weaker suite."""
    main = make_site("main", workstations=20, phones=10)
    annex = make_site("annex", workstations=4, phones=2)
    annex = dataclasses.replace(
        annex, connectivity=dataclasses.replace(annex.connectivity, vpn_peer_ip="198.51.100.7")
    )
    before, ledger = build_plan(make_profile(main, annex, cloud=cloud))
    weaker = dataclasses.replace(
        annex,
        connectivity=dataclasses.replace(annex.connectivity, vpn_crypto="aes256-sha256-dh14"),
    )
    after, _ = build_plan(make_profile(main, weaker, cloud=cloud), ledger)
    return before, after


def test_only_the_site_that_names_a_suite_changes_and_its_plan_round_trips() -> None:
    for cloud in ("azure", "gcp"):
        before, after = _with_own_suite(cloud)
        weaker = vpn.ipsec_policy(cloud, "aes256-sha256-dh14").value
        assert after.ipsec == before.ipsec == vpn.ipsec_policy(cloud, None).value
        assert after.site("annex").vpn.ipsec == weaker
        assert site_ipsec(after.site("annex"), after.ipsec) == weaker
        assert site_ipsec(after.site("main"), after.ipsec) == after.ipsec
        core_before, sites_before = split_into_stacks(before)
        core_after, sites_after = split_into_stacks(after)
        assert core_after == core_before
        assert sites_after[0] == sites_before[0]  # main's stack file is the same
        assert sites_after[1] != sites_before[1]
        assert loads(Plan, dumps(after)) == after
        rebuilt = stacks_from_plan(after, (), "test").plan()
        assert dataclasses.replace(rebuilt, decisions=after.decisions, platform=after.platform) == (
            after
        )
        (decision,) = [d for d in after.decisions if d.rule == "VPN-IPS-02"]
        assert decision.subject == "sites.annex.vpn.ipsec"


def test_the_sites_handoff_sheet_configures_its_own_suite() -> None:
    _before, after = _with_own_suite("gcp")
    annex = render_handoff(after, after.site("annex"))
    main = render_handoff(after, after.site("main"))
    assert "| Diffie-Hellman group | modp-2048 (IKE group 14) |" in annex
    assert "| IPsec (phase 2) integrity | sha-256 |" in annex
    assert "| Diffie-Hellman group | ecp-384 (IKE group 20) |" in main
