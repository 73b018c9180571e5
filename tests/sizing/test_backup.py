"""Retention and backup rules at their boundaries."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import PlanError
from generator.sizing import backup

CLINIC = {"clinic"}
HOSPITAL = {"hospital"}


@pytest.mark.parametrize(
    ("jurisdiction", "compliance", "kinds", "specialties", "years", "why"),
    [
        (None, ("hipaa",), CLINIC, set(), 7, "assumption"),  # no state named: the US default
        ("US-FL", ("hipaa",), CLINIC, set(), 6, "HIPAA documentation"),  # physicians 5 < 6
        ("US-FL", ("hipaa",), HOSPITAL, set(), 7, "hospitals: assumption"),  # no FL hospital rule
        ("US-TX", ("hipaa",), HOSPITAL, set(), 10, "US-TX hospitals"),
        ("US-NC", ("hipaa",), HOSPITAL, set(), 11, "US-NC hospitals"),
        ("US-NC", ("hipaa",), HOSPITAL, {"pediatrics"}, 30, "minors to age 30"),
        ("US-FL", ("hipaa",), CLINIC, {"pediatrics"}, 21, "AHIMA default"),
        ("GB-ENG", ("gdpr",), CLINIC, set(), 8, "GB-ENG practitioners"),
        ("GB", ("gdpr",), CLINIC, {"behavioral-health"}, 20, "behavioral-health"),
        ("GB-ENG", ("gdpr",), CLINIC, {"obstetrics", "pediatrics"}, 25, ""),
        ("NL", ("nen7510",), CLINIC, set(), 20, "NL practitioners"),
        ("US-ZZ", ("hipaa",), CLINIC, set(), 7, "assumption"),  # unknown state
        ("DE", ("gdpr",), CLINIC, {"pediatrics"}, 10, "DE practitioners"),
    ],
)
def test_record_retention_takes_the_longest_applicable_rule(
    jurisdiction: str | None,
    compliance: tuple[str, ...],
    kinds: set[str],
    specialties: set[str],
    years: int,
    why: str,
) -> None:
    sized = backup.record_retention(jurisdiction, compliance, kinds, specialties, None)
    assert sized.value == years
    assert why in sized.decision.reason
    assert sized.decision.rule == "BKP-RET-01"


@pytest.mark.parametrize(("override", "years"), [(3, 6), (6, 6), (9, 9), (40, 40)])
def test_retention_override_never_goes_under_the_six_year_floor(override: int, years: int) -> None:
    assert backup.record_retention("US-NC", ("hipaa",), HOSPITAL, set(), override).value == years


@pytest.mark.parametrize(
    ("jurisdiction", "compliance", "specialties"),
    [("DE", ("gdpr",), {"pediatrics"}), ("NL", ("nen7510",), {"pediatrics"})],
)
def test_us_rules_stay_in_the_us(
    jurisdiction: str, compliance: tuple[str, ...], specialties: set[str]
) -> None:
    # Neither HIPAA's 6-year documentation rule, nor the US default, nor AHIMA's minors default
    # applies to a German or Dutch practice.
    sized = backup.record_retention(jurisdiction, compliance, CLINIC, specialties, None)
    for us_only in ("HIPAA", "AHIMA", "assumption", "minors"):
        assert us_only not in sized.decision.reason
    assert backup.record_retention(jurisdiction, compliance, CLINIC, set(), 3).value == 3


def test_no_rule_outside_the_us_asks_for_retention_years() -> None:
    with pytest.raises(PlanError, match=r"set backup\.retention_years in the profile"):
        backup.record_retention("FR", ("gdpr",), CLINIC, set(), None)
    assert backup.record_retention("FR", ("gdpr",), CLINIC, set(), 10).value == 10


def test_override_below_a_state_rule_says_so() -> None:
    reason = backup.record_retention("US-NC", ("hipaa",), HOSPITAL, set(), 8).decision.reason
    assert "below the 11-year" in reason


@pytest.mark.parametrize(
    ("rpo", "frequency"),
    [(None, 24), (4, 4), (5, 4), (6, 6), (11, 8), (12, 12), (23, 12), (168, 24)],
)
def test_backup_frequency_meets_the_rpo(rpo: int | None, frequency: int) -> None:
    assert backup.backup_frequency(rpo).value == (rpo or 24, frequency)


def test_rpo_shorter_than_any_backup_interval_is_a_clear_error() -> None:
    with pytest.raises(PlanError, match=r"rpo_hours 3 .* set rpo_hours to 4 or more"):
        backup.backup_frequency(3)


@pytest.mark.parametrize(
    ("dr_region", "redundancy", "cross_region"), [("westus2", "geo", True), (None, "zone", False)]
)
def test_vault_is_geo_redundant_only_with_a_dr_region(
    dr_region: str | None, redundancy: str, cross_region: bool
) -> None:
    days = backup.retention_days(30, 12, 12, 7, 7).value
    plan = backup.backup_plan(24, 24, 7, dr_region, days).value
    assert (plan.redundancy, plan.cross_region_restore) == (redundancy, cross_region)
    assert plan.immutable and plan.soft_delete_days >= 14
    assert plan.yearly_years == plan.record_retention_years == 7


def test_the_plan_says_archives_end_with_their_retention() -> None:
    days = backup.retention_days(30, 12, 12, 7, 7).value
    assert (
        "deleted when their retention ends"
        in backup.backup_plan(24, 24, 7, None, days).decision.reason
    )


@given(st.integers(min_value=1, max_value=100))
def test_a_retention_in_days_never_ends_before_its_years(years: int) -> None:
    days = backup.retention_days(30, 12, 12, years, years).value
    # Cloud Storage's Bucket Lock counts 365.25 days a year; no span of `years` calendar
    # years holds more leap days than one per four years or part of them.
    assert days.yearly == days.records >= years * 365.25
    assert days.yearly - years * 365 == -(-years // 4)
    assert (days.weekly, days.monthly) == (12 * 7, 12 * 31)


@pytest.mark.parametrize(
    ("jurisdiction", "kinds", "specialties", "years", "why"),
    [
        ("US-MA", CLINIC, set(), 20, "US-MA practitioners"),  # M.G.L. c.111 s.70
        ("US-MA", HOSPITAL, set(), 20, "US-MA hospitals"),
        ("US-NY", CLINIC, {"obstetrics"}, 22, "obstetrics (US-NY)"),  # 8 NYCRR 29.2(a)(3)
        ("GB-ENG", HOSPITAL, {"oncology"}, 30, "oncology (GB-ENG)"),  # NHS code: 30 years
        ("DE", HOSPITAL, {"oncology"}, 30, "oncology (DE)"),  # StrlSchG 85(2) treatment
    ],
)
def test_record_retention_knows_the_longer_state_and_national_rules(
    jurisdiction: str, kinds: set[str], specialties: set[str], years: int, why: str
) -> None:
    sized = backup.record_retention(jurisdiction, ("hipaa",), kinds, specialties, None)
    assert (sized.value, why in sized.decision.reason) == (years, True)


def test_mammography_is_kept_ten_years_in_the_us_only() -> None:
    us = backup.record_retention(
        None, ("hipaa",), CLINIC, set(), None, modalities=frozenset({"mammography"})
    )
    assert (us.value, "21 CFR 900.12(c)(4)" in us.decision.reason) == (10, True)
    nl = backup.record_retention(
        "NL", ("gdpr",), CLINIC, set(), None, modalities=frozenset({"tomosynthesis"})
    )
    assert "900.12" not in nl.decision.reason


@pytest.mark.parametrize("imaging", [True, False])
def test_images_of_minors_in_germany_are_kept_to_age_28(imaging: bool) -> None:
    sized = backup.record_retention("DE", ("gdpr",), CLINIC, {"pediatrics"}, None, imaging=imaging)
    assert (sized.value == 28) is imaging
    assert ("images of minors to age 28" in sized.decision.reason) is imaging


@pytest.mark.parametrize(
    ("jurisdiction", "said"),
    [("US-OH", "US-OH is not in clinicgen's retention table"), (None, "jurisdiction is not set")],
)
def test_a_jurisdiction_without_rules_is_named_with_the_default_applied(
    jurisdiction: str | None, said: str
) -> None:
    reason = backup.record_retention(jurisdiction, ("hipaa",), CLINIC, set(), None).decision.reason
    assert said in reason and "assumption: 7 years" in reason
