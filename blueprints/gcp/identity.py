"""Identity and keys: a service account per workload, Cloud KMS keys with rotation, and the
Google service agents allowed to encrypt with each key, each agent's address read from Google
once its API is on (never built from the project number where Google can return it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import kms, organizations, projects, serviceaccount, storage

from blueprints.gcp import naming
from blueprints.gcp.apis import API_SUFFIX
from blueprints.gcp.context import GcpContext
from blueprints.options import protected
from generator.plan.model import IdentityPlan

SECONDS_PER_DAY = 86400


@dataclass(frozen=True)
class KeySpec:
    """One customer-managed key: what it protects, where it lives, which service agents use it
    (keys of the plan's `kms.service_agents` facts)."""

    purpose: str
    location: str
    agents: tuple[str, ...]


@dataclass(frozen=True)
class IdentityArgs:
    context: GcpContext
    identity: IdentityPlan  # one service account per workload
    keys: tuple[KeySpec, ...]


@dataclass(frozen=True)
class WorkloadAccount:
    """A workload's service account: the email it runs as, the member roles are bound to."""

    email: pulumi.Output[str]
    member: pulumi.Output[str]


@dataclass(frozen=True)
class EncryptionKey:
    """A customer-managed key's id, and the grants that let its service agents use it: a
    resource encrypted with the key depends on them, or creating it fails."""

    id: pulumi.Output[str]
    grants: Sequence[pulumi.Resource]


class Identity(pulumi.ComponentResource):
    """Workload identities and the practice's encryption keys. Persona and workload role
    bindings live in `AccessGrants`, created once the resources they scope to exist."""

    accounts: dict[str, WorkloadAccount]
    keys: dict[str, EncryptionKey]
    key_ring_ids: dict[str, pulumi.Output[str]]  # by location
    project_number: pulumi.Output[str]
    _resource_name: str
    _context: GcpContext
    _agents: dict[str, pulumi.Output[str]]  # IAM members by `kms.service_agents` key

    def __init__(self, name: str, args: IdentityArgs, opts: ResourceOptions | None = None) -> None:
        super().__init__("clinicgen:gcp:Identity", name, None, opts)
        # Each resource waits for the API it is created through (GCP-API-01).
        child_opts = ResourceOptions.merge(
            ResourceOptions(parent=self), args.context.api_opts("iam", "cloudkms")
        )
        stateful = protected(child_opts)
        context = args.context
        kms_controls = context.facts("kms")
        self._resource_name, self._context, self._agents = name, context, {}
        pid = context.practice_id

        self.accounts = {}
        for workload in (w.workload for w in args.identity.workloads):
            account = serviceaccount.Account(
                f"{name}-{workload}",
                account_id=naming.fit(naming.SERVICE_ACCOUNT, pid, workload),
                project=context.project,
                display_name=f"clinicgen {workload} workload",
                description=f"Runs the {workload} workload with only the roles its plan grants",
                opts=child_opts,
            )
            self.accounts[workload] = WorkloadAccount(account.email, account.member)
        self.project_number = organizations.get_project_output(
            project_id=context.project,
            opts=pulumi.InvokeOutputOptions(
                parent=self, depends_on=context.api_opts("cloudresourcemanager").depends_on
            ),
        ).number

        # Key rings can never be deleted in Cloud KMS, hence protect as well as stable names.
        key_rings = {
            location: kms.KeyRing(
                f"{name}-keyring-{location}",
                name=naming.fit(naming.KMS, pid, "keys"),
                project=context.project,
                location=location,
                opts=stateful,
            )
            for location in sorted({key.location for key in args.keys})
        }
        rotation = f"{kms_controls['rotation_period_days'] * SECONDS_PER_DAY}s"
        self.key_ring_ids = {location: ring.id for location, ring in key_rings.items()}
        self.keys = {}
        for key in args.keys:
            crypto_key = kms.CryptoKey(
                f"{name}-key-{key.purpose}",
                name=naming.fit(naming.KMS, key.purpose),
                key_ring=key_rings[key.location].id,
                purpose="ENCRYPT_DECRYPT",
                rotation_period=rotation,
                labels=context.tags,
                opts=stateful,
            )
            grants = [
                kms.CryptoKeyIAMMember(
                    f"{name}-key-{key.purpose}-{agent}",
                    crypto_key_id=crypto_key.id,
                    role=kms_controls["encrypter_role"],
                    member=self.agent_member(agent),
                    opts=child_opts,
                )
                for agent in key.agents
            ]
            self.keys[key.purpose] = EncryptionKey(crypto_key.id, grants)

        self.register_outputs(
            {
                "serviceAccounts": {w: a.email for w, a in self.accounts.items()},
                "keys": {purpose: key.id for purpose, key in self.keys.items()},
            }
        )

    def agent_member(self, agent: str) -> pulumi.Output[str]:
        """The IAM member of a Google service agent (a `kms.service_agents` key), read from
        Google once its API is on, so a grant never names an agent that does not exist yet."""
        if agent not in self._agents:
            self._agents[agent] = self._read_agent(agent)
        return self._agents[agent]

    def _read_agent(self, agent: str) -> pulumi.Output[str]:
        context = self._context
        kms_controls = context.facts("kms")
        api = kms_controls["service_agents"][agent]
        lookup = pulumi.InvokeOutputOptions(
            parent=self, depends_on=context.api_opts(api.removesuffix(API_SUFFIX)).depends_on
        )
        if agent == "storage":
            # Cloud Storage makes its agent when asked for it (Terraform
            # google_storage_project_service_account: prefer it over the address format).
            return storage.get_project_service_account_output(
                project=context.project, opts=lookup
            ).member
        if agent == "transfer":
            # Terraform google_storage_transfer_project_service_account.
            return storage.get_transfer_project_service_account_output(
                project=context.project, opts=lookup
            ).member
        if agent == "compute":
            # The Compute Engine Service Agent is made with the Compute Engine API, and neither
            # generateServiceIdentity nor any lookup returns it: its documented address on the
            # project number, granted only once that API is on (the grant waits for it).
            template = kms_controls["compute_agent"]
            return self.project_number.apply(
                lambda number: f"serviceAccount:{template.format(number=number)}"
            )
        # Healthcare and Pub/Sub: generateServiceIdentity makes the agent and returns its
        # address (Terraform google_project_service_identity).
        short = api.removesuffix(API_SUFFIX)
        return projects.ServiceIdentity(
            f"{self._resource_name}-agent-{agent}",
            project=context.project,
            service=api,
            opts=ResourceOptions.merge(
                ResourceOptions(parent=self), context.api_opts("serviceusage", short)
            ),
        ).member
