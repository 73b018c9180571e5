"""Benchmark: the offline preview of a 50-site practice against its floor.

The floor is the least any offline preview of that practice can cost: a minimal Pulumi program
that registers exactly the resources the preview recorded (same types, names, parents and
inputs) as generic resources under trivial mocks, with no provider SDK classes, no input type
translation, no aliases, no checks. The preview is `clinicgen preview` minus printing: size
the profile, run every stack of the real blueprints program under the preview mocks, and run
every compliance check. Both run once in this process after a warm-up run that loads the SDKs,
so module import time (paid once per process, whatever the size) counts in neither.

    .venv/bin/python benchmarks/preview_bench.py            # 50 Azure sites
    .venv/bin/python benchmarks/preview_bench.py --cloud gcp --sites 20

This is a measurement, not a test: it prints the times and the ratio (target: 1.3x or less).
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import copy
import tempfile
import time
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from generator.checks import evaluate
from generator.preview.harness import ORGANIZATION, PROJECT, RegisteredResource, StackRun
from generator.preview.sources import PracticeStacks, run_stacks, stacks_from_profile
from generator.profile.loader import read_document

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = {
    "azure": ROOT / "examples" / "lakeside-health.yaml",
    "gcp": ROOT / "examples" / "brightsmile-dental.yaml",
}
TARGET = 1.3


def practice_profile(cloud: str, sites: int, directory: Path) -> Path:
    """An example profile of `cloud` grown to `sites` sites, each a copy of its first site."""
    # The profile reader, not yaml.safe_load: it keeps `pacs: on` the text the schema wants.
    document = read_document(TEMPLATES[cloud], str(TEMPLATES[cloud]))
    template = document["sites"][0]
    document["sites"] = []
    for number in range(1, sites + 1):
        site = copy.deepcopy(template)
        site.update(id=f"site-{number:02d}", name=f"Clinic {number}")
        site["connectivity"]["vpn_peer_ip"] = f"198.51.{100 + number // 250}.{number % 250 + 1}"
        site["connectivity"].pop("onprem_ranges", None)
        # 100 Mbps each keeps 50 sites on one VNet gateway (VpnGw4: 100 tunnels, 5 Gbps).
        site["connectivity"]["bandwidth_mbps"] = 100
        document["sites"].append(site)
    path = directory / f"bench-{cloud}-{sites}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def preview(profile: Path) -> tuple[PracticeStacks, tuple[StackRun, ...]]:
    """What `clinicgen preview` does, without printing."""
    stacks, _ = stacks_from_profile(profile, ledger_path=Path("/nonexistent"))
    runs = run_stacks(stacks)
    evaluate([r for run in runs for r in run.resources], stacks.context, stacks.waivers)
    return stacks, runs


class TrivialMocks(pulumi.runtime.Mocks):
    """Mocks that answer every resource with its own inputs and a made-up id."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def floor(runs: tuple[StackRun, ...]) -> None:
    """Register every recorded resource again, as generic resources, under trivial mocks."""
    for run in runs:
        _register_again(run.stack, run.resources)


def _register_again(stack: str, resources: list[RegisteredResource]) -> None:
    def program() -> None:
        created: dict[str, pulumi.Resource] = {}
        for resource in resources:
            opts = pulumi.ResourceOptions(parent=created.get(resource.parent))
            if resource.custom:
                created[resource.urn] = pulumi.CustomResource(
                    resource.type, resource.name, dict(resource.inputs), opts
                )
            else:
                created[resource.urn] = pulumi.ComponentResource(
                    resource.type, resource.name, None, opts
                )

    def execute() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            pulumi_mocks.set_mocks(
                TrivialMocks(),
                project=PROJECT,
                stack=stack,
                preview=True,
                organization=ORGANIZATION,
            )
            pulumi_settings.ROOT.set(None)
            _sync_await(run_in_stack(program))
        finally:
            loop.close()
            asyncio.set_event_loop(None)

    contextvars.Context().run(execute)


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cloud", choices=sorted(TEMPLATES), default="azure")
    parser.add_argument("--sites", type=int, default=50)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        profile = practice_profile(options.cloud, options.sites, Path(directory))
        preview(practice_profile(options.cloud, 1, Path(directory)))  # warm-up: load the SDKs
        preview_seconds, (stacks, runs) = timed(preview, profile)
    resources = sum(len(run.resources) for run in runs)
    floor_seconds, _ = timed(floor, runs)
    report(f"{stacks.practice_id} ({options.cloud}), {options.sites} sites", runs, resources)
    line("preview", preview_seconds, resources, "size, run every stack, check")
    line("floor", floor_seconds, resources, "generic resources, trivial mocks")
    ratio = preview_seconds / floor_seconds
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"ratio:     {ratio:6.2f}x  (target {TARGET}x: {verdict})")


def report(practice: str, runs: tuple[StackRun, ...], resources: int) -> None:
    print(f"practice:  {practice}, {len(runs)} stacks, {resources} resources")


def line(label: str, seconds: float, resources: int, note: str) -> None:
    per_resource = 1000 * seconds / resources
    print(f"{label + ':':<10} {seconds:6.2f} s  ({per_resource:.2f} ms/resource; {note})")


if __name__ == "__main__":
    main()
