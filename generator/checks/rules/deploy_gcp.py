"""Google Cloud deployability rules (CG-GCP-DEP-*): what the APIs would reject, or what would
deploy and not work. Each rule's constraint, fix and source are in
`generator/catalog/deployability.yaml`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from generator.catalog import load
from generator.checks.graph import Graph, get, items, stack_of, strings
from generator.checks.model import CheckContext, Resource, Violation
from generator.checks.registry import Params, Registry
from generator.checks.rules import gcp

logic = Registry()


def _name(resource: Resource) -> str:
    return str(resource.outputs.get("name") or resource.name)


# -- Every resource after the API that serves it ----------------------------------------------


def api_of(type_token: str) -> str | None:
    """The API a pulumi-gcp resource type needs enabled (catalog `deployment.yaml`), or None
    when the catalog does not know its module."""
    apis = load("deployment")["gcp"]["apis"]
    if type_token in apis["types"]:
        return str(apis["types"][type_token])
    module = type_token.split(":")[1].split("/")[0]
    found = apis["modules"].get(module)
    return str(found) if found else None


@logic("CG-GCP-DEP-001")
def depends_on_api(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    default = set(load("deployment")["gcp"]["apis"]["enabled_by_default"])
    services = graph.of_type(gcp.PROJECT_SERVICE)
    for resource in graph.resources:
        if not resource.type.startswith("gcp:") or resource.type == gcp.PROJECT_SERVICE:
            continue
        api = api_of(resource.type)
        if api is None:
            yield Violation(
                resource,
                "",
                f"clinicgen does not know which API {resource.type} needs; add its module to "
                "generator/catalog/deployment.yaml",
            )
            continue
        if api in default:
            continue
        enabling = [s for s in services if s.inputs.get("service") == api]
        if any(_ordered_after(graph, context, resource, service) for service in enabling):
            continue
        if not enabling and _core_out_of_sight(graph, context, resource):
            continue
        problem = (
            f"is created without waiting for the projects.Service that enables {api}"
            if enabling
            else f"needs {api}, and no projects.Service enables it"
        )
        yield Violation(resource, "", problem)


def _core_out_of_sight(graph: Graph, context: CheckContext, resource: Resource) -> bool:
    """Whether `resource` is in a site stack analysed without the core stack, which enables
    the APIs and deploys first: Pulumi's policy engine shows a policy pack one stack at a time,
    so there the core's services cannot be seen, and `clinicgen check` (every stack) decides."""
    core = context.core_stack
    return (
        bool(core)
        and stack_of(resource) != core
        and not any(stack_of(other) == core for other in graph.resources)
    )


def _ordered_after(
    graph: Graph, context: CheckContext, resource: Resource, service: Resource
) -> bool:
    """Whether `resource` is created after `service`: in the same stack, by depending on it;
    from a site stack, because the core stack that enables it is deployed first."""
    if stack_of(service) == stack_of(resource):
        return graph.depends_on(resource, service)
    return stack_of(service) == context.core_stack != stack_of(resource)


# -- IAM members --------------------------------------------------------------------------------


@logic("CG-GCP-DEP-002")
def templated_service_agents(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    agent = re.compile("|".join(f"(?:{pattern})" for pattern in params["agent_patterns"]))
    read = {text for result in (r.result for r in graph.reads) for text in strings(result)}
    for grant in gcp.grants(graph):
        for member in gcp.members(grant):
            email = member.removeprefix("serviceAccount:")
            if not agent.fullmatch(email) or {member, email} & read:
                continue
            provided = any(
                {member, email} & set(strings(other.outputs))
                for other in graph.resources
                if graph.depends_on(grant, other)
            )
            if not provided:
                yield Violation(
                    grant,
                    "member",
                    f"names service agent {email} by its pattern; the agent may not exist yet",
                )


@logic("CG-GCP-DEP-003")
def org_policy_role(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    if context.org_policy_admin:
        return
    for policy in graph.of_type(gcp.ORG_POLICY):
        yield Violation(
            policy,
            "",
            f"setting {policy.inputs.get('name', _name(policy))} needs "
            f"{params['role']}, which only the organization grants; the profile does not "
            "say the deployer holds it",
        )


# -- Patient-facing Cloud Run and the bastion's IAP tunnel --------------------------------------


@logic("CG-GCP-DEP-004")
def patient_facing_ingress(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    if not context.telehealth:
        return
    for service in graph.of_type(gcp.CLOUD_RUN):
        # Cloud Run's default ingress admits all traffic.
        ingress = str(service.inputs.get("ingress") or "INGRESS_TRAFFIC_ALL")
        if ingress == "INGRESS_TRAFFIC_ALL":
            continue
        behind_balancer = ingress == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" and any(
            get(neg.inputs, "cloudRun.service") == _name(service)
            for neg in graph.of_type(gcp.SERVERLESS_NEG)
        )
        if not behind_balancer:
            yield Violation(
                service,
                "ingress",
                f"{ingress} admits no request from patients on the internet"
                + (" (no load balancer routes to it)" if "LOAD_BALANCER" in ingress else ""),
            )


@logic("CG-GCP-DEP-005")
def patient_facing_invoker(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    if not context.telehealth:
        return
    for service in graph.of_type(gcp.CLOUD_RUN):
        if service.inputs.get("invokerIamDisabled") is True:
            continue
        public = any(
            grant.inputs.get("role") == params["role"]
            and "allUsers" in gcp.members(grant)
            and str(grant.inputs.get("name") or grant.inputs.get("service") or "")
            .rstrip("/")
            .endswith(_name(service))
            for grant in gcp.grants(graph)
        )
        if not public:
            yield Violation(
                service,
                "invokerIamDisabled",
                "checks the caller's IAM and grants patients no invoker role: every request "
                "gets 403",
            )


@logic("CG-GCP-DEP-006")
def iap_tunnel_users(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    iap = ipaddress.ip_network(params["iap_range"])
    granted = any(grant.inputs.get("role") == params["role"] for grant in gcp.grants(graph))
    if granted:
        return
    for rule in graph.of_type(gcp.FIREWALL):
        inputs = rule.inputs
        if str(inputs.get("direction") or "INGRESS").upper() != "INGRESS" or not items(
            inputs.get("allows")
        ):
            continue
        if any(_within(source, iap) for source in items(inputs.get("sourceRanges"))):
            yield Violation(
                rule,
                "sourceRanges",
                f"admits IAP TCP forwarding ({iap}), but nobody holds {params['role']}, so "
                "nobody can open the tunnel",
            )


def _within(source: object, network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    try:
        return ipaddress.ip_network(str(source), strict=False).subnet_of(network)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return False
