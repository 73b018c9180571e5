"""Issue 15's largest Azure practice: 500 sites like the lakeside example's first (five flows
into 'apps' each, 196 of them filled that NSG when every site's flows were rules of its own).
On a Virtual WAN hub every site is pooled: it validates, plans within Azure's 1,000 rules per
NSG, and the core and two of its 500 site stacks run under mocks here (all of them run in
benchmarks/scale_bench.py)."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import pytest
import yaml

from generator.catalog import load
from generator.checks import CheckContext
from generator.checks.deployability import evaluate_deployability
from generator.ipam import Ledger
from generator.plan.model import Plan, split_into_stacks
from generator.preview.runner import run_core, run_site
from generator.profile import load_profile
from generator.profile.loader import read_document
from generator.sizing import build_plan
from tests.blueprints.practice_runs import of_type
from tests.paths import ROOT

SITES = 500
RULE = "azure-native:network:SecurityRule"


def _lakeside_grown(directory: Path, pool: str = "10.64.0.0/12") -> Path:
    """lakeside-health with `SITES` copies of its first site, as scale_bench.py grows it."""
    source = ROOT / "examples" / "lakeside-health.yaml"
    document = read_document(source, str(source))
    template = document["sites"][0]
    document["practice"]["address_pool"] = pool
    document["sites"] = []
    for number in range(1, SITES + 1):
        site = copy.deepcopy(template)
        site.update(id=f"site-{number:03d}", name=f"Clinic {number}")
        site["connectivity"] = {
            "bandwidth_mbps": 100,
            "vpn_peer_ip": f"198.51.{100 + number // 250}.{number % 250 + 1}",
        }
        document["sites"].append(site)
    path = directory / "lakeside-500.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, Ledger]:
    return build_plan(load_profile(_lakeside_grown(tmp_path_factory.mktemp("lakeside"))))


def test_500_lakeside_sites_are_pooled_within_the_rules_an_nsg_holds(
    planned: tuple[Plan, Ledger],
) -> None:
    plan, ledger = planned
    assert plan.vpn is not None and plan.vpn.virtual_wan is not None
    assert len(plan.sites) == SITES and all(site.pooled for site in ledger.sites)
    first = {flow.id for flow in plan.flows if flow.site == "site-001"}
    assert {flow.id for flow in plan.core.pool_flows} == first
    site_ends = Counter(
        flow.destination if flow.direction == "site-to-cloud" else flow.source
        for flow in plan.core.pool_flows
    )
    assert site_ends["apps"] == 5
    limits = load("limits")["azure"]
    assert max(site_ends.values()) + limits["hub_rules_per_nsg"] <= limits["nsg_rules_per_nsg"]


def test_the_core_and_two_site_stacks_run_and_pass_every_deployability_rule(
    planned: tuple[Plan, Ledger],
) -> None:
    plan, _ledger = planned
    core_plan, site_plans = split_into_stacks(plan)
    core = run_core(core_plan)
    sites = [run_site(site, core) for site in (site_plans[0], site_plans[-1])]
    pool_rules = [r for r in of_type(core, RULE) if "pooled_sites" in r.inputs["securityRuleName"]]
    assert len(pool_rules) == len(plan.core.pool_flows)
    for run in sites:
        assert of_type(run, RULE) == []
        assert of_type(run, "azure-native:network:VpnSite")
    resources = [r for run in (core, *sites) for r in run.resources]
    reads = [read for run in (core, *sites) for read in run.reads]
    report = evaluate_deployability(resources, CheckContext.from_core_plan(core_plan), reads)
    assert [f.rule for f in report.findings if f.status == "fail"] == []


def test_validate_names_the_address_pool_500_sites_segment_pools_need(run_cli, tmp_path):
    narrow = _lakeside_grown(tmp_path, "10.64.0.0/14")
    result = run_cli("validate", narrow)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{narrow}: practice.address_pool: address pool 10.64.0.0/14 has no ")
    assert "segment pool" in line
    assert "need at least a /12 here (10.64.0.0/12 holds them)" in line
    assert run_cli("validate", _lakeside_grown(tmp_path)).exit_code == 0
