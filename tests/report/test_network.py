"""The network view both diagrams draw: read from the plan alone, so these run without a
preview."""

from __future__ import annotations

from dataclasses import replace

from generator.cost import estimate_cost
from generator.plan.model import Plan
from generator.preview.sources import stacks_from_plan
from generator.report.network import SITES_PER_FIGURE, network_view
from generator.report.svg import diagrams
from generator.sizing import build_plan
from tests.sizing.profiles import make_profile, make_site


def _offices(count: int) -> Plan:
    sites = (make_site(f"s{i:03d}", workstations=4, phones=2) for i in range(count))
    plan, _ = build_plan(make_profile(*sites, cloud="azure"))
    return plan


def test_a_virtual_wan_practice_draws_its_hub_and_pages_every_site() -> None:
    view = network_view(_offices(101), ())
    assert view.gateway is not None
    assert view.gateway.startswith("Virtual WAN hub ")
    assert view.gateway.endswith(": 101 tunnels from 101 sites")
    pages = view.pages()
    assert [len(page) for page in pages] == [SITES_PER_FIGURE] * 8 + [5]
    assert len(diagrams(view)) == 1 + len(pages)


def test_the_flow_matrix_has_a_cell_per_allowed_pair_and_nothing_else() -> None:
    view = network_view(_offices(2), ())
    segments, subnets, cells = view.matrix()
    assert set(segments) == {kind.name for kind in view.segment_kinds}
    assert {pair for pair in cells} == {(flow.segment, flow.subnet) for flow in view.flows}
    assert all(pair[1] in subnets for pair in cells)
    assert all(
        cell.startswith(("-> ", "<- "))
        and all(part[:3] in ("-> ", "<- ") for part in cell.split("; "))
        for cell in cells.values()
    )


def test_stacks_rebuild_the_plan_they_were_cut_from_and_price_the_same() -> None:
    plan = _offices(3)
    rebuilt = stacks_from_plan(plan, (), "offices").plan()
    # Stack files record no decisions, and each stack only its own platform sections.
    assert rebuilt.decisions == ()
    assert replace(rebuilt, decisions=plan.decisions, platform=plan.platform) == plan
    assert estimate_cost(rebuilt) == estimate_cost(plan)
