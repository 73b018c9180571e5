"""What each registered resource depends on, recorded from the engine requests of a core stack
run again under mocks: the harness's records carry no dependencies yet."""

from __future__ import annotations

from typing import Any

import pytest

from generator.preview import harness
from generator.preview.harness import StackRun
from generator.preview.runner import run_core
from tests.blueprints.practice_runs import PracticeRun


def core_with_dependencies(run: PracticeRun) -> tuple[StackRun, dict[str, set[str]]]:
    """`run`'s core stack run again, and the URNs each resource's request depends on."""
    recorded: dict[str, set[str]] = {}
    register = harness._RecordingMonitor.RegisterResource

    def record(self: harness._RecordingMonitor, request: Any) -> Any:
        response = register(self, request)
        recorded[response.urn] = set(request.dependencies)
        return response

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(harness._RecordingMonitor, "RegisterResource", record)
        stack = run_core(run.core_plan)
    return stack, recorded
