"""Platform facts and Google Cloud placement: decided when planning, carried by the plan."""

from __future__ import annotations

import pytest

from generator.catalog import load
from generator.plan.model import ArchivePlacement, stack_platform
from generator.sizing import platform


@pytest.mark.parametrize("cloud", ["azure", "gcp"])
def test_platform_facts_copy_the_cloud_catalog_with_roles_and_subnet_names(cloud: str) -> None:
    sized = platform.platform_facts(cloud)
    facts = sized.value
    catalog = load(platform.PLATFORM_CATALOGS[cloud])
    assert sized.decision.rule == "PLAT-01"
    assert facts.version == catalog["version"]
    for name, section in catalog.items():
        if name != "version":
            assert facts.section(name) == section
    assert facts.section("forbidden_roles") == load("roles")["forbidden"][cloud]


@pytest.mark.parametrize("cloud", ["azure", "gcp"])
@pytest.mark.parametrize("kind", ["core", "site"])
def test_each_stack_carries_exactly_its_listed_sections(cloud: str, kind: str) -> None:
    facts = platform.platform_facts(cloud).value
    listed = facts.section("stack_sections")[kind]
    sliced = stack_platform(facts, kind)
    assert list(sliced.sections) == listed
    assert len(set(listed)) == len(listed)


def test_a_missing_section_says_to_regenerate() -> None:
    facts = stack_platform(platform.platform_facts("azure").value, "site")
    with pytest.raises(KeyError, match="regenerate the stack files"):
        facts.section("firewall")


@pytest.mark.parametrize(
    ("region", "zones"),
    [
        ("us-west1", ("us-west1-a", "us-west1-b", "us-west1-c")),
        ("us-east1", ("us-east1-b", "us-east1-c", "us-east1-d")),
        ("europe-west1", ("europe-west1-b", "europe-west1-c", "europe-west1-d")),
    ],
)
def test_zones_exist_in_their_region(region: str, zones: tuple[str, ...]) -> None:
    assert platform.archive_placement(region, None, 24).value.zones == zones


@pytest.mark.parametrize(
    ("region", "dr_region", "rpo_hours", "expected"),
    [
        ("us-west1", None, 24, ("us-west1", (), "us-west1", None, False, "us-west1")),
        ("us-west1", "us-west2", 24, ("US", ("US-WEST1", "US-WEST2"), "us", None, False, "us")),
        ("us-west1", "us-west2", 4, ("US", ("US-WEST1", "US-WEST2"), "us", None, True, "us")),
        (
            "europe-west4",
            "europe-west1",
            24,
            ("EU", ("EUROPE-WEST4", "EUROPE-WEST1"), "europe", None, False, "eu"),
        ),
        (
            "us-east4",
            "europe-west1",
            24,
            ("us-east4", (), "us-east4", "europe-west1", False, "us-east4"),
        ),
        (
            "northamerica-northeast1",
            "us-east4",
            24,
            (
                "northamerica-northeast1",
                (),
                "northamerica-northeast1",
                "us-east4",
                False,
                "northamerica-northeast1",
            ),
        ),
    ],
)
def test_archives_survive_the_region_when_a_dr_region_is_named(
    region: str,
    dr_region: str | None,
    rpo_hours: int,
    expected: tuple[object, ...],
) -> None:
    sized = platform.archive_placement(region, dr_region, rpo_hours)
    zones = sized.value.zones
    assert sized.value == ArchivePlacement(zones, *expected)  # type: ignore[arg-type]
    assert sized.decision.rule == "GCP-PLC-01"
    assert sized.value.dual_region == bool(expected[1])


CONSTRAINTS = ("compute.requireOsLogin", "storage.publicAccessPrevention")


def test_org_policies_are_off_unless_the_profile_says_the_deployer_may() -> None:
    sized = platform.org_policies(False, CONSTRAINTS, "harbor-bh-prod-2231")
    assert sized.value is False
    assert (sized.decision.rule, sized.decision.subject) == ("GCP-ORG-01", "gcp.org_policies")
    # The user reads what to do instead in the plan: who enforces what, and where.
    reason = sized.decision.reason
    assert "roles/orgpolicy.policyAdmin" in reason and "organization level only" in reason
    assert (
        "organization admin to enforce compute.requireOsLogin, storage.publicAccessPrevention"
        in reason
    )
    assert "harbor-bh-prod-2231" in reason and "practice.gcp_org_policies: true" in reason


def test_org_policies_on_say_who_must_hold_the_role() -> None:
    sized = platform.org_policies(True, CONSTRAINTS, "harbor-bh-prod-2231")
    assert sized.value is True
    assert "enforces compute.requireOsLogin, storage.publicAccessPrevention" in (
        sized.decision.reason
    )
    assert "must hold roles/orgpolicy.policyAdmin" in sized.decision.reason


NOTHING = {
    "bastion": False,
    "health_data": False,
    "ingest": False,
    "telehealth": False,
    "vpn": False,
    "archive_copy": False,
    "org_policies": False,
}


def test_apis_are_those_the_plan_needs() -> None:
    always = platform.project_apis("p", NOTHING).value
    assert "compute.googleapis.com" in always and "cloudkms.googleapis.com" in always
    assert "run.googleapis.com" not in always and "orgpolicy.googleapis.com" not in always
    everything = platform.project_apis("p", dict.fromkeys(NOTHING, True)).value
    assert set(everything) - set(always) == {
        "secretmanager.googleapis.com",
        "iap.googleapis.com",
        "healthcare.googleapis.com",
        "pubsub.googleapis.com",
        "run.googleapis.com",
        "storagetransfer.googleapis.com",
        "orgpolicy.googleapis.com",
    }


def test_the_apis_decision_says_which_must_be_on_first() -> None:
    decision = platform.project_apis("harbor-bh-prod-2231", NOTHING).decision
    assert (decision.rule, decision.subject) == ("GCP-API-01", "gcp.apis")
    assert (
        "serviceusage.googleapis.com and cloudresourcemanager.googleapis.com must be on before"
        in decision.reason
    )
