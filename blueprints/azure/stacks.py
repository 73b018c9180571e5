"""The Azure stacks: the core stack and one stack per site, composed from the components.

The core stack exports what site stacks need under the names in `outputs`; a site stack reads
them through a StackReference and adds only resources of its own.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
from pulumi_azure_native import authorization

from blueprints.azure import outputs
from blueprints.azure.access import AccessGrants, AccessGrantsArgs, principals
from blueprints.azure.app_servers import AppServers, AppServersArgs
from blueprints.azure.backup import Backup, BackupArgs
from blueprints.azure.compliance import Compliance, ComplianceArgs
from blueprints.azure.device_ingest import DeviceIngest, DeviceIngestArgs
from blueprints.azure.health_data import HealthData, HealthDataArgs
from blueprints.azure.identity import Identity, IdentityArgs
from blueprints.azure.monitoring import Monitoring, MonitoringArgs
from blueprints.azure.network import CoreNetwork, CoreNetworkArgs
from blueprints.azure.private_link import PrivateNetwork, zones_for
from blueprints.azure.site import SiteConnectivity, SiteConnectivityArgs
from blueprints.azure.telehealth import Telehealth, TelehealthArgs
from blueprints.stack_reference import core_stack_reference
from generator.plan.model import CoreStackPlan, PracticeInfo, SiteStackPlan, WorkloadPlan


def resource_tags(practice: PracticeInfo) -> dict[str, str]:
    """The practice's own tags plus the two every clinicgen resource carries."""
    return {**practice.tags, "managed-by": "clinicgen", "practice": practice.id}


def private_endpoint_services(workloads: WorkloadPlan) -> tuple[str, ...]:
    """The services the core stack reaches through private endpoints, for its DNS zones."""
    services = ["key-vault"]
    if workloads.health_data:
        services.append("health-data")
    if workloads.imaging is not None:
        services.append("blob")
    if workloads.ingest is not None:
        services.append("iot-hub")
    return tuple(services)


def deploy_core(plan: CoreStackPlan) -> None:
    """Deploy the `<practice>-core` stack: everything the practice shares across its sites."""
    practice, workloads = plan.practice, plan.workloads
    pid, location, tags = practice.id, practice.region, resource_tags(practice)
    client = authorization.get_client_config_output()

    monitoring = Monitoring(
        f"{pid}-monitoring",
        MonitoringArgs(
            practice_id=pid,
            location=location,
            tags=tags,
            log_retention_days=plan.monitoring.log_retention_days,
            log_archive_days=plan.monitoring.log_archive_days,
        ),
    )
    network = CoreNetwork(
        f"{pid}-network",
        CoreNetworkArgs(
            practice_id=pid,
            location=location,
            tags=tags,
            network=plan.core,
            vpn=plan.vpn,
            private_dns_zones=zones_for(private_endpoint_services(workloads)),
            workspace_id=monitoring.workspace_id,
        ),
    )
    private_network = PrivateNetwork(subnet_ids=network.subnet_ids, zone_ids=network.zone_ids)
    identity = Identity(
        f"{pid}-identity",
        IdentityArgs(
            practice_id=pid,
            location=location,
            tags=tags,
            tenant_id=client.tenant_id,
            workloads=tuple(workload.workload for workload in plan.identity.workloads),
            private_network=private_network,
            workspace_id=monitoring.workspace_id,
        ),
    )
    identity_ids = {key: managed.id for key, managed in identity.identities.items()}
    backup = Backup(
        f"{pid}-backup",
        BackupArgs(
            practice_id=pid,
            location=location,
            tags=tags,
            plan=plan.backup,
            identity_id=identity_ids.get("backup"),
            workspace_id=monitoring.workspace_id,
        ),
    )
    scopes: dict[str, dict[str, pulumi.Input[str]]] = {
        "network": {"network": network.resource_group_id},
        "key-vault": {"key-vault": identity.key_vault_id},
        "backup": {"backup": backup.vault_id},
        "monitoring": {"monitoring": monitoring.resource_group_id},
        "workloads": {},
    }

    if workloads.health_data:
        health = HealthData(
            f"{pid}-health",
            HealthDataArgs(
                practice_id=pid,
                location=location,
                tags=tags,
                tenant_id=client.tenant_id,
                fhir=workloads.fhir,
                imaging=workloads.imaging,
                redundancy=plan.backup.redundancy,
                identity_ids={
                    key: identity_ids[key] for key in ("fhir", "imaging") if key in identity_ids
                },
                private_network=private_network,
                workspace_id=monitoring.workspace_id,
            ),
        )
        scopes["health-data"] = {"health-data": health.workspace_id}
        if health.archive_account_id is not None:
            scopes["imaging-archive"] = {"imaging-archive": health.archive_account_id}

    if workloads.ehr is not None:
        servers = AppServers(
            f"{pid}-ehr",
            AppServersArgs(
                practice_id=pid,
                location=location,
                tags=tags,
                ehr=workloads.ehr,
                subnet_id=network.subnet_ids["apps"],
                identity_id=_workload_identity(identity_ids, "ehr"),
                key_vault_name=identity.key_vault_name,
                key_vault_resource_group=identity.resource_group_name,
                backup_vault_name=backup.vault_name,
                backup_resource_group=backup.resource_group_name,
                backup_policy_id=backup.vm_policy_id,
            ),
        )
        scopes["workloads"]["ehr"] = servers.resource_group_id

    if workloads.telehealth is not None:
        telehealth = Telehealth(
            f"{pid}-telehealth",
            TelehealthArgs(
                practice_id=pid,
                location=location,
                tags=tags,
                plan=workloads.telehealth,
                subnet_id=network.subnet_ids["telehealth"],
                identity_id=_workload_identity(identity_ids, "telehealth"),
                redundancy=plan.backup.redundancy,
                recording_retention_days=plan.backup.retention_days.records,
                workspace_id=monitoring.workspace_id,
            ),
        )
        scopes["workloads"]["telehealth"] = telehealth.resource_group_id

    if workloads.ingest is not None:
        ingest = DeviceIngest(
            f"{pid}-ingest",
            DeviceIngestArgs(
                practice_id=pid,
                location=location,
                tags=tags,
                plan=workloads.ingest,
                identity_id=_workload_identity(identity_ids, "ingest"),
                private_network=private_network,
                workspace_id=monitoring.workspace_id,
            ),
        )
        scopes["workloads"]["ingest"] = ingest.resource_group_id
        scopes["ingest"] = {"ingest": ingest.hub_id}

    Compliance(
        f"{pid}-compliance",
        ComplianceArgs(
            practice_id=pid,
            location=location,
            tags=tags,
            subscription_id=client.subscription_id,
            monitoring=plan.monitoring,
            redundancy=plan.backup.redundancy,
            vnet_id=network.vnet_id,
            monitoring_resource_group=monitoring.resource_group_name,
            workspace_id=monitoring.workspace_id,
            workspace_customer_id=monitoring.workspace_customer_id,
        ),
    )
    AccessGrants(
        f"{pid}-access",
        AccessGrantsArgs(
            practice_id=pid,
            subscription_id=client.subscription_id,
            principals=principals(
                plan.identity.personas,
                plan.identity.workloads,
                {key: managed.principal_id for key, managed in identity.identities.items()},
            ),
            scopes=scopes,
        ),
    )

    pulumi.export(outputs.NETWORK_RESOURCE_GROUP, network.resource_group_name)
    pulumi.export(outputs.NSG_NAMES, network.nsg_names)
    pulumi.export(outputs.KEY_VAULT_NAME, identity.key_vault_name)
    pulumi.export(outputs.KEY_VAULT_RESOURCE_GROUP, identity.resource_group_name)
    if network.vpn_gateway_id is not None:
        pulumi.export(outputs.VPN_GATEWAY_ID, network.vpn_gateway_id)
        pulumi.export(outputs.VPN_GATEWAY_ADDRESSES, network.vpn_gateway_addresses)


def deploy_site(plan: SiteStackPlan) -> None:
    """Deploy a `<practice>-site-<site>` stack: the site's VPN and rules, on the core's network."""
    practice, site = plan.practice, plan.site
    core = core_stack_reference(plan.core_stack)
    SiteConnectivity(
        f"{practice.id}-site-{site.id}",
        SiteConnectivityArgs(
            practice_id=practice.id,
            location=practice.region,
            tags=resource_tags(practice),
            site=site,
            ipsec=plan.ipsec,
            flows=plan.flows,
            network_resource_group=core.require_output(outputs.NETWORK_RESOURCE_GROUP),
            vpn_gateway_id=core.require_output(outputs.VPN_GATEWAY_ID)
            if site.vpn is not None
            else None,
            nsg_names=core.require_output(outputs.NSG_NAMES),
            key_vault_name=core.require_output(outputs.KEY_VAULT_NAME),
            key_vault_resource_group=core.require_output(outputs.KEY_VAULT_RESOURCE_GROUP),
        ),
    )


def _workload_identity(
    identity_ids: Mapping[str, pulumi.Output[str]], workload: str
) -> pulumi.Output[str]:
    if workload not in identity_ids:
        raise ValueError(f"the plan sizes the {workload} workload but gives it no identity")
    return identity_ids[workload]
