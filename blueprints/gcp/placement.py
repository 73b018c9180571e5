"""Where things live in Google Cloud: zones for instances, locations for archives and keys.

Archives must survive the loss of the practice's region when the plan names a DR region.
Two regions of one continent form a dual-region bucket (Google replicates it); regions on
different continents get a copy bucket in the DR region that Storage Transfer keeps in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.catalog import load


def _controls() -> dict[str, Any]:
    return load("gcp_controls")


@dataclass(frozen=True)
class ArchivePlacement:
    """Where the archive buckets, their key and their disk snapshots live."""

    bucket_location: str  # a region, or the multi-region code of a dual-region bucket
    data_locations: tuple[str, ...]  # the two regions of a dual-region bucket, else ()
    key_location: str  # Cloud KMS location of the archive key
    copy_region: str | None  # DR region holding a replicated copy when no dual-region fits
    turbo_replication: bool  # dual-region replication faster than the default, for a short RPO
    snapshot_location: str  # disk snapshot storage location

    @property
    def dual_region(self) -> bool:
        return bool(self.data_locations)


def zones(region: str) -> tuple[str, ...]:
    """The region's zones in a stable order, for spreading instances."""
    table = _controls()["zones"]
    suffixes = table["regions"].get(region, table["default"])
    return tuple(f"{region}-{suffix}" for suffix in suffixes)


def archive_placement(region: str, dr_region: str | None, rpo_hours: int) -> ArchivePlacement:
    """Where archives go for a practice in `region` with an optional `dr_region`."""
    if dr_region is None:
        return ArchivePlacement(region, (), region, None, False, region)
    table = _controls()["dual_regions"]
    for entry in table["continents"].values():
        prefix = entry["region_prefix"]
        if region.startswith(prefix) and dr_region.startswith(prefix):
            return ArchivePlacement(
                bucket_location=entry["bucket_location"],
                data_locations=(region.upper(), dr_region.upper()),
                key_location=entry["key_location"],
                copy_region=None,
                turbo_replication=rpo_hours < table["default_replication_hours"],
                snapshot_location=entry["snapshot_location"],
            )
    return ArchivePlacement(region, (), region, dr_region, False, region)
