"""Run Checkov over an export and summarise it: per stack, the checks passed, failed and
waived, each waiver with its reason.

Checkov lives in a virtual environment of its own (it pins `packaging<24`, older than the
Pulumi SDK needs), so clinicgen runs its executable rather than importing it.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import ChecksFailedError, PreviewInputError
from generator.export.model import ExportResult
from generator.export.tfplan import PLAN_FILE


@dataclass(frozen=True)
class ScanFinding:
    stack: str
    check: str
    resource: str
    title: str
    reason: str = ""


@dataclass
class ScanResult:
    """Checkov's verdicts on an export, by stack."""

    passed: Counter[str] = field(default_factory=Counter)
    failed: list[ScanFinding] = field(default_factory=list)
    waived: list[ScanFinding] = field(default_factory=list)
    stacks: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        lines = ["Checkov: passed / failed / waived"]
        for stack in self.stacks:
            failed = sum(1 for f in self.failed if f.stack == stack)
            waived = sum(1 for f in self.waived if f.stack == stack)
            lines.append(f"  {stack}: {self.passed[stack]} / {failed} / {waived}")
        for finding in self.failed:
            lines.append(
                f"  FAILED {finding.check} {finding.stack}: {finding.resource}: {finding.title}"
            )
        for finding in self.waived:
            lines.append(
                f"  waived {finding.check} {finding.stack}: {finding.resource}: {finding.reason}"
            )
        total = sum(self.passed.values())
        lines.append(
            f"Checkov total: {total} passed, {len(self.failed)} failed, {len(self.waived)} waived"
        )
        return lines


def checkov_command(checkov: Path, result: ExportResult, out_dir: Path) -> list[str]:
    """The Checkov invocation for an export: ARM templates as a directory; Terraform plans
    file by file, with the export as the root Checkov reads skip comments from."""
    # --skip-download: no call to Prisma Cloud for guidelines or policies, nothing leaves.
    common = ["--output", "json", "--skip-download", "--compact"]
    if result.format == "arm":
        return [str(checkov), "--directory", str(out_dir), "--framework", "arm", *common]
    plans = [str(out_dir / stack / PLAN_FILE) for stack in result.exported]
    return [
        str(checkov),
        "--file",
        *plans,
        "--framework",
        "terraform_plan",
        "--repo-root-for-plan-enrichment",
        str(out_dir),
        *common,
    ]


def run_checkov(checkov: Path, result: ExportResult, out_dir: Path) -> ScanResult:
    command = checkov_command(checkov, result, out_dir)
    try:
        # Checkov exits 1 when a check fails: its JSON says which, and is read either way.
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as err:
        raise PreviewInputError(f"{checkov}: cannot run Checkov: {err.strerror or err}") from err
    try:
        reports = json.loads(completed.stdout)
    except json.JSONDecodeError as err:
        detail = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise PreviewInputError(
            f"{checkov}: Checkov printed no JSON report (exit status "
            f"{completed.returncode}): {detail}"
        ) from err
    return summarise(reports, tuple(result.exported), out_dir)


def summarise(reports: object, stacks: tuple[str, ...], out_dir: Path) -> ScanResult:
    """Checkov's JSON report (one report, or a list of one per framework) by stack."""
    scan = ScanResult(stacks=stacks)
    for report in reports if isinstance(reports, list) else [reports]:
        if not isinstance(report, dict) or "results" not in report:
            continue  # a framework with nothing to scan reports only a summary
        results = report["results"]
        for check in results.get("passed_checks", []):
            scan.passed[_stack(check, out_dir)] += 1
        for check in results.get("failed_checks", []):
            scan.failed.append(_finding(check, out_dir))
        for check in results.get("skipped_checks", []):
            scan.waived.append(_finding(check, out_dir))
    scan.failed.sort(key=lambda f: (f.stack, f.check, f.resource))
    scan.waived.sort(key=lambda f: (f.stack, f.check, f.resource))
    return scan


def _stack(check: dict[str, object], out_dir: Path) -> str:
    """The stack a finding belongs to: the first folder of its file inside the export."""
    path = Path(str(check.get("file_abs_path", "")))
    try:
        return path.resolve().relative_to(out_dir.resolve()).parts[0]
    except (ValueError, IndexError):
        return str(check.get("file_path", ""))


def _finding(check: dict[str, object], out_dir: Path) -> ScanFinding:
    return ScanFinding(
        stack=_stack(check, out_dir),
        check=str(check.get("check_id")),
        resource=str(check.get("resource")),
        title=str(check.get("check_name")),
        reason=str(_check_result(check).get("suppress_comment") or ""),
    )


def _check_result(check: dict[str, object]) -> dict[str, object]:
    result = check.get("check_result")
    return result if isinstance(result, dict) else {}


def require_checkov_passes(scan: ScanResult) -> None:
    if scan.failed:
        raise ChecksFailedError(
            [
                f"Checkov: {len(scan.failed)} unwaived failure(s); fix the blueprint or waive "
                "the check for the resource with a reason"
            ]
        )
