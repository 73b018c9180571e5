"""Waivers of scanner checks (Checkov's `CKV_*` ids): a finding the practice or clinicgen has
decided to accept, with the reason every report shows, always scoped to resources.

Two sources, one shape: clinicgen's own (`generator/catalog/scanner_waivers.yaml`: where a
scanner's check does not fit what clinicgen builds, each with its reason and source) and the
profile's (`waivers:` entries naming a `CKV_` check and the resource). Each names the Pulumi
resource type and a pattern for the resource's Pulumi name; a pattern that matches every name
is refused, so no check is ever waived for everything.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from functools import cache

from generator.catalog import load
from generator.profile.model import Waiver

CATALOG_ORIGIN = "clinicgen"
PROFILE_ORIGIN = "profile"
SCANNER_CHECK_PREFIXES = ("CKV_", "CKV2_")


@dataclass(frozen=True)
class ScannerWaiver:
    """Check `check` waived for resources of Pulumi type `type` whose Pulumi name matches
    `names` (a shell pattern); `type` None matches any type (a profile names one resource)."""

    check: str
    names: str
    reason: str
    origin: str
    type: str | None = None

    def covers(self, resource_type: str, resource_name: str) -> bool:
        return (self.type is None or self.type == resource_type) and fnmatch.fnmatchcase(
            resource_name, self.names
        )


def is_scanner_check(check: str) -> bool:
    return check.startswith(SCANNER_CHECK_PREFIXES)


@cache
def catalog_waivers() -> tuple[ScannerWaiver, ...]:
    return tuple(
        ScannerWaiver(
            check=entry["check"],
            names=entry["names"],
            reason=" ".join(entry["reason"].split()),
            origin=CATALOG_ORIGIN,
            type=entry["type"],
        )
        for entry in load("scanner_waivers")["waivers"]
    )


def scanner_waivers(profile_waivers: tuple[Waiver, ...]) -> tuple[ScannerWaiver, ...]:
    """clinicgen's scanner waivers, then the profile's (those naming a scanner check; the
    profile's validation requires each to name its resource)."""
    from_profile = tuple(
        ScannerWaiver(
            check=waiver.check,
            names=waiver.resource or "",
            reason=" ".join(waiver.reason.split()),
            origin=PROFILE_ORIGIN,
        )
        for waiver in profile_waivers
        if is_scanner_check(waiver.check)
    )
    return catalog_waivers() + from_profile


def waivers_for(
    waivers: tuple[ScannerWaiver, ...], resource_type: str, resource_name: str
) -> list[ScannerWaiver]:
    """The waivers that cover one resource, one per check (the first wins), by check id."""
    found: dict[str, ScannerWaiver] = {}
    for waiver in waivers:
        if waiver.covers(resource_type, resource_name):
            found.setdefault(waiver.check, waiver)
    return [found[check] for check in sorted(found)]
