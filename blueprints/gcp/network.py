"""Core network: custom-mode VPC, subnets, Cloud Router and NAT, HA VPN, firewall posture."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi import ResourceOptions
from pulumi_gcp import compute, serviceaccount

from blueprints.gcp import naming
from blueprints.gcp.backup import ZonalDisk
from blueprints.gcp.context import GcpContext
from blueprints.gcp.hardening import hardened_instance
from blueprints.gcp.identity import EncryptionKey
from generator.plan.model import CloudRouter, VpnGateway
from generator.plan.model import CoreNetwork as CoreNetworkPlan


@dataclass(frozen=True)
class CoreNetworkArgs:
    context: GcpContext
    core: CoreNetworkPlan
    vpn: VpnGateway | None
    flow_logs: bool
    zones: tuple[str, ...]  # ArchivePlacement.zones: the bastion takes the first
    # The customer-managed key of the practice's disks, the bastion's boot disk among them.
    disk_key: EncryptionKey | None = None


@dataclass(frozen=True)
class Bastion:
    """The bastion host: what administrators' access grants bind at."""

    instance: pulumi.Output[str]  # instance name
    zone: str
    service_account: pulumi.Output[str]  # the account's resource name, for its own IAM


class CoreNetwork(pulumi.ComponentResource):
    """The practice's hub VPC: one subnet per planned cloud subnet, egress through Cloud NAT,
    an HA VPN gateway for the sites, and a logged deny-by-default firewall posture."""

    network: pulumi.Output[str]  # VPC self link
    subnets: dict[str, pulumi.Output[str]]  # self links by plan subnet name
    # The Cloud Routers the sites' BGP peers are on, by ledger slot (slot 0 runs Cloud NAT)
    routers: dict[int, compute.Router]
    # HA VPN gateways by region: the practice's region, and its DR region once sites need it
    vpn_gateways: dict[str, compute.HaVpnGateway]
    disks: dict[str, ZonalDisk]  # the bastion's boot disk, for the snapshot schedule
    bastion: Bastion | None

    def __init__(
        self, name: str, args: CoreNetworkArgs, opts: ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:gcp:CoreNetwork", name, None, opts)
        # Each resource waits for the API it is created through (GCP-API-01).
        child_opts = ResourceOptions.merge(
            ResourceOptions(parent=self),
            args.context.api_opts(*(("compute", "iam") if args.core.bastion else ("compute",))),
        )
        context = args.context
        pid = context.practice_id

        vpc = compute.Network(
            f"{name}-vpc",
            name=naming.fit(naming.COMPUTE, pid, "vpc"),
            project=context.project,
            auto_create_subnetworks=False,
            # Every subnet lives in the practice's region; routing is global only once sites'
            # tunnels end in a second region (VPN-RTR-03).
            # A stack file written before VPN-RTR-03 has none: it routed regionally.
            routing_mode=args.core.routing_mode or "REGIONAL",
            description="clinicgen hub network",
            opts=child_opts,
        )
        flow_logs = context.facts("flow_logs")
        subnets = {
            subnet.name: compute.Subnetwork(
                f"{name}-{subnet.name}",
                name=naming.fit(naming.COMPUTE, pid, subnet.name),
                project=context.project,
                region=context.location,
                network=vpc.id,
                ip_cidr_range=subnet.cidr,
                private_ip_google_access=True,
                log_config=compute.SubnetworkLogConfigArgs(
                    aggregation_interval=flow_logs["aggregation_interval"],
                    flow_sampling=flow_logs["flow_sampling"],
                    metadata=flow_logs["metadata"],
                )
                if args.flow_logs
                else None,
                description=subnet.purpose,
                opts=child_opts,
            )
            for subnet in args.core.subnets
        }
        router = compute.Router(
            f"{name}-router",
            name=naming.fit(naming.COMPUTE, pid, "router"),
            project=context.project,
            region=context.location,
            network=vpc.id,
            bgp=compute.RouterBgpArgs(asn=args.vpn.cloud_asn, advertise_mode="DEFAULT")
            if args.vpn
            else None,
            opts=child_opts,
        )
        compute.RouterNat(
            f"{name}-nat",
            name=naming.fit(naming.COMPUTE, pid, "nat"),
            project=context.project,
            region=context.location,
            router=router.name,
            nat_ip_allocate_option="AUTO_ONLY",
            source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
            log_config=compute.RouterNatLogConfigArgs(
                enable=True, filter=context.facts("nat")["log_filter"]
            ),
            opts=child_opts,
        )
        self.routers = {0: router}
        self.vpn_gateways = {}
        if args.vpn:
            # A stack file written before VPN-RTR-02 lists no routers: every site was on the
            # hub's router, in the practice's region.
            vpn_routers = args.vpn.routers or (CloudRouter(slot=0, region=context.location),)
            # One HA VPN gateway in each region with a router; the practice's region's keeps
            # the names it always had.
            for region in dict.fromkeys(r.region for r in vpn_routers):
                home = region == context.location
                self.vpn_gateways[region] = compute.HaVpnGateway(
                    f"{name}-vpn" if home else f"{name}-vpn-{region}",
                    name=naming.fit(naming.COMPUTE, pid, "vpn", *(() if home else (region,))),
                    project=context.project,
                    region=region,
                    network=vpc.id,
                    labels=context.tags,
                    opts=child_opts,
                )
            for extra in vpn_routers:
                if extra.slot == 0:
                    continue
                # Further routers only peer: 128 BGP peers each, five to a region.
                self.routers[extra.slot] = compute.Router(
                    f"{name}-router-{extra.slot}",
                    name=naming.fit(naming.COMPUTE, pid, "router", str(extra.slot)),
                    project=context.project,
                    region=extra.region,
                    network=vpc.id,
                    bgp=compute.RouterBgpArgs(asn=args.vpn.cloud_asn, advertise_mode="DEFAULT"),
                    opts=child_opts,
                )
        for rule_id, rule in context.facts("firewall")["rules"].items():
            if rule.get("when") == "bastion" and not args.core.bastion:
                continue
            _posture_rule(f"{name}-{rule_id}", rule_id, rule, vpc.self_link, args, child_opts)
        self.disks = {}
        self.bastion = None
        if args.core.bastion:
            # Its own identity with no roles: the bastion only relays OS Login sessions, and
            # never runs as the project's default service account.
            identity = serviceaccount.Account(
                f"{name}-bastion-identity",
                account_id=naming.fit(naming.SERVICE_ACCOUNT, pid, "bastion"),
                project=context.project,
                display_name="clinicgen bastion",
                description="Bastion host identity; holds no roles",
                opts=child_opts,
            )
            zone = args.zones[0]
            bastion = hardened_instance(
                f"{name}-bastion",
                context,
                name=naming.fit(naming.COMPUTE, pid, "bastion"),
                zone=zone,
                machine_type=context.facts("instances")["bastion_machine_type"],
                subnetwork=subnets["bastion"].id,
                service_account_email=identity.email,
                disk_key=args.disk_key.id if args.disk_key else None,
                opts=ResourceOptions.merge(
                    child_opts,
                    ResourceOptions(depends_on=list(args.disk_key.grants if args.disk_key else ())),
                ),
            )
            # A boot disk created with its instance takes the instance's name.
            self.disks["bastion-boot"] = ZonalDisk(bastion.name, zone)
            self.bastion = Bastion(bastion.name, zone, identity.name)

        self.network = vpc.self_link
        self.subnets = {key: subnet.self_link for key, subnet in subnets.items()}
        self.register_outputs(
            {"network": self.network, "router": router.name, "subnets": self.subnets}
        )


def _posture_rule(
    resource_name: str,
    rule_id: str,
    rule: Mapping[str, Any],
    network: pulumi.Output[str],
    args: CoreNetworkArgs,
    opts: ResourceOptions,
) -> compute.Firewall:
    """One rule of the plan's firewall posture, logged like every rule clinicgen writes."""
    context = args.context
    ingress = rule["direction"] == "INGRESS"
    # A rule bound to a subnet (IAP to the bastion) reaches that subnet and nothing else.
    subnet = [args.core.subnet(rule["subnet"]).cidr] if "subnet" in rule else None
    protocol = rule.get("protocol", "all")
    ports = [str(port) for port in rule.get("ports", ())] or None
    allow = rule["action"] == "allow"
    return compute.Firewall(
        resource_name,
        name=naming.fit(naming.COMPUTE, context.practice_id, rule_id),
        project=context.project,
        network=network,
        direction=rule["direction"],
        priority=rule["priority"],
        source_ranges=rule["ranges"] if ingress else None,
        destination_ranges=subnet if ingress else rule["ranges"],
        allows=[compute.FirewallAllowArgs(protocol=protocol, ports=ports)] if allow else None,
        denies=None if allow else [compute.FirewallDenyArgs(protocol=protocol, ports=ports)],
        log_config=compute.FirewallLogConfigArgs(
            metadata=context.facts("firewall")["log_metadata"]
        ),
        description=rule["reason"],
        opts=opts,
    )
