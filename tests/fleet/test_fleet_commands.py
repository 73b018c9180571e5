"""`clinicgen fleet validate | plan | generate | init` on a small fleet, as a user runs them."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from generator.fleet.report import PLAN_COLUMNS, plan_report
from generator.fleet.run import generate_fleet, in_parallel, validate_fleet
from generator.ipam import default_ledger_path, ledger_lock
from tests.fleet.conftest import EXAMPLE_FLEET, edit_yaml


def _client(fleet: Path, name: str) -> Path:
    return fleet / "clients" / name


def test_example_fleet_validates(run_cli) -> None:
    result = run_cli("fleet", "validate", EXAMPLE_FLEET, "--jobs", "2")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (
        f"{EXAMPLE_FLEET}/clients/riverside.yaml: ok (riverside, azure, 2 sites, 3 stacks)" in lines
    )
    assert "  tighter than the standard: backup.rpo_hours 12 hours (standard: 24 hours)" in lines
    assert lines[-1] == "fleet 'Northstar IT managed practices': 6 clients, 6 valid (38 stacks)"


def test_a_bundled_example_validates_under_the_starter_standard(run_cli, tmp_path: Path) -> None:
    """What `fleet init` writes accepts a real client once its placeholder group is replaced:
    its tags stay clear of the names clinicgen sets itself."""
    fleet = tmp_path / "msp"
    assert run_cli("fleet", "init", fleet).exit_code == 0
    standard = fleet / "fleet.yaml"
    placeholder = "00000000-0000-0000-0000-000000000000"
    text = standard.read_text(encoding="utf-8")
    assert placeholder in text
    standard.write_text(text.replace(placeholder, "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"))
    shutil.copy(EXAMPLE_FLEET / "clients" / "maple-grove.yaml", fleet / "clients")
    result = run_cli("fleet", "validate", fleet, "--jobs", "1")
    assert result.exit_code == 0, result.stderr


LOOSENED = "loosens the fleet standard: "
NEVER = "; a client may tighten the standard, never loosen it"


@pytest.mark.parametrize(
    ("client", "change", "expected"),
    [
        (
            "riverside.yaml",
            lambda d: d.setdefault("backup", {}).update(rpo_hours=48),
            f"backup.rpo_hours: {LOOSENED}the backup RPO is at most 24 hours (FLEET: minimums.backup_rpo_hours){NEVER} (got 48)",
        ),
        (
            "riverside.yaml",
            lambda d: d["practice"].update(compliance=["gdpr"]),
            f"practice.compliance: {LOOSENED}compliance must include hipaa; hipaa missing (FLEET: minimums.compliance){NEVER} (got ['gdpr'])",
        ),
        (
            "riverside.yaml",
            lambda d: d["practice"].update(region="northeurope", dr_region="westeurope"),
            f"practice.dr_region: {LOOSENED}azure regions are eastus, eastus2, centralus, westus2 (FLEET: minimums.regions.azure){NEVER} (got 'westeurope')",
        ),
        (
            "riverside.yaml",
            lambda d: d["practice"].update(min_firewall_tier="none"),
            f"practice.min_firewall_tier: {LOOSENED}the hub firewall tier is at least standard (FLEET: minimums.firewall_tier){NEVER} (got 'none')",
        ),
        (
            "riverside.yaml",
            lambda d: d["practice"].update(vpn_crypto="aes256-sha256-dh14"),
            f"practice.vpn_crypto: {LOOSENED}site tunnels use the IPsec suite cnsa or a stronger one (cnsa, strongest first) (FLEET: minimums.vpn_crypto){NEVER} (got 'aes256-sha256-dh14')",
        ),
        (
            "riverside.yaml",
            lambda d: d["sites"][1]["connectivity"].update(vpn_crypto="aes256-sha256-dh14"),
            f"sites[1].connectivity.vpn_crypto: {LOOSENED}site tunnels use the IPsec suite cnsa or a stronger one (cnsa, strongest first) (FLEET: minimums.vpn_crypto){NEVER} (got 'aes256-sha256-dh14')",
        ),
        (
            "riverside.yaml",
            # No jurisdiction: no rule longer than HIPAA's 6 years, so the override stands.
            lambda d: (
                d["practice"].update(jurisdiction=None),
                d.setdefault("backup", {}).update(retention_years=6),
            ),
            f"backup.retention_years: {LOOSENED}records are kept at least 7 years; the plan keeps them 6: set backup.retention_years to 7 or more (FLEET: minimums.retention_years){NEVER} (got 6)",
        ),
    ],
)
def test_client_that_loosens_the_standard_is_refused(
    fleet: Path, run_cli, client: str, change, expected: str
) -> None:
    edit_yaml(_client(fleet, client), change)
    result = run_cli("fleet", "validate", fleet, "--jobs", "1")
    assert result.exit_code == 2
    expected = expected.replace("FLEET", str(fleet / "fleet.yaml"))
    assert f"{_client(fleet, client)}: {expected}" in result.stderr.splitlines()
    assert f"{_client(fleet, client)}: refused (" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_stronger_vpn_suite_than_the_minimum_is_a_deviation_not_an_error(
    fleet: Path, run_cli
) -> None:
    """A standard that admits the weaker suite: a client that says nothing gets CNSA, which
    is stricter, and a client that picks the weaker suite meets the standard exactly."""
    edit_yaml(fleet / "fleet.yaml", lambda d: d["minimums"].update(vpn_crypto="aes256-sha256-dh14"))
    edit_yaml(
        _client(fleet, "maple-grove.yaml"),
        lambda d: d["practice"].update(vpn_crypto="aes256-sha256-dh14"),
    )
    result = run_cli("fleet", "validate", fleet, "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    deviation = (
        "  tighter than the standard: practice.vpn_crypto cnsa (standard: aes256-sha256-dh14)"
    )
    blocks = result.stdout.split(f"{fleet}/clients/")[1:]
    by_client = {block.split(":", 1)[0]: block.splitlines() for block in blocks}
    assert deviation in by_client["riverside.yaml"]
    assert deviation in by_client["cedar-ortho.yaml"]
    assert deviation not in by_client["maple-grove.yaml"]


def test_required_persona_and_tag_are_named(fleet: Path, run_cli) -> None:
    def drop_defaults(d: dict[str, Any]) -> None:
        d["defaults"]["azure"].pop("identity")
        d["defaults"]["practice"].pop("tags")

    edit_yaml(fleet / "fleet.yaml", drop_defaults)
    result = run_cli("fleet", "validate", fleet)
    assert result.exit_code == 2
    standard = fleet / "fleet.yaml"
    for client in ("maple-grove.yaml", "riverside.yaml"):
        assert (
            f"{_client(fleet, client)}: identity.msp_operators: is required by the fleet standard"
            f" ({standard}: minimums.personas: msp_operators): map it to the client's directory group"
        ) in result.stderr.splitlines()
    assert (
        f"{_client(fleet, 'cedar-ortho.yaml')}: practice.tags.msp: is required by the fleet"
        f" standard ({standard}: minimums.tags: msp)"
    ) in result.stderr.splitlines()


def test_clients_that_clash_are_each_named(fleet: Path, run_cli) -> None:
    def clash(d: dict[str, Any]) -> None:
        d["practice"]["id"] = "maple-grove"
        d["sites"][0]["connectivity"]["vpn_peer_ip"] = "198.51.100.24"

    edit_yaml(_client(fleet, "riverside.yaml"), clash)
    twin = _client(fleet, "twin.yaml")
    twin.write_text(
        _client(fleet, "cedar-ortho.yaml")
        .read_text()
        .replace("id: cedar-ortho\n", "id: cedar-twin\n")
    )
    result = run_cli("fleet", "validate", fleet)
    assert result.exit_code == 2
    maple, riverside = _client(fleet, "maple-grove.yaml"), _client(fleet, "riverside.yaml")
    assert result.stderr.splitlines() == [
        f"{riverside}: practice.id: is also {maple}'s practice id: stacks and resources are"
        " named from it, so every client needs its own (got 'maple-grove')",
        f"{riverside}: sites[0].connectivity.vpn_peer_ip: is also a VPN peer of {maple}: one"
        " device cannot terminate two clients' tunnels with one address (got '198.51.100.24')",
        f"{twin}: practice.gcp_project: is also {_client(fleet, 'cedar-ortho.yaml')}'s Google"
        " Cloud project: each client deploys into a project of its own (got 'cedar-ortho-prod-7310')",
        f"{twin}: sites[0].connectivity.vpn_peer_ip: is also a VPN peer of"
        f" {_client(fleet, 'cedar-ortho.yaml')}: one device cannot terminate two clients' tunnels"
        " with one address (got '192.0.2.140')",
    ]
    assert result.stdout.splitlines()[-1] == (
        "fleet 'Northstar IT managed practices': 4 clients, 2 valid (4 stacks), 2 refused: 4 problems"
    )


def test_invalid_profile_problems_name_the_client_file(fleet: Path, run_cli) -> None:
    edit_yaml(_client(fleet, "maple-grove.yaml"), lambda d: d["sites"][0].update(staff=0))
    result = run_cli("fleet", "validate", fleet)
    assert result.exit_code == 2
    assert (
        f"{_client(fleet, 'maple-grove.yaml')}: sites[0].staff: must be >= 1 (got 0)"
        in result.stderr
    )


def test_a_bad_default_names_where_the_standard_gives_it(fleet: Path, run_cli) -> None:
    """The client file has nothing to fix when the value came from the standard's defaults
    (the starter's placeholder group left in place): the problem says where fleet.yaml has
    it. A client giving the same value itself is told about its own file only."""
    zero = "00000000-0000-0000-0000-000000000000"
    edit_yaml(
        fleet / "fleet.yaml",
        lambda d: d["defaults"]["azure"]["identity"].update(msp_operators=zero),
    )
    edit_yaml(_client(fleet, "riverside.yaml"), lambda d: d["identity"].update(msp_operators=zero))
    result = run_cli("fleet", "validate", fleet, "--jobs", "1")
    assert result.exit_code == 2
    placeholder = (
        "identity.msp_operators: is the all-zero placeholder `clinicgen init` and `fleet init` write: put the"
        " real group's object id (Entra ID > Groups > the group > Object Id)"
    )
    assert result.stderr.splitlines() == [
        f"{_client(fleet, 'maple-grove.yaml')}: {placeholder} (the value of {fleet}/fleet.yaml:"
        f" defaults.azure.identity.msp_operators) (got '{zero}')",
        f"{_client(fleet, 'riverside.yaml')}: {placeholder} (got '{zero}')",
    ]


def test_parallel_and_serial_runs_agree(fleet: Path) -> None:
    assert validate_fleet(fleet, jobs=2) == validate_fleet(fleet, jobs=1)
    assert in_parallel(abs, [-3, 2, -1], 2) == [3, 2, 1]


def test_plan_lists_every_client(fleet: Path, run_cli) -> None:
    result = run_cli("fleet", "plan", fleet, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert '"client": "maple-grove"' in result.stdout
    # Each client's monthly cost at list prices (generator.cost), or why there is none.
    costs = {row["client"]: row["monthly cost"] for row in json.loads(result.stdout)["clients"]}
    assert set(costs) == {"maple-grove", "riverside", "cedar-ortho"}
    assert all(cost.startswith(("$", "unpriced")) for cost in costs.values())
    text = plan_report(validate_fleet(fleet, with_ledgers=True), "text", 120).splitlines()
    assert text[2].split() == " ".join(PLAN_COLUMNS).split()
    assert text[3].split()[:2] == ["cedar-ortho", "gcp"]
    # The fleet's floor raises the one-site practice's firewall from none (its own plan).
    assert "standard" in text[4].split()


def _snapshot(root: Path) -> dict[Path, tuple[bytes, int]]:
    return {
        p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_generate_writes_each_project_and_nothing_when_unchanged(fleet: Path, run_cli) -> None:
    first = run_cli("fleet", "generate", fleet, "--jobs", "2")
    assert first.exit_code == 0, first.stderr
    project = fleet / "projects" / "riverside"
    assert (project / "stacks" / "Pulumi.riverside-site-north.yaml").is_file()
    copy = (project / "riverside.yaml").read_text()
    assert "merged over the defaults of the fleet standard" in copy
    assert "msp_operators: 5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d" in copy
    before = _snapshot(fleet / "projects")
    again = run_cli("fleet", "generate", fleet, "--jobs", "2")
    assert again.exit_code == 0, again.stderr
    assert _snapshot(fleet / "projects") == before
    assert again.stdout.splitlines()[-1].endswith(
        "3 generated (7 stacks): 3 skipped as unchanged, 0 written"
    )
    assert f"{project}: unchanged, skipped (riverside, azure, 2 sites, 3 stacks)" in again.stdout


def test_generate_refuses_only_the_client_that_loosens(fleet: Path) -> None:
    edit_yaml(
        _client(fleet, "riverside.yaml"), lambda d: d.setdefault("backup", {}).update(rpo_hours=48)
    )
    result = generate_fleet(fleet, jobs=1)
    assert [p.path for p in result.problems] == ["backup.rpo_hours"]
    assert not (fleet / "projects" / "riverside").exists()
    assert (
        fleet / "projects" / "maple-grove" / "stacks" / "Pulumi.maple-grove-core.yaml"
    ).is_file()


def test_generate_writes_nothing_when_clients_clash(fleet: Path, run_cli) -> None:
    edit_yaml(_client(fleet, "riverside.yaml"), lambda d: d["practice"].update(id="maple-grove"))
    result = run_cli("fleet", "generate", fleet)
    assert result.exit_code == 2
    assert not (fleet / "projects").exists()
    assert "is also" in result.stderr
    # Nothing was written, and the summary says so rather than counting valid clients.
    assert result.stdout.splitlines()[-1] == (
        "fleet 'Northstar IT managed practices': 3 clients, 0 generated (0 stacks), 1 refused:"
        " 1 problem"
    )


def test_a_second_generate_waits_for_a_client_another_run_holds_and_says_so(
    fleet: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two `fleet generate` runs at once: the second waits for each client the first is
    writing, saying so on stderr instead of hanging silently, and loses nothing."""
    for name in ("maple-grove.yaml", "riverside.yaml"):
        _client(fleet, name).unlink()
    stacks = fleet / "projects" / "cedar-ortho" / "stacks"
    ledger = default_ledger_path(stacks, "cedar-ortho")
    waiting = threading.Event()

    def holder(path: Path) -> str:
        waiting.set()
        return "the other fleet generate"

    monkeypatch.setattr(ledger_lock, "_holder", holder)
    results = []
    with ledger_lock.holding_ledger(ledger):
        second = threading.Thread(
            target=lambda: results.append(run_cli("fleet", "generate", fleet, "--jobs", "1"))
        )
        second.start()
        assert waiting.wait(60)
        assert not stacks.exists()
    second.join(60)
    (result,) = results
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"{ledger}: in use by the other fleet generate; waiting up to 300 s for it to finish\n"
    )
    assert (stacks / "Pulumi.cedar-ortho-site-clinic.yaml").is_file()


def test_init_writes_a_standard_validate_reads(tmp_path: Path, run_cli) -> None:
    result = run_cli("fleet", "init", tmp_path / "msp", "--name", "Acme IT")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "msp" / "fleet.yaml").is_file()
    again = run_cli("fleet", "init", tmp_path / "msp")
    assert again.exit_code == 1
    assert "exists; pass --force" in again.stderr
    empty = run_cli("fleet", "validate", tmp_path / "msp")
    assert empty.exit_code == 2
    assert "no client profiles (clients/*.yaml)" in empty.stderr
