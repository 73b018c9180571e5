"""Workload rules at their boundaries: EHR servers, PACS, telehealth, device ingest."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from generator.profile.model import Site
from generator.sizing import workloads
from tests.sizing.profiles import make_site

IMAGE = "ghcr.io/maple/telehealth:2.3.1"


@pytest.mark.parametrize(
    ("staff", "users", "servers", "machine"),
    [
        (1, 1, 2, "Standard_D4s_v5"),  # never fewer than two servers
        (286, 201, 3, "Standard_D4s_v5"),  # 70% concurrency, 100 users a server
        (857, 600, 6, "Standard_D4s_v5"),  # six servers: the most of one size
        (858, 601, 4, "Standard_D8s_v5"),  # seven small servers -> the next size
    ],
)
def test_hosted_ehr_servers(staff: int, users: int, servers: int, machine: str) -> None:
    ehr = workloads.hosted_ehr("hosted", staff, "azure").value
    assert ehr is not None
    assert (ehr.concurrent_users, ehr.vm_count, ehr.machine_type) == (users, servers, machine)
    needed = max(128, users * 2)
    # The next power-of-two disk tier: holds what is needed, less than twice it.
    assert needed <= ehr.data_disk_gb < 2 * needed
    assert ehr.data_disk_gb & (ehr.data_disk_gb - 1) == 0


def test_saas_ehr_has_no_servers() -> None:
    sized = workloads.hosted_ehr("saas", 500, "gcp")
    assert sized.value is None
    assert sized.decision.value == "none"


@pytest.mark.parametrize(
    ("setting", "modalities", "enabled"),
    [("auto", 0, False), ("auto", 1, True), ("on", 0, True), ("off", 5, False)],
)
def test_pacs_auto_on_off(setting: str, modalities: int, enabled: bool) -> None:
    assert workloads.pacs_enabled(setting, modalities).value is enabled


def test_imaging_heavy_specialty_implies_a_modality() -> None:
    dental = make_site(specialties=("dental",))
    assert workloads.site_modalities(dental).value == 1
    assert workloads.site_modalities(make_site(specialties=("pediatrics",))).value == 0
    assert workloads.site_modalities(make_site(kind="imaging-center", specialties=())).value == 1
    assert workloads.site_modalities(make_site(imaging_modalities=4)).value == 4


def test_imaging_storage_is_modalities_times_studies_times_size_times_days() -> None:
    radiology = make_site("r", specialties=("radiology", "dental"), imaging_modalities=2)
    urgent = make_site("u", kind="urgent-care", specialties=("urgent-care",), imaging_modalities=1)
    sized = workloads.imaging_storage([(radiology, 2), (urgent, 1)], retention_years=7)
    plan = sized.value
    # radiology wins over dental: 2 x 25/day x 200 MB x 260 days; urgent care: 1 x 20 x 30 x 365
    assert plan.studies_per_year == 2 * 25 * 260 + 20 * 365
    assert plan.storage_gb_per_year == -(-(2 * 25 * 260 * 200 + 20 * 365 * 30) // 1024)
    assert plan.total_storage_gb == plan.storage_gb_per_year * 7
    assert plan.modalities == 3
    assert plan.hot_days == 90


@pytest.mark.parametrize(
    ("specialty", "online_days"),
    [("radiology", 760), ("oncology", 760), ("dental", 400), ("cardiology", 400)],
)
def test_priors_stay_online_through_the_comparison_window(specialty: str, online_days: int) -> None:
    # Annual screening and follow-up read last year's study (mammography: the last two);
    # moving it to the offline archive tier at 365 days would cost up to 15 hours a study.
    site = make_site("s", specialties=(specialty,), imaging_modalities=1)
    sized = workloads.imaging_storage([(site, 1)], retention_years=7)
    assert sized.value.cool_days == online_days
    assert sized.value.cool_days > 365
    assert "immutable" in sized.decision.reason
    assumed_window = "comparison window (assumption)" in sized.decision.reason
    assert assumed_window is (specialty != "radiology")
    assert "assumption: study volume and size" in sized.decision.reason


@pytest.mark.parametrize(
    ("peak", "sku", "minimum", "maximum"),
    [
        (0, "P0v3", 2, 4),
        (50, "P0v3", 2, 4),
        (250, "P0v3", 10, 20),
        (251, "P1v3", 5, 10),  # 11 small instances -> next tier
        (1201, "P2v3", 11, 22),  # beyond every tier: the largest, more instances
    ],
)
def test_telehealth_instances(peak: int, sku: str, minimum: int, maximum: int) -> None:
    plan = workloads.telehealth(True, peak, False, IMAGE, "azure").value
    assert plan is not None
    assert (plan.sku, plan.min_instances, plan.max_instances) == (sku, minimum, maximum)
    assert plan.egress_mbps == -(-peak * 5 // 2)


def test_telehealth_disabled_is_none() -> None:
    assert workloads.telehealth(False, 100, False, None, "gcp").value is None


@pytest.mark.parametrize(("peak", "waf"), [(1, False), (24, False), (25, True), (400, True)])
def test_a_waf_guards_telehealth_from_the_catalogs_threshold(peak: int, waf: bool) -> None:
    sized = workloads.telehealth(True, peak, False, IMAGE, "gcp")
    assert sized.value is not None
    assert (sized.value.waf, sized.value.image) == (waf, IMAGE)
    assert ("WAF in front" in sized.decision.reason) == waf


@pytest.mark.parametrize(
    ("devices", "tier", "units"),
    [
        (1, "S1", 1),
        (277, "S1", 1),  # 398,880 messages a day
        (278, "S1", 2),
        (2777, "S1", 10),
        (2778, "S2", 1),  # 11 S1 units cost more than one S2
    ],
)
def test_azure_device_ingest_tier(devices: int, tier: str, units: int) -> None:
    plan = workloads.device_ingest(devices, "azure").value
    assert plan is not None
    assert (plan.tier, plan.units) == (tier, units)
    assert plan.messages_per_day == devices * 1440


def test_gcp_device_ingest_is_serverless_and_none_without_devices() -> None:
    plan = workloads.device_ingest(5000, "gcp").value
    assert plan is not None and (plan.tier, plan.units) == ("pubsub", 1)
    assert workloads.device_ingest(0, "gcp").value is None


@pytest.mark.parametrize(
    ("fhir", "imaging", "exists"),
    [(True, False, True), (False, True, True), (True, True, True), (False, False, False)],
)
def test_health_data_exists_with_a_fhir_or_dicom_store(
    fhir: bool, imaging: bool, exists: bool
) -> None:
    sized = workloads.health_data(fhir, imaging)
    assert (sized.value, sized.decision.rule) == (exists, "WL-HD-01")


def _with_modalities(site: Site, **units: int) -> Site:
    by_name = tuple(sorted((name.replace("_", "-"), n) for name, n in units.items()))
    return replace(site, devices=replace(site.devices, modalities=by_name))


def test_a_dental_cbct_is_sized_at_its_own_study_size() -> None:
    # Dental CBCT ~256 MB a study (512 files x 0.5 MB), not the dental profile's 20 MB.
    dental = _with_modalities(
        make_site(specialties=("dental",), imaging_modalities=1), dental_cbct=1
    )
    plan = workloads.imaging_storage([(dental, 1)], retention_years=7).value
    assert plan.studies_per_year == 8 * 260
    assert plan.storage_gb_per_year == math.ceil(8 * 260 * 256 / 1024)


def test_units_by_modality_and_the_rest_by_specialty() -> None:
    # 3 units: one tomosynthesis unit (1 GB a study), two at the radiology profile.
    site = _with_modalities(
        make_site(specialties=("radiology",), imaging_modalities=3), tomosynthesis=1
    )
    sized = workloads.imaging_storage([(site, 3)], retention_years=10)
    megabytes = 20 * 260 * 1024 + 2 * 25 * 260 * 200
    assert sized.value.storage_gb_per_year == math.ceil(megabytes / 1024)
    assert "tomosynthesis modality, studies/day assumed" in sized.decision.reason


def test_units_counted_only_by_modality_are_imaging_units() -> None:
    site = _with_modalities(make_site(specialties=("primary-care",)), mammography=2)
    assert workloads.site_modalities(site).value == 2
