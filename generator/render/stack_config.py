"""What a stack file holds and what the program reads back: the one place for those names.

`clinicgen generate` writes `stack_config(...)` into `stacks/Pulumi.<stack>.yaml`; the offline
preview passes the same values to the program; `blueprints/program.py` reads them with
`pulumi.Config(CONFIG_NAMESPACE)`. The stack output and secret names the handoff sheets print
live here too, so the sheet's commands and what the blueprints export cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from generator.plan.codec import to_data
from generator.plan.model import CoreStackPlan, SiteStackPlan

# The namespace of clinicgen's config keys in every project, whatever the project is called
# (the repository root's `clinicgen`, a client project named after its practice).
CONFIG_NAMESPACE = "clinicgen"
KIND_KEY = f"{CONFIG_NAMESPACE}:kind"
PLAN_KEY = f"{CONFIG_NAMESPACE}:plan"

# Stack outputs the core stack exports for installers and for the site stacks.
VPN_GATEWAY_ADDRESSES_OUTPUT = "vpnGatewayAddresses"
# Azure: the gateway's BGP peering address, which BGP sites' routers peer with.
VPN_GATEWAY_BGP_ADDRESS_OUTPUT = "vpnGatewayBgpAddress"
KEY_VAULT_NAME_OUTPUT = "keyVaultName"

# Stack output each site stack with a VPN exports, as a secret: the tunnel's pre-shared key.
# The installer reads it from Pulumi state (`pulumi stack output ... --show-secrets`), which
# works before any tunnel exists; the key vault or secret manager copy is reachable only from
# inside the practice's network.
VPN_PRE_SHARED_KEY_OUTPUT = "vpnPreSharedKey"


def stack_config(kind: str, stack_plan: CoreStackPlan | SiteStackPlan) -> dict[str, Any]:
    """Every config value of one stack by full key, structured (sorted, as Pulumi writes them).

    `kind` is `core` or `site`; the provider keys put every resource in the practice's cloud
    project and region unless a resource says otherwise.
    """
    practice = stack_plan.practice
    config: dict[str, Any] = {KIND_KEY: kind, PLAN_KEY: to_data(stack_plan)}
    if practice.cloud == "azure":
        config["azure-native:location"] = practice.region
    else:
        config["gcp:project"] = practice.gcp_project
        config["gcp:region"] = practice.region
    return dict(sorted(config.items()))


def vpn_psk_secret_name(site_id: str) -> str:
    """The Key Vault / Secret Manager secret that holds a site's VPN pre-shared key."""
    return f"vpn-psk-{site_id}"
