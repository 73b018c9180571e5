"""Service agents are read from Google, never assumed (issue 12, finding 3): a key or bucket
grant to an agent that does not exist yet fails, and Cloud Storage's agent, for one, exists
only once asked for. Healthcare and Pub/Sub agents come from projects.ServiceIdentity, Cloud
Storage's and Storage Transfer's from their lookups; only the Compute Engine Service Agent,
which the Compute Engine API makes and nothing returns, keeps its documented address."""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pytest

from generator.preview.mocks import PreviewMocks
from generator.preview.runner import run_core
from tests.blueprints.gcp import gcp_runs as g
from tests.blueprints.gcp.gcp_runs import practice_run
from tests.blueprints.practice_runs import PracticeRun

# An address built on the project number: service-123@..., project-123@...
TEMPLATED = re.compile(r"^serviceAccount:(service|project)-\d+@")
COMPUTE_AGENT = "@compute-system.iam.gserviceaccount.com"
LOOKUPS = {
    "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": "storage-agent",
    "gcp:storage/getTransferProjectServiceAccount:getTransferProjectServiceAccount": (
        "transfer-agent"
    ),
}


def agent_grants(run: PracticeRun) -> list[dict[str, Any]]:
    grants = run.core.of_type(g.KEY_IAM) + run.core.of_type(g.BUCKET_IAM)
    return [r.inputs for r in grants]


def test_no_agent_address_is_built_from_the_project_number(practice: PracticeRun) -> None:
    """An agent's address in a grant is one Google gave: a ServiceIdentity the grant depends
    on, or a lookup's answer. The mocks answer with Google's real address forms, so the value
    alone cannot tell; where it came from can."""
    identities = {r.urn for r in practice.core.of_type(g.SERVICE_IDENTITY)}
    answered = str([read.result for read in practice.core.reads])
    grants = practice.core.of_type(g.KEY_IAM) + practice.core.of_type(g.BUCKET_IAM)
    built = [
        str(grant.inputs.get("member"))
        for grant in grants
        if TEMPLATED.match(str(grant.inputs.get("member")))
        and not str(grant.inputs.get("member")).endswith(COMPUTE_AGENT)
        and not set(grant.dependencies) & identities
        and str(grant.inputs.get("member")).removeprefix("serviceAccount:") not in answered
    ]
    assert built == []


def test_healthcare_and_pubsub_agents_are_generated(practice: PracticeRun) -> None:
    work = practice.plan.workloads
    expected = {
        api
        for api, needed in (
            ("healthcare.googleapis.com", work.health_data),
            ("pubsub.googleapis.com", work.ingest is not None),
        )
        if needed
    }
    generated = {r.inputs["service"] for r in practice.core.of_type(g.SERVICE_IDENTITY)}
    assert generated == expected


class _AnsweringLookups(PreviewMocks):
    """The preview mocks, answering Cloud Storage's and Storage Transfer's agent lookups."""

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        if args.token in LOOKUPS:
            email = f"{LOOKUPS[args.token]}@lookup.example"
            return {"email": email, "emailAddress": email, "member": f"serviceAccount:{email}"}, []
        return super().call(args)


@pytest.mark.parametrize("name", ["brightsmile-far-dr"])
def test_storage_and_transfer_agents_are_looked_up(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("generator.preview.runner.PreviewMocks", _AnsweringLookups)
    stack = run_core(practice_run(name).core_plan)
    archive_key_members = {
        r.inputs["member"] for r in stack.of_type(g.KEY_IAM) if "-key-archive" in r.name
    }
    assert archive_key_members == {
        "serviceAccount:storage-agent@lookup.example",
        "serviceAccount:transfer-agent@lookup.example",
    }
    transfer_bucket_members = {
        r.inputs["member"] for r in stack.of_type(g.BUCKET_IAM) if "-transfer-" in r.name
    }
    assert transfer_bucket_members == {"serviceAccount:transfer-agent@lookup.example"}
