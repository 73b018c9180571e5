"""Benchmark: `clinicgen plan` on the 50-site profile against the CLI's own start-up.

Both are measured in this run, as whole processes (what a user waits for), median of
`--repeat` runs each. The baseline is `clinicgen --version`: interpreter, Click and the CLI
module, no work. The ratio says what planning 50 sites costs on top of starting the tool;
the absolute time is what issue 3 asks to stay well under a second.

    python benchmarks/plan_bench.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIFTY_SITES = ROOT / "tests" / "data" / "fifty-sites.yaml"


def median_seconds(command: list[str], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "generator"]
    with tempfile.TemporaryDirectory() as stacks_dir:
        baseline = median_seconds([*cli, "--version"], args.repeat)
        plan = median_seconds(
            [*cli, "plan", str(FIFTY_SITES), "--format", "json", "--stacks-dir", stacks_dir],
            args.repeat,
        )
    print(f"baseline  clinicgen --version                 {baseline * 1000:8.1f} ms")
    print(f"plan      clinicgen plan fifty-sites (json)   {plan * 1000:8.1f} ms")
    print(f"ratio     plan / baseline                     {plan / baseline:8.2f}x")
    print(f"planning work on top of start-up              {(plan - baseline) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
