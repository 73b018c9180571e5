"""`clinicgen fleet report`: one summary of every client, as text, JSON and Markdown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.fleet.run import generate_fleet
from tests.fleet.conftest import edit_yaml
from tests.report.browser import chromium, visit
from tests.report.tools import require


@pytest.fixture
def reported(fleet: Path) -> Path:
    """The Google Cloud client alone (fast under mocks), generated; its name in Markdown."""
    for name in ("maple-grove.yaml", "riverside.yaml"):
        (fleet / "clients" / name).unlink()
    edit_yaml(fleet / "fleet.yaml", lambda d: d["fleet"].update(name="North*star <b>IT</b>"))
    assert not generate_fleet(fleet).problems
    return fleet


def test_report_per_client_as_json(reported: Path, run_cli) -> None:
    result = run_cli("fleet", "report", reported, "--format", "json", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    (client,) = json.loads(result.stdout)["clients"]
    assert client["client"] == "cedar-ortho"
    assert (client["cloud"], client["sites"], client["stacks"]) == ("gcp", 1, 2)
    assert client["resources"] > 50
    assert client["complianceFailures"] == [] and client["deployability"] == []
    assert client["deviations"] == [
        {"path": "backup.rpo_hours", "standard": "24 hours", "client": "12 hours"}
    ]
    assert client["lastGenerated"].endswith(" UTC")


def test_report_lists_a_vpn_suite_stronger_than_the_standards_minimum(
    reported: Path, run_cli
) -> None:
    edit_yaml(
        reported / "fleet.yaml", lambda d: d["minimums"].update(vpn_crypto="aes256-sha256-dh14")
    )
    result = run_cli("fleet", "report", reported, "--format", "json", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    (client,) = json.loads(result.stdout)["clients"]
    assert {"path": "practice.vpn_crypto", "standard": "aes256-sha256-dh14", "client": "cnsa"} in (
        client["deviations"]
    )


def test_report_as_text_and_markdown(reported: Path, run_cli) -> None:
    text = run_cli("fleet", "report", reported).stdout.splitlines()
    assert text[0] == "Fleet: North*star <b>IT</b>"
    assert "Stricter than the standard" in text
    markdown = run_cli("fleet", "report", reported, "--format", "markdown").stdout
    assert markdown.startswith("### Fleet: North\\*star \\<b\\>IT\\</b\\>\n")
    assert "| cedar-ortho | backup.rpo\\_hours | 12 hours | 24 hours |" in markdown
    assert "cache: 2 stacks: 2 from the cache (hits), 0 run (misses)" in markdown


def test_report_as_html_is_one_escaped_page_in_the_approval_reports_style(
    reported: Path, run_cli
) -> None:
    result = run_cli("fleet", "report", reported, "--format", "html", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>")
    # The standard's name is text, never markup, in the title, the heading and the table.
    assert "<b>IT</b>" not in page
    assert "<h1>Fleet summary: North*star &lt;b&gt;IT&lt;/b&gt;</h1>" in page
    assert "<script" not in page and "http" not in page.split("</style>")[0]
    assert "<td>cedar-ortho</td><td>backup.rpo_hours</td><td>12 hours</td><td>24 hours</td>" in page
    assert '<p class="subtitle">cache: 2 stacks: ' in page


def test_a_client_not_generated_yet_is_said_so_not_counted_clean(fleet: Path, run_cli) -> None:
    """Before `fleet generate` no stack was checked: the row says so instead of "invalid" and
    shows no finding counts that would read as a clean result."""
    for name in ("maple-grove.yaml", "riverside.yaml"):
        (fleet / "clients" / name).unlink()
    page = run_cli("fleet", "report", fleet, "--format", "html", "--jobs", "1").stdout
    assert (
        "<tr><td>cedar-ortho</td><td>gcp</td><td>1</td><td>2</td><td>not generated</td>"
        "<td>-</td><td>-</td>" in page
    )


def test_an_invalid_client_reads_invalid_and_its_problems_are_listed(
    reported: Path, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client refused by the cross-client rules (here a copy under another practice id, in
    the same Google Cloud project) is not 'not generated' with no reason given: its row says
    invalid and its own problems follow, not the missing stack files they caused, so the
    pull-request comment says why the fleet cannot deploy."""
    clients = reported / "clients"
    twin = clients / "twin.yaml"
    text = (clients / "cedar-ortho.yaml").read_text(encoding="utf-8")
    twin.write_text(text.replace("id: cedar-ortho\n", "id: cedar-twin\n"), encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "160")  # the table layout, not one record per client
    result = run_cli("fleet", "report", reported, "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    rows = [line.split()[:7] for line in lines if line.split()[:2] == ["cedar-twin", "gcp"]]
    assert rows == [["cedar-twin", "gcp", "1", "2", "invalid", "-", "-"]]
    problems = lines[lines.index("Problems") :]
    assert problems[2].split() == ["client", "problem"]
    assert problems[3].startswith(f"cedar-twin  {twin}: practice.gcp_project: is also")
    assert str(twin) in result.stdout.split("Problems")[1]
    data = json.loads(run_cli("fleet", "report", reported, "--format", "json").stdout)
    assert [client["valid"] for client in data["clients"]] == [True, False]
    assert data["clients"][1]["problems"] == [
        f"{twin}: practice.gcp_project: is also {clients / 'cedar-ortho.yaml'}'s Google Cloud"
        " project: each client deploys into a project of its own (got 'cedar-ortho-prod-7310')",
        f"{twin}: sites[0].connectivity.vpn_peer_ip: is also a VPN peer of"
        f" {clients / 'cedar-ortho.yaml'}: one device cannot terminate two clients' tunnels with"
        " one address (got '192.0.2.140')",
    ]
    markdown = run_cli("fleet", "report", reported, "--format", "markdown").stdout
    assert "### Problems\n" in markdown


def test_the_html_report_renders_in_chromium_and_runs_nothing_from_client_text(
    reported: Path, run_cli, tmp_path: Path
) -> None:
    """Markup in the standard's name and a client's file name stays text in a real browser:
    no script runs (it would log to the console), no image loads (a request)."""
    executable = chromium()
    require(executable, "Chromium (apt-get install chromium)")
    assert executable is not None
    hostile = "<script>console.error('ran')</script><img src=x onerror=console.error('img')>"
    edit_yaml(reported / "fleet.yaml", lambda d: d["fleet"].update(name=f"North {hostile}"))
    clients = reported / "clients"
    (clients / "cedar-ortho.yaml").rename(clients / "<img src=y onerror=alert(1)>.yaml")
    page = tmp_path / "fleet.html"
    result = run_cli("fleet", "report", reported, "--format", "html", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    page.write_text(result.stdout, encoding="utf-8")
    seen = visit(page, executable)
    assert seen.console == []
    assert seen.requests == [page.resolve().as_uri()]
    assert seen.png.startswith(b"\x89PNG")
