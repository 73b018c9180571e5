"""Benchmark: a practice of many sites (500 by default) through validate, plan, generate and
preview, each a whole `clinicgen` process under `/usr/bin/time -v`: wall time, peak memory,
and the site stacks `generate` wrote. A command that refuses the profile (a cloud ceiling,
exit 2) is reported with its first line and the later commands are skipped.

The profile is an example grown to `--sites` copies of its first site, as preview_bench.py
makes it (lakeside-health on Azure, brightsmile-dental on Google Cloud).

    python benchmarks/scale_bench.py                          # 500 sites, both clouds
    python benchmarks/scale_bench.py --cloud gcp --sites 200 --commands validate plan
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from preview_bench import practice_profile

COMMANDS = ("validate", "plan", "generate", "preview")
TIME = "/usr/bin/time"


@dataclass(frozen=True)
class Measured:
    command: str
    exit_code: int
    seconds: float
    peak_mb: float
    first_error: str


def measure(command: str, profile: Path, stacks: Path) -> Measured:
    """Run `clinicgen COMMAND PROFILE` under `time -v`; its wall time and peak RSS."""
    where = [] if command == "validate" else ["--stacks-dir", str(stacks)]
    clinicgen = [sys.executable, "-m", "generator", command, str(profile), *where]
    result = subprocess.run([TIME, "-v", *clinicgen], capture_output=True, text=True, check=False)
    report = result.stderr
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", report)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    if wall is None or peak is None:
        raise SystemExit(f"{TIME} -v reported no wall time or peak memory:\n{report}")
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    lines = [line for line in report.splitlines() if not line.startswith(("\t", "Command"))]
    errors = [line for line in lines if line and not line.startswith("ledger:")]
    return Measured(
        command,
        result.returncode,
        seconds,
        int(peak.group(1)) / 1024,
        errors[0] if result.returncode and errors else "",
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sites", type=int, default=500)
    parser.add_argument("--cloud", choices=("azure", "gcp"), action="append")
    parser.add_argument("--commands", nargs="+", choices=COMMANDS, default=list(COMMANDS))
    args = parser.parse_args()
    for cloud in args.cloud or ["azure", "gcp"]:
        with tempfile.TemporaryDirectory() as work:
            profile = practice_profile(cloud, args.sites, Path(work))
            stacks = Path(work) / "stacks"
            print(f"{cloud}: {args.sites} sites ({profile.name})")
            for command in args.commands:
                measured = measure(command, profile, stacks)
                line = (
                    f"  {command:<9} exit {measured.exit_code}  {measured.seconds:8.2f} s  "
                    f"peak {measured.peak_mb:7.1f} MB"
                )
                if command == "generate" and measured.exit_code == 0:
                    site_stacks = len(list(stacks.glob("Pulumi.*-site-*.yaml")))
                    line += f"  {site_stacks} site stacks"
                print(line)
                if measured.exit_code:
                    print(f"    refused: {measured.first_error}")
                    break


if __name__ == "__main__":
    main()
