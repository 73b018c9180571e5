"""Diagnostic settings: vaults, networks and data services log to the practice's workspace."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import monitor

from blueprints.azure.context import AzureContext

SETTING_NAME = "to-log-analytics"


def send_to_workspace(
    context: AzureContext,
    name: str,
    kind: str,
    resource_uri: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> monitor.DiagnosticSetting:
    """Send every log (and the metrics the kind has) of `resource_uri` to the practice's
    workspace. `kind` is a key of the platform's `diagnostics` table: what the resource emits.
    """
    emits = context.facts("diagnostics")[kind]
    metrics = emits.get("metrics")
    return monitor.DiagnosticSetting(
        name,
        name=SETTING_NAME,
        resource_uri=resource_uri,
        workspace_id=context.workspace(),
        logs=[monitor.DiagnosticsLogSettingsArgs(category_group=emits["log_group"], enabled=True)],
        metrics=[monitor.DiagnosticsMetricSettingsArgs(category=metrics, enabled=True)]
        if metrics
        else None,
        # Resource-specific tables keep high-volume logs (backup jobs, firewall) queryable.
        log_analytics_destination_type="Dedicated" if emits.get("dedicated") else None,
        opts=opts,
    )
