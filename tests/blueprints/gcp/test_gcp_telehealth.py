"""Patients reach the telehealth front end (issue 12, finding 14, Google Cloud): Cloud Run runs
the plan's image, anyone may invoke it (the application authenticates patients), only private
destinations leave through the VPC, and above the WAF threshold (WL-TEL-01) only an external
HTTPS load balancer with Cloud Armor's OWASP rules reaches it, on the practice's domain."""

from __future__ import annotations

from typing import Any

import pytest

from blueprints.gcp import outputs
from tests.blueprints.gcp import gcp_runs as g
from tests.blueprints.gcp.gcp_runs import practice_run
from tests.blueprints.practice_runs import PracticeRun


@pytest.fixture(scope="module", params=["harbor", "harbor-small-telehealth"])
def telehealth_run(request: pytest.FixtureRequest) -> PracticeRun:
    """With a WAF (harbor: 35 peak sessions) and without one (10)."""
    return practice_run(request.param)


def service(run: PracticeRun) -> dict[str, Any]:
    (cloud_run,) = run.core.of_type(g.CLOUD_RUN)
    return cloud_run.inputs


def only(run: PracticeRun, type_token: str) -> dict[str, Any]:
    (resource,) = run.core.of_type(type_token)
    return resource.inputs


def test_cloud_run_runs_the_plans_image(telehealth_run: PracticeRun) -> None:
    plan = telehealth_run.plan.workloads.telehealth
    assert plan is not None
    (container,) = service(telehealth_run)["template"]["containers"]
    assert container["image"] == plan.image == telehealth_run.profile.telehealth.image


def test_patients_may_invoke_it(telehealth_run: PracticeRun) -> None:
    assert [
        (r.inputs["role"], r.inputs["member"]) for r in telehealth_run.core.of_type(g.RUN_INVOKER)
    ] == [("roles/run.invoker", "allUsers")]


def test_only_private_destinations_leave_through_the_vpc(telehealth_run: PracticeRun) -> None:
    assert service(telehealth_run)["template"]["vpcAccess"]["egress"] == "PRIVATE_RANGES_ONLY"


def test_ingress_follows_the_waf_decision(telehealth_run: PracticeRun) -> None:
    plan = telehealth_run.plan.workloads.telehealth
    assert plan is not None
    assert service(telehealth_run)["ingress"] == (
        "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" if plan.waf else "INGRESS_TRAFFIC_ALL"
    )
    present = {t for t in g.WAF_FRONT_END if telehealth_run.core.of_type(t)}
    assert present == (set(g.WAF_FRONT_END) if plan.waf else set())


def test_the_waf_front_end_guards_the_service_on_the_practice_domain() -> None:
    run = practice_run("harbor")
    plan = run.plan.workloads.telehealth
    assert plan is not None and plan.waf and plan.domain == "telehealth.harborbh.example"
    policy = run.core.of_type(g.SECURITY_POLICY)[0]
    expressions = {
        rule["match"].get("expr", {}).get("expression"): rule["action"]
        for rule in policy.inputs["rules"]
    }
    for owasp in ("sqli-v33-stable", "xss-v33-stable"):
        assert expressions[f"evaluatePreconfiguredWaf('{owasp}')"] == "deny(403)"
    (default,) = [r for r in policy.inputs["rules"] if r["priority"] == 2147483647]
    assert default["action"] == "allow"

    (cloud_run,) = run.core.of_type(g.CLOUD_RUN)
    assert only(run, g.NEG)["cloudRun"] == {"service": cloud_run.inputs["name"]}
    assert only(run, g.NEG)["networkEndpointType"] == "SERVERLESS"
    backend = only(run, g.BACKEND_SERVICE)
    assert backend["securityPolicy"] == policy.outputs["selfLink"]
    assert backend["loadBalancingScheme"] == "EXTERNAL_MANAGED"
    assert only(run, g.CERTIFICATE)["managed"] == {"domains": [plan.domain]}
    assert only(run, g.SSL_POLICY)["minTlsVersion"] == "TLS_1_2"
    rule = only(run, g.FORWARDING_RULE)
    assert (rule["portRange"], rule["loadBalancingScheme"]) == ("443", "EXTERNAL_MANAGED")
    # The practice points its domain at this address.
    assert outputs.TELEHEALTH_ADDRESS in run.core.outputs
