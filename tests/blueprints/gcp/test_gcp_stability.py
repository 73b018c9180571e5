"""Adding a site creates one new stack and changes nothing in the core stack or any other
site stack: same resources, same URNs, same inputs."""

from __future__ import annotations

import pytest

from generator.preview.harness import StackRun
from tests.blueprints.gcp.gcp_runs import practice_run
from tests.blueprints.practice_runs import PracticeRun, run_practice, with_new_site

NEW_SITE = "added-annex"


def snapshot(run: StackRun) -> dict[str, object]:
    """Every resource by URN with its inputs and options: what a deployment would compare."""
    return {r.urn: (r.type, r.parent, r.protect, r.inputs) for r in run.resources}


@pytest.fixture(scope="module", params=("harbor", "brightsmile"))
def grown(request: pytest.FixtureRequest) -> tuple[PracticeRun, PracticeRun]:
    """A GCP example as shipped, and the same practice with one more site planned from the
    first run's allocation ledger (as `clinicgen generate` would regenerate it)."""
    before = practice_run(request.param)
    assert NEW_SITE not in before.sites
    profile = with_new_site(before.profile, NEW_SITE, "198.51.100.201")
    after = run_practice(f"{request.param}+{NEW_SITE}", profile, before.ledger)
    return before, after


def test_adding_a_site_changes_nothing_in_the_core_stack(
    grown: tuple[PracticeRun, PracticeRun],
) -> None:
    before, after = grown
    assert snapshot(after.core) == snapshot(before.core)
    assert after.core.outputs == before.core.outputs


def test_adding_a_site_changes_no_other_site_stack(
    grown: tuple[PracticeRun, PracticeRun],
) -> None:
    before, after = grown
    assert set(after.sites) == set(before.sites) | {NEW_SITE}
    for site_id, run in before.sites.items():
        assert snapshot(after.sites[site_id]) == snapshot(run), site_id


def test_the_new_site_gets_a_stack_of_its_own(grown: tuple[PracticeRun, PracticeRun]) -> None:
    before, after = grown
    added = after.sites[NEW_SITE]
    assert added.stack == f"{after.plan.practice.id}-site-{NEW_SITE}"
    assert added.resources
    old_urns = {r.urn for run in before.sites.values() for r in run.resources}
    assert not old_urns & {r.urn for r in added.resources}
