"""The network diagram as a Mermaid flowchart, for the Markdown report (GitHub, GitLab and
Azure DevOps draw a ```mermaid block).

The same `NetworkView` as the SVG: the segment kinds at the sites, the VPN gateway, the hub's
subnets, and one labelled arrow per allowed flow. Node ids are clinicgen's own (`seg0`,
`net3`), never profile text, so no name can be a keyword such as `end`. Every label is quoted
and every character outside a small safe set is written as a Mermaid entity code (`#60;` for
`<`), which Mermaid draws as that character: a site named `<script>`, `]]>`, a backtick, a
quote or a line break stays text, and no backtick can close the Markdown fence around the
block. Source: Mermaid flowchart syntax, "Entity codes to escape characters"
(https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters).
"""

from __future__ import annotations

import re

from generator.render.templating import visible_text
from generator.report.network import NetworkView
from generator.wording import counted

# Characters a quoted Mermaid label holds as they are; everything else becomes `#NNN;`.
_SAFE = re.compile(r"[A-Za-z0-9 .,:/()_+-]")
# Sites named in the diagram's site node before the rest are counted.
SITES_NAMED = 8


def label(value: str) -> str:
    """`value` as a quoted Mermaid label: one visible line, every unsafe character an entity
    code."""
    text = visible_text(value)
    return '"' + "".join(char if _SAFE.match(char) else f"#{ord(char)};" for char in text) + '"'


def flowchart(view: NetworkView) -> str:
    """The network as a Mermaid `flowchart LR`."""
    segments = {kind.name: f"seg{index}" for index, kind in enumerate(view.segment_kinds)}
    subnets = {subnet.name: f"net{index}" for index, subnet in enumerate(view.subnets)}
    named = ", ".join(site.name for site in view.sites[:SITES_NAMED])
    if len(view.sites) > SITES_NAMED:
        named += f" and {len(view.sites) - SITES_NAMED} more"
    lines = ["flowchart LR"]
    lines.append(f"  subgraph sites[{label(f'Sites ({len(view.sites)}): {named}')}]")
    for kind in view.segment_kinds:
        vlans = ", ".join(str(vlan) for vlan in kind.vlans)
        stays = "" if kind.crosses_vpn else ", stays at the site"
        text = f"{kind.name} VLAN {vlans}: {counted(kind.sites, 'site')}{stays}"
        lines.append(f"    {segments[kind.name]}[{label(text)}]")
    lines.append("  end")
    lines.append(f"  vpn{{{{{label(view.gateway or 'no VPN gateway')}}}}}")
    lines.append(f"  subgraph hub[{label(f'Hub {view.hub_space} ({view.cloud} {view.region})')}]")
    for subnet in view.subnets:
        lines.append(f"    {subnets[subnet.name]}[{label(f'{subnet.name} {subnet.cidr}')}]")
    lines.append("  end")
    lines.append("  sites --- vpn --- hub")
    for flow in view.flows:
        # A segment and a subnet may share a name (imaging): the direction says which is which.
        site_end, cloud_end = segments[flow.segment], subnets[flow.subnet]
        source, destination = (site_end, cloud_end) if flow.outbound else (cloud_end, site_end)
        text = f"{flow.ports}, {counted(flow.sites, 'site')}"
        lines.append(f"  {source} -->|{label(text)}| {destination}")
    return "\n".join(lines) + "\n"
