"""Logging and audit checks (CG-*-LOG-*): activity is recorded and kept as long as the plan says."""

from __future__ import annotations

from collections.abc import Iterator

from generator.checks.graph import Graph, get, items, refers_to
from generator.checks.model import CheckContext, Violation
from generator.checks.registry import Params, Registry
from generator.checks.rules import azure, gcp

logic = Registry()


# -- Both clouds ------------------------------------------------------------------------------


@logic("CG-AZ-LOG-001", "CG-GCP-LOG-003")
def short_log_retention(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    field = params["field"]
    for store in graph.of_type(params["type"]):
        days = store.inputs.get(field)
        if days is None or float(days) < context.log_retention_days:
            kept = f"{int(days)} days" if days is not None else "the 30-day default"
            yield Violation(
                store,
                field,
                f"keeps logs for {kept}; the plan requires {context.log_retention_days}",
            )


# -- Azure ------------------------------------------------------------------------------------


@logic("CG-AZ-LOG-002")
def vnet_flow_logs(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    flow_logs = [
        log for log in graph.of_type(azure.FLOW_LOG) if log.inputs.get("enabled") is not False
    ]
    for vnet in graph.of_type(azure.VNET):
        if not any(refers_to(log.inputs.get("targetResourceId"), vnet) for log in flow_logs):
            yield Violation(vnet, "", "no enabled flow log records this network's traffic")


@logic("CG-AZ-LOG-003", "CG-AZ-LOG-005")
def diagnostic_settings(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    destinations = ("workspaceId", "storageAccountId", "eventHubAuthorizationRuleId")
    settings = [
        setting
        for setting in graph.of_type(*azure.DIAGNOSTIC_SETTINGS)
        if any(setting.inputs.get(key) for key in destinations)
        and any(log.get("enabled") for log in items(setting.inputs.get("logs")))
    ]
    for resource in graph.of_type(*params["types"]):
        if not any(refers_to(s.inputs.get("resourceUri"), resource) for s in settings):
            yield Violation(
                resource, "", "no diagnostic setting sends this resource's logs anywhere"
            )


@logic("CG-AZ-LOG-004")
def compliance_initiative(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    assignments = graph.of_type(azure.POLICY_ASSIGNMENT)
    for group in graph.of_type(azure.RESOURCE_GROUP):
        for initiative in context.policy_initiatives:
            wanted = azure.last_segment(initiative)
            if not any(
                azure.last_segment(a.inputs.get("policyDefinitionId")) == wanted
                and (
                    azure.WIDE_SCOPE.match(str(a.inputs.get("scope", "")))
                    or refers_to(a.inputs.get("scope"), group)
                )
                for a in assignments
            ):
                yield Violation(
                    group,
                    "",
                    f"policy initiative {wanted} is not assigned to this resource group "
                    f"or its subscription",
                )


# -- Google Cloud -----------------------------------------------------------------------------


@logic("CG-GCP-LOG-001")
def subnet_flow_logs(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    for subnet in graph.of_type(gcp.SUBNETWORK):
        if not gcp.exempt_purpose(subnet, params) and not subnet.inputs.get("logConfig"):
            yield Violation(subnet, "logConfig", "VPC flow logs are off for this subnet")


@logic("CG-GCP-LOG-004")
def data_access_audit_logs(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    required = {"DATA_READ", "DATA_WRITE"}
    audited: set[tuple[str | None, str]] = set()
    for config in graph.of_type(gcp.AUDIT_CONFIG):
        kinds = {str(c.get("logType")) for c in items(config.inputs.get("auditLogConfigs"))}
        if required <= kinds:
            audited.add((config.inputs.get("project"), str(config.inputs.get("service"))))
    for type_token, service in params["services"].items():
        for resource in graph.of_type(type_token):
            project = resource.inputs.get("project")
            if not any(
                svc in (service, "allServices") and proj in (project, None) for proj, svc in audited
            ):
                yield Violation(
                    resource,
                    "",
                    f"reads and writes of this data are not audited (no DATA_READ and DATA_WRITE "
                    f"audit config for {service} or allServices)",
                )


@logic("CG-GCP-LOG-005")
def firewall_logging(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    for rule in graph.of_type(gcp.FIREWALL):
        if (
            not get(rule.inputs, "logConfig.metadata")
            and rule.inputs.get("enableLogging") is not True
        ):
            yield Violation(rule, "logConfig", "connections this rule matches are not logged")
    for rule in graph.of_type(gcp.POLICY_RULE):
        if rule.inputs.get("enableLogging") is not True:
            yield Violation(rule, "enableLogging", "connections this rule matches are not logged")
