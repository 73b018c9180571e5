"""Names of the core stack's outputs: the core exports them, site stacks and handoff sheets
read them. Defined once so the two sides cannot drift apart."""

from __future__ import annotations

from generator.render.stack_config import VPN_GATEWAY_ADDRESSES_OUTPUT

NETWORK = "network"  # VPC self link
ROUTER_NAME = "routerName"  # Cloud Router name (router interfaces and peers address it so)
ROUTER = "router"  # Cloud Router self link (VPN tunnels address it so)
VPN_GATEWAY = "vpnGateway"  # HA VPN gateway self link
VPN_GATEWAY_ADDRESSES = VPN_GATEWAY_ADDRESSES_OUTPUT  # the two public interface addresses
# The telehealth load balancer's address, which the practice's telehealth.domain points at.
TELEHEALTH_ADDRESS = "telehealthAddress"
