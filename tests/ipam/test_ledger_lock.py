"""One writer per ledger: generate holds the ledger's lock from reading it to writing it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.errors import LedgerError
from generator.ipam.ledger_lock import holding_ledger, lock_path
from tests.paths import ROOT

LAKESIDE = ROOT / "examples" / "lakeside-health.yaml"


def test_a_held_ledger_makes_the_next_writer_wait_then_give_up_naming_the_holder(
    tmp_path: Path,
) -> None:
    ledger = tmp_path / "x.ledger.yaml"
    told: list[str] = []
    # A second FileLock is a second open file: the kernel makes it wait even in one process.
    with (
        holding_ledger(ledger),
        pytest.raises(LedgerError) as caught,
        holding_ledger(ledger, told.append, wait_seconds=0.2),
    ):
        pytest.fail("the ledger was held twice")
    holder = lock_path(ledger).read_text(encoding="utf-8")
    assert holder.startswith("clinicgen (pid ")
    assert told == [f"{ledger}: in use by {holder}; waiting up to 0 s for it to finish"]
    assert str(caught.value).startswith(f"{ledger}: still in use by {holder} after 0 s")


def test_the_lock_is_free_again_when_its_holder_is_done(tmp_path: Path) -> None:
    ledger = tmp_path / "x.ledger.yaml"
    with holding_ledger(ledger):
        pass
    with holding_ledger(ledger, wait_seconds=0):
        pass
    assert not list(tmp_path.iterdir())  # no lock file beside the ledger


def _with_site(site_id: str, peer: str, path: Path) -> Path:
    profile = yaml.safe_load(LAKESIDE.read_text(encoding="utf-8"))
    site = dict(profile["sites"][0], id=site_id, name=f"Site {site_id}")
    site["connectivity"] = dict(site["connectivity"], onprem_ranges=[], vpn_peer_ip=peer)
    profile["sites"].append(site)
    path.write_text(yaml.safe_dump(profile, sort_keys=False), encoding="utf-8")
    return path


def test_two_generates_at_once_never_hand_out_one_allocation_twice(tmp_path: Path) -> None:
    stacks = tmp_path / "stacks"
    command = [sys.executable, "-m", "generator", "generate", "--out", str(stacks)]
    subprocess.run([*command, str(LAKESIDE)], check=True, capture_output=True, cwd=tmp_path)
    north = _with_site("north", "198.51.100.7", tmp_path / "north.yaml")
    south = _with_site("south", "198.51.100.8", tmp_path / "south.yaml")
    runs = [
        subprocess.Popen([*command, str(profile)], cwd=tmp_path, stderr=subprocess.PIPE)
        for profile in (north, south)
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr.decode()
    (ledger,) = stacks.glob("*.ledger.yaml")
    sites = yaml.safe_load(ledger.read_text(encoding="utf-8"))["sites"]
    # The later run retires the other's site (its profile lacks it), but keeps its allocations.
    assert {"north", "south"} <= set(sites)
    for field in ("block", "priority_base", "asn"):
        values = [site[field] for site in sites.values() if site[field] is not None]
        assert len(values) == len(set(values)), (field, values)
    sessions = [cidr for site in sites.values() for cidr in site["bgp"]]
    assert len(sessions) == len(set(sessions))
