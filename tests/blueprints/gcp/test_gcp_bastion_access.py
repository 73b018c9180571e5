"""Someone can use the bastion (issue 12, finding 13): platform administrators may open IAP TCP
forwarding to the bastion and only to it, log in to it with OS Login as administrators, and
act as its service account alone; IAP's range reaches the bastion's subnet on 22 and 3389."""

from __future__ import annotations

from tests.blueprints.gcp import gcp_runs as g
from tests.blueprints.practice_runs import PracticeRun

TUNNEL_IAM = "gcp:iap/tunnelInstanceIAMMember:TunnelInstanceIAMMember"
INSTANCE_IAM = "gcp:compute/instanceIAMMember:InstanceIAMMember"
ACCOUNT_IAM = "gcp:serviceaccount/iAMMember:IAMMember"
IAP_RANGE = "35.235.240.0/20"  # Google Cloud docs, 'Using IAP for TCP forwarding'


def admins(run: PracticeRun) -> str:
    (group,) = [p.group for p in run.plan.identity.personas if p.persona == "platform_admins"]
    return group


def bastion(run: PracticeRun) -> tuple[str, str]:
    (instance,) = [r for r in run.core.of_type(g.INSTANCE) if r.name.endswith("-bastion")]
    return str(instance.inputs["name"]), str(instance.inputs["zone"])


def grants(run: PracticeRun, type_token: str) -> list[tuple[str, str]]:
    return [(r.inputs["role"], r.inputs["member"]) for r in run.core.of_type(type_token)]


def test_platform_admins_may_tunnel_to_the_bastion_only(practice: PracticeRun) -> None:
    name, zone = bastion(practice)
    assert [r.inputs for r in practice.core.of_type(TUNNEL_IAM)] == [
        {
            "instance": name,
            "member": admins(practice),
            "project": practice.plan.practice.gcp_project,
            "role": "roles/iap.tunnelResourceAccessor",
            "zone": zone,
        }
    ]


def test_platform_admins_log_in_to_the_bastion_as_its_administrators(
    practice: PracticeRun,
) -> None:
    name, zone = bastion(practice)
    assert [
        (r.inputs["instanceName"], r.inputs["zone"]) for r in practice.core.of_type(INSTANCE_IAM)
    ] == [(name, zone)]
    assert grants(practice, INSTANCE_IAM) == [("roles/compute.osAdminLogin", admins(practice))]
    # OS Login on an instance that runs as a service account needs Service Account User on
    # that account, and clinicgen grants it there only, never project-wide.
    assert grants(practice, ACCOUNT_IAM) == [("roles/iam.serviceAccountUser", admins(practice))]
    assert "roles/iam.serviceAccountUser" not in {
        role for role, _ in grants(practice, g.PROJECT_IAM)
    }


def test_iap_reaches_the_bastion_subnet_on_ssh_and_rdp(practice: PracticeRun) -> None:
    bastion_subnet = practice.plan.core.subnet("bastion").cidr
    (rule,) = [
        r.inputs
        for r in practice.core.of_type(g.FIREWALL)
        if r.inputs["direction"] == "INGRESS" and r.inputs.get("allows")
    ]
    assert rule["sourceRanges"] == [IAP_RANGE]
    assert rule["destinationRanges"] == [bastion_subnet]
    assert rule["allows"] == [{"protocol": "tcp", "ports": ["22", "3389"]}]
