"""`clinicgen fleet check`: stacks under mocks, and a cache that reruns only what changed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import generator.fleet.check
from generator.fleet.cache import ResultCache, key
from generator.fleet.check import check_fleet
from generator.fleet.run import generate_fleet, load_client
from tests.fleet.conftest import edit_yaml


@pytest.fixture
def gcp_fleet(fleet: Path) -> Path:
    """The small fleet with its Google Cloud client alone (fast under mocks), generated."""
    for name in ("maple-grove.yaml", "riverside.yaml"):
        (fleet / "clients" / name).unlink()
    assert not generate_fleet(fleet).problems
    return fleet


def _add_site(fleet: Path) -> None:
    def add(document: dict) -> None:
        site = dict(document["sites"][0], id="east", name="Cedar East")
        site["connectivity"] = {"bandwidth_mbps": 100, "vpn_peer_ip": "192.0.2.141"}
        document["sites"].append(site)

    edit_yaml(fleet / "clients" / "cedar-ortho.yaml", add)


def test_cache_reruns_only_the_stacks_a_change_affects(gcp_fleet: Path, run_cli) -> None:
    cold = run_cli("fleet", "check", gcp_fleet, "--jobs", "1")
    assert cold.exit_code == 0, cold.stderr
    lines = cold.stdout.splitlines()
    assert re.fullmatch(
        rf"{re.escape(str(gcp_fleet))}/clients/cedar-ortho.yaml: cedar-ortho: 2 stacks, \d+"
        " resources: 0 compliance failures \\(0 waived\\), 0 deployability findings",
        lines[0],
    )
    assert lines[1] == (
        f"cache: 2 stacks: 0 from the cache (hits), 2 run (misses) ({gcp_fleet}/.clinicgen-cache)"
    )
    warm = run_cli("fleet", "check", gcp_fleet)
    assert warm.stdout.splitlines()[:2] == [
        lines[0],
        lines[1].replace("0 from", "2 from").replace("2 run", "0 run"),
    ]
    _add_site(gcp_fleet)
    assert not generate_fleet(gcp_fleet).problems
    after = check_fleet(gcp_fleet)
    # The core's file changed (it lists the new site) but not what it exports: the existing
    # site's result stands; the core and the new site run.
    (client,) = after.clients
    assert (client.hits, client.misses) == (1, 2)
    assert [name for name, _ in client.stacks] == [
        "cedar-ortho-core",
        "cedar-ortho-site-clinic",
        "cedar-ortho-site-east",
    ]


def test_no_cache_runs_everything_and_keeps_nothing(gcp_fleet: Path) -> None:
    result = check_fleet(gcp_fleet, use_cache=False)
    assert (result.hits, result.misses) == (0, 2)
    assert not (gcp_fleet / ".clinicgen-cache").exists()


def test_check_before_generate_names_the_missing_stack_file(fleet: Path, run_cli) -> None:
    result = run_cli("fleet", "check", fleet, "--jobs", "1")
    assert result.exit_code == 2
    core = fleet / "projects" / "cedar-ortho" / "stacks" / "Pulumi.cedar-ortho-core.yaml"
    assert (
        f"{fleet}/clients/cedar-ortho.yaml: {core}: no such stack file: run `clinicgen fleet"
        " generate` first"
    ) in result.stderr.splitlines()
    # Nothing was checked: no client reads as failing its checks.
    assert result.stdout.splitlines()[-1] == (
        "fleet 'Northstar IT managed practices': 3 clients, 0 passing, 0 failing, 3 not checked"
    )


def test_cache_keys_separate_their_parts(tmp_path: Path) -> None:
    assert key("ab", "c") != key("a", "bc")
    cache = ResultCache(tmp_path)
    assert cache.get("stacks", key("x")) is None
    cache.put("stacks", key("x"), {"a": 1})
    assert cache.get("stacks", key("x")) == {"a": 1}


def test_a_client_whose_stacks_are_cached_is_not_read_again(
    gcp_fleet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert check_fleet(gcp_fleet).misses == 2
    read = []
    monkeypatch.setattr(
        generator.fleet.check, "load_client", lambda *args: read.append(args) or load_client(*args)
    )
    assert (check_fleet(gcp_fleet).hits, read) == (2, [])
    # A changed waiver is a changed file: the client is read, and its findings computed again.
    edit_yaml(
        gcp_fleet / "clients" / "cedar-ortho.yaml",
        lambda d: d.setdefault("waivers", []).append(
            {"check": "CG-GCP-IAM-002", "resource": "cedar-ortho-x", "reason": "accepted in test"}
        ),
    )
    again = check_fleet(gcp_fleet)
    assert len(read) == 1
    assert (again.hits, again.misses) == (2, 0)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: "{}", id="valid JSON, not an entry"),
        pytest.param(lambda text: text[: len(text) // 2], id="cut short"),
        pytest.param(lambda text: text.replace('"a": 1', '"a": 2'), id="data edited"),
        pytest.param(lambda text: "[1, 2]", id="a list"),
    ],
)
def test_a_damaged_cache_entry_is_a_miss(tmp_path: Path, damage) -> None:
    cache = ResultCache(tmp_path)
    cache.put("clients", key("x"), {"a": 1})
    (entry,) = tmp_path.rglob("*.json")
    entry.write_text(damage(entry.read_text(encoding="utf-8")), encoding="utf-8")
    assert cache.get("clients", key("x")) is None


def test_an_entry_copied_under_another_key_is_a_miss(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    cache.put("clients", key("x"), {"failures": []})
    cache.put("clients", key("y"), {"failures": [{"check": "CG-1"}]})
    source, target = (tmp_path / "clients" / k[:2] / f"{k}.json" for k in (key("x"), key("y")))
    target.write_bytes(source.read_bytes())
    assert cache.get("clients", key("y")) is None


def test_check_reruns_what_a_damaged_cache_holds_and_rewrites_it(gcp_fleet: Path, run_cli) -> None:
    """Entries that are valid JSON but not what check wrote (a findings entry with its failures
    removed, a stack entry of the wrong shape) are run again, not trusted nor a traceback."""
    cold = run_cli("fleet", "check", gcp_fleet, "--jobs", "1")
    assert cold.exit_code == 0, cold.stderr
    for entry in (gcp_fleet / ".clinicgen-cache").rglob("*.json"):
        entry.write_text("{}" if "clients" in entry.parts else '{"stack": 1}', encoding="utf-8")
    again = run_cli("fleet", "check", gcp_fleet, "--jobs", "1")
    assert again.exit_code == 0, again.stderr
    assert again.stdout == cold.stdout
    warm = run_cli("fleet", "check", gcp_fleet, "--jobs", "1")
    assert "2 from the cache (hits), 0 run (misses)" in warm.stdout
