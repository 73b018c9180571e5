"""Telehealth: the visit web app on an App Service plan sized from peak sessions, and
Communication Services for the audio and video."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import communication, monitor, network, web

from blueprints.azure import naming
from blueprints.azure.context import AzureContext
from blueprints.azure.diagnostics import send_to_workspace
from blueprints.azure.storage import Lifecycle, SecureStorage, SecureStorageArgs
from generator.plan.model import TelehealthPlan


def communication_data_location(context: AzureContext) -> str:
    """The Communication Services geography that keeps data at rest near the stack's region."""
    region = context.location
    for geography, regions in context.facts("communication_data_locations").items():
        if isinstance(regions, list) and region in regions:
            return str(geography)
    raise ValueError(f"no Communication Services data location is known for region {region!r}")


def pulled_with_identity(context: AzureContext, image: str) -> bool:
    """Whether the image comes from an Azure Container Registry, which the app pulls from as
    its managed identity (every other registry: anonymously, as a public image)."""
    registry = image.split("/", 1)[0]
    return registry.endswith(context.facts("telehealth")["acr_login_suffix"])


@dataclass(frozen=True)
class TelehealthArgs:
    context: AzureContext
    subscription_id: pulumi.Input[str]
    telehealth: TelehealthPlan
    subnet_id: pulumi.Input[str]  # the hub's telehealth (VNet integration) subnet
    identity_id: pulumi.Input[str]  # the telehealth workload identity
    identity_client_id: pulumi.Input[str]  # the same identity's client id, for registry pulls
    key_vault_name: pulumi.Input[str]  # where the WAF's TLS certificate is kept
    gateway_subnet_id: pulumi.Input[str] | None  # the hub's Application Gateway subnet, with a WAF
    redundancy: str  # for the recordings archive
    recording_retention_days: int  # the medical-record rule: recorded visits are records


class Telehealth(pulumi.ComponentResource):
    """App Service plan of the plan's SKU at its minimum instances, autoscaling to its maximum;
    a Linux web app running the plan's container image, HTTPS-only with TLS 1.2, no FTP or basic
    publishing credentials, reaching the hub's private ranges through its VNet integration and
    the internet directly; behind an Application Gateway WAF that is its only way in when the
    plan asks for one; Communication Services in the practice's geography; an immutable
    recordings archive when visits are recorded."""

    resource_group_name: pulumi.Output[str]
    resource_group_id: pulumi.Output[str]
    web_app_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: TelehealthArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:Telehealth", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        platform, plan, pid = (
            args.context.facts("telehealth"),
            args.telehealth,
            args.context.practice_id,
        )
        group = args.context.resource_group(name, "telehealth", child_opts)
        service_plan = web.AppServicePlan(
            f"{name}-plan",
            name=naming.scoped(naming.APP_SERVICE_PLAN, "asp", pid, "telehealth"),
            resource_group_name=group.name,
            location=args.context.location,
            kind="linux",
            reserved=True,
            zone_redundant=platform["zone_redundant"],
            sku=web.SkuDescriptionArgs(name=plan.sku, capacity=plan.min_instances),
            tags=args.context.tags,
            opts=child_opts,
        )
        monitor.AutoscaleSetting(
            f"{name}-autoscale",
            autoscale_setting_name=naming.scoped(naming.NETWORK, "autoscale", pid, "telehealth"),
            resource_group_name=group.name,
            location=args.context.location,
            target_resource_uri=service_plan.id,
            enabled=True,
            profiles=[
                monitor.AutoscaleProfileArgs(
                    name="peak-sessions",
                    capacity=monitor.ScaleCapacityArgs(
                        minimum=str(plan.min_instances),
                        maximum=str(plan.max_instances),
                        default=str(plan.min_instances),
                    ),
                    rules=[
                        _cpu_rule(
                            service_plan.id,
                            monitor.ComparisonOperationType.GREATER_THAN,
                            platform["scale_out_cpu_percent"],
                            monitor.ScaleDirection.INCREASE,
                        ),
                        _cpu_rule(
                            service_plan.id,
                            monitor.ComparisonOperationType.LESS_THAN,
                            platform["scale_in_cpu_percent"],
                            monitor.ScaleDirection.DECREASE,
                        ),
                    ],
                )
            ],
            tags=args.context.tags,
            opts=child_opts,
        )
        app_name = naming.global_name("telehealth-app", pid)
        from_registry = pulled_with_identity(args.context, plan.image)
        gateway_only = _only_through(args)
        app = web.WebApp(
            f"{name}-app",
            name=app_name,
            resource_group_name=group.name,
            location=args.context.location,
            kind="app,linux",
            server_farm_id=service_plan.id,
            https_only=True,
            client_affinity_enabled=False,
            identity=web.ManagedServiceIdentityArgs(
                type=web.ManagedServiceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[args.identity_id],
            ),
            key_vault_reference_identity=args.identity_id,
            virtual_network_subnet_id=args.subnet_id,
            # Only private-range traffic enters the VNet (the data tier's private endpoints);
            # the telehealth subnet has no internet path, so the media and signalling services
            # patients' sessions need are reached directly ('Integrate your app with an Azure
            # virtual network': outbound routing off routes RFC 1918 traffic only).
            outbound_vnet_routing=web.OutboundVnetRoutingArgs(all_traffic=False),
            site_config=web.SiteConfigArgs(
                # 'Configure a custom container for Azure App Service'.
                linux_fx_version=f"DOCKER|{plan.image}",
                acr_use_managed_identity_creds=True if from_registry else None,
                acr_user_managed_identity_id=args.identity_client_id if from_registry else None,
                min_tls_version=platform["min_tls"],
                scm_min_tls_version=platform["min_tls"],
                ftps_state="Disabled",
                http20_enabled=True,
                always_on=True,
                remote_debugging_enabled=False,
                health_check_path=platform["health_check_path"],
                ip_security_restrictions=gateway_only,
                ip_security_restrictions_default_action="Deny" if gateway_only else None,
                scm_ip_security_restrictions_default_action="Deny" if gateway_only else None,
            ),
            tags=args.context.tags,
            opts=child_opts,
        )
        if plan.waf:
            WebAppFirewall(
                f"{name}-waf",
                WebAppFirewallArgs(args, group.name, app.default_host_name),
                opts=child_opts,
            )
        # Basic-auth publishing credentials bypass Entra ID; deployments use it instead.
        for endpoint, resource in (("ftp", web.WebAppFtpAllowed), ("scm", web.WebAppScmAllowed)):
            resource(
                f"{name}-app-{endpoint}-basic-auth",
                name=app.name,
                resource_group_name=group.name,
                allow=False,
                opts=child_opts,
            )
        send_to_workspace(args.context, f"{name}-app-diagnostics", "web-app", app.id, child_opts)
        communication.CommunicationService(
            f"{name}-communication",
            communication_service_name=naming.global_name("communication", pid),
            resource_group_name=group.name,
            location="global",
            data_location=communication_data_location(args.context),
            tags=args.context.tags,
            opts=child_opts,
        )
        if plan.recording:
            retention_days = args.recording_retention_days
            SecureStorage(
                f"{name}-recordings",
                SecureStorageArgs(
                    context=args.context,
                    account_name=naming.global_name("recordings-archive", pid),
                    resource_group_name=group.name,
                    redundancy=args.redundancy,
                    containers=("recordings",),
                    lifecycle=Lifecycle(delete_after_days=retention_days),
                    immutable_days=retention_days,
                ),
                opts=child_opts,
            )
        self.resource_group_name = group.name
        self.resource_group_id = group.id
        self.web_app_id = app.id
        self.register_outputs({"resource_group_name": group.name, "web_app_id": app.id})


def _only_through(args: TelehealthArgs) -> list[web.IpSecurityRestrictionArgs] | None:
    """With a WAF the app admits its gateway's subnet only (a Microsoft.Web service endpoint
    there) and its Kudu site nothing ('Integrate App Service with Application Gateway' sample:
    access restricted to the gateway subnet). Without one, patients reach it directly: None."""
    if not args.telehealth.waf:
        return None
    if args.gateway_subnet_id is None:
        raise ValueError("the plan puts a WAF in front of telehealth but has no gateway subnet")
    return [
        web.IpSecurityRestrictionArgs(
            name="application-gateway",
            action="Allow",
            priority=args.context.facts("application_gateway")["access_restriction_priority"],
            vnet_subnet_resource_id=args.gateway_subnet_id,
        )
    ]


def _cpu_rule(
    plan_id: pulumi.Input[str],
    operator: monitor.ComparisonOperationType,
    threshold: int,
    direction: monitor.ScaleDirection,
) -> monitor.ScaleRuleArgs:
    """Change the instance count by one when average CPU over ten minutes crosses `threshold`."""
    return monitor.ScaleRuleArgs(
        metric_trigger=monitor.MetricTriggerArgs(
            metric_name="CpuPercentage",
            metric_resource_uri=plan_id,
            operator=operator,
            statistic=monitor.MetricStatisticType.AVERAGE,
            threshold=threshold,
            time_aggregation=monitor.TimeAggregationType.AVERAGE,
            time_grain="PT1M",
            time_window="PT10M",
        ),
        scale_action=monitor.ScaleActionArgs(
            direction=direction, type=monitor.ScaleType.CHANGE_COUNT, value="1", cooldown="PT5M"
        ),
    )


@dataclass(frozen=True)
class WebAppFirewallArgs:
    telehealth: TelehealthArgs
    resource_group_name: pulumi.Output[str]
    backend_host: pulumi.Input[str]  # the web app's default host name


class WebAppFirewall(pulumi.ComponentResource):
    """Application Gateway WAF_v2 in the hub's gateway subnet, zone-redundant: HTTPS on 443
    with the practice's certificate from Key Vault, a WAF policy in prevention mode with the
    managed rule set, and the telehealth web app as its only backend, over HTTPS."""

    def __init__(
        self, name: str, args: WebAppFirewallArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("clinicgen:azure:WebAppFirewall", name, None, opts)
        child_opts = pulumi.ResourceOptions(parent=self)
        tele, group = args.telehealth, args.resource_group_name
        context, facts = tele.context, tele.context.facts("application_gateway")
        zones = list(context.facts("availability_zones")["zones"])
        pid = context.practice_id
        policy = network.WebApplicationFirewallPolicy(
            f"{name}-policy",
            policy_name=naming.scoped(naming.NETWORK, "waf", pid, "telehealth"),
            resource_group_name=group,
            location=context.location,
            policy_settings=network.PolicySettingsArgs(
                state="Enabled", mode=facts["waf_mode"], request_body_check=True
            ),
            managed_rules=network.ManagedRulesDefinitionArgs(
                managed_rule_sets=[
                    network.ManagedRuleSetArgs(
                        rule_set_type=facts["rule_set_type"],
                        rule_set_version=facts["rule_set_version"],
                    )
                ]
            ),
            tags=context.tags,
            opts=child_opts,
        )
        address = network.PublicIPAddress(
            f"{name}-ip",
            public_ip_address_name=naming.scoped(naming.NETWORK, "pip", pid, "waf"),
            resource_group_name=group,
            location=context.location,
            sku=network.PublicIPAddressSkuArgs(name="Standard", tier="Regional"),
            public_ip_allocation_method="Static",
            zones=zones,
            tags=context.tags,
            opts=child_opts,
        )
        gateway_name = naming.scoped(naming.NETWORK, "agw", pid, "telehealth")

        def part(collection: str, child: str) -> network.SubResourceArgs:
            """A reference to one of the gateway's own parts, by ARM id."""
            return network.SubResourceArgs(
                id=pulumi.Output.concat(
                    "/subscriptions/",
                    tele.subscription_id,
                    "/resourceGroups/",
                    group,
                    "/providers/Microsoft.Network/applicationGateways/",
                    gateway_name,
                    f"/{collection}/{child}",
                )
            )

        network.ApplicationGateway(
            f"{name}-gateway",
            application_gateway_name=gateway_name,
            resource_group_name=group,
            location=context.location,
            zones=zones,
            sku=network.ApplicationGatewaySkuArgs(name=facts["sku"], tier=facts["sku"]),
            autoscale_configuration=network.ApplicationGatewayAutoscaleConfigurationArgs(
                min_capacity=facts["min_capacity"], max_capacity=facts["max_capacity"]
            ),
            firewall_policy=network.SubResourceArgs(id=policy.id),
            # Reads the certificate from Key Vault as the telehealth identity, which the plan
            # grants Key Vault Secrets User.
            identity=network.ManagedServiceIdentityArgs(
                type=network.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[tele.identity_id],
            ),
            ssl_policy=network.ApplicationGatewaySslPolicyArgs(
                policy_type="Predefined", policy_name=facts["ssl_policy"]
            ),
            ssl_certificates=[
                network.ApplicationGatewaySslCertificateArgs(
                    name="telehealth",
                    key_vault_secret_id=pulumi.Output.concat(
                        "https://",
                        tele.key_vault_name,
                        ".vault.azure.net/secrets/",
                        facts["certificate_secret"],
                    ),
                )
            ],
            gateway_ip_configurations=[
                network.ApplicationGatewayIPConfigurationArgs(
                    name="gateway", subnet=network.SubResourceArgs(id=tele.gateway_subnet_id)
                )
            ],
            frontend_ip_configurations=[
                network.ApplicationGatewayFrontendIPConfigurationArgs(
                    name="public", public_ip_address=network.SubResourceArgs(id=address.id)
                )
            ],
            frontend_ports=[network.ApplicationGatewayFrontendPortArgs(name="https", port=443)],
            http_listeners=[
                network.ApplicationGatewayHttpListenerArgs(
                    name="patients",
                    protocol="Https",
                    frontend_ip_configuration=part("frontendIPConfigurations", "public"),
                    frontend_port=part("frontendPorts", "https"),
                    ssl_certificate=part("sslCertificates", "telehealth"),
                )
            ],
            backend_address_pools=[
                network.ApplicationGatewayBackendAddressPoolArgs(
                    name="telehealth-app",
                    backend_addresses=[
                        network.ApplicationGatewayBackendAddressArgs(fqdn=args.backend_host)
                    ],
                )
            ],
            # App Service routes by host name: the gateway sends the app's own.
            probes=[
                network.ApplicationGatewayProbeArgs(
                    name="telehealth-app",
                    protocol="Https",
                    path="/",
                    interval=30,
                    timeout=30,
                    unhealthy_threshold=3,
                    pick_host_name_from_backend_http_settings=True,
                )
            ],
            backend_http_settings_collection=[
                network.ApplicationGatewayBackendHttpSettingsArgs(
                    name="telehealth-app",
                    protocol="Https",
                    port=443,
                    cookie_based_affinity="Disabled",
                    pick_host_name_from_backend_address=True,
                    request_timeout=30,
                    probe=part("probes", "telehealth-app"),
                )
            ],
            request_routing_rules=[
                network.ApplicationGatewayRequestRoutingRuleArgs(
                    name="patients-to-app",
                    rule_type="Basic",
                    priority=facts["rule_priority"],
                    http_listener=part("httpListeners", "patients"),
                    backend_address_pool=part("backendAddressPools", "telehealth-app"),
                    backend_http_settings=part("backendHttpSettingsCollection", "telehealth-app"),
                )
            ],
            tags=context.tags,
            opts=child_opts,
        )
        self.register_outputs({})
