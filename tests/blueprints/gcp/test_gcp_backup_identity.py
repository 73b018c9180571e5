"""Backup and DR gets the one grant it needs, on the identity it runs as (issue 12, finding 15):
the backup vault's service agent takes the Compute Engine Operator role on the project, and
only when a backup plan protects instances; no practice service account holds it."""

from __future__ import annotations

from generator.preview.harness import UNKNOWN
from tests.blueprints.gcp import gcp_runs as g
from tests.blueprints.practice_runs import PracticeRun

OPERATOR = "roles/backupdr.computeEngineOperator"  # gcp_controls.yaml backup.vault_agent_role


def operator_grants(run: PracticeRun) -> list[dict[str, object]]:
    return [r.inputs for r in run.core.of_type(g.PROJECT_IAM) if r.inputs["role"] == OPERATOR]


def test_no_service_account_of_the_practice_runs_backups(practice: PracticeRun) -> None:
    accounts = {str(r.inputs["accountId"]) for r in practice.core.of_type(g.ACCOUNT)}
    assert not any(account.endswith("-backup") for account in accounts)
    members = {str(grant["member"]) for grant in operator_grants(practice)}
    assert not any("iam.gserviceaccount.com" in member for member in members)


def test_the_vault_agent_is_granted_only_with_a_backup_plan(practice: PracticeRun) -> None:
    plans = practice.core.of_type(g.BACKUP_PLAN)
    # The member is the vault's `service_account`, known once the vault exists.
    assert operator_grants(practice) == (
        [{"member": UNKNOWN, "project": practice.plan.practice.gcp_project, "role": OPERATOR}]
        if plans
        else []
    )


def test_a_backup_plan_exists_for_hosted_servers(hosted: PracticeRun) -> None:
    assert hosted.core.of_type(g.BACKUP_PLAN)
    assert len(operator_grants(hosted)) == 1
