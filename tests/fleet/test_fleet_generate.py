"""`fleet generate` skips a client whose project is up to date, and notices when one is not."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import generator.pipeline
from generator.fleet.run import generate_fleet
from generator.generation_record import RECORD_FILE
from generator.ipam.ledger_lock import holding_ledger
from tests.fleet.conftest import edit_yaml

RIVERSIDE = Path("projects") / "riverside"


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The practice ids generate plans, in order (in this process: jobs=1)."""
    seen: list[str] = []
    plan_with_ledger = generator.pipeline._plan_with_ledger

    def recording(profile, *args):
        seen.append(profile.practice.id)
        return plan_with_ledger(profile, *args)

    monkeypatch.setattr(generator.pipeline, "_plan_with_ledger", recording)
    return seen


def _states(fleet: Path) -> dict[str, tuple[bool, int]]:
    """Per practice: (skipped, files changed) of a generate run."""
    result = generate_fleet(fleet, jobs=1)
    assert not result.problems, result.problems
    return {o.facts.practice_id: (o.skipped, o.changed) for o in result.clients if o.facts}


def test_an_unchanged_client_is_not_planned_again(fleet: Path, planned: list[str]) -> None:
    first = _states(fleet)
    assert sorted(planned) == ["cedar-ortho", "maple-grove", "riverside"]
    assert all(not skipped and changed for skipped, changed in first.values())
    assert (fleet / RIVERSIDE / RECORD_FILE).is_file()
    planned.clear()
    assert _states(fleet) == {name: (True, 0) for name in first}
    assert planned == []


def test_only_the_changed_client_is_planned(fleet: Path, planned: list[str]) -> None:
    _states(fleet)
    planned.clear()
    edit_yaml(fleet / "clients" / "riverside.yaml", lambda d: d["sites"][0].update(staff=46))
    states = _states(fleet)
    assert planned == ["riverside"]
    assert states["riverside"][0] is False and states["riverside"][1] > 0
    assert states["maple-grove"] == states["cedar-ortho"] == (True, 0)


def test_a_deleted_file_is_written_again(fleet: Path) -> None:
    _states(fleet)
    stack = fleet / RIVERSIDE / "stacks" / "Pulumi.riverside-site-north.yaml"
    text = stack.read_bytes()
    stack.unlink()
    assert _states(fleet)["riverside"] == (False, 1)
    assert stack.read_bytes() == text


def test_a_hand_edit_is_noticed_and_refused(fleet: Path, run_cli) -> None:
    _states(fleet)
    stack = fleet / RIVERSIDE / "stacks" / "Pulumi.riverside-core.yaml"
    stack.write_text(stack.read_text() + "# a note by hand\n")
    result = run_cli("fleet", "generate", fleet)
    assert result.exit_code == 2
    assert f"{stack}: edited since clinicgen wrote it" in result.stderr
    assert result.stdout.splitlines()[-1].endswith(
        "2 skipped as unchanged, 0 written, 1 refused: 1 problem"
    )
    forced = run_cli("fleet", "generate", fleet, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert "a note by hand" not in stack.read_text()
    assert forced.stdout.splitlines()[-1].endswith("2 skipped as unchanged, 1 written")


def test_a_key_pulumi_adds_is_kept_and_then_up_to_date(fleet: Path) -> None:
    _states(fleet)
    stack = fleet / RIVERSIDE / "stacks" / "Pulumi.riverside-core.yaml"
    stack.write_text("encryptionsalt: v1:abc\n" + stack.read_text())
    # Re-planned (the file differs from the record): the key is kept, below the header.
    assert _states(fleet)["riverside"] == (False, 1)
    assert "\nencryptionsalt: v1:abc\n" in stack.read_text()
    assert _states(fleet)["riverside"] == (True, 0)


def test_a_tighter_standard_refuses_a_client_it_skipped_before(fleet: Path) -> None:
    _states(fleet)
    edit_yaml(fleet / "fleet.yaml", lambda d: d["minimums"].update(backup_rpo_hours=1))
    result = generate_fleet(fleet, jobs=1)
    assert {p.path for p in result.problems} == {"backup.rpo_hours"}
    assert not any(outcome.skipped for outcome in result.clients)


def test_re_planned_with_no_change_is_said_apart(fleet: Path, run_cli) -> None:
    _states(fleet)
    (fleet / RIVERSIDE / RECORD_FILE).unlink()
    result = run_cli("fleet", "generate", fleet)
    assert result.exit_code == 0, result.stderr
    assert f"{fleet / RIVERSIDE}: re-planned, unchanged" in result.stdout
    assert result.stdout.splitlines()[-1].endswith(
        "2 skipped as unchanged, 0 written, 1 re-planned with no change"
    )


def test_a_client_being_generated_is_waited_for(fleet: Path) -> None:
    _states(fleet)
    ledger = fleet / RIVERSIDE / "stacks" / "riverside.ledger.yaml"
    done = threading.Event()
    with holding_ledger(ledger):
        runner = threading.Thread(target=lambda: (generate_fleet(fleet, jobs=1), done.set()))
        runner.start()
        # Another run holds riverside's ledger: this one may not judge its project meanwhile.
        assert not done.wait(2)
    runner.join(60)
    assert done.is_set()
