"""fleet.yaml: validated like a profile, defaults merged under each client, the starter."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import OutputError
from generator.fleet.clients import effective_document, merged
from generator.fleet.standard import FleetError, load_standard
from generator.fleet.starter import write_starter
from tests.fleet.conftest import EXAMPLE_FLEET, edit_yaml


def _problems(fleet_dir: Path) -> list[str]:
    with pytest.raises(FleetError) as caught:
        load_standard(fleet_dir)
    return [str(problem) for problem in caught.value.problems]


def test_example_standard_loads() -> None:
    standard = load_standard(EXAMPLE_FLEET)
    assert standard.minimums.compliance == ("hipaa",)
    assert standard.minimums.firewall_tier == "standard"
    assert standard.minimums.vpn_crypto == "cnsa"
    assert standard.rollout.canary == ("maple-grove", "cedar-ortho")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["minimums"].update(backup_rpo=24),
            "minimums.backup_rpo: unknown key (did you mean 'backup_rpo_hours'?) (got 24)",
        ),
        (
            lambda d: d["minimums"]["regions"].update(azure=["us-east4"]),
            "minimums.regions.azure[0]: must be one of: ",
        ),
        (
            lambda d: d["defaults"]["practice"].update(id="same-for-all"),
            "defaults.practice.id: unknown key",
        ),
        (
            lambda d: d["defaults"]["backup"].update(rpo_hours=0),
            "defaults.backup.rpo_hours: must be >= 1 (got 0)",
        ),
        (
            lambda d: d["minimums"].update(firewall_tier="basic"),
            "minimums.firewall_tier: must be one of: none, standard, premium (got 'basic')",
        ),
        (
            lambda d: d["minimums"].update(vpn_crypto="aes-128-cbc"),
            "minimums.vpn_crypto: must be one of: cnsa, aes256-sha256-dh14 (got 'aes-128-cbc')",
        ),
        (
            lambda d: d["defaults"]["azure"]["practice"].update(cloud="gcp"),
            "defaults.azure.practice.cloud: unknown key",
        ),
    ],
)
def test_invalid_standard_names_file_and_field(fleet: Path, change, expected: str) -> None:
    edit_yaml(fleet / "fleet.yaml", change)
    (problem,) = _problems(fleet)
    assert problem.startswith(f"{fleet / 'fleet.yaml'}: {expected}")


def test_missing_standard_points_at_init(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path)
    assert (
        problem == f"{tmp_path / 'fleet.yaml'}: no such file; start from `clinicgen fleet init DIR`"
    )


def test_duplicate_key_is_refused_by_the_strict_loader(fleet: Path) -> None:
    path = fleet / "fleet.yaml"
    path.write_text(path.read_text() + "rollout: {}\n")
    (problem,) = _problems(fleet)
    assert "duplicate key 'rollout'" in problem


def test_merge_keeps_client_values_and_joins_mappings() -> None:
    base = {"practice": {"region": "eastus", "tags": {"msp": "n"}}, "backup": {"rpo_hours": 24}}
    over = {"practice": {"region": "westus2", "tags": {"cost": "1"}}}
    assert merged(base, over) == {
        "practice": {"region": "westus2", "tags": {"msp": "n", "cost": "1"}},
        "backup": {"rpo_hours": 24},
    }
    assert base["practice"]["tags"] == {"msp": "n"}


def test_effective_document_takes_the_client_cloud_defaults_and_fills_minimums() -> None:
    standard = load_standard(EXAMPLE_FLEET)
    client = {"practice": {"id": "x", "cloud": "azure"}, "identity": {"platform_admins": "g"}}
    document = effective_document(client, standard)
    assert document["practice"]["region"] == "eastus2"
    assert document["practice"]["min_firewall_tier"] == "standard"
    assert document["practice"]["compliance"] == ["hipaa"]
    assert document["identity"]["msp_operators"] == "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"
    gcp = effective_document({"practice": {"cloud": "gcp"}}, standard)
    assert gcp["practice"]["region"] == "us-east4"
    assert "min_firewall_tier" not in gcp["practice"]


def test_starter_standard_is_valid_and_not_overwritten(tmp_path: Path) -> None:
    written = write_starter(tmp_path / "msp", "Northwind Health IT")
    standard = load_standard(tmp_path / "msp")
    assert standard.name == "Northwind Health IT"
    assert standard.defaults["practice"]["tags"] == {"msp": "northwind-health-it"}
    assert (tmp_path / "msp" / "clients").is_dir()
    assert (tmp_path / "msp" / ".gitignore").read_text() == ".clinicgen-cache/\n"
    with pytest.raises(OutputError, match="exists; pass --force"):
        write_starter(tmp_path / "msp", "Other")
    assert written.read_text().count("Northwind Health IT") == 1
    # The starter documents the VPN suite minimum, and what it holds clients to.
    assert standard.minimums.vpn_crypto == "cnsa"
    assert "A client picks its suite with practice.vpn_crypto." in written.read_text()


@pytest.mark.parametrize(
    ("folder", "shown"),
    [
        ("north star", "'{path}'"),
        ("nl\nversion: 2\nfleet: {name: x}", "DIR"),
        ("esc\x1b]0;title\x07", "DIR"),
    ],
)
def test_starter_names_any_folder_as_data(tmp_path: Path, folder: str, shown: str) -> None:
    """The folder's name is in the starter's comments as the shell word to type; a name with a
    line break or an escape character would have written YAML into the standard (a second
    `version`) or made it unreadable, so it is shown as DIR."""
    written = write_starter(tmp_path / folder, "Acme IT")
    standard = load_standard(tmp_path / folder)
    assert standard.name == "Acme IT"
    line = f"#   clinicgen fleet validate {shown.format(path=tmp_path / folder)}    every client, "
    assert line + "every problem, one summary" in written.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty; start from `clinicgen fleet init DIR`"),
        ("# only a comment\n", "the file is empty; start from `clinicgen fleet init DIR`"),
        ("- version: 1\n", "a fleet standard must be a mapping of keys to values, not a list"),
        ("northstar\n", "a fleet standard must be a mapping of keys to values, not a single value"),
    ],
)
def test_a_standard_that_is_not_a_mapping_says_what_it_is(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "fleet.yaml").write_text(text, encoding="utf-8")
    assert _problems(tmp_path) == [f"{tmp_path}/fleet.yaml: {message}"]
