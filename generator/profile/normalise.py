"""Turning a validated, default-filled profile document into the `Profile` model."""

from __future__ import annotations

from typing import Any

from generator.catalog import load
from generator.profile.model import (
    DEFAULT_ADDRESS_POOL,
    Backup,
    Connectivity,
    Devices,
    PersonaGroup,
    Practice,
    Profile,
    Site,
    Telehealth,
    Waiver,
    Workloads,
)


def build_profile(doc: dict[str, Any], source: str) -> Profile:
    practice = doc["practice"]
    persona_order = list(load("practice")["personas"])
    return Profile(
        version=doc["version"],
        practice=Practice(
            name=practice["name"],
            id=practice["id"],
            cloud=practice["cloud"],
            region=practice["region"],
            compliance=tuple(dict.fromkeys(practice["compliance"])),
            address_pool=practice.get("address_pool") or DEFAULT_ADDRESS_POOL,
            dr_region=practice.get("dr_region"),
            jurisdiction=practice.get("jurisdiction"),
            reserved_ranges=tuple(practice.get("reserved_ranges", ())),
            gcp_project=practice.get("gcp_project"),
            gcp_org_policies=bool(practice.get("gcp_org_policies")),
            min_firewall_tier=practice.get("min_firewall_tier"),
            vpn_crypto=practice.get("vpn_crypto"),
            tags={key: practice["tags"][key] for key in sorted(practice.get("tags", {}))},
        ),
        sites=tuple(_site(site) for site in doc["sites"]),
        telehealth=Telehealth(**doc.get("telehealth", {})),
        workloads=Workloads(**doc.get("workloads", {})),
        identity=tuple(
            PersonaGroup(persona=persona, group=doc["identity"][persona])
            for persona in persona_order
            if doc["identity"].get(persona)
        ),
        backup=Backup(**doc.get("backup", {})),
        conditional_access=bool(doc["identity"].get("conditional_access")),
        waivers=tuple(
            Waiver(check=w["check"], reason=w["reason"], resource=w.get("resource"))
            for w in doc.get("waivers", ())
        ),
        source=source,
    )


def _site(site: dict[str, Any]) -> Site:
    connectivity = site["connectivity"]
    return Site(
        id=site["id"],
        name=site["name"],
        kind=site["kind"],
        staff=site["staff"],
        specialties=tuple(dict.fromkeys(site.get("specialties", ()))),
        devices=_devices(site.get("devices", {})),
        connectivity=Connectivity(
            bandwidth_mbps=connectivity["bandwidth_mbps"],
            vpn_peer_ip=connectivity.get("vpn_peer_ip"),
            onprem_ranges=tuple(connectivity.get("onprem_ranges", ())),
            routing=connectivity.get("routing"),
            vpn_crypto=connectivity.get("vpn_crypto"),
        ),
    )


def _devices(devices: dict[str, Any]) -> Devices:
    modalities = tuple(sorted(devices.get("modalities", {}).items()))
    return Devices(**{**devices, "modalities": modalities})
