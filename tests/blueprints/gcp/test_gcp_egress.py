"""Internet egress reaches the internet only (issue 12, finding 10): an instance's HTTPS to a
site device or another hub subnet meets a deny before the internet allow, unless a planned
cloud-to-site flow allows it. Evaluated as Google Cloud does: the smallest priority number
wins, and a deny wins over an allow of equal priority (Terraform google_compute_firewall,
`priority`)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from tests.blueprints.gcp import gcp_runs as g
from tests.blueprints.practice_runs import PracticeRun

HTTPS = 443


def _matches(rule: dict[str, Any], address: str, port: int) -> bool:
    host = ipaddress.ip_address(address)
    if not any(host in ipaddress.ip_network(r) for r in rule.get("destinationRanges") or ()):
        return False
    for entry in rule.get("allows") or rule.get("denies") or ():
        ports = entry.get("ports")
        if entry["protocol"] in ("all", "tcp") and (not ports or str(port) in ports):
            return True
    return False


def first_egress_match(rules: Iterable[dict[str, Any]], address: str, port: int) -> str:
    """`allow` or `deny`: what Google Cloud does with TCP `port` from an instance to `address`."""
    egress = [r for r in rules if r["direction"] == "EGRESS" and _matches(r, address, port)]
    egress.sort(key=lambda r: (r["priority"], 0 if r.get("denies") else 1))
    return "deny" if not egress or egress[0].get("denies") else "allow"


def test_https_egress_never_reaches_a_site_without_a_flow(practice: PracticeRun) -> None:
    for site in practice.plan.sites:
        rules = [
            r.inputs
            for r in [
                *practice.core.of_type(g.FIREWALL),
                *practice.sites[site.id].of_type(g.FIREWALL),
            ]
        ]
        allowed = {
            cidr
            for flow in practice.plan.flows
            if flow.site == site.id and flow.direction == "cloud-to-site"
            if not flow.ports or HTTPS in flow.ports
            for cidr in flow.destination_cidrs
        }
        for segment in site.segments:
            if segment.cidr in allowed:
                continue
            assert first_egress_match(rules, segment.gateway, HTTPS) == "deny", (
                site.id,
                segment.name,
            )
        for cidr in site.onprem_ranges:
            host = str(next(ipaddress.ip_network(cidr).hosts()))
            assert first_egress_match(rules, host, HTTPS) == "deny", (site.id, cidr)


def test_https_egress_never_reaches_another_hub_subnet(practice: PracticeRun) -> None:
    rules = [r.inputs for r in practice.core.of_type(g.FIREWALL)]
    for subnet in practice.plan.core.subnets:
        host = str(next(ipaddress.ip_network(subnet.cidr).hosts()))
        assert first_egress_match(rules, host, HTTPS) == "deny", subnet.name


def test_https_egress_still_reaches_the_internet(practice: PracticeRun) -> None:
    rules = [r.inputs for r in practice.core.of_type(g.FIREWALL)]
    assert first_egress_match(rules, "151.101.0.1", HTTPS) == "allow"


def test_every_site_stack_denies_other_egress_to_its_ranges(practice: PracticeRun) -> None:
    for site in practice.plan.sites:
        (deny,) = [
            r.inputs for r in practice.sites[site.id].of_type(g.FIREWALL) if r.inputs.get("denies")
        ]
        assert deny["direction"] == "EGRESS"
        assert deny["destinationRanges"] == [site.block, *site.onprem_ranges]
        flows = [f.priority for f in practice.plan.flows if f.site == site.id]
        assert all(priority < deny["priority"] < 65000 for priority in flows)
