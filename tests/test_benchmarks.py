"""The benchmark scripts still run and report: they are measurements, not tests, so nothing
here judges a time, only that each prints its comparison."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.paths import ROOT


def _run(*command: str) -> str:
    result = subprocess.run(
        [sys.executable, *command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("cloud", ["azure", "gcp"])
def test_preview_benchmark_checks_its_floors_and_prints_both_ratios(cloud: str) -> None:
    out = _run("benchmarks/preview_bench.py", "--cloud", cloud, "--sites", "2", "--repeat", "1")

    assert re.search(
        rf"^bench-{cloud}-2\.yaml: {cloud}, 2 sites, 3 stacks, \d+ resources; medians of 1 ",
        out,
        re.M,
    ), out
    times = r"\d+\.\d\d s \(cpu +\d+\.\d\d s\)  peak +\d+\.\d MB"
    assert re.search(rf"^  clinicgen preview +{times}$", out, re.M), out
    ratio = rf"{times}  preview / floor +\d+\.\d\dx \(cpu +\d+\.\d\dx\)"
    assert re.search(rf"^  typed floor +{ratio}  \(target 1\.3x: (met|NOT met)\)$", out, re.M), out
    assert re.search(rf"^  generic floor +{ratio}$", out, re.M), out


def test_plan_benchmark_prints_the_ratio() -> None:
    out = _run("benchmarks/plan_bench.py", "--repeat", "1")

    assert re.search(r"^ratio +plan / baseline +\d+\.\d\dx$", out, re.M), out


def test_scale_benchmark_reports_time_memory_and_site_stacks() -> None:
    out = _run(
        "benchmarks/scale_bench.py",
        "--cloud",
        "gcp",
        "--sites",
        "2",
        "--commands",
        "validate",
        "generate",
    )

    assert re.search(r"^gcp: 2 sites ", out, re.M), out
    assert re.search(r"^  validate +exit 0 +\d+\.\d\d s +peak +\d+\.\d MB$", out, re.M), out
    assert re.search(r"^  generate +exit 0 .* MB  2 site stacks$", out, re.M), out


def test_fleet_benchmark_reports_each_step_and_the_warm_ratio() -> None:
    out = _run("benchmarks/fleet_bench.py", "--clients", "4", "--check-clients", "2", "--jobs", "1")

    assert re.search(r"^fleet: 4 clients \(2 gcp, 2 azure\), 1-\d+ sites, \d+ stacks", out, re.M), (
        out
    )
    for step in ("fleet validate", "fleet generate \\(cold\\)", "fleet check \\(cold\\)"):
        assert re.search(rf"^  {step} +exit 0 +\d+\.\d\d s  peak +\d+\.\d MB", out, re.M), out
    # The unchanged fleet is skipped whole: no client is planned again.
    assert re.search(
        r"^  fleet generate \(unchanged\) +exit 0 .*: 4 skipped as unchanged, 0 written$", out, re.M
    ), out
    assert re.search(
        r"^    cache: \d+ stacks: \d+ from the cache \(hits\), 2 run \(misses\)", out, re.M
    ), out
    assert re.search(r"^ratio: warm check / changed stacks +\d+\.\d\dx", out, re.M), out
