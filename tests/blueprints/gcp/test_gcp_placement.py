"""Where archives, keys and snapshots live for each pairing of region and DR region."""

from __future__ import annotations

import pytest

from blueprints.gcp.placement import ArchivePlacement, archive_placement, zones


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("us-west1", ("us-west1-a", "us-west1-b", "us-west1-c")),
        ("us-east1", ("us-east1-b", "us-east1-c", "us-east1-d")),
        ("europe-west1", ("europe-west1-b", "europe-west1-c", "europe-west1-d")),
    ],
)
def test_zones_exist_in_their_region(region: str, expected: tuple[str, ...]) -> None:
    assert zones(region) == expected


@pytest.mark.parametrize(
    ("region", "dr_region", "rpo_hours", "expected"),
    [
        (
            "us-west1",
            None,
            24,
            ArchivePlacement("us-west1", (), "us-west1", None, False, "us-west1"),
        ),
        (
            "us-west1",
            "us-west2",
            24,
            ArchivePlacement("US", ("US-WEST1", "US-WEST2"), "us", None, False, "us"),
        ),
        (
            "us-west1",
            "us-west2",
            4,
            ArchivePlacement("US", ("US-WEST1", "US-WEST2"), "us", None, True, "us"),
        ),
        (
            "europe-west4",
            "europe-west1",
            24,
            ArchivePlacement("EU", ("EUROPE-WEST4", "EUROPE-WEST1"), "europe", None, False, "eu"),
        ),
        (
            "us-east4",
            "europe-west1",
            24,
            ArchivePlacement("us-east4", (), "us-east4", "europe-west1", False, "us-east4"),
        ),
        (
            "northamerica-northeast1",
            "us-east4",
            24,
            ArchivePlacement(
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
def test_archives_are_placed_to_outlive_their_region(
    region: str, dr_region: str | None, rpo_hours: int, expected: ArchivePlacement
) -> None:
    placement = archive_placement(region, dr_region, rpo_hours)
    assert placement == expected
    assert placement.dual_region == bool(expected.data_locations)
