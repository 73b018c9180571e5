"""Session fixtures for the Google Cloud blueprint tests: each practice runs once per worker."""

from __future__ import annotations

import pytest

from tests.blueprints.gcp.gcp_runs import PRACTICES, practice_run
from tests.blueprints.practice_runs import PracticeRun


@pytest.fixture(scope="session", params=PRACTICES)
def practice(request: pytest.FixtureRequest) -> PracticeRun:
    """Every GCP practice, planned and run under mocks (core and all sites)."""
    return practice_run(request.param)


@pytest.fixture(scope="session", params=("harbor", "brightsmile"))
def example_run(request: pytest.FixtureRequest) -> PracticeRun:
    """The two GCP example profiles as shipped."""
    return practice_run(request.param)


@pytest.fixture(scope="session")
def hosted() -> PracticeRun:
    """A practice with hosted EHR servers, PACS and a same-continent DR region."""
    return practice_run("harbor-hosted")


@pytest.fixture(scope="session")
def far_dr() -> PracticeRun:
    """A practice whose DR region is on another continent."""
    return practice_run("brightsmile-far-dr")


@pytest.fixture(scope="session")
def recorded() -> PracticeRun:
    """A practice that records its telehealth visits."""
    return practice_run("harbor-recorded")
