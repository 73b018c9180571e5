"""Key management checks (CG-*-KMS-*): keys rotate, and deleted keys stay recoverable."""

from __future__ import annotations

from collections.abc import Iterator

from generator.checks.graph import Graph, get, iso_days, items, seconds
from generator.checks.model import CheckContext, Violation
from generator.checks.registry import Params, Registry
from generator.checks.rules import azure, gcp

logic = Registry()


# -- Azure ------------------------------------------------------------------------------------


@logic("CG-AZ-KMS-002")
def key_vault_soft_delete(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    minimum = int(params["min_retention_days"])
    for vault in graph.of_type(azure.KEY_VAULT):
        if get(vault.inputs, "properties.enableSoftDelete") is False:
            yield Violation(vault, "properties.enableSoftDelete", "soft delete is disabled")
        days = get(vault.inputs, "properties.softDeleteRetentionInDays")
        if days is not None and float(days) < minimum:
            yield Violation(
                vault,
                "properties.softDeleteRetentionInDays",
                f"deleted keys are recoverable for {int(days)} days, under {minimum}",
            )


@logic("CG-AZ-KMS-004")
def key_vault_public_network(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    for vault in graph.of_type(azure.KEY_VAULT):
        disabled = azure.equals(get(vault.inputs, "properties.publicNetworkAccess"), "Disabled")
        denied = azure.equals(get(vault.inputs, "properties.networkAcls.defaultAction"), "Deny")
        if not (disabled or denied):
            yield Violation(
                vault,
                "properties.publicNetworkAccess",
                "key vault is reachable from any network",
            )


@logic("CG-AZ-KMS-005")
def key_vault_key_rotation(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    max_days = float(params["max_days"])
    for key in graph.of_type(azure.KEY):
        actions = items(get(key.inputs, "properties.rotationPolicy.lifetimeActions"))
        rotate_after = [
            iso_days(get(action, "trigger.timeAfterCreate"))
            for action in actions
            if azure.equals(get(action, "action.type"), "Rotate")
        ]
        if not any(days is not None and days <= max_days for days in rotate_after):
            yield Violation(
                key,
                "properties.rotationPolicy.lifetimeActions",
                f"key is not rotated automatically within {int(max_days)} days of creation",
            )


# -- Google Cloud -----------------------------------------------------------------------------


@logic("CG-GCP-KMS-001")
def kms_key_rotation(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    max_seconds = float(params["max_days"]) * 86400
    for key in graph.of_type(gcp.CRYPTO_KEY):
        # Only symmetric keys rotate automatically; asymmetric keys get new versions by hand.
        if str(key.inputs.get("purpose") or "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT":
            continue
        period = seconds(key.inputs.get("rotationPeriod"))
        if period is None or period > max_seconds:
            yield Violation(
                key,
                "rotationPeriod",
                f"key is not rotated within {params['max_days']} days "
                f"({key.inputs.get('rotationPeriod') or 'never'})",
            )


@logic("CG-GCP-KMS-002")
def key_destroy_window(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    min_seconds = float(params["min_days"]) * 86400
    for key in graph.of_type(gcp.CRYPTO_KEY):
        duration = key.inputs.get("destroyScheduledDuration")
        window = seconds(duration)
        # Absent: Cloud KMS keeps a destroyed version recoverable for 30 days.
        if duration is not None and (window is None or window < min_seconds):
            yield Violation(
                key,
                "destroyScheduledDuration",
                f"a destroyed key version is recoverable for only {duration}",
            )
