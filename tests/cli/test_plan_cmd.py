"""`clinicgen plan`: formats, the ledger options, clean errors, no Pulumi SDK loaded."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.ipam import default_ledger_path, ledger_text
from generator.plan.codec import loads
from generator.plan.model import Plan
from generator.profile import load_profile
from generator.sizing import build_plan
from tests.paths import DATA, EXAMPLES

FIFTY = DATA / "fifty-sites.yaml"
Invoke = Callable[..., Result]


def _plan(run_cli, *args: object) -> Result:
    return run_cli("plan", *args)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_json_is_the_whole_plan(run_cli, path: Path, tmp_path: Path) -> None:
    result = _plan(run_cli, path, "--format", "json", "--stacks-dir", tmp_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"practice", "cloud", "sites", "core", "flows", "decisions"} <= set(data)
    segment = data["sites"][0]["segments"][0]
    assert {"name", "vlan", "cidr", "devices", "capacity"} <= set(segment)
    assert {"name", "cidr"} <= set(data["core"]["subnets"][0])
    assert {"site", "from", "to", "protocol", "ports"} <= set(data["flows"][0])
    assert {"rule", "subject", "value", "reason"} == set(data["decisions"][0])
    assert loads(Plan, result.stdout) == build_plan(load_profile(path))[0]


def test_text_is_plain_tables_when_piped(run_cli: Invoke, tmp_path: Path) -> None:
    result = _plan(run_cli, EXAMPLES[0], "--stacks-dir", tmp_path)
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    assert "Hub subnets\n===========" in result.stdout
    assert "NET-SEG-01" in result.stdout and "Decisions" in result.stdout


@pytest.mark.parametrize("columns", [None, "80", "120"])
def test_text_fits_the_terminal_or_120_columns_when_piped(
    run_cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    lakeside = next(p for p in EXAMPLES if p.stem == "lakeside-health")
    result = _plan(run_cli, lakeside, "--stacks-dir", tmp_path)
    assert result.exit_code == 0
    width = int(columns or 120)
    assert max(len(line) for line in result.stdout.splitlines()) <= width
    words = result.stdout.split()
    assert "10.65.16.0/20" in words and "10.65.16.254" in words
    assert "a169a624-5599-4385-a696-c8d643089fab" not in result.stdout
    assert "HITRUST/HIPAA" in result.stdout and "HITRUST CSF v11.3" in result.stdout


def test_markdown_is_a_review_document(run_cli: Invoke, tmp_path: Path) -> None:
    result = _plan(run_cli, EXAMPLES[0], "--format", "markdown", "--stacks-dir", tmp_path)
    assert result.exit_code == 0
    assert result.stdout.startswith("# Plan: ")
    assert (
        "\n| rule | decisions | about | first reason |\n| --- | --- | --- | --- |\n"
        in result.stdout
    )
    assert "\n| subject | value | reason |\n| --- | --- | --- |\n" in result.stdout


def test_markdown_leads_with_summaries_and_folds_the_detail(
    run_cli: Invoke, tmp_path: Path
) -> None:
    from generator.render.templating import markdown_cell

    brightsmile = next(p for p in EXAMPLES if p.stem == "brightsmile-dental")
    result = _plan(run_cli, brightsmile, "--format", "markdown", "--stacks-dir", tmp_path)
    assert result.exit_code == 0
    document = result.stdout
    plan = build_plan(load_profile(brightsmile))[0]
    shown = re.sub(r"<details>.*?</details>", "", document, flags=re.S)
    # What an approver reads unfolded: one row per site, per kind of flow, per rule.
    assert len(shown) < 25_000
    rows = [line for line in shown.splitlines() if line.startswith("| ")]
    assert len(rows) < 4 * len(plan.sites) + 80
    rules = {d.rule for d in plan.decisions}
    assert len(re.findall(r"<details><summary>Decisions ", document)) == len(rules)
    # Nothing is left out: every decision and every flow is in the folded detail.
    for decision in plan.decisions:
        assert markdown_cell(decision.reason) in document
    for flow in plan.flows:
        assert f"| {markdown_cell(flow.site)} | {markdown_cell(flow.id)} |" in document


def _ledger_with_sites_reversed(path: Path) -> tuple[str, Plan]:
    """A ledger whose allocations differ from what a fresh plan of `path` would choose."""
    profile = load_profile(path)
    reversed_profile = dataclasses.replace(profile, sites=tuple(reversed(profile.sites)))
    plan, ledger = build_plan(reversed_profile)
    return ledger_text(ledger), plan


@pytest.mark.parametrize("where", ["--ledger", "--stacks-dir"])
def test_plan_honours_the_ledger(run_cli: Invoke, tmp_path: Path, where: str) -> None:
    path = DATA / "fifty-sites.yaml"
    text, ledger_plan = _ledger_with_sites_reversed(path)
    if where == "--ledger":
        ledger_file = tmp_path / "elsewhere.yaml"
        args: tuple[object, ...] = ("--ledger", ledger_file, "--stacks-dir", tmp_path / "none")
    else:
        ledger_file = default_ledger_path(tmp_path, "fiftysite")
        args = ("--stacks-dir", tmp_path)
    ledger_file.write_text(text, encoding="utf-8")
    result = _plan(run_cli, path, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    shown = loads(Plan, result.stdout)
    fresh = build_plan(load_profile(path))[0]
    assert {s.id: s.block for s in shown.sites} == {s.id: s.block for s in ledger_plan.sites}
    assert {s.id: s.block for s in shown.sites} != {s.id: s.block for s in fresh.sites}


def test_plan_writes_nothing(run_cli: Invoke, tmp_path: Path) -> None:
    assert _plan(run_cli, FIFTY, "--stacks-dir", tmp_path / "stacks").exit_code == 0
    assert not (tmp_path / "stacks").exists()


def test_a_tiny_pool_fails_cleanly_with_exit_2(run_cli: Invoke, tmp_path: Path) -> None:
    result = _plan(run_cli, DATA / "tiny-pool.yaml", "--stacks-dir", tmp_path)
    assert result.exit_code == 2
    assert "address pool 10.10.0.0/22 has no free" in result.stderr
    assert "widen practice.address_pool" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_a_broken_ledger_fails_cleanly_with_exit_2(run_cli: Invoke, tmp_path: Path) -> None:
    ledger = tmp_path / "bad.ledger.yaml"
    ledger.write_text(
        "version: 1\npractice: fiftysite\ncore: {block: nonsense}\n", encoding="utf-8"
    )
    result = _plan(run_cli, FIFTY, "--ledger", ledger)
    assert result.exit_code == 2
    assert f"{ledger}: core.block: must be an IPv4 network" in result.stderr
    assert "Traceback" not in result.output


PLAN_IMPORTS = """
import sys
from click.testing import CliRunner
from generator.cli import cli
result = CliRunner().invoke(cli, ["plan", sys.argv[1], "--stacks-dir", sys.argv[2]])
assert result.exit_code == 0, result.output
print(",".join(sorted(m for m in sys.modules if m.split(".")[0].startswith("pulumi"))))
"""


def test_plan_loads_no_pulumi_sdk(tmp_path: Path) -> None:
    """Planning must not pay for the provider SDKs (its speed is measured by
    benchmarks/plan_bench.py, not here)."""
    done = subprocess.run(
        [sys.executable, "-c", PLAN_IMPORTS, str(FIFTY), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert done.stdout.strip() == ""
