"""Benchmark: a synthetic fleet (1,000 clients by default: mixed clouds, 1 to 50 sites each,
about 6,000 stacks) through `clinicgen fleet validate`, `generate` (cold, then unchanged) and
`check` (cold, then warm after one client gains a site), each a whole process under
`/usr/bin/time -v`: wall time and peak memory of the largest process.

The warm check is compared, in the same run, with previewing just the stacks the new site
changed (the client's core and the new site stack) in a process of its own: the ratio is what
the fleet's cache costs over running exactly what changed. Targets (issue 18): validate under
30 s, generate under 2 minutes, warm check under 15 s and no more than 1.5x the changed
stacks' preview, peak memory under 2 GB.

Clients copy an example's first site (lakeside-health on Azure, brightsmile-dental on Google
Cloud) under the example fleet's standard; the site counts follow a seeded long-tailed draw.

    python benchmarks/fleet_bench.py                    # 1,000 clients, every step
    python benchmarks/fleet_bench.py --clients 100 --check-clients 20
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.profile.loader import read_document  # noqa: E402

TIME = "/usr/bin/time"
EXAMPLES = ROOT / "examples"
TEMPLATES = {
    "azure": EXAMPLES / "lakeside-health.yaml",
    "gcp": EXAMPLES / "brightsmile-dental.yaml",
}
MAX_SITES = 50


@dataclass(frozen=True)
class Measured:
    exit_code: int
    seconds: float
    peak_mb: float
    stdout: str
    cpu_seconds: float  # user + system, the process and its workers: what a loaded machine hides


def measure(*command: str) -> Measured:
    """Run `command` under `time -v`: wall time, the largest process's peak RSS, and the cpu
    time of the process and its workers (wall time on a shared, loaded machine inflates)."""
    result = subprocess.run(
        [TIME, "-v", *command], capture_output=True, text=True, check=False, cwd=ROOT
    )
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", result.stderr)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    if wall is None or peak is None:
        raise SystemExit(f"{TIME} -v reported no wall time or peak memory:\n{result.stderr}")
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    cpu = sum(
        float(match)
        for match in re.findall(r"(?:User|System) time \(seconds\): (\S+)", result.stderr)
    )
    return Measured(result.returncode, seconds, int(peak.group(1)) / 1024, result.stdout, cpu)


def site_counts(clients: int, seed: int) -> list[int]:
    """Sites per client: most practices have a few, a long tail up to 50 (mean about 5)."""
    draw = random.Random(seed)
    return [min(MAX_SITES, max(1, int(draw.paretovariate(0.93)))) for _ in range(clients)]


def client_document(number: int, cloud: str, sites: int) -> dict:
    template = read_document(TEMPLATES[cloud], str(TEMPLATES[cloud]))
    document = copy.deepcopy(template)
    practice = document["practice"]
    practice.update(id=f"client-{number:04d}", name=f"Client {number}")
    for key in ("region", "dr_region", "jurisdiction", "tags"):
        practice.pop(key, None)
    if cloud == "gcp":
        practice["gcp_project"] = f"client-{number:04d}-prod"
    first = document["sites"][0]
    document["sites"] = []
    for index in range(sites):
        site = copy.deepcopy(first)
        site.update(id=f"site-{index:02d}", name=f"Clinic {index}")
        # Public addresses, unique across the fleet (a cross-client rule).
        peer = number * MAX_SITES + index
        site["connectivity"]["vpn_peer_ip"] = f"20.{peer // 65536}.{peer // 256 % 256}.{peer % 256}"
        site["connectivity"]["bandwidth_mbps"] = 100
        site["connectivity"].pop("onprem_ranges", None)
        document["sites"].append(site)
    document.pop("waivers", None)
    return document


def build_fleet(directory: Path, counts: list[int]) -> int:
    """The fleet folder: the example standard and one client per count; its stack count."""
    (directory / "clients").mkdir(parents=True)
    shutil.copy(EXAMPLES / "fleet" / "fleet.yaml", directory / "fleet.yaml")
    for number, sites in enumerate(counts):
        cloud = "azure" if number % 2 else "gcp"
        path = directory / "clients" / f"client-{number:04d}.yaml"
        path.write_text(yaml.safe_dump(client_document(number, cloud, sites), sort_keys=False))
    return sum(count + 1 for count in counts)


def add_site(client: Path) -> str:
    """One more site at `client`; the new site's id."""
    document = yaml.safe_load(client.read_text())
    site = copy.deepcopy(document["sites"][-1])
    site.update(id="added", name="Added Clinic")
    site["connectivity"]["vpn_peer_ip"] = "20.255.255.254"
    document["sites"].append(site)
    client.write_text(yaml.safe_dump(document, sort_keys=False))
    return "added"


# A process that previews only the stacks the new site changed: the client's core, then the
# new site stack against it, from the stack files generate wrote (what `fleet check` runs).
CHANGED_ONLY = """
import sys
from pathlib import Path
from generator.preview.sources import run_core_stack, run_site_stack, stacks_from_files
stacks = stacks_from_files(Path(sys.argv[1]), sys.argv[2])
core = run_core_stack(stacks)
(site,) = [s for s in stacks.sites if s.site.id == sys.argv[3]]
run_site_stack(stacks, site, core)
"""


def line(label: str, measured: Measured, note: str = "") -> str:
    return (
        f"  {label:<34} exit {measured.exit_code}  {measured.seconds:8.2f} s  "
        f"peak {measured.peak_mb:7.1f} MB  cpu {measured.cpu_seconds:8.2f} s{note}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument(
        "--check-clients",
        type=int,
        help="Check only the first N clients (a fleet of its own): a cold check runs every "
        "stack under mocks [default: all].",
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    # Each step's line as it finishes: a full run takes many minutes.
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    clinicgen = [sys.executable, "-m", "generator", "fleet"]
    jobs = ["--jobs", str(args.jobs)]
    with tempfile.TemporaryDirectory() as work:
        fleet = Path(work) / "fleet"
        counts = site_counts(args.clients, args.seed)
        stacks = build_fleet(fleet, counts)
        print(
            f"fleet: {args.clients} clients ({sum(1 for n in range(args.clients) if n % 2 == 0)}"
            f" gcp, {args.clients // 2} azure), 1-{max(counts)} sites, {stacks} stacks,"
            f" {args.jobs} jobs"
        )
        validate = measure(*clinicgen, "validate", str(fleet), *jobs)
        print(line("fleet validate", validate, "  (target < 30 s)"))
        generate = measure(*clinicgen, "generate", str(fleet), *jobs)
        print(line("fleet generate (cold)", generate, "  (target < 120 s)"))
        again = measure(*clinicgen, "generate", str(fleet), *jobs)
        print(line("fleet generate (unchanged)", again, f"  {again.stdout.splitlines()[-1]}"))

        checked = fleet
        if args.check_clients is not None and args.check_clients < args.clients:
            checked = Path(work) / "checked"
            shutil.copytree(fleet, checked, ignore=shutil.ignore_patterns("client-*"))
            for number in range(args.check_clients):
                name = f"client-{number:04d}"
                shutil.copy(fleet / "clients" / f"{name}.yaml", checked / "clients")
                shutil.copytree(fleet / "projects" / name, checked / "projects" / name)
        checked_clients = len(list((checked / "clients").glob("*.yaml")))
        checked_stacks = sum(counts[n] + 1 for n in range(checked_clients))
        print(f"check: {checked_clients} clients, {checked_stacks} stacks")
        cold = measure(*clinicgen, "check", str(checked), *jobs)
        print(line("fleet check (cold)", cold, "  " + cold.stdout.splitlines()[-2]))
        # The Azure client with the most sites gains one: a large core, the slowest case.
        azure = [n for n in range(checked_clients) if n % 2]
        grown = max(azure, key=lambda n: counts[n])
        name = f"client-{grown:04d}"
        site = add_site(checked / "clients" / f"{name}.yaml")
        regenerate = measure(*clinicgen, "generate", str(checked), *jobs)
        assert regenerate.exit_code == 0, regenerate.stdout
        warm = measure(*clinicgen, "check", str(checked), *jobs)
        print(line(f"fleet check (warm, {name} +1 site)", warm, "  (target < 15 s)"))
        print(f"    {warm.stdout.splitlines()[-2]}")
        only = measure(
            sys.executable,
            "-c",
            CHANGED_ONLY,
            str(checked / "projects" / name / "stacks"),
            name,
            site,
        )
        print(line("preview of the changed stacks only", only, "  (core + new site)"))
        ratio = warm.seconds / only.seconds
        print(f"ratio: warm check / changed stacks {ratio:5.2f}x  (target 1.5x)")
        cpu_ratio = warm.cpu_seconds / only.cpu_seconds
        print(f"ratio: the same in cpu time          {cpu_ratio:5.2f}x")
        peak = max(m.peak_mb for m in (validate, generate, again, cold, warm))
        print(f"peak memory: {peak:.0f} MB (largest process; target < 2048 MB)")


if __name__ == "__main__":
    main()
