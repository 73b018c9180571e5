"""The monthly cost of a plan: what each stack deploys, as quantities from the plan's sizing
decisions, priced from the cloud's price catalog.

Quantities come from the plan alone (a SKU, a count, GB a year) and name the sizing rule that
chose them; usage the plan does not fix (traffic, log volume) comes from the assumptions in
`generator/catalog/cost.yaml` and is a low-high range. A quantity with no cited price stays in
the estimate, unpriced.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from generator import catalog
from generator.cost.model import (
    Assumption,
    CostChange,
    CostEstimate,
    CostLine,
    PriceSource,
)
from generator.cost.prices import PriceCatalog, load_price_catalog
from generator.plan.model import Plan, core_stack_name, site_stack_name
from generator.wording import counted

CENT = Decimal("0.01")
# Mbit/s sustained for a month -> GB: x 730 h x 3600 s / 8 bits / 1000 MB.
GB_PER_MBPS_MONTH = Decimal(730 * 3600) / 8 / 1000


@dataclass(frozen=True)
class Quantity:
    """One thing a stack deploys, before pricing: `low`..`high` `unit`s a month."""

    stack: str
    site: str | None
    service: str
    line_id: str
    item: str
    low: Decimal
    high: Decimal
    unit: str
    price_id: str | None
    rule_id: str | None
    assumption: str


def estimate_cost(plan: Plan, *, prices: Path | PriceCatalog | None = None) -> CostEstimate:
    """The monthly cost range of everything `plan` deploys, line by line. `prices` is a price
    catalog file (default: the one shipped for the plan's cloud) or a catalog already read."""
    price_list = (
        prices if isinstance(prices, PriceCatalog) else load_price_catalog(plan.cloud, prices)
    )
    region = plan.practice.region
    lines = []
    used: dict[str, PriceSource] = {}
    for quantity in _quantities(plan):
        price = price_list.lookup(quantity.price_id, region) if quantity.price_id else None
        if price is not None:
            used[price.price_id] = price
        lines.append(_priced(quantity, price))
    return CostEstimate(
        practice=plan.practice.id,
        cloud=plan.cloud,
        currency=price_list.currency,
        lines=tuple(lines),
        assumptions=assumptions(),
        prices=tuple(used[key] for key in sorted(used)),
    )


def _priced(quantity: Quantity, price: PriceSource | None) -> CostLine:
    low = high = None
    if price is not None:
        low = (quantity.low * price.unit_price).quantize(CENT, ROUND_HALF_UP)
        high = (quantity.high * price.unit_price).quantize(CENT, ROUND_HALF_UP)
    return CostLine(
        stack=quantity.stack,
        site=quantity.site,
        service=quantity.service,
        item=quantity.item,
        quantity=float(quantity.low),
        unit=quantity.unit,
        low=low,
        high=high,
        price_id=quantity.price_id,
        rule_id=quantity.rule_id,
        assumption=quantity.assumption,
        line_id=quantity.line_id,
        quantity_high=None if quantity.high == quantity.low else float(quantity.high),
    )


def compare(old: CostEstimate, new: CostEstimate) -> tuple[CostChange, ...]:
    """Line by line, what changes from `old` to `new`: lines added, removed, or whose item,
    quantity or amount changed, matched on stack and line id. Unchanged lines are left out."""
    before = {(line.stack, line.line_id): line for line in old.lines}
    after = {(line.stack, line.line_id): line for line in new.lines}
    changes = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        if was == now:
            continue
        kind = "added" if was is None else "removed" if now is None else "changed"
        line = now or was
        assert line is not None
        changes.append(
            CostChange(
                kind,
                line.stack,
                line.site,
                line.service,
                line.line_id,
                line.item,
                line.rule_id,
                was,
                now,
            )
        )
    return tuple(changes)


# -- assumptions ------------------------------------------------------------------------------


def _settings() -> dict[str, Any]:
    return catalog.load("cost")


def hours_per_month() -> Decimal:
    return Decimal(_settings()["hours_per_month"]["value"])


def assumptions() -> tuple[Assumption, ...]:
    """Every assumption an estimate rests on, in words, from `cost.yaml`."""
    settings = _settings()
    traffic = settings["site_traffic"]
    logs = settings["log_volume"]
    video = settings["telehealth_hours"]
    percent = Decimal(100)
    return (
        Assumption(
            "hours-per-month",
            str(settings["hours_per_month"]["value"]),
            settings["hours_per_month"]["text"],
            settings["hours_per_month"]["source"],
        ),
        Assumption(
            "site-traffic",
            f"{traffic['low_utilisation']}-{traffic['high_utilisation']}",
            traffic["text"].format(
                low=_plain(Decimal(traffic["low_utilisation"]) * percent),
                high=_plain(Decimal(traffic["high_utilisation"]) * percent),
            ),
            traffic["source"],
        ),
        Assumption(
            "imaging-growth",
            "WL-IMG-02",
            settings["imaging_growth"]["text"],
            settings["imaging_growth"]["source"],
        ),
        Assumption(
            "log-volume",
            f"{logs['low_gb_per_day']}-{logs['high_gb_per_day']} GB/day",
            logs["text"].format(low=logs["low_gb_per_day"], high=logs["high_gb_per_day"]),
            logs["source"],
        ),
        Assumption(
            "telehealth-hours",
            f"{video['low_hours_per_month']}-{video['high_hours_per_month']} h",
            video["text"].format(
                low=video["low_hours_per_month"], high=video["high_hours_per_month"]
            ),
            video["source"],
        ),
    )


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


# -- quantities -------------------------------------------------------------------------------


def _quantities(plan: Plan) -> Iterator[Quantity]:
    yield from _core(plan)
    for site in plan.sites:
        yield from _site(plan, site.id)


def _core(plan: Plan) -> Iterator[Quantity]:
    stack = core_stack_name(plan.practice.id)
    hours = hours_per_month()
    settings = _settings()
    azure = plan.cloud == "azure"

    def line(
        service: str,
        line_id: str,
        item: str,
        low: Decimal,
        unit: str,
        price_id: str | None,
        rule_id: str | None,
        assumption: str,
        high: Decimal | None = None,
    ) -> Quantity:
        return Quantity(
            stack,
            None,
            service,
            line_id,
            item,
            low,
            low if high is None else high,
            unit,
            price_id,
            rule_id,
            assumption,
        )

    always_on = f"always on: {hours} hours a month"
    if plan.vpn is not None and azure and plan.vpn.virtual_wan is not None:
        hub = plan.vpn.virtual_wan
        yield line(
            "vpn",
            "virtual-hub",
            f"Virtual WAN {hub.wan_type} virtual hub",
            hours,
            "hour",
            f"virtual-wan/hub-{hub.wan_type}",
            "VPN-VWAN-01",
            always_on,
        )
        # The same line id as a VNet gateway's: a practice that moves to a Virtual WAN sees
        # its gateway line change, not one line vanish and another appear.
        yield line(
            "vpn",
            "vpn-gateway",
            counted(hub.scale_units, "S2S VPN scale unit"),
            hours * hub.scale_units,
            "hour",
            "virtual-wan/s2s-scale-unit",
            "VPN-VWAN-01",
            f"the hub's VPN gateway, {always_on} per scale unit",
        )
    elif plan.vpn is not None and azure:
        yield line(
            "vpn",
            "vpn-gateway",
            f"{plan.vpn.sku} VPN gateway",
            hours,
            "hour",
            f"vpn-gateway/{plan.vpn.sku}",
            "VPN-SKU-01",
            always_on,
        )
    tier = plan.core.firewall_tier
    if azure and tier != "none":
        sku = tier.capitalize()
        yield line(
            "network",
            "firewall",
            f"Azure Firewall {sku}",
            hours,
            "hour",
            f"azure-firewall/{sku}",
            "NET-FW-01",
            always_on,
        )
    if azure and plan.core.bastion:
        sku = plan.platform.section("bastion")["sku"]
        yield line(
            "network",
            "bastion",
            f"Azure Bastion {sku}",
            hours,
            "hour",
            f"bastion/{sku}",
            "NET-BAS-01",
            always_on,
        )
    if not azure:
        yield line(
            "network",
            "cloud-nat",
            "Cloud NAT gateway",
            hours,
            "hour",
            "cloud-nat/gateway",
            None,
            f"the hub router's Cloud NAT, on every Google Cloud practice; {always_on}",
        )
    workloads = plan.workloads
    if workloads.ehr is not None:
        ehr = workloads.ehr
        yield line(
            "compute",
            "ehr-servers",
            f"{ehr.vm_count} x {ehr.machine_type}",
            hours * ehr.vm_count,
            "hour",
            f"vm/{ehr.machine_type}",
            "WL-EHR-01",
            f"{counted(ehr.vm_count, 'application server')}, {always_on}",
        )
        yield line(
            "storage",
            "ehr-disks",
            f"{ehr.vm_count} x {ehr.data_disk_gb} GB data disk",
            Decimal(ehr.vm_count * ehr.data_disk_gb),
            "GB-month",
            "disk/data",
            "WL-EHR-01",
            "one data disk per application server, provisioned size",
        )
    if workloads.telehealth is not None:
        tele = workloads.telehealth
        yield line(
            "telehealth",
            "telehealth-instances",
            f"{tele.sku} instances",
            hours * tele.min_instances,
            "hour",
            f"telehealth/{tele.sku}",
            "WL-TEL-01",
            f"{counted(tele.min_instances, 'instance')} always on (low) to "
            f"{tele.max_instances} (high)",
            hours * tele.max_instances,
        )
        video = settings["telehealth_hours"]
        per_hour = Decimal(tele.egress_mbps) * 3600 / 8 / 1000
        yield line(
            "telehealth",
            "telehealth-egress",
            "telehealth video egress",
            per_hour * video["low_hours_per_month"],
            "GB",
            "egress/internet",
            "WL-TEL-01",
            f"{tele.egress_mbps} Mbps at peak (telehealth-hours)",
            per_hour * video["high_hours_per_month"],
        )
    if workloads.imaging is not None:
        imaging = workloads.imaging
        yearly = Decimal(imaging.storage_gb_per_year)
        yield line(
            "imaging",
            "imaging-storage",
            "imaging archive storage",
            (yearly / 12).quantize(Decimal(1)),
            "GB-month",
            "storage/imaging",
            "WL-IMG-02",
            f"{imaging.storage_gb_per_year} GB a year, {imaging.total_storage_gb} GB at "
            f"{imaging.retention_years} years (imaging-growth)",
            yearly,
        )
    if workloads.fhir:
        yield line(
            "health-data",
            "fhir",
            "FHIR R4 service",
            Decimal(1),
            "service-month",
            "fhir/service",
            "WL-FHIR-01",
            "one FHIR service; storage and requests not counted",
        )
    if workloads.ingest is not None:
        ingest = workloads.ingest
        if azure:
            yield line(
                "ingest",
                "device-ingest",
                f"IoT Hub {ingest.tier} unit",
                Decimal(ingest.units),
                "unit-month",
                f"iot-hub/{ingest.tier}",
                "WL-ING-01",
                f"{ingest.messages_per_day} messages a day fit {counted(ingest.units, 'unit')}",
            )
        else:
            monthly = Decimal(ingest.messages_per_day) * 30
            yield line(
                "ingest",
                "device-ingest",
                "Pub/Sub messages",
                monthly,
                "message",
                "pubsub/message",
                "WL-ING-01",
                f"{ingest.messages_per_day} messages a day for 30 days",
            )
    low_logs = Decimal(settings["log_volume"]["low_gb_per_day"]) * 30
    high_logs = Decimal(settings["log_volume"]["high_gb_per_day"]) * 30
    yield line(
        "monitoring",
        "log-ingestion",
        "log ingestion",
        low_logs,
        "GB",
        "logs/ingestion",
        "LOG-RET-01",
        f"kept {plan.monitoring.log_retention_days} days interactive, "
        f"{plan.monitoring.log_archive_days} in all (log-volume)",
        high_logs,
    )
    for defender in plan.monitoring.defender_plans:
        yield line(
            "monitoring",
            f"defender-{defender}",
            f"Defender for Cloud: {defender}",
            Decimal(1),
            "plan-month",
            f"defender/{defender}",
            "MON-DEF-01",
            "billed per protected resource; resource counts not estimated",
        )
    if workloads.ehr is not None:
        yield line(
            "backup",
            "vm-backup",
            f"backup of {counted(workloads.ehr.vm_count, 'server')}",
            Decimal(workloads.ehr.vm_count),
            "instance-month",
            "backup/instance",
            "BKP-RET-02",
            f"{plan.backup.redundancy}-redundant, kept {plan.backup.yearly_years} years",
        )


def _site(plan: Plan, site_id: str) -> Iterator[Quantity]:
    site = plan.site(site_id)
    if site.vpn is None:
        return
    stack = site_stack_name(plan.practice.id, site.id)
    hours = hours_per_month()
    tunnels = len(site.vpn.bgp_sessions) if plan.cloud == "gcp" else 1
    tunnel_item = "HA VPN tunnel" if plan.cloud == "gcp" else "site-to-site VPN connection"
    price_id = "vpn-tunnel/ha" if plan.cloud == "gcp" else "vpn-connection/s2s"
    if site.vpn.virtual_wan:
        tunnel_item, price_id = "Virtual WAN S2S connection unit", "virtual-wan/s2s-connection"
    yield Quantity(
        stack,
        site.id,
        "vpn",
        "vpn-tunnels",
        f"{tunnels} x {tunnel_item}",
        hours * tunnels,
        hours * tunnels,
        "hour",
        price_id,
        "VPN-TUN-01" if plan.cloud == "gcp" else None,
        f"{counted(tunnels, 'tunnel')} always on: {hours} hours a month each",
    )
    low, high = _traffic_gb(site.vpn.bandwidth_mbps)
    traffic = f"{site.vpn.bandwidth_mbps} Mbps link (site-traffic)"
    yield Quantity(
        stack,
        site.id,
        "vpn",
        "vpn-egress",
        "data sent to the site over the VPN",
        low,
        high,
        "GB",
        "egress/vpn",
        None,
        traffic,
    )
    if plan.cloud == "azure" and plan.core.firewall_tier != "none":
        # The hub firewall is the core stack's, but what it processes is this site's traffic:
        # the line belongs to the site, so adding a site adds it and changes no core line.
        yield Quantity(
            stack,
            site.id,
            "network",
            "firewall-data",
            "Azure Firewall data processed",
            2 * low,
            2 * high,
            "GB",
            "azure-firewall/data-processed",
            "NET-FW-01",
            f"this site's traffic with the hub crosses the hub firewall both ways; {traffic}",
        )


def _traffic_gb(bandwidth_mbps: int) -> tuple[Decimal, Decimal]:
    """One direction of a site's traffic with the hub in a month, low and high, whole GB."""
    traffic = _settings()["site_traffic"]
    month = Decimal(bandwidth_mbps) * GB_PER_MBPS_MONTH
    return (
        (month * Decimal(traffic["low_utilisation"])).quantize(Decimal(1)),
        (month * Decimal(traffic["high_utilisation"])).quantize(Decimal(1)),
    )
