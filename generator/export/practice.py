"""`clinicgen export`: a practice's stacks, previewed offline, written in the format a
scanner reads for its cloud."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.errors import PreviewInputError
from generator.export.model import ExportResult
from generator.export.waivers import scanner_waivers
from generator.write import GeneratedFile, WrittenFile, write_files

# Each cloud's format: Azure Resource Manager templates, a Terraform plan for Google Cloud.
FORMATS = {"arm": "azure", "tfplan": "gcp"}


@dataclass(frozen=True)
class PracticeExport:
    practice_id: str
    result: ExportResult
    written: list[WrittenFile]


def export_profile(
    profile_path: Path,
    output_format: str | None,
    out_dir: Path,
    *,
    ledger_path: Path | None = None,
    stacks_dir: Path,
    tell: object = None,
) -> PracticeExport:
    """Preview PROFILE's stacks under mocks and write them to `out_dir` as `output_format`
    (the practice's cloud's format when None)."""
    from generator.pipeline import preview_profile

    preview = preview_profile(
        profile_path,
        ledger_path,
        stacks_dir=stacks_dir,
        tell=tell,  # type: ignore[arg-type]
    )
    cloud = preview.stacks.cloud
    chosen = output_format or next(name for name, of in FORMATS.items() if of == cloud)
    if FORMATS[chosen] != cloud:
        raise PreviewInputError(
            f"{profile_path}: practice.cloud: --format {chosen} exports "
            f"{FORMATS[chosen]} stacks (got {cloud!r}); use --format "
            f"{next(name for name, of in FORMATS.items() if of == cloud)}"
        )
    waivers = scanner_waivers(preview.stacks.waivers)
    result = ExportResult(chosen)
    if chosen == "arm":
        from generator.export.arm import export_arm

        export_arm(preview.runs, waivers, result)
    else:
        from generator.export.tfplan import export_tfplan

        export_tfplan(preview.runs, waivers, result)
    result.finish()
    written = write_files(
        out_dir,
        [GeneratedFile(path, body, stamped=False) for path, body in sorted(result.files.items())],
    )
    return PracticeExport(preview.stacks.practice_id, result, written)
