"""Health data: a Cloud Healthcare dataset under a customer-managed key, with a FHIR R4 store
and, when the practice images, a DICOM store."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import healthcare

from blueprints.gcp import naming
from blueprints.gcp.context import GcpContext
from blueprints.gcp.identity import EncryptionKey
from blueprints.options import protected
from generator.plan.model import WorkloadPlan


@dataclass(frozen=True)
class HealthDataArgs:
    context: GcpContext
    workloads: WorkloadPlan  # a FHIR store when `fhir`, a DICOM store when `imaging`
    key: EncryptionKey


class HealthData(pulumi.ComponentResource):
    """The practice's ePHI stores. Every store is protected against deletion."""

    dataset_id: pulumi.Output[str]
    fhir_store_id: pulumi.Output[str] | None
    dicom_store_id: pulumi.Output[str] | None

    def __init__(
        self, name: str, args: HealthDataArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:HealthData", name, None, opts)
        # Each resource waits for the API it is created through (GCP-API-01).
        child_opts = ResourceOptions.merge(
            ResourceOptions(parent=self), args.context.api_opts("healthcare")
        )
        stateful = protected(child_opts)
        context = args.context

        dataset = healthcare.Dataset(
            f"{name}-dataset",
            name=naming.fit(naming.HEALTHCARE, context.practice_id, "health"),
            project=context.project,
            location=context.location,
            time_zone="UTC",
            encryption_spec=healthcare.DatasetEncryptionSpecArgs(kms_key_name=args.key.id),
            opts=ResourceOptions.merge(stateful, ResourceOptions(depends_on=list(args.key.grants))),
        )
        fhir_store = (
            healthcare.FhirStore(
                f"{name}-fhir",
                name=naming.fit(naming.HEALTHCARE, "fhir-r4"),
                dataset=dataset.id,
                version="R4",
                # Keep every resource version and referential integrity: the record of who
                # changed what is part of the medical record.
                disable_resource_versioning=False,
                disable_referential_integrity=False,
                enable_update_create=False,
                enable_history_import=False,
                labels=context.tags,
                opts=stateful,
            )
            if args.workloads.fhir
            else None
        )
        dicom_store = (
            healthcare.DicomStore(
                f"{name}-dicom",
                name=naming.fit(naming.HEALTHCARE, "dicom"),
                dataset=dataset.id,
                labels=context.tags,
                opts=stateful,
            )
            if args.workloads.imaging
            else None
        )

        self.dataset_id = dataset.id
        self.fhir_store_id = fhir_store.id if fhir_store else None
        self.dicom_store_id = dicom_store.id if dicom_store else None
        self.register_outputs(
            {
                "dataset": self.dataset_id,
                "fhirStore": self.fhir_store_id,
                "dicomStore": self.dicom_store_id,
            }
        )
