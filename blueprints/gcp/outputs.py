"""Names of the core stack's outputs: the core exports them, site stacks and handoff sheets
read them. Defined once so the two sides cannot drift apart."""

from __future__ import annotations

from generator.render.stack_config import VPN_GATEWAY_ADDRESSES_OUTPUT

NETWORK = "network"  # VPC self link
# By Cloud Router slot (as text): names (router interfaces and peers address a router so) and
# self links (VPN tunnels address it so)
ROUTER_NAMES = "routerNames"
ROUTERS = "routers"
VPN_GATEWAYS = "vpnGateways"  # HA VPN gateway self links by region
# The core: each HA VPN gateway's two public interface addresses by region; a site stack: its
# own gateway's two, which its handoff sheet points the installer at.
VPN_GATEWAY_ADDRESSES = VPN_GATEWAY_ADDRESSES_OUTPUT
# The telehealth load balancer's address, which the practice's telehealth.domain points at.
TELEHEALTH_ADDRESS = "telehealthAddress"
