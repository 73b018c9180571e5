"""What an export produces: the files, the resources each format left out and why, and the
scanner waivers it carried."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

# Written beside the exported files: what the format could not express, and the waivers.
UNEXPRESSED_FILE = "unexpressed.json"
WAIVERS_FILE = "scanner-waivers.json"


@dataclass(frozen=True)
class Unexpressed:
    """A resource the stack registers that the format has no way to express, and why."""

    stack: str
    urn: str
    type: str
    name: str
    reason: str


@dataclass(frozen=True)
class AppliedWaiver:
    """A scanner check waived for one exported resource, with the reason every report shows."""

    check: str
    stack: str
    resource: str
    address: str
    reason: str
    origin: str


@dataclass
class ExportResult:
    """The files of an export (relative paths), what it left out, and the waivers it wrote."""

    format: str
    files: dict[PurePosixPath, str] = field(default_factory=dict)
    exported: dict[str, int] = field(default_factory=dict)
    unexpressed: list[Unexpressed] = field(default_factory=list)
    waivers: list[AppliedWaiver] = field(default_factory=list)

    def add_json(self, path: PurePosixPath, document: Any) -> None:
        self.files[path] = json_text(document)

    def finish(self) -> None:
        """Record what was left out and the waivers as files of the export too."""
        self.add_json(
            PurePosixPath(UNEXPRESSED_FILE),
            [vars(item) for item in self.unexpressed],
        )
        self.add_json(PurePosixPath(WAIVERS_FILE), [vars(item) for item in self.waivers])


def json_text(document: Any) -> str:
    """Deterministic JSON: sorted keys, two-space indent, a final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
