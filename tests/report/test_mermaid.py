"""The Markdown report's Mermaid block, read by Mermaid's own parser (tests/report/
mermaid_parse.mjs): it parses for every example, for 50 sites and for a hostile site name,
and what Mermaid reads as labels is the text the report meant, markup included as text."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from generator.profile import load_profile
from generator.render.templating import visible_text
from generator.report.mermaid import flowchart
from generator.report.network import NetworkView, network_view
from generator.sizing import build_plan
from tests.paths import DATA, EXAMPLES
from tests.report.conftest import HOSTILE, hostile_profile
from tests.report.tools import HERE, node


def _view(profile: Path) -> NetworkView:
    plan, _ = build_plan(load_profile(profile))
    return network_view(plan, (("FHIR store", "yes"),))


def _parsed(views: list[NetworkView], directory: Path) -> list[dict]:
    files = []
    for index, view in enumerate(views):
        path = directory / f"diagram-{index}.mmd"
        path.write_text(flowchart(view), encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(
        [node(), str(HERE / "mermaid_parse.mjs"), *files],
        capture_output=True,
        text=True,
        cwd=HERE,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_mermaid_parses_every_diagram_and_reads_the_hostile_name_as_text(tmp_path: Path) -> None:
    profiles = [*EXAMPLES, DATA / "fifty-sites.yaml", hostile_profile(tmp_path)]
    views = [_view(profile) for profile in profiles]
    parsed = _parsed(views, tmp_path)
    assert len(parsed) == len(views)
    for view, diagram in zip(views, parsed, strict=True):
        assert diagram["diagramType"] == "flowchart-v2"
        # A node per segment kind and per hub subnet, the gateway, and the two groups (an
        # edge joins them to the gateway); an edge per flow and those two.
        segments = {f"seg{index}" for index in range(len(view.segment_kinds))}
        subnets = {f"net{index}" for index in range(len(view.subnets))}
        expected = segments | subnets | {"vpn", "sites", "hub"}
        assert {node["id"] for node in diagram["nodes"]} == expected
        assert len(diagram["edges"]) == len(view.flows) + 2
        assert {s["id"] for s in diagram["subgraphs"]} == {"sites", "hub"}
    sites = next(s for s in parsed[-1]["subgraphs"] if s["id"] == "sites")
    assert sites["title"] == f"Sites (2): {visible_text(HOSTILE)}, Community Care Hub"
