"""Health data: a Cloud Healthcare dataset under a customer-managed key, with a FHIR R4 store
and, when the practice images, a DICOM store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import healthcare

from blueprints.gcp import naming
from blueprints.gcp.context import GcpContext
from blueprints.options import protected


@dataclass(frozen=True)
class HealthDataArgs:
    context: GcpContext
    fhir: bool
    dicom: bool
    key: pulumi.Input[str]
    # The service agent must hold the key before the dataset can be created with it.
    key_grants: Sequence[pulumi.Resource]


class HealthData(pulumi.ComponentResource):
    """The practice's ePHI stores. Every store is protected against deletion."""

    dataset: healthcare.Dataset
    fhir_store: healthcare.FhirStore | None
    dicom_store: healthcare.DicomStore | None

    def __init__(
        self, name: str, args: HealthDataArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:HealthData", name, None, opts)
        child_opts = ResourceOptions(parent=self)
        stateful = protected(child_opts)
        context = args.context

        self.dataset = healthcare.Dataset(
            f"{name}-dataset",
            name=naming.fit(naming.HEALTHCARE, context.practice_id, "health"),
            project=context.project,
            location=context.location,
            time_zone="UTC",
            encryption_spec=healthcare.DatasetEncryptionSpecArgs(kms_key_name=args.key),
            opts=ResourceOptions.merge(stateful, ResourceOptions(depends_on=list(args.key_grants))),
        )
        self.fhir_store = (
            healthcare.FhirStore(
                f"{name}-fhir",
                name=naming.fit(naming.HEALTHCARE, "fhir-r4"),
                dataset=self.dataset.id,
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
            if args.fhir
            else None
        )
        self.dicom_store = (
            healthcare.DicomStore(
                f"{name}-dicom",
                name=naming.fit(naming.HEALTHCARE, "dicom"),
                dataset=self.dataset.id,
                labels=context.tags,
                opts=stateful,
            )
            if args.dicom
            else None
        )

        self.register_outputs(
            {
                "dataset": self.dataset.id,
                "fhirStore": self.fhir_store.id if self.fhir_store else None,
                "dicomStore": self.dicom_store.id if self.dicom_store else None,
            }
        )
