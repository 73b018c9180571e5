"""Session fixtures for the Azure blueprint tests: each practice runs once per worker."""

from __future__ import annotations

import pytest

from tests.blueprints.azure.azure_runs import PRACTICES, practice_run
from tests.blueprints.practice_runs import (
    PracticeRun,
    run_practice,
    with_new_site,
    with_small_office,
)


@pytest.fixture(scope="session", params=PRACTICES)
def practice(request: pytest.FixtureRequest) -> PracticeRun:
    """Every Azure practice, planned and run under mocks (core and all sites)."""
    return practice_run(request.param)


@pytest.fixture(scope="session", params=("maple", "lakeside"))
def example_run(request: pytest.FixtureRequest) -> PracticeRun:
    """The two Azure example profiles as shipped."""
    return practice_run(request.param)


@pytest.fixture(scope="session")
def lakeside() -> PracticeRun:
    """The multi-site example: premium firewall, hosted EHR, PACS, hourly backups."""
    return practice_run("lakeside")


@pytest.fixture(scope="session", params=("lakeside", "lakeside-no-dr"))
def imaging_run(request: pytest.FixtureRequest) -> PracticeRun:
    """PACS with a geo-redundant archive (archive tier) and a zone-redundant one (cold tier)."""
    return practice_run(request.param)


@pytest.fixture(scope="session", params=("maple", "lakeside"))
def grown(request: pytest.FixtureRequest) -> tuple[PracticeRun, PracticeRun]:
    """An example practice, and the same practice with a copy of its first site added, planned
    on the first plan's ledger."""
    before = practice_run(request.param)
    profile = with_new_site(before.profile, "northside", "198.51.100.200")
    return before, run_practice(f"{request.param}+northside", profile, before.ledger)


@pytest.fixture(scope="session")
def grown_quietly() -> tuple[PracticeRun, PracticeRun]:
    """Lakeside with SaaS EHR, and the same practice with a small office added: a site that
    moves no practice-wide size (EHR servers, firewall tier, VPN SKU, ingest units)."""
    before = practice_run("lakeside-saas")
    profile = with_small_office(before.profile, "annex", "198.51.100.201")
    return before, run_practice("lakeside-saas+annex", profile, before.ledger)
