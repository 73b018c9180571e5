"""Sizing: pure rules that turn a validated profile into the cloud-neutral Plan.

Each rule is a small function with a stable id (`NET-SEG-01`, `VPN-SKU-01`, `BKP-RET-01`, ...)
and a docstring naming its source; it returns its value with a `Decision` carrying the rule id
and a one-line reason with the numbers. Rules are grouped by concern: `network`, `vpn`,
`flows`, `workloads`, `identity`, `backup`, `monitoring`. `build_plan` runs them all.
"""

from generator.sizing.build import build_plan

__all__ = ["build_plan"]
