"""The Google Cloud stacks: `deploy_core` and `deploy_site`, one component per concern.

The concerns and their logical names match the Azure blueprints'; the core stack exports what
site stacks read (`blueprints.gcp.outputs`), and a site stack reads it through a StackReference
and adds only resources of its own.
"""

from __future__ import annotations

import pulumi
from pulumi_gcp import compute

from blueprints.gcp import outputs
from blueprints.gcp.access import AccessGrants, AccessGrantsArgs, Scope
from blueprints.gcp.apis import ProjectApis, ProjectApisArgs
from blueprints.gcp.app_servers import AppServers, AppServersArgs
from blueprints.gcp.archives import Archive, ArchiveCopy, ArchiveStore, rarely_read
from blueprints.gcp.backup import Backup, BackupArgs, ZonalDisk
from blueprints.gcp.compliance import Compliance, ComplianceArgs
from blueprints.gcp.context import GcpContext, gcp_context
from blueprints.gcp.device_ingest import DeviceIngest, DeviceIngestArgs
from blueprints.gcp.health_data import HealthData, HealthDataArgs
from blueprints.gcp.identity import Identity, IdentityArgs, KeySpec
from blueprints.gcp.monitoring import Monitoring, MonitoringArgs
from blueprints.gcp.network import CoreNetwork, CoreNetworkArgs
from blueprints.gcp.site import CoreVpn, SiteConnectivity, SiteConnectivityArgs
from blueprints.gcp.telehealth import Telehealth, TelehealthArgs
from blueprints.stack_reference import CoreStackReference, core_stack_reference
from generator.plan.model import (
    ArchivePlacement,
    CloudRouter,
    CoreStackPlan,
    GcpProject,
    SiteStackPlan,
    site_ipsec,
)
from generator.render.stack_config import vpn_psk_secret_name


def deploy_core(plan: CoreStackPlan) -> None:
    """Build the `<practice>-core` stack from its plan and export what site stacks read."""
    project = _project(plan)
    apis = ProjectApis(
        f"{plan.practice.id}-apis", ProjectApisArgs(str(plan.practice.gcp_project), project.apis)
    )
    context = gcp_context(plan.practice, plan.platform, apis.services)
    pid, work, placement = context.practice_id, plan.workloads, _placement(plan)

    Monitoring(f"{pid}-monitoring", MonitoringArgs(context, plan.monitoring))
    identity = Identity(
        f"{pid}-identity", IdentityArgs(context, plan.identity, _key_specs(plan, placement))
    )
    network = CoreNetwork(
        f"{pid}-network",
        CoreNetworkArgs(
            context,
            plan.core,
            plan.vpn,
            plan.monitoring.flow_logs,
            placement.zones,
            identity.keys.get("disks"),
        ),
    )
    archive_store = _archive_store(plan, placement, identity)
    health = None
    if work.health_data:
        health = HealthData(
            f"{pid}-health", HealthDataArgs(context, work, identity.keys["health-data"])
        )
    servers = None
    if work.ehr:
        servers = AppServers(
            f"{pid}-ehr",
            AppServersArgs(
                context,
                ehr=work.ehr,
                zones=placement.zones,
                subnetwork=network.subnets["apps"],
                service_account=identity.accounts["ehr"],
                disk_key=identity.keys["disks"],
            ),
        )
    if work.telehealth:
        telehealth = Telehealth(
            f"{pid}-telehealth",
            TelehealthArgs(
                context,
                telehealth=work.telehealth,
                network=network.network,
                subnetwork=network.subnets["telehealth"],
                service_account=identity.accounts["telehealth"],
                record_retention_days=plan.backup.retention_days.records,
                archive_store=archive_store,
            ),
        )
        if telehealth.address is not None:
            pulumi.export(outputs.TELEHEALTH_ADDRESS, telehealth.address)
    ingest = None
    if work.ingest:
        ingest = DeviceIngest(
            f"{pid}-ingest", DeviceIngestArgs(context, work.ingest, identity.keys["ingest"])
        )
    backup = Backup(
        f"{pid}-backup",
        BackupArgs(
            context,
            backup=plan.backup,
            archives=_archives(plan, context),
            archive_store=archive_store,
            instances=servers.instance_ids if servers else {},
            disks=_disks(network, servers),
        ),
    )
    Compliance(
        f"{pid}-compliance",
        ComplianceArgs(context, plan.monitoring.policy_initiatives, project.org_policies),
    )
    AccessGrants(
        f"{pid}-access",
        AccessGrantsArgs(
            context,
            identity=plan.identity,
            accounts=identity.accounts,
            scopes=_scopes(context, network, identity, health, ingest, backup),
        ),
    )
    _export_for_sites(network)


def deploy_site(plan: SiteStackPlan) -> None:
    """Build one `<practice>-site-<site>` stack, reading the core stack's outputs."""
    context, site = gcp_context(plan.practice, plan.platform), plan.site
    core = core_stack_reference(plan.core_stack)
    SiteConnectivity(
        f"{context.practice_id}-site-{site.id}",
        SiteConnectivityArgs(
            context,
            site=site,
            ipsec=site_ipsec(site, plan.ipsec),
            flows=plan.flows,
            secret_id=vpn_psk_secret_name(site.id),
            network=core.require(outputs.NETWORK),
            # Only a site with a VPN peer needs a router and gateway; the core has its own.
            # A stack file written before VPN-RTR-02 names no router: the hub's, at home.
            vpn=_core_vpn(core, site.vpn.router or CloudRouter(slot=0, region=context.location))
            if site.vpn
            else None,
        ),
    )


def _core_vpn(core: CoreStackReference, router: CloudRouter) -> CoreVpn:
    """The core's Cloud Router at the site's slot and the HA VPN gateway of its region."""
    slot = str(router.slot)
    return CoreVpn(
        router=core.require(outputs.ROUTERS).apply(lambda links: links[slot]),
        router_name=core.require(outputs.ROUTER_NAMES).apply(lambda names: names[slot]),
        region=router.region,
        gateway=core.require(outputs.VPN_GATEWAYS).apply(lambda gateways: gateways[router.region]),
        gateway_addresses=core.require(outputs.VPN_GATEWAY_ADDRESSES).apply(
            lambda addresses: addresses[router.region]
        ),
    )


def _export_for_sites(network: CoreNetwork) -> None:
    """The core stack outputs site stacks read through their StackReference."""
    pulumi.export(outputs.NETWORK, network.network)
    pulumi.export(outputs.ROUTERS, {str(slot): r.self_link for slot, r in network.routers.items()})
    pulumi.export(outputs.ROUTER_NAMES, {str(slot): r.name for slot, r in network.routers.items()})
    if network.vpn_gateways:
        gateways = network.vpn_gateways.items()
        pulumi.export(outputs.VPN_GATEWAYS, {region: g.self_link for region, g in gateways})
        pulumi.export(
            outputs.VPN_GATEWAY_ADDRESSES,
            {region: _interface_addresses(g) for region, g in gateways},
        )


def _interface_addresses(gateway: compute.HaVpnGateway) -> pulumi.Output[list[str | None]]:
    return gateway.vpn_interfaces.apply(
        lambda interfaces: [interface.ip_address for interface in interfaces or []]
    )


def _disks(network: CoreNetwork, servers: AppServers | None) -> dict[str, ZonalDisk]:
    """Every disk the snapshot schedule covers: the servers' disks and the bastion's."""
    return {**(servers.disks if servers else {}), **network.disks}


def _placement(plan: CoreStackPlan) -> ArchivePlacement:
    """The plan's Google Cloud placement (GCP-PLC-01), which every Google Cloud plan carries."""
    if plan.placement is None:
        raise ValueError(
            f"the core plan of {plan.practice.id} has no placement (GCP-PLC-01); "
            "regenerate its stack files with this clinicgen"
        )
    return plan.placement


def _project(plan: CoreStackPlan) -> GcpProject:
    """What the core stack sets up in the project itself, which every Google Cloud plan
    carries (GCP-API-01, GCP-ORG-01)."""
    if plan.gcp is None:
        raise ValueError(
            f"the core plan of {plan.practice.id} has no gcp section (GCP-API-01); "
            "regenerate its stack files with this clinicgen"
        )
    return plan.gcp


def _key_specs(plan: CoreStackPlan, placement: ArchivePlacement) -> tuple[KeySpec, ...]:
    """One key per kind of data, in the location of the data it protects."""
    region = plan.practice.region
    workloads = plan.workloads
    copy_region = placement.copy_region
    # Storage Transfer reads the archive and writes its DR-region copy: it needs both keys.
    archive_agents = ("storage", "transfer") if copy_region else ("storage",)
    keys = [KeySpec("archive", placement.key_location, archive_agents)]
    if copy_region:
        keys.append(KeySpec("archive-copy", copy_region, archive_agents))
    if workloads.health_data:
        keys.append(KeySpec("health-data", region, ("healthcare",)))
    # The application servers' disks and the bastion's boot disk (Checkov CKV_GCP_38).
    if workloads.ehr or plan.core.bastion:
        keys.append(KeySpec("disks", region, ("compute",)))
    if workloads.ingest:
        keys.append(KeySpec("ingest", region, ("pubsub",)))
    return tuple(keys)


def _archive_store(
    plan: CoreStackPlan, placement: ArchivePlacement, identity: Identity
) -> ArchiveStore:
    """Where the practice's archives live, the keys that encrypt them, and their DR-region copy
    when the placement keeps one."""
    copy = (
        ArchiveCopy(
            placement.copy_region,
            identity.keys["archive-copy"],
            identity.agent_member("transfer"),
        )
        if placement.copy_region
        else None
    )
    return ArchiveStore(
        placement,
        key=identity.keys["archive"],
        copy=copy,
        locked=plan.backup.immutable,
        soft_delete_days=plan.backup.soft_delete_days,
    )


def _archives(plan: CoreStackPlan, context: GcpContext) -> tuple[Archive, ...]:
    """The records archive always; the imaging archive when the practice images."""
    archives = [Archive("records", plan.backup.retention_days.records, rarely_read(context))]
    imaging = plan.workloads.imaging
    if imaging:
        archives.append(
            Archive(
                "imaging",
                imaging.retention_days,
                (("NEARLINE", imaging.hot_days), ("ARCHIVE", imaging.cool_days)),
            )
        )
    return tuple(archives)


def _scopes(
    context: GcpContext,
    network: CoreNetwork,
    identity: Identity,
    health: HealthData | None,
    ingest: DeviceIngest | None,
    backup: Backup,
) -> dict[str, Scope]:
    """Each logical scope of the plan's grants, bound at the narrowest resource that exists."""
    project = context.project
    everywhere = Scope("project", {"project": project})
    scopes = {
        "network": everywhere,
        "workloads": everywhere,
        "monitoring": everywhere,
        "backup": everywhere,
        "key-vault": Scope(
            "key-ring",
            {f"keyring-{location}": ring for location, ring in identity.key_ring_ids.items()},
        ),
        # Workload secrets, yes; the sites' VPN keys, never.
        "key-vault:secretmanager": Scope(
            "project",
            {"project-secrets": project},
            (
                "secrets except VPN pre-shared keys",
                identity.project_number.apply(
                    lambda number: (
                        f'!resource.name.startsWith("projects/{number}/secrets/'
                        f'{vpn_psk_secret_name("")}")'
                    )
                ),
            ),
        ),
    }
    if network.bastion:
        # Administrators tunnel to the bastion through IAP and log in with OS Login there; the
        # bastion's service account is the only one they may act as.
        bastion = network.bastion
        at = (project, bastion.zone)
        scopes["bastion"] = Scope("iap-tunnel-instance", {"bastion": bastion.instance}, None, at)
        scopes["bastion:compute"] = Scope("instance", {"bastion": bastion.instance}, None, at)
        scopes["bastion:iam"] = Scope(
            "service-account", {"bastion-identity": bastion.service_account}
        )
    if health:
        scopes["health-data"] = Scope("dataset", {"dataset": health.dataset_id})
        if health.fhir_store_id:
            scopes["health-data:healthcare.fhir"] = Scope(
                "fhir-store", {"fhir-store": health.fhir_store_id}
            )
        if health.dicom_store_id:
            scopes["health-data:healthcare.dicom"] = Scope(
                "dicom-store", {"dicom-store": health.dicom_store_id}
            )
    if "imaging" in backup.bucket_names:
        scopes["imaging-archive"] = Scope(
            "bucket", {"imaging-archive": backup.bucket_names["imaging"]}
        )
    if ingest:
        scopes["ingest"] = Scope("topic", {"ingest-topic": ingest.topic_id})
        scopes["ingest:pubsub.subscriber"] = Scope(
            "subscription", {"ingest-subscription": ingest.subscription_id}
        )
    return scopes
