"""The Google Cloud APIs the core stack enables (GCP-API-01), so that a fresh project takes the
first `pulumi up`. Components depend on their APIs through `GcpContext.api_opts`."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import projects

API_SUFFIX = ".googleapis.com"


@dataclass(frozen=True)
class ProjectApisArgs:
    project: str
    apis: tuple[str, ...]  # GcpProject.apis: `compute.googleapis.com`, ...


class ProjectApis(pulumi.ComponentResource):
    """One `projects.Service` per API the plan needs, by short name (`compute`)."""

    services: dict[str, projects.Service]

    def __init__(
        self, name: str, args: ProjectApisArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:ProjectApis", name, None, opts)
        self.services = {}
        for api in args.apis:
            short = api.removesuffix(API_SUFFIX)
            self.services[short] = projects.Service(
                f"{name}-{short}",
                project=args.project,
                service=api,
                # Other stacks and people may use the API in this project too: destroying this
                # stack must never switch it off under them (Terraform google_project_service,
                # `disable_on_destroy` defaults to true).
                disable_on_destroy=False,
                opts=ResourceOptions(parent=self),
            )
        self.register_outputs({"apis": list(args.apis)})
