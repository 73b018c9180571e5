"""Backup and DR runs as each backup vault's own service agent, which needs no role in the
vault's project, where the practice's instances are (issue 12, finding 15; issue 16): no
project-wide grant reaches that agent or a practice service account, so nothing on the project
can act as every service account through backups (CG-GCP-IAM-005, Checkov CKV_GCP_49)."""

from __future__ import annotations

from tests.blueprints.gcp import gcp_runs as g
from tests.blueprints.practice_runs import PracticeRun


def backupdr_project_grants(run: PracticeRun) -> list[dict[str, object]]:
    return [
        r.inputs
        for r in run.core.of_type(g.PROJECT_IAM)
        if str(r.inputs["role"]).startswith("roles/backupdr.")
        and not str(r.inputs["member"]).startswith("group:")
    ]


def test_no_service_account_of_the_practice_runs_backups(practice: PracticeRun) -> None:
    accounts = {str(r.inputs["accountId"]) for r in practice.core.of_type(g.ACCOUNT)}
    assert not any(account.endswith("-backup") for account in accounts)


def test_backups_of_instances_grant_no_project_role(hosted: PracticeRun) -> None:
    assert hosted.core.of_type(g.BACKUP_PLAN)
    assert hosted.core.of_type(g.BACKUP_ASSOCIATION)
    assert backupdr_project_grants(hosted) == []


def test_no_project_grant_can_act_as_service_accounts(practice: PracticeRun) -> None:
    acting = {"roles/iam.serviceAccountUser", "roles/backupdr.computeEngineOperator"}
    assert not [r for r in practice.core.of_type(g.PROJECT_IAM) if r.inputs["role"] in acting]
