"""The core stack's outputs that site stacks and handoff sheets read: one name each, both sides.

Names shared with the handoff sheets come from `generator.render.stack_config`; the rest are only
between the Azure core and site stacks.
"""

from __future__ import annotations

from generator.render.stack_config import (
    KEY_VAULT_NAME_OUTPUT,
    VPN_GATEWAY_ADDRESSES_OUTPUT,
    VPN_GATEWAY_BGP_ADDRESS_OUTPUT,
)

KEY_VAULT_NAME = KEY_VAULT_NAME_OUTPUT
VPN_GATEWAY_ADDRESSES = VPN_GATEWAY_ADDRESSES_OUTPUT
VPN_GATEWAY_BGP_ADDRESS = VPN_GATEWAY_BGP_ADDRESS_OUTPUT
KEY_VAULT_RESOURCE_GROUP = "keyVaultResourceGroup"
NETWORK_RESOURCE_GROUP = "networkResourceGroup"
VPN_GATEWAY_ID = "vpnGatewayId"
# Virtual WAN practices: the WAN every site's VPN site belongs to, and its hub
VIRTUAL_WAN_ID = "virtualWanId"
VIRTUAL_HUB_ID = "virtualHubId"
# subnet key (plan name) -> the name of the NSG on that subnet
NSG_NAMES = "nsgNames"
