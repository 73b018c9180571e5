"""Workload sizing rules: hosted EHR servers, PACS storage, FHIR, telehealth, device ingest.

Sources: the plan's workloads (docs/plan-json.md#workloads) and the SKU and study-volume
tables in catalog/skus.yaml and catalog/imaging.yaml, each entry with its own source.
"""

from __future__ import annotations

import math
from typing import Any

from generator.catalog import load
from generator.plan.model import (
    Decision,
    DeviceIngest,
    HostedEhr,
    Imaging,
    TelehealthPlan,
)
from generator.profile.model import Site
from generator.sizing.sized import Sized, assumed, days_in_years, grown
from generator.wording import counted

MB_PER_GB = 1024


def imaging_heavy(specialties: tuple[str, ...]) -> list[str]:
    catalog = load("practice")["specialties"]
    return [s for s in specialties if catalog[s]["imaging_heavy"]]


def study_profile(site: Site) -> tuple[str, dict[str, Any]]:
    """The site's study volume profile: its heaviest imaging specialty, its kind's, or general."""
    imaging = load("imaging")
    profiles = imaging["profiles"]
    candidates = [s for s in imaging_heavy(site.specialties) if s in profiles]
    if not candidates and site.kind in imaging["site_kinds"]:
        candidates = [imaging["site_kinds"][site.kind]]
    if not candidates:
        return "general", profiles["general"]
    name = max(candidates, key=lambda s: profiles[s]["studies_per_day"] * profiles[s]["study_mb"])
    return name, profiles[name]


def site_modalities(site: Site) -> Sized[int]:
    """NET-DEV-03: imaging units at a site; an imaging-heavy specialty (or an imaging center)
    implies at least the catalogue's minimum even when the profile counts none.

    Source: catalog/practice.yaml specialties (`imaging_heavy`) and clinicgen's rule that an
    imaging-heavy specialty implies an imaging segment; catalog/imaging.yaml min_modalities.
    Units counted by modality (devices.modalities) are imaging units too.
    """
    name, profile = study_profile(site)
    listed = max(site.devices.imaging_modalities, sum(n for _m, n in site.devices.modalities))
    count = max(listed, int(profile["min_modalities"]))
    if count > listed:
        reason = (
            f"{name} at {site.id} implies {counted(count, 'modality', 'modalities')} "
            f"(profile counts {listed})"
        )
    else:
        units = counted(listed, "imaging modality", "imaging modalities")
        reason = f"{units} at {site.id} (profile)"
    return Sized(count, Decision("NET-DEV-03", f"sites.{site.id}.imaging", str(count), reason))


def pacs_enabled(setting: str, modalities: int) -> Sized[bool]:
    """WL-IMG-01: PACS on or off; `auto` turns it on when any site sends DICOM.

    Source: the profile's `workloads.pacs: auto | on | off` (docs/profile.md).
    """
    enabled = setting == "on" or (setting == "auto" and modalities > 0)
    state = "on" if enabled else "off"
    reason = f"pacs: {setting}; {modalities} imaging modalities across sites -> {state}"
    return Sized(enabled, Decision("WL-IMG-01", "workloads.imaging", str(enabled).lower(), reason))


def operating_days(kind: str) -> int:
    days = load("imaging")["operating_days"]
    return int(days["round_the_clock_days"] if kind in days["round_the_clock"] else days["default"])


def priors_online_days(profiles: set[str]) -> tuple[int, str]:
    """The days studies stay online: the longest prior-comparison window among the practice's
    imaging profiles, with the profile that sets it."""
    windows = load("imaging")["lifecycle"]["priors_online_days"]
    named = sorted((int(windows[p]), p) for p in profiles if p in windows)
    return named[-1] if named else (int(windows["default"]), "default")


def imaging_storage(sites: list[tuple[Site, int]], retention_years: int) -> Sized[Imaging]:
    """WL-IMG-02: PACS storage per year = modalities x studies/day x study size x operating days,
    kept for the record-retention period, hot -> cool -> archive, online (hot or cool) for the
    practice's longest prior-comparison window; each version immutable for the retention.

    Source: the plan's workloads (docs/plan-json.md#workloads); catalog/imaging.yaml (study
    volume per modality and per specialty, operating days, lifecycle: screening mammography
    compares with two or more prior annual examinations, AJR 2016; Azure archive rehydration
    takes up to 15 hours). The archive is protected by version-level immutability (WORM) for
    the retention, not by a backup vault: a Recovery Services vault does not back up blobs.
    `sites` pairs each site with its modality count after NET-DEV-03: units counted by
    modality use that modality's study size, the rest the site's specialty profile.
    """
    catalog = load("imaging")
    lifecycle = catalog["lifecycle"]
    volumes = {**catalog["profiles"], **catalog["modalities"]}
    studies = 0
    megabytes = 0
    groups: dict[tuple[str, int], int] = {}
    for site, modalities in sites:
        days = operating_days(site.kind)
        by_modality = dict(site.devices.modalities)
        rest = modalities - sum(by_modality.values())
        if rest > 0:
            by_modality[study_profile(site)[0]] = rest
        for name, units in by_modality.items():
            site_studies = units * int(volumes[name]["studies_per_day"]) * days
            studies += site_studies
            megabytes += site_studies * int(volumes[name]["study_mb"])
            groups[(name, days)] = groups.get((name, days), 0) + units
    online_days, window_profile = priors_online_days({name for name, _days in groups})
    parts = [
        f"{count} x {volumes[name]['studies_per_day']}/day x {volumes[name]['study_mb']} MB "
        f"({name}{' modality, studies/day assumed' if name in catalog['modalities'] else ''})"
        f" x {days} days"
        for (name, days), count in groups.items()
    ]
    per_year = math.ceil(megabytes / MB_PER_GB)
    plan = Imaging(
        modalities=sum(count for _site, count in sites),
        studies_per_year=studies,
        storage_gb_per_year=per_year,
        retention_years=retention_years,
        retention_days=days_in_years(retention_years),
        total_storage_gb=per_year * retention_years,
        hot_days=int(lifecycle["hot_days"]),
        cool_days=online_days,
    )
    used = [volumes[name] for name, _days in groups]
    reason = (
        f"{counted(plan.modalities, 'modality', 'modalities')}: {' + '.join(parts) or 'none'} = "
        f"{studies} studies, "
        f"{per_year} GB/year x {retention_years} years ({plan.retention_days} days) = "
        f"{plan.total_storage_gb} GB; hot {plan.hot_days} days, cool until {plan.cool_days} "
        f"days (priors online for the {window_profile} comparison window"
        f"{'' if window_profile in lifecycle['sourced_windows'] else ' (assumption)'}), "
        f"then archive; every version immutable for {plan.retention_days} days (the archive's "
        "protection: no backup vault copies blobs)" + assumed(*used, catalog["operating_days"])
    )
    value = f"{per_year} GB/year"
    return Sized(plan, Decision("WL-IMG-02", "workloads.imaging.storage", value, reason))


def hosted_ehr(setting: str, staff: int, cloud: str) -> Sized[HostedEhr | None]:
    """WL-EHR-01: application servers for a hosted EHR from staff and peak concurrency.

    Source: catalog/skus.yaml ehr_servers (concurrency and users per server from EHR vendors'
    application-server sizing guides; at least two servers so one can fail or be patched).
    """
    if setting != "hosted":
        reason = f"ehr: {setting}: the vendor runs it, no application servers"
        return Sized(None, Decision("WL-EHR-01", "workloads.ehr", "none", reason))
    rule = load("skus")["ehr_servers"]
    users = grown(staff, float(rule["concurrency"]))
    chosen = rule["sizes"][-1]
    for size in rule["sizes"]:
        if math.ceil(users / size["users_per_server"]) <= rule["max_servers"]:
            chosen = size
            break
    count = max(int(rule["min_servers"]), math.ceil(users / chosen["users_per_server"]))
    needed = max(int(rule["min_data_disk_gb"]), users * int(rule["data_disk_gb_per_user"]))
    # Managed disks are priced in power-of-two tiers (Azure P10 128 GB, P15 256, P20 512, ...):
    # rounding up costs nothing extra and keeps the disk still while staff numbers drift.
    disk = 2 ** math.ceil(math.log2(needed))
    plan = HostedEhr(
        concurrent_users=users,
        vm_count=count,
        vcpus=int(chosen["vcpus"]),
        memory_gb=int(chosen["memory_gb"]),
        data_disk_gb=disk,
        machine_type=str(chosen[cloud]),
    )
    reason = (
        f"{staff} staff x {rule['concurrency']:g} concurrency = {users} users; "
        f"{chosen['users_per_server']} per {chosen[cloud]} ({chosen['vcpus']} vCPU, "
        f"{chosen['memory_gb']} GB) -> {count} servers (min {rule['min_servers']}); "
        f"data disk {users} x {rule['data_disk_gb_per_user']} GB = {needed} GB -> {disk} GB tier"
        f"{assumed(rule)}"
    )
    return Sized(plan, Decision("WL-EHR-01", "workloads.ehr", f"{count} x {chosen[cloud]}", reason))


def fhir_store(enabled: bool) -> Sized[bool]:
    """WL-FHIR-01: a FHIR R4 store for interoperability when the profile asks for one.

    Source: the profile's `workloads.fhir` (docs/profile.md); ONC Cures Act API rules
    (45 CFR 170.315(g)(10)).
    """
    reason = "FHIR R4 store planned" if enabled else "workloads.fhir is false: no FHIR store"
    return Sized(enabled, Decision("WL-FHIR-01", "workloads.fhir", str(enabled).lower(), reason))


def health_data(fhir: bool, imaging: bool) -> Sized[bool]:
    """WL-HD-01: a health-data service (a FHIR store, a DICOM store or both) exists: it brings
    the health-data workspace or dataset, its private endpoint, key and role scope.

    Source: Azure Health Data Services (FHIR and DICOM services share one workspace); Google
    Cloud Healthcare API (FHIR and DICOM stores share one dataset).
    """
    exists = fhir or imaging
    reason = (
        f"{' and '.join(name for name, on in (('FHIR', fhir), ('DICOM', imaging)) if on)}"
        " planned: one health-data workspace"
        if exists
        else "no FHIR store and no PACS: no health-data workspace"
    )
    return Sized(exists, Decision("WL-HD-01", "workloads.health_data", str(exists).lower(), reason))


def telehealth(
    enabled: bool,
    peak: int,
    recording: bool,
    image: str | None,
    cloud: str,
    domain: str | None = None,
) -> Sized[TelehealthPlan | None]:
    """WL-TEL-01: telehealth instances and egress from peak concurrent sessions.

    Source: catalog/skus.yaml telehealth (sessions per instance per tier; HD video 1.5-2.5 Mbps
    per participant; two instances minimum for zone redundancy).
    """
    if not enabled:
        reason = "telehealth disabled"
        return Sized(None, Decision("WL-TEL-01", "workloads.telehealth", "none", reason))
    rule = load("skus")["telehealth"]
    tier = rule["tiers"][-1]
    for candidate in rule["tiers"]:
        if math.ceil(peak / candidate["sessions_per_instance"]) <= rule["max_instances_per_tier"]:
            tier = candidate
            break
    needed = math.ceil(peak / tier["sessions_per_instance"])
    size = tier[cloud]
    minimum = max(int(rule["min_instances"]), needed)
    maximum = minimum * int(rule["burst_factor"])
    egress = math.ceil(peak * float(rule["egress_mbps_per_session"]))
    plan = TelehealthPlan(
        peak_sessions=peak,
        min_instances=minimum,
        max_instances=maximum,
        egress_mbps=egress,
        recording=recording,
        sku=str(size["sku"]),
        cpu=int(size["cpu"]),
        memory_gb=int(size["memory_gb"]),
        image=str(image),
        domain=domain,
        waf=peak >= int(rule["waf_min_peak_sessions"]),
    )
    reason = (
        f"{peak} peak sessions / {tier['sessions_per_instance']} per {size['sku']} instance "
        f"({size['cpu']} vCPU, {size['memory_gb']} GB) = {needed} -> {minimum}-{maximum} "
        f"instances (min {rule['min_instances']}, burst x{rule['burst_factor']}); egress "
        f"{peak} x {rule['egress_mbps_per_session']:g} Mbps = {egress} Mbps"
        + ("; visits recorded" if recording else "")
        + (
            f"; WAF in front: {peak} >= {rule['waf_min_peak_sessions']} peak sessions"
            if plan.waf
            else f"; no WAF: {peak} < {rule['waf_min_peak_sessions']} peak sessions"
        )
        + assumed(rule)
    )
    value = f"{minimum}-{maximum} x {size['sku']}"
    return Sized(plan, Decision("WL-TEL-01", "workloads.telehealth", value, reason))


def device_ingest(devices: int, cloud: str) -> Sized[DeviceIngest | None]:
    """WL-ING-01: device telemetry ingest from the practice's medical-device count.

    Source: catalog/skus.yaml device_ingest (Azure IoT Hub messages per unit per day by tier;
    one message a minute per device; Pub/Sub is serverless).
    """
    if devices == 0:
        reason = "no medical devices: no device ingest"
        return Sized(None, Decision("WL-ING-01", "workloads.ingest", "none", reason))
    rule = load("skus")["device_ingest"]
    messages = devices * int(rule["messages_per_device_per_day"])
    tiers = rule[cloud]
    tier, units = tiers[-1], 1
    for candidate in tiers:
        quota = candidate["messages_per_unit_per_day"]
        units = 1 if quota is None else max(1, math.ceil(messages / quota))
        if units <= rule["max_units"]:
            tier = candidate
            break
    plan = DeviceIngest(
        devices=devices,
        messages_per_day=messages,
        tier=str(tier["tier"]),
        units=units,
        retention_days=int(rule["retention_days"]),
    )
    quota = tier["messages_per_unit_per_day"]
    sized = (
        f"{tier['tier']} (serverless: no units to size)"
        if quota is None
        else f"{tier['tier']} ({quota} per unit per day) -> {counted(units, 'unit')}"
    )
    reason = (
        f"{counted(devices, 'device')} x {rule['messages_per_device_per_day']} messages/day = "
        f"{messages}; {sized}; retention {plan.retention_days} days{assumed(rule)}"
    )
    value = f"{units} x {tier['tier']}"
    return Sized(plan, Decision("WL-ING-01", "workloads.ingest", value, reason))
