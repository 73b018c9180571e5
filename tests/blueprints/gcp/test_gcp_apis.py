"""A fresh project takes the first `pulumi up` (issue 12, finding 2): the core stack enables
every API its stacks use and no other (GCP-API-01), never disables one on destroy, and every
resource waits for its API. Site stacks enable nothing: the core enables what they use."""

from __future__ import annotations

from generator.preview.harness import RegisteredResource
from tests.blueprints.gcp.dependencies import core_with_dependencies
from tests.blueprints.gcp.gcp_runs import SERVICE
from tests.blueprints.practice_runs import PracticeRun

# The API each kind of resource is created through; the longest matching type prefix wins.
API_OF = {
    "gcp:compute/": "compute",
    "gcp:kms/": "cloudkms",
    "gcp:healthcare/": "healthcare",
    "gcp:pubsub/": "pubsub",
    "gcp:storage/": "storage",
    "gcp:storage/transferJob:": "storagetransfer",
    "gcp:backupdisasterrecovery/": "backupdr",
    "gcp:cloudrunv2/": "run",
    "gcp:logging/": "logging",
    "gcp:serviceaccount/": "iam",
    "gcp:projects/iAMMember:": "cloudresourcemanager",
    "gcp:projects/iAMAuditConfig:": "cloudresourcemanager",
    "gcp:projects/serviceIdentity:": "serviceusage",
    "gcp:orgpolicy/": "orgpolicy",
    "gcp:iap/": "iap",
    "gcp:secretmanager/": "secretmanager",
}
# On before the first `pulumi up` (they enable the others and serve project IAM); recorded so
# that nothing disables them.
BOOTSTRAP = {"serviceusage", "cloudresourcemanager"}


def api_of(resource: RegisteredResource) -> str | None:
    prefixes = [prefix for prefix in API_OF if resource.type.startswith(prefix)]
    return API_OF[max(prefixes, key=len)] if prefixes else None


def services(run: PracticeRun) -> dict[str, RegisteredResource]:
    return {
        str(s.inputs["service"]).removesuffix(".googleapis.com"): s
        for s in run.core.of_type(SERVICE)
    }


def test_the_core_enables_every_api_the_stacks_use_and_no_other(practice: PracticeRun) -> None:
    used = {api_of(r) for r in practice.all_resources() if r.custom and r.type != SERVICE}
    assert set(services(practice)) == (used - {None}) | BOOTSTRAP


def test_the_plan_decides_the_apis(practice: PracticeRun) -> None:
    assert practice.plan.gcp is not None
    assert sorted(s.inputs["service"] for s in practice.core.of_type(SERVICE)) == sorted(
        practice.plan.gcp.apis
    )


def test_no_api_is_disabled_when_the_stack_is_destroyed(practice: PracticeRun) -> None:
    for service in practice.core.of_type(SERVICE):
        assert service.inputs["disableOnDestroy"] is False, service.name


def test_site_stacks_enable_no_api(practice: PracticeRun) -> None:
    for run in practice.sites.values():
        assert run.of_type(SERVICE) == [], run.stack


def test_every_core_resource_waits_for_its_api(example_run: PracticeRun) -> None:
    stack, dependencies = core_with_dependencies(example_run)
    enabled = {
        str(s.inputs["service"]).removesuffix(".googleapis.com"): s.urn
        for s in stack.of_type(SERVICE)
    }
    waiting = [
        (r.name, api)
        for r in stack.resources
        if r.custom and r.type != SERVICE and (api := api_of(r))
        if enabled.get(api) not in dependencies[r.urn]
    ]
    assert waiting == []
