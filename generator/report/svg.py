"""The network diagram as inline SVG, drawn from the report's `NetworkView`.

Built with the standard library's ElementTree, which escapes every text and attribute it
writes: a site named `<script>` or `]]>` is text in the drawing, never markup. Coordinates are
whole numbers computed from the view alone and elements are written in the view's order, so
the same plan draws the same bytes. Text never shrinks: every figure has a fixed width and grows
in height, long names are cut to their lines (the full name stays in a tooltip and in the
report's tables), and sites are paged (`SITES_PER_FIGURE` cards a figure).

Two kinds of figure:
- the flows: the segment kinds at the sites on the left, the hub's subnets and workloads on the
  right, and between them, through the VPN tunnels, one labelled row per allowed flow;
- the sites: a card per site with its tunnel to the hub and its segments (VLAN, CIDR, devices).
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET

from generator.render.templating import visible_text
from generator.report.network import FlowKind, NetworkView, SiteCard
from generator.wording import counted

WIDTH = 1000
FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"
# Pixels per character of the 11 px monospace text, generously rounded, to fit text to boxes.
CHAR = 7
LINE = 15
PAD = 10

COLOURS = {
    "ink": "#1f2933",
    "muted": "#52606d",
    "site": "#e3f2fd",
    "site-edge": "#1565c0",
    "local": "#f5f5f5",
    "hub": "#e8f5e9",
    "hub-edge": "#2e7d32",
    "flow": "#fff8e1",
    "flow-edge": "#b26a00",
    "tunnel": "#ede7f6",
    "tunnel-edge": "#5e35b1",
}


class _Canvas:
    """An SVG document under construction: every shape and text through these methods."""

    def __init__(self, title: str) -> None:
        self.root = ET.Element(
            "svg",
            {
                "xmlns": "http://www.w3.org/2000/svg",
                "role": "img",
                "font-family": FONT,
                "font-size": "11",
            },
        )
        ET.SubElement(self.root, "title").text = visible_text(title)
        defs = ET.SubElement(self.root, "defs")
        marker = ET.SubElement(
            defs,
            "marker",
            {
                "id": "arrow",
                "viewBox": "0 0 10 10",
                "refX": "10",
                "refY": "5",
                "markerWidth": "7",
                "markerHeight": "7",
                "orient": "auto-start-reverse",
            },
        )
        ET.SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": COLOURS["ink"]})

    def box(
        self, x: int, y: int, w: int, h: int, fill: str, edge: str, *, dashed: bool = False
    ) -> None:
        attrs = {
            "x": str(x),
            "y": str(y),
            "width": str(w),
            "height": str(h),
            "rx": "4",
            "fill": COLOURS[fill],
            "stroke": COLOURS[edge],
        }
        if dashed:
            attrs["stroke-dasharray"] = "5 3"
        ET.SubElement(self.root, "rect", attrs)

    def text(
        self,
        x: int,
        y: int,
        value: str,
        *,
        bold: bool = False,
        colour: str = "ink",
        anchor: str = "start",
        tooltip: str | None = None,
    ) -> None:
        attrs = {"x": str(x), "y": str(y), "fill": COLOURS[colour]}
        if bold:
            attrs["font-weight"] = "bold"
        if anchor != "start":
            attrs["text-anchor"] = anchor
        element = ET.SubElement(self.root, "text", attrs)
        if tooltip is not None:
            ET.SubElement(element, "title").text = visible_text(tooltip)
            ET.SubElement(element, "tspan").text = visible_text(value)
        else:
            element.text = visible_text(value)

    def line(self, x1: int, y1: int, x2: int, y2: int, *, arrow: bool = True) -> None:
        attrs = {
            "x1": str(x1),
            "y1": str(y1),
            "x2": str(x2),
            "y2": str(y2),
            "stroke": COLOURS["ink"],
            "stroke-width": "1.2",
        }
        if arrow:
            attrs["marker-end"] = "url(#arrow)"
        ET.SubElement(self.root, "line", attrs)

    def finish(self, height: int, label: str) -> str:
        self.root.set("viewBox", f"0 0 {WIDTH} {height}")
        self.root.set("width", str(WIDTH))
        self.root.set("height", str(height))
        self.root.set("aria-label", visible_text(label))
        return ET.tostring(self.root, encoding="unicode")


def fitted(value: str, columns: int, lines: int = 1) -> list[str]:
    """`value` (made visible) in at most `lines` lines of `columns` characters, the last cut
    with an ellipsis when it does not fit."""
    text = visible_text(value)
    wrapped = textwrap.wrap(text, columns, break_long_words=True) or [""]
    if len(wrapped) <= lines:
        return wrapped
    kept = wrapped[:lines]
    kept[-1] = kept[-1][: columns - 1] + "…"
    return kept


# -- the flows figure -------------------------------------------------------------------------

SEGMENT_X, SEGMENT_W = 20, 250
FLOW_X, FLOW_W = 330, 340
HUB_X, HUB_W = 730, 250
ROW = 40  # a segment or subnet box and the gap under it
FLOW_ROW = 30
WORKLOAD_LINES = 6


def flows_figure(view: NetworkView) -> str:
    """Segment kinds, the allowed flows through the VPN tunnels, the hub's subnets and
    workloads; the legend says everything else is denied."""
    canvas = _Canvas("Allowed flows between the sites' segments and the hub")
    top = 56
    canvas.text(SEGMENT_X, 20, f"Sites ({len(view.sites)}): segments", bold=True)
    canvas.text(FLOW_X, 20, "Allowed flows, through the site VPN tunnels", bold=True)
    canvas.text(HUB_X, 20, f"Hub {view.hub_space} ({view.cloud} {view.region})", bold=True)
    canvas.text(
        FLOW_X, 36, view.gateway or "no VPN gateway: no site has a VPN peer", colour="muted"
    )
    canvas.text(HUB_X, 36, f"firewall: {view.firewall_tier}", colour="muted")

    segment_y = {}
    for index, kind in enumerate(view.segment_kinds):
        y = top + index * ROW
        segment_y[kind.name] = y + 16
        canvas.box(
            SEGMENT_X,
            y,
            SEGMENT_W,
            ROW - 8,
            "site" if kind.crosses_vpn else "local",
            "site-edge" if kind.crosses_vpn else "muted",
            dashed=not kind.crosses_vpn,
        )
        vlans = ", ".join(str(vlan) for vlan in kind.vlans)
        where = f"{counted(kind.sites, 'site')}, {counted(kind.devices, 'device')}"
        if not kind.crosses_vpn:
            where += ", no VPN"
        columns = (SEGMENT_W - 2 * PAD) // CHAR
        canvas.text(
            SEGMENT_X + PAD, y + 13, fitted(f"{kind.name} (VLAN {vlans})", columns)[0], bold=True
        )
        canvas.text(SEGMENT_X + PAD, y + 26, fitted(where, columns)[0], colour="muted")

    subnet_y = {}
    for index, subnet in enumerate(view.subnets):
        y = top + index * ROW
        subnet_y[subnet.name] = y + 16
        canvas.box(HUB_X, y, HUB_W, ROW - 8, "hub", "hub-edge")
        canvas.text(HUB_X + PAD, y + 13, subnet.name, bold=True, tooltip=subnet.purpose)
        canvas.text(HUB_X + PAD, y + 26, subnet.cidr, colour="muted")
    bottom = top + len(view.subnets) * ROW
    if view.workloads:
        canvas.text(HUB_X, bottom + 12, "Workloads", bold=True)
        y = bottom + 28
        for name, size in view.workloads:
            for number, line in enumerate(fitted(f"{name}: {size}", HUB_W // CHAR, WORKLOAD_LINES)):
                canvas.text(HUB_X + (0 if number == 0 else 12), y, line)
                y += LINE
        bottom = y

    flow_top = top
    if view.flows:
        canvas.box(
            FLOW_X - 10,
            top - 8,
            FLOW_W + 20,
            len(view.flows) * FLOW_ROW + 8,
            "tunnel",
            "tunnel-edge",
            dashed=True,
        )
    for index, flow in enumerate(view.flows):
        y = flow_top + index * FLOW_ROW
        _flow_row(canvas, flow, y, segment_y, subnet_y)
    flows_bottom = top + len(view.flows) * FLOW_ROW
    segments_bottom = top + len(view.segment_kinds) * ROW
    height = max(bottom, flows_bottom, segments_bottom) + 16
    for number, line in enumerate(_LEGEND):
        canvas.text(SEGMENT_X, height + number * LINE, line, colour="muted")
    height += len(_LEGEND) * LINE + 8
    return canvas.finish(height, "Allowed flows between the sites' segments and the hub subnets")


_LEGEND = (
    "Legend: each arrow is an allowed flow (protocol and ports, and how many sites have it), "
    "in its direction.",
    "Everything else is denied: every network security group or firewall posture ends in "
    "deny-all, and dashed segments",
    "(guest, payment, building systems, vendor access) never enter the VPN: they reach the "
    "internet at the site only.",
)


def _flow_row(
    canvas: _Canvas,
    flow: FlowKind,
    y: int,
    segment_y: dict[str, int],
    subnet_y: dict[str, int],
) -> None:
    canvas.box(FLOW_X, y, FLOW_W, FLOW_ROW - 6, "flow", "flow-edge")
    middle = y + (FLOW_ROW - 6) // 2
    canvas.text(FLOW_X + PAD, middle - 1, f"{flow.segment} {flow.arrow} {flow.subnet}", bold=True)
    canvas.text(
        FLOW_X + PAD, middle + 10, f"{flow.ports}; {counted(flow.sites, 'site')}", colour="muted"
    )
    left, right = segment_y[flow.segment], subnet_y[flow.subnet]
    if flow.outbound:
        canvas.line(SEGMENT_X + SEGMENT_W, left, FLOW_X, middle)
        canvas.line(FLOW_X + FLOW_W, middle, HUB_X, right)
    else:
        canvas.line(HUB_X, right, FLOW_X + FLOW_W, middle)
        canvas.line(FLOW_X, middle, SEGMENT_X + SEGMENT_W, left)


# -- the site figures -------------------------------------------------------------------------

COLUMNS = 3
GAP = 16
CARD_W = (WIDTH - 2 * 20 - (COLUMNS - 1) * GAP) // COLUMNS
NAME_LINES = 2
TUNNEL_LINES = 2


def sites_figure(cards: tuple[SiteCard, ...], first: int, total: int) -> str:
    """Site cards `first`+1 to `first`+len(cards) of `total`, three to a row."""
    label = f"Sites {first + 1} to {first + len(cards)} of {total}"
    canvas = _Canvas(label)
    canvas.text(20, 20, label, bold=True)
    y = 34
    for start in range(0, len(cards), COLUMNS):
        row = cards[start : start + COLUMNS]
        height = max(_card_height(card) for card in row)
        for column, card in enumerate(row):
            _card(canvas, card, 20 + column * (CARD_W + GAP), y, height)
        y += height + GAP
    return canvas.finish(y, label)


def _card_height(card: SiteCard) -> int:
    lines = NAME_LINES + 1 + TUNNEL_LINES + 1 + max(len(card.segments), 1)
    return PAD + lines * LINE + PAD


def _card(canvas: _Canvas, card: SiteCard, x: int, y: int, height: int) -> None:
    canvas.box(x, y, CARD_W, height, "site", "site-edge")
    line_y = y + PAD + 10
    columns = (CARD_W - 2 * PAD) // CHAR
    for line in fitted(card.name, columns, NAME_LINES):
        canvas.text(x + PAD, line_y, line, bold=True, tooltip=card.name)
        line_y += LINE
    line_y += LINE * (NAME_LINES - len(fitted(card.name, columns, NAME_LINES)))
    canvas.text(x + PAD, line_y, f"{card.id} · {card.kind} · {card.block}", colour="muted")
    line_y += LINE
    tunnel = f"VPN tunnel to the hub: {card.tunnel}" if card.tunnel else "no VPN tunnel"
    for line in fitted(tunnel, columns, TUNNEL_LINES):
        canvas.text(x + PAD, line_y, line, colour="site-edge")
        line_y += LINE
    line_y += LINE * (TUNNEL_LINES - len(fitted(tunnel, columns, TUNNEL_LINES)))
    headings = (("VLAN", 0, "start"), ("segment", 40, "start"), ("CIDR", 150, "start"))
    for heading, offset, anchor in headings:
        canvas.text(x + PAD + offset, line_y, heading, bold=True, anchor=anchor)
    canvas.text(x + CARD_W - PAD, line_y, "devices", bold=True, anchor="end")
    for segment in card.segments:
        line_y += LINE
        colour = "ink" if segment.crosses_vpn else "muted"
        canvas.text(x + PAD, line_y, str(segment.vlan), colour=colour)
        canvas.text(x + PAD + 40, line_y, fitted(segment.name, 15)[0], colour=colour)
        canvas.text(x + PAD + 150, line_y, segment.cidr, colour=colour)
        canvas.text(x + CARD_W - PAD, line_y, str(segment.devices), colour=colour, anchor="end")


def diagrams(view: NetworkView) -> tuple[str, ...]:
    """Every figure of the network diagram: the flows, then the sites page by page."""
    pages = view.pages()
    return (
        flows_figure(view),
        *(
            sites_figure(page, index * len(pages[0]), len(view.sites))
            for index, page in enumerate(pages)
        ),
    )
