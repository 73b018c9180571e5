"""The Azure stacks: the core stack and one stack per site, composed from the components.

The core stack exports what site stacks need under the names in `outputs`; a site stack reads
them through a StackReference and adds only resources of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pulumi
from pulumi_azure_native import authorization

from blueprints.azure import outputs
from blueprints.azure.access import AccessGrants, AccessGrantsArgs, principals
from blueprints.azure.app_servers import AppServers, AppServersArgs
from blueprints.azure.backup import Backup, BackupArgs
from blueprints.azure.compliance import Compliance, ComplianceArgs
from blueprints.azure.context import AzureContext
from blueprints.azure.device_ingest import DeviceIngest, DeviceIngestArgs
from blueprints.azure.health_data import HealthData, HealthDataArgs
from blueprints.azure.identity import Identity, IdentityArgs
from blueprints.azure.monitoring import Monitoring, MonitoringArgs, NetworkWatcher
from blueprints.azure.network import CoreNetwork, CoreNetworkArgs
from blueprints.azure.private_link import PrivateNetwork, zones_for
from blueprints.azure.site import SiteConnectivity, SiteConnectivityArgs
from blueprints.azure.telehealth import Telehealth, TelehealthArgs
from blueprints.context import stack_labels
from blueprints.stack_reference import core_stack_reference
from generator.plan.model import (
    CoreStackPlan,
    PlatformFacts,
    PracticeInfo,
    SiteStackPlan,
    WorkloadPlan,
    site_ipsec,
)

# logical scope (the plan's role-grant scopes) -> {stable target key: ARM id}
Scopes = dict[str, dict[str, pulumi.Input[str]]]


def stack_context(practice: PracticeInfo, platform: PlatformFacts) -> AzureContext:
    return AzureContext(practice.id, practice.region, stack_labels(practice), platform)


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
    pid, workloads = plan.practice.id, plan.workloads
    client = authorization.get_client_config_output()
    monitoring = Monitoring(
        f"{pid}-monitoring",
        MonitoringArgs(
            stack_context(plan.practice, plan.platform),
            plan.monitoring.log_retention_days,
            plan.monitoring.log_archive_days,
            plan.monitoring.flow_logs,
        ),
    )
    context = replace(
        stack_context(plan.practice, plan.platform), workspace_id=monitoring.workspace_id
    )
    network = _network(context, plan, monitoring.network_watcher)
    private_network = PrivateNetwork(subnet_ids=network.subnet_ids, zone_ids=network.zone_ids)
    identity = _identity(context, plan, client.tenant_id, private_network)
    identity_ids = {key: managed.id for key, managed in identity.identities.items()}
    backup = Backup(f"{pid}-backup", BackupArgs(context, plan.backup))
    scopes: Scopes = {
        "network": {"network": network.resource_group_id},
        "key-vault": {"key-vault": identity.key_vault_id},
        "backup": {"backup": backup.vault_id},
        "monitoring": {"monitoring": monitoring.resource_group_id},
        "workloads": {},
    }
    if workloads.health_data:
        _health_data(context, plan, client.tenant_id, identity_ids, private_network, scopes)
    if workloads.ehr is not None:
        _ehr(context, plan, network, identity, backup, identity_ids, scopes)
    if workloads.telehealth is not None:
        _telehealth(context, plan, client.subscription_id, network, identity, scopes)
    if workloads.ingest is not None:
        _device_ingest(context, plan, identity_ids, private_network, scopes)
    Compliance(
        f"{pid}-compliance",
        ComplianceArgs(
            context=context,
            subscription_id=client.subscription_id,
            monitoring=plan.monitoring,
            redundancy=plan.backup.redundancy,
            vnet_id=network.vnet_id,
            network_watcher=monitoring.network_watcher,
            monitoring_resource_group=monitoring.resource_group_name,
            workspace_customer_id=monitoring.workspace_customer_id,
            remediation_scopes={
                "network-watcher": [monitoring.network_watcher.resource_group_id]
                if monitoring.network_watcher
                else [],
                "virtual-machines": [scopes["workloads"]["ehr"]] if workloads.ehr else [],
            },
        ),
    )
    AccessGrants(
        f"{pid}-access",
        AccessGrantsArgs(
            context=context,
            subscription_id=client.subscription_id,
            principals=principals(
                plan.identity.personas,
                plan.identity.workloads,
                {key: managed.principal_id for key, managed in identity.identities.items()},
            ),
            scopes=scopes,
        ),
    )
    if plan.identity.conditional_access:
        # Imported only here: pulumi_azuread loads its whole package at once (about half a
        # second), and a practice has this policy only when it opts in.
        from blueprints.azure.conditional_access import PersonaMfa, PersonaMfaArgs

        PersonaMfa(
            f"{pid}-persona-mfa",
            PersonaMfaArgs(context, tuple(persona.group for persona in plan.identity.personas)),
        )
    _export_core(network, identity)


def _network(
    context: AzureContext, plan: CoreStackPlan, watcher: NetworkWatcher | None
) -> CoreNetwork:
    return CoreNetwork(
        f"{context.practice_id}-network",
        CoreNetworkArgs(
            context=context,
            network=plan.core,
            vpn=plan.vpn,
            private_dns_zones=zones_for(context, private_endpoint_services(plan.workloads)),
            network_watcher=watcher.resource if watcher else None,
        ),
    )


def _identity(
    context: AzureContext,
    plan: CoreStackPlan,
    tenant_id: pulumi.Input[str],
    private_network: PrivateNetwork,
) -> Identity:
    return Identity(
        f"{context.practice_id}-identity",
        IdentityArgs(
            context=context,
            tenant_id=tenant_id,
            workloads=tuple(workload.workload for workload in plan.identity.workloads),
            private_network=private_network,
        ),
    )


def _health_data(
    context: AzureContext,
    plan: CoreStackPlan,
    tenant_id: pulumi.Input[str],
    identity_ids: Mapping[str, pulumi.Output[str]],
    private_network: PrivateNetwork,
    scopes: Scopes,
) -> None:
    health = HealthData(
        f"{context.practice_id}-health",
        HealthDataArgs(
            context=context,
            tenant_id=tenant_id,
            fhir=plan.workloads.fhir,
            imaging=plan.workloads.imaging,
            redundancy=plan.backup.redundancy,
            identity_ids={
                key: identity_ids[key] for key in ("fhir", "imaging") if key in identity_ids
            },
            private_network=private_network,
        ),
    )
    scopes["health-data"] = {"health-data": health.workspace_id}
    if health.archive_account_id is not None:
        scopes["imaging-archive"] = {"imaging-archive": health.archive_account_id}


def _ehr(
    context: AzureContext,
    plan: CoreStackPlan,
    network: CoreNetwork,
    identity: Identity,
    backup: Backup,
    identity_ids: Mapping[str, pulumi.Output[str]],
    scopes: Scopes,
) -> None:
    assert plan.workloads.ehr is not None
    servers = AppServers(
        f"{context.practice_id}-ehr",
        AppServersArgs(
            context=context,
            ehr=plan.workloads.ehr,
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


def _telehealth(
    context: AzureContext,
    plan: CoreStackPlan,
    subscription_id: pulumi.Input[str],
    network: CoreNetwork,
    identity: Identity,
    scopes: Scopes,
) -> None:
    assert plan.workloads.telehealth is not None
    identity_ids = {key: managed.id for key, managed in identity.identities.items()}
    telehealth = Telehealth(
        f"{context.practice_id}-telehealth",
        TelehealthArgs(
            context=context,
            subscription_id=subscription_id,
            telehealth=plan.workloads.telehealth,
            subnet_id=network.subnet_ids["telehealth"],
            identity_id=_workload_identity(identity_ids, "telehealth"),
            identity_client_id=identity.identities["telehealth"].client_id,
            key_vault_name=identity.key_vault_name,
            gateway_subnet_id=network.subnet_ids.get("appgw"),
            redundancy=plan.backup.redundancy,
            recording_retention_days=plan.backup.retention_days.records,
        ),
    )
    scopes["workloads"]["telehealth"] = telehealth.resource_group_id


def _device_ingest(
    context: AzureContext,
    plan: CoreStackPlan,
    identity_ids: Mapping[str, pulumi.Output[str]],
    private_network: PrivateNetwork,
    scopes: Scopes,
) -> None:
    assert plan.workloads.ingest is not None
    ingest = DeviceIngest(
        f"{context.practice_id}-ingest",
        DeviceIngestArgs(
            context=context,
            ingest=plan.workloads.ingest,
            identity_id=_workload_identity(identity_ids, "ingest"),
            private_network=private_network,
        ),
    )
    scopes["workloads"]["ingest"] = ingest.resource_group_id
    scopes["ingest"] = {"ingest": ingest.hub_id}


def _export_core(network: CoreNetwork, identity: Identity) -> None:
    pulumi.export(outputs.NETWORK_RESOURCE_GROUP, network.resource_group_name)
    pulumi.export(outputs.NSG_NAMES, network.nsg_names)
    pulumi.export(outputs.KEY_VAULT_NAME, identity.key_vault_name)
    pulumi.export(outputs.KEY_VAULT_RESOURCE_GROUP, identity.resource_group_name)
    if network.vpn_gateway is not None:
        pulumi.export(outputs.VPN_GATEWAY_ID, network.vpn_gateway.id)
        pulumi.export(outputs.VPN_GATEWAY_ADDRESSES, network.vpn_gateway.addresses)
        pulumi.export(outputs.VPN_GATEWAY_BGP_ADDRESS, network.vpn_gateway.bgp_address)
        if network.vpn_gateway.virtual_wan_id is not None:
            pulumi.export(outputs.VIRTUAL_WAN_ID, network.vpn_gateway.virtual_wan_id)
            pulumi.export(outputs.VIRTUAL_HUB_ID, network.vpn_gateway.virtual_hub_id)


def deploy_site(plan: SiteStackPlan) -> None:
    """Deploy a `<practice>-site-<site>` stack: the site's VPN and rules, on the core's network."""
    practice, site = plan.practice, plan.site
    core = core_stack_reference(plan.core_stack)
    SiteConnectivity(
        f"{practice.id}-site-{site.id}",
        SiteConnectivityArgs(
            context=stack_context(practice, plan.platform),
            site=site,
            ipsec=site_ipsec(site, plan.ipsec),
            flows=plan.flows,
            network_resource_group=core.require(outputs.NETWORK_RESOURCE_GROUP),
            vpn_gateway_id=core.require(outputs.VPN_GATEWAY_ID) if site.vpn is not None else None,
            virtual_wan_id=core.require(outputs.VIRTUAL_WAN_ID)
            if site.vpn is not None and site.vpn.virtual_wan
            else None,
            virtual_hub_id=core.require(outputs.VIRTUAL_HUB_ID)
            if site.vpn is not None and site.vpn.virtual_wan
            else None,
            nsg_names=core.require(outputs.NSG_NAMES),
            key_vault_name=core.require(outputs.KEY_VAULT_NAME),
            key_vault_resource_group=core.require(outputs.KEY_VAULT_RESOURCE_GROUP),
        ),
    )


def _workload_identity(
    identity_ids: Mapping[str, pulumi.Output[str]], workload: str
) -> pulumi.Output[str]:
    if workload not in identity_ids:
        raise ValueError(f"the plan sizes the {workload} workload but gives it no identity")
    return identity_ids[workload]
