"""Flow rules: which flows of the matrix are allowed at each site; everything else is denied.

Source: docs/architecture.md#segmentation (default deny; allowed flows are data) and
catalog/flows.yaml (each flow with its ports and source).
"""

from __future__ import annotations

from typing import Any

from generator.catalog import load
from generator.plan.model import Decision, Flow
from generator.sizing.sized import Sized
from generator.wording import counted

SITE_TO_CLOUD = "site-to-cloud"
HOSTED_EHR = "hosted-ehr"


def flow_matrix() -> dict[str, Any]:
    return dict(load("flows")["flows"])


def site_flow_ids(
    site_id: str, segments: set[str], subnets: set[str], *, hosted_ehr: bool = False
) -> Sized[tuple[str, ...]]:
    """FLOW-MTX-01: a matrix flow is allowed at a site when both its ends exist there (and,
    for a flow `when: hosted-ehr`, when the plan hosts the EHR).

    Source: HHS 405(d) HICP practice 6 (Network Management: segmentation with a default-deny
    ruleset); clinicgen's flow matrix, docs/architecture.md#segmentation (default deny between
    every pair; allowed flows are data); catalog/flows.yaml. Guest has no flow: it never
    crosses the VPN.
    """
    allowed = []
    matrix = flow_matrix()
    for flow_id, entry in matrix.items():
        if entry.get("when") == HOSTED_EHR and not hosted_ehr:
            continue
        site_end, cloud_end = (
            (entry["from"], entry["to"])
            if entry["direction"] == SITE_TO_CLOUD
            else (entry["to"], entry["from"])
        )
        if site_end in segments and cloud_end in subnets:
            allowed.append(flow_id)
    listed = "; ".join(
        f"{flow_id} {matrix[flow_id]['protocol']} {' '.join(map(str, matrix[flow_id]['ports']))}"
        for flow_id in allowed
    )
    reason = (
        f"{site_id}: {counted(len(allowed), 'flow')} allowed where both ends exist "
        f"({listed or 'none'}); "
        "every other pair denied, guest never crosses the VPN"
    )
    value = ", ".join(allowed) or "none"
    return Sized(tuple(allowed), Decision("FLOW-MTX-01", f"flows.{site_id}", value, reason))


def site_flows(
    site_id: str,
    flow_ids: tuple[str, ...],
    segment_cidrs: dict[str, str],
    subnet_cidrs: dict[str, str],
    priorities: dict[str, int],
) -> tuple[Flow, ...]:
    """The allowed flows at one site with their ranges and ledger-pinned priorities."""
    flows = []
    matrix = flow_matrix()
    for flow_id in flow_ids:
        entry = matrix[flow_id]
        outbound = entry["direction"] == SITE_TO_CLOUD
        source_cidrs = segment_cidrs if outbound else subnet_cidrs
        destination_cidrs = subnet_cidrs if outbound else segment_cidrs
        flows.append(
            Flow(
                id=flow_id,
                site=site_id,
                source=entry["from"],
                destination=entry["to"],
                protocol=entry["protocol"],
                ports=tuple(int(port) for port in entry["ports"]),
                direction=entry["direction"],
                source_cidrs=(source_cidrs[entry["from"]],),
                destination_cidrs=(destination_cidrs[entry["to"]],),
                priority=priorities[flow_id],
                reason=entry["reason"],
            )
        )
    return tuple(flows)
