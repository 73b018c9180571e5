"""Encryption and TLS checks (CG-*-ENC-*): data in transit and at rest is encrypted."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.checks.graph import Graph, get, items
from generator.checks.model import CheckContext, Violation
from generator.checks.registry import Params, Registry
from generator.checks.rules import azure, gcp

logic = Registry()


# -- Azure ------------------------------------------------------------------------------------


def _version(value: object) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", str(value)))


@logic("CG-AZ-ENC-004")
def web_app_min_tls(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    minimum = _version(params["minimum"])
    for app in graph.of_type(azure.WEB_APP):
        value = get(app.inputs, "siteConfig.minTlsVersion")
        # Absent: App Service has defaulted new apps to TLS 1.2 since 2018.
        if value is not None and _version(value) < minimum:
            yield Violation(app, "siteConfig.minTlsVersion", f"accepts TLS {value}")


@logic("CG-AZ-ENC-006")
def vpn_ipsec_policy(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    weak = {w.lower() for w in params["weak"]}
    for connection in graph.of_type(azure.VPN_CONNECTION):
        if not azure.equals(connection.inputs.get("connectionType"), "IPsec"):
            continue
        protocol = connection.inputs.get("connectionProtocol")
        if protocol is not None and not azure.equals(protocol, "IKEv2"):
            yield Violation(connection, "connectionProtocol", f"negotiates {protocol}")
        policies = items(connection.inputs.get("ipsecPolicies"))
        if not policies:
            yield Violation(
                connection,
                "ipsecPolicies",
                "no custom IPsec policy: the default offers SHA1 and DH group 2",
            )
        for index, policy in enumerate(policies):
            for key, value in sorted(policy.items()):
                if isinstance(value, str) and value.lower() in weak:
                    yield Violation(
                        connection, f"ipsecPolicies[{index}].{key}", f"uses weak {key} {value}"
                    )


# -- Google Cloud -----------------------------------------------------------------------------


@logic("CG-GCP-ENC-001", "CG-GCP-ENC-002")
def customer_managed_key(
    graph: Graph, context: CheckContext, params: Params
) -> Iterator[Violation]:
    """The resource names the practice's Cloud KMS key; without one, Google manages the key."""
    for resource in graph.of_type(*params["types"]):
        if not get(resource.inputs, params["path"]):
            yield Violation(resource, params["path"], params["message"])


@logic("CG-GCP-ENC-003")
def vpn_ike_version(graph: Graph, context: CheckContext, params: Params) -> Iterator[Violation]:
    for tunnel in graph.of_type(gcp.VPN_TUNNEL):
        version = tunnel.inputs.get("ikeVersion")
        # Absent: Cloud VPN negotiates IKEv2 by default.
        if version is not None and int(version) < 2:
            yield Violation(tunnel, "ikeVersion", f"negotiates IKEv{int(version)}")
