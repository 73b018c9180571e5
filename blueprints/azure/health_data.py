"""Health data and imaging: Health Data Services (FHIR R4, DICOM) and the imaging archive."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import healthcareapis, resources

from blueprints.azure import naming
from blueprints.azure.context import AzureContext
from blueprints.azure.diagnostics import send_to_workspace
from blueprints.azure.private_link import PrivateNetwork, connect_privately
from blueprints.azure.storage import Lifecycle, SecureStorage, SecureStorageArgs
from blueprints.options import protected
from generator.plan.model import Imaging

# Azure's ceiling for a time-based immutability period.
MAX_IMMUTABLE_DAYS = 146_000


@dataclass(frozen=True)
class HealthDataArgs:
    context: AzureContext
    tenant_id: pulumi.Input[str]
    fhir: bool
    imaging: Imaging | None
    redundancy: str  # the plan's backup redundancy, for the imaging archive
    # workload (fhir, imaging) -> its managed identity's resource id
    identity_ids: Mapping[str, pulumi.Input[str]]
    private_network: PrivateNetwork


class HealthData(pulumi.ComponentResource):
    """A Health Data Services workspace reached only through its private endpoint, a FHIR R4
    service when the plan wants one, a DICOM service and an immutable imaging archive with
    the plan's lifecycle tiers when it plans PACS. Each service runs as its workload identity."""

    resource_group_name: pulumi.Output[str]
    workspace_id: pulumi.Output[str]
    archive_account_id: pulumi.Output[str] | None

    def __init__(
        self, name: str, args: HealthDataArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:HealthData", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        stateful_opts = protected(child_opts)
        pid = args.context.practice_id
        group = args.context.resource_group(name, "health", child_opts)
        workspace_name = naming.global_name("health-workspace", pid)
        workspace = healthcareapis.Workspace(
            f"{name}-workspace",
            workspace_name=workspace_name,
            resource_group_name=group.name,
            location=args.context.location,
            tags=args.context.tags,
            opts=stateful_opts,
        )
        # An approved private endpoint on the workspace turns public traffic off for it and its
        # services ('Configure Private Link for Azure Health Data Services'); publicNetworkAccess
        # itself is read-only in API 2024-03-31 (healthcare-apis.json, ResourcePublicNetworkAccess),
        # so FHIR and DICOM are created only once the endpoint exists.
        endpoint = connect_privately(
            args.context,
            f"{name}-workspace",
            "health-data",
            workspace.id,
            naming.scoped(naming.NETWORK, "hdw", pid),
            args.private_network,
            group.name,
            child_opts,
        )
        private_opts = pulumi.ResourceOptions.merge(
            stateful_opts, pulumi.ResourceOptions(depends_on=[endpoint])
        )
        if args.fhir:
            fhir_name = naming.scoped(naming.HEALTH_SERVICE, "fhir")
            fhir = healthcareapis.FhirService(
                f"{name}-fhir",
                fhir_service_name=fhir_name,
                workspace_name=workspace.name,
                resource_group_name=group.name,
                location=args.context.location,
                kind="fhir-R4",
                identity=_identity(args.identity_ids.get("fhir")),
                authentication_configuration=(
                    healthcareapis.FhirServiceAuthenticationConfigurationArgs(
                        authority=pulumi.Output.concat(
                            "https://login.microsoftonline.com/", args.tenant_id
                        ),
                        audience=f"https://{workspace_name}-{fhir_name}.fhir.azurehealthcareapis.com",
                        smart_proxy_enabled=False,
                    )
                ),
                tags=args.context.tags,
                opts=private_opts,
            )
            send_to_workspace(args.context, f"{name}-fhir-diagnostics", "fhir", fhir.id, child_opts)
        self.archive_account_id = None
        if args.imaging is not None:
            dicom = healthcareapis.DicomService(
                f"{name}-dicom",
                dicom_service_name=naming.scoped(naming.HEALTH_SERVICE, "dicom"),
                workspace_name=workspace.name,
                resource_group_name=group.name,
                location=args.context.location,
                identity=_identity(args.identity_ids.get("imaging")),
                tags=args.context.tags,
                opts=private_opts,
            )
            send_to_workspace(
                args.context, f"{name}-dicom-diagnostics", "dicom", dicom.id, child_opts
            )
            self.archive_account_id = self._archive(name, args, args.imaging, group, child_opts)
        self.resource_group_name = group.name
        self.workspace_id = workspace.id
        self.register_outputs(
            {"workspace_id": workspace.id, "archive_account_id": self.archive_account_id}
        )

    @staticmethod
    def _archive(
        name: str,
        args: HealthDataArgs,
        imaging: Imaging,
        group: resources.ResourceGroup,
        child_opts: pulumi.ResourceOptions,
    ) -> pulumi.Output[str]:
        retention_days = imaging.retention_days
        archive = SecureStorage(
            f"{name}-archive",
            SecureStorageArgs(
                context=args.context,
                account_name=naming.global_name("imaging-archive", args.context.practice_id),
                resource_group_name=group.name,
                redundancy=args.redundancy,
                containers=("studies",),
                lifecycle=Lifecycle(
                    cool_after_days=imaging.hot_days,
                    archive_after_days=imaging.cool_days,
                    delete_after_days=retention_days,
                ),
                immutable_days=min(retention_days, MAX_IMMUTABLE_DAYS),
            ),
            opts=child_opts,
        )
        connect_privately(
            args.context,
            f"{name}-archive",
            "blob",
            archive.account_id,
            naming.scoped(naming.NETWORK, "stimg", args.context.practice_id),
            args.private_network,
            group.name,
            child_opts,
        )
        return archive.account_id


def _identity(
    identity_id: pulumi.Input[str] | None,
) -> healthcareapis.ServiceManagedIdentityIdentityArgs:
    if identity_id is None:
        return healthcareapis.ServiceManagedIdentityIdentityArgs(type="SystemAssigned")
    return healthcareapis.ServiceManagedIdentityIdentityArgs(
        type="UserAssigned", user_assigned_identities=[identity_id]
    )
