"""What `clinicgen export` prints: per stack, the resources exported and the files written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from generator.export.model import UNEXPRESSED_FILE, WAIVERS_FILE
from generator.wording import counted

if TYPE_CHECKING:
    from generator.export.practice import PracticeExport

SCANNER_HINTS = {
    "arm": "checkov -d {out} --framework arm",
    "tfplan": "checkov -f {out}/<stack>/plan.json --framework terraform_plan "
    "--repo-root-for-plan-enrichment {out}/<stack>",
}


def export_summary(export: PracticeExport, out_dir: Path) -> Iterator[str]:
    result = export.result
    kind = "ARM templates" if result.format == "arm" else "Terraform plan JSON"
    yield f"{export.practice_id}: {kind} in {out_dir}"
    for stack, count in result.exported.items():
        files = sum(1 for path in result.files if path.parts[0] == stack)
        yield f"  {stack}: {counted(count, 'resource')} in {counted(files, 'file')}"
    yield (
        f"  not expressible in this format: {counted(len(result.unexpressed), 'resource')} "
        f"(listed in {out_dir / UNEXPRESSED_FILE})"
    )
    yield (
        f"  scanner waivers: {counted(len(result.waivers), 'resource check')} "
        f"(with reasons in {out_dir / WAIVERS_FILE})"
    )
    yield "Scan it: " + SCANNER_HINTS[result.format].format(out=out_dir)
