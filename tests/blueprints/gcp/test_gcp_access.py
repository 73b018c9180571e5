"""How a logical scope of the plan becomes the resource a role is bound at, and what the
access component refuses to bind."""

from __future__ import annotations

import dataclasses

import pytest

from blueprints.gcp.access import Scope, scope_for
from generator.plan.model import RoleGrant
from generator.preview.runner import run_core
from tests.blueprints.gcp.gcp_runs import practice_run

SCOPES = {
    "key-vault": Scope("key-ring", {"keyring": "ring"}),
    "key-vault:secretmanager": Scope("project", {"project-secrets": "p"}),
    "health-data": Scope("dataset", {"dataset": "d"}),
    "health-data:healthcare.fhir": Scope("fhir-store", {"fhir-store": "f"}),
    "ingest": Scope("topic", {"ingest-topic": "t"}),
    "ingest:pubsub.subscriber": Scope("subscription", {"ingest-subscription": "s"}),
}


@pytest.mark.parametrize(
    ("role", "scope", "kind"),
    [
        ("roles/cloudkms.admin", "key-vault", "key-ring"),
        ("roles/secretmanager.secretAccessor", "key-vault", "project"),
        ("roles/healthcare.fhirResourceReader", "health-data", "fhir-store"),
        ("roles/healthcare.datasetViewer", "health-data", "dataset"),
        ("roles/pubsub.publisher", "ingest", "topic"),
        ("roles/pubsub.subscriber", "ingest", "subscription"),
    ],
)
def test_a_grant_binds_at_its_narrowest_scope(role: str, scope: str, kind: str) -> None:
    assert scope_for(RoleGrant(role, scope), SCOPES).kind == kind


def test_a_grant_at_a_scope_without_a_resource_is_refused() -> None:
    with pytest.raises(ValueError, match="no resource for"):
        scope_for(RoleGrant("roles/storage.objectViewer", "imaging-archive"), SCOPES)


@pytest.mark.parametrize("role", ["roles/owner", "roles/editor", "roles/viewer"])
def test_a_plan_granting_a_basic_role_is_refused(role: str) -> None:
    core = practice_run("harbor").core_plan
    admins, *others = core.identity.personas
    granted = dataclasses.replace(admins, grants=(*admins.grants, RoleGrant(role, "workloads")))
    identity = dataclasses.replace(core.identity, personas=(granted, *others))
    with pytest.raises(ValueError, match=role):
        run_core(dataclasses.replace(core, identity=identity))
