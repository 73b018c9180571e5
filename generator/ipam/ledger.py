"""The allocation ledger: every address, VLAN, ASN and rule priority ever handed out.

The ledger lives beside the generated stacks (`<stacks>/<practice>.ledger.yaml`) and makes
regeneration stable: adding, removing or reordering sites, or renaming them, never moves an
existing allocation. Entries are never deleted by clinicgen: a removed site stays as `retired`,
a segment or subnet no longer needed stays with `active: false`, so nothing is reused silently.
It holds ids and numbers only, never profile display text or secrets.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from generator.catalog import load
from generator.errors import LedgerError, Problem
from generator.ipam.addresses import network
from generator.yaml_input import YamlInputError, parse_yaml, read_yaml_file

LEDGER_VERSION = 1
# A ledger holds a few kilobytes per site: 16 MiB is thousands of sites, and a bound.
MAX_LEDGER_BYTES = 16 * 1_048_576
SITE_STATUSES = ("active", "retired")

HEADER = """\
# clinicgen allocation ledger: every range, VLAN id, BGP ASN and rule priority allocated for
# this practice. clinicgen reads it on every run so that existing allocations never move.
# Keep it under version control beside the stacks. Retired entries stay reserved: delete one
# by hand only when its addresses are free on the network again.
"""


@dataclass(frozen=True)
class SegmentAllocation:
    """A site VLAN's number and range. Inactive: the segment is gone but its range stays held."""

    name: str
    vlan: int
    cidr: str
    active: bool = True


@dataclass(frozen=True)
class SubnetAllocation:
    """A hub subnet's range. Inactive: no longer planned, range still held."""

    name: str
    cidr: str
    active: bool = True


@dataclass(frozen=True)
class FlowPriority:
    """The firewall / NSG rule priority pinned to one flow at one site."""

    flow: str
    priority: int


@dataclass(frozen=True)
class SiteAllocation:
    """Everything allocated to one site, keyed by its stable id. A pooled site (Azure, placed
    after the practice moved to a Virtual WAN hub) has no block and no rules of its own: each
    of its segments lies in the core's pool of its kind (`CoreAllocation.segment_pools`)."""

    id: str
    status: str
    block: str | None
    priority_base: int
    segments: tuple[SegmentAllocation, ...] = ()
    flows: tuple[FlowPriority, ...] = ()
    asn: int | None = None
    bgp: tuple[str, ...] = ()  # link-local /30 per tunnel, in tunnel order
    # Google Cloud: the Cloud Router slot its BGP peers are on (None: no VPN, or a ledger made
    # before there was more than one router, whose sites are all on the first)
    router: int | None = None

    def segment(self, name: str) -> SegmentAllocation | None:
        return next((s for s in self.segments if s.name == name), None)

    @property
    def pooled(self) -> bool:
        return self.block is None


@dataclass(frozen=True)
class CoreAllocation:
    """The hub block and its subnets; on Azure beyond one VNet gateway, the Virtual WAN hub's
    own address prefix, outside the block (the hub VNet joins the virtual hub), one segment
    pool per segment kind the pooled sites have, and the priority of the core's rule for each
    flow of the pooled sites."""

    block: str
    subnets: tuple[SubnetAllocation, ...] = ()
    virtual_hub: str | None = None
    segment_pools: tuple[SubnetAllocation, ...] = ()
    pool_flows: tuple[FlowPriority, ...] = ()

    def segment_pool(self, kind: str) -> SubnetAllocation | None:
        return next((p for p in self.segment_pools if p.name == kind), None)


@dataclass(frozen=True)
class Ledger:
    """All allocations for one practice on one cloud, sites in the order first allocated."""

    practice: str
    cloud: str
    pool: str
    core: CoreAllocation
    sites: tuple[SiteAllocation, ...] = ()
    version: int = LEDGER_VERSION

    def site(self, site_id: str) -> SiteAllocation | None:
        return next((s for s in self.sites if s.id == site_id), None)


def default_ledger_path(stacks_dir: Path, practice_id: str) -> Path:
    """Where the ledger lives by default: beside the practice's stack files."""
    return stacks_dir / f"{practice_id}.ledger.yaml"


def load_ledger_if_present(path: Path) -> Ledger | None:
    """The ledger at `path`, or None when there is no file there yet (a first run)."""
    if not path.exists():
        return None
    return load_ledger(path)


def load_ledger(path: Path) -> Ledger:
    """Read and check the ledger at `path`; LedgerError naming the file and field otherwise."""
    try:
        data = read_yaml_file(path, MAX_LEDGER_BYTES, "a ledger")
    except YamlInputError as err:
        raise LedgerError(f"{path}: {err}") from err
    return _checked_ledger(data, str(path))


def parse_ledger(text: str, label: str) -> Ledger:
    """The ledger in `text` (`label` names it in messages)."""
    try:
        data = parse_yaml(text)
    except YamlInputError as err:
        raise LedgerError(f"{label}: {err}") from err
    return _checked_ledger(data, label)


def _checked_ledger(data: Any, label: str) -> Ledger:
    reader = _Reader(label)
    ledger = reader.ledger(data)
    if reader.problems:
        raise LedgerError("\n".join(reader.problems))
    assert ledger is not None
    problems = _overlaps(ledger) + _allocation_problems(ledger)
    if problems:
        raise LedgerError("\n".join(f"{label}: {problem}" for problem in problems))
    return ledger


def ledger_text(ledger: Ledger) -> str:
    """The ledger as deterministic YAML: same ledger, same bytes."""
    data = {
        "version": ledger.version,
        "practice": ledger.practice,
        "cloud": ledger.cloud,
        "pool": ledger.pool,
        "core": {
            "block": ledger.core.block,
            **({"virtual_hub": ledger.core.virtual_hub} if ledger.core.virtual_hub else {}),
            "subnets": {s.name: {"cidr": s.cidr, "active": s.active} for s in ledger.core.subnets},
            **(
                {"segment_pools": {p.name: p.cidr for p in ledger.core.segment_pools}}
                if ledger.core.segment_pools
                else {}
            ),
            **(
                {"pool_flows": {f.flow: f.priority for f in ledger.core.pool_flows}}
                if ledger.core.pool_flows
                else {}
            ),
        },
        "sites": {site.id: _site_data(site) for site in ledger.sites},
    }
    body = yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=100)
    return HEADER + body


def _site_data(site: SiteAllocation) -> dict[str, Any]:
    segments = {s.name: {"vlan": s.vlan, "cidr": s.cidr, "active": s.active} for s in site.segments}
    if site.pooled:
        return {
            "status": site.status,
            "pooled": True,
            "asn": site.asn,
            "bgp": list(site.bgp),
            "segments": segments,
        }
    return {
        "status": site.status,
        "block": site.block,
        "priority_base": site.priority_base,
        "asn": site.asn,
        "bgp": list(site.bgp),
        **({"router": site.router} if site.router is not None else {}),
        "segments": segments,
        "flows": {f.flow: f.priority for f in site.flows},
    }


class _Reader:
    """Checks ledger data field by field, collecting every problem before failing."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[str] = []

    def problem(self, path: str, message: str, value: object) -> None:
        self.problems.append(str(Problem(self.label, path, message, value, has_value=True)))

    def ledger(self, data: Any) -> Ledger | None:
        if not isinstance(data, dict):
            self.problems.append(f"{self.label}: a ledger must be a YAML mapping")
            return None
        version = data.get("version")
        if version != LEDGER_VERSION:
            self.problem("version", f"must be {LEDGER_VERSION}", version)
        core = self.mapping(data, "core", "core")
        sites = self.mapping(data, "sites", "sites")
        return Ledger(
            practice=self.text(data, "practice", "practice"),
            cloud=self.cloud(data),
            pool=self.cidr(data, "pool", "pool"),
            core=CoreAllocation(
                block=self.cidr(core, "block", "core.block"),
                subnets=tuple(
                    SubnetAllocation(
                        name=str(name),
                        cidr=self.cidr(entry, "cidr", f"core.subnets.{name}.cidr"),
                        active=self.flag(entry, "active", f"core.subnets.{name}.active"),
                    )
                    for name, entry in self.entries(core, "subnets", "core.subnets")
                ),
                virtual_hub=self.cidr(core, "virtual_hub", "core.virtual_hub")
                if core.get("virtual_hub") is not None
                else None,
                segment_pools=tuple(
                    SubnetAllocation(
                        name=str(kind), cidr=self.cidr_value(cidr, f"core.segment_pools.{kind}")
                    )
                    for kind, cidr in self.mapping(
                        core, "segment_pools", "core.segment_pools", required=False
                    ).items()
                ),
                pool_flows=self.priorities(core, "pool_flows", "core.pool_flows"),
            ),
            sites=tuple(
                self.site(str(site_id), entry)
                for site_id, entry in sites.items()
                if self.is_mapping(entry, f"sites.{site_id}")
            ),
        )

    def site(self, site_id: str, data: dict[str, Any]) -> SiteAllocation:
        where = f"sites.{site_id}"
        status = data.get("status")
        if status not in SITE_STATUSES:
            self.problem(f"{where}.status", f"must be one of {', '.join(SITE_STATUSES)}", status)
        asn = data.get("asn")
        if asn is not None and not _is_int(asn):
            self.problem(f"{where}.asn", "must be an integer or null", asn)
        bgp = data.get("bgp") or []
        if not isinstance(bgp, list):
            self.problem(f"{where}.bgp", "must be a list of /30 ranges", bgp)
            bgp = []
        router = data.get("router")
        if router is not None and not (_is_int(router) and router >= 0):
            self.problem(f"{where}.router", "must be a Cloud Router slot (0 or more)", router)
        pooled = data.get("pooled", False)
        if not isinstance(pooled, bool):
            self.problem(f"{where}.pooled", "must be true or false", pooled)
            pooled = False
        if pooled:
            # Its segments lie in the core's pools and its flows are the core's rules.
            for key in ("block", "priority_base", "flows", "router"):
                if key in data:
                    self.problem(
                        f"{where}.{key}",
                        "a pooled site has none (its segments are in core.segment_pools, its "
                        "flows are the core's core.pool_flows)",
                        data[key],
                    )
        return SiteAllocation(
            id=site_id,
            status=str(status),
            block=None if pooled else self.cidr(data, "block", f"{where}.block"),
            priority_base=NO_BAND
            if pooled
            else self.integer(data, "priority_base", f"{where}.priority_base"),
            segments=tuple(
                SegmentAllocation(
                    name=str(name),
                    vlan=self.integer(entry, "vlan", f"{where}.segments.{name}.vlan"),
                    cidr=self.cidr(entry, "cidr", f"{where}.segments.{name}.cidr"),
                    active=self.flag(entry, "active", f"{where}.segments.{name}.active"),
                )
                for name, entry in self.entries(data, "segments", f"{where}.segments")
            ),
            flows=() if pooled else self.priorities(data, "flows", f"{where}.flows"),
            asn=int(asn) if _is_int(asn) else None,
            bgp=tuple(self.cidr_value(item, f"{where}.bgp[{i}]") for i, item in enumerate(bgp)),
            router=int(router) if _is_int(router) else None,
        )

    def priorities(self, data: dict[str, Any], key: str, path: str) -> tuple[FlowPriority, ...]:
        """Flow id -> rule priority."""
        flows = self.mapping(data, key, path, required=False)
        for flow, priority in flows.items():
            if not _is_int(priority):
                self.problem(f"{path}.{flow}", "must be an integer priority", priority)
        return tuple(
            FlowPriority(flow=str(flow), priority=int(priority))
            for flow, priority in flows.items()
            if _is_int(priority)
        )

    def is_mapping(self, value: Any, path: str) -> bool:
        if isinstance(value, dict):
            return True
        self.problem(path, "must be a mapping", value)
        return False

    def mapping(
        self, data: dict[str, Any], key: str, path: str, required: bool = True
    ) -> dict[str, Any]:
        value = data.get(key)
        if isinstance(value, dict):
            return value
        if value is not None or required:
            self.problem(path, "must be a mapping", value)
        return {}

    def entries(self, data: dict[str, Any], key: str, path: str) -> list[tuple[Any, Any]]:
        return [
            (name, entry)
            for name, entry in self.mapping(data, key, path, required=False).items()
            if self.is_mapping(entry, f"{path}.{name}")
        ]

    def cloud(self, data: dict[str, Any]) -> str:
        clouds = load("practice")["clouds"]
        value = data.get("cloud")
        if value not in clouds:
            self.problem("cloud", f"must be one of {', '.join(clouds)}", value)
            return ""
        return str(value)

    def text(self, data: dict[str, Any], key: str, path: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value:
            self.problem(path, "must be a non-empty string", value)
            return ""
        return value

    def integer(self, data: dict[str, Any], key: str, path: str) -> int:
        value = data.get(key)
        if not _is_int(value):
            self.problem(path, "must be an integer", value)
            return 0
        return int(value)

    def flag(self, data: dict[str, Any], key: str, path: str) -> bool:
        value = data.get(key, True)
        if not isinstance(value, bool):
            self.problem(path, "must be true or false", value)
            return True
        return value

    def cidr(self, data: dict[str, Any], key: str, path: str) -> str:
        return self.cidr_value(data.get(key), path)

    def cidr_value(self, value: Any, path: str) -> str:
        if isinstance(value, str):
            try:
                return str(network(value))
            except ValueError:
                pass
        self.problem(path, "must be an IPv4 network in CIDR form, e.g. 10.64.0.0/22", value)
        return "0.0.0.0/32"


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _overlaps(ledger: Ledger) -> list[str]:
    """Ranges in a ledger that contradict each other: a hand edit gone wrong."""
    problems: list[str] = []
    tops: list[tuple[str, IPv4Network]] = [("core.block", network(ledger.core.block))]
    if ledger.core.virtual_hub:
        tops.append(("core.virtual_hub", network(ledger.core.virtual_hub)))
    tops += [(f"core.segment_pools.{p.name}", network(p.cidr)) for p in ledger.core.segment_pools]
    tops += [(f"sites.{s.id}.block", network(s.block)) for s in ledger.sites if s.block]
    pool = network(ledger.pool)
    for label, net in tops:
        if not net.subnet_of(pool):
            problems.append(f"{label}: {net} lies outside the pool {pool}")
    problems += _pairwise(tops)
    problems += _inside(
        "core", network(ledger.core.block), [(s.name, s.cidr) for s in ledger.core.subnets]
    )
    for site in ledger.sites:
        if site.block is not None:
            problems += _inside(
                f"sites.{site.id}", network(site.block), [(s.name, s.cidr) for s in site.segments]
            )
    return problems + _pooled_overlaps(ledger)


def _pooled_overlaps(ledger: Ledger) -> list[str]:
    """Every pooled site's segment lies in the pool of its kind, apart from every other."""
    problems: list[str] = []
    members: dict[str, list[tuple[str, IPv4Network]]] = {
        pool.name: [] for pool in ledger.core.segment_pools
    }
    for site in ledger.sites:
        if not site.pooled:
            continue
        for segment in site.segments:
            label, net = f"sites.{site.id}.segments.{segment.name}", network(segment.cidr)
            pool = ledger.core.segment_pool(segment.name)
            if pool is None:
                problems.append(
                    f"{label}: a pooled site's segment needs core.segment_pools.{segment.name}, "
                    "which the ledger does not hold"
                )
            elif not net.subnet_of(network(pool.cidr)):
                problems.append(
                    f"{label}: {net} lies outside core.segment_pools.{segment.name} {pool.cidr}"
                )
            else:
                members[segment.name].append((label, net))
    for labelled in members.values():
        problems += _pairwise(labelled)
    return problems


def priority_range(cloud: str) -> tuple[int, int, int]:
    """The site rule priorities on `cloud`: first, last and the band each site owns."""
    limits = load("flows")["priorities"]
    return int(limits["first"]), int(limits["last"][cloud]), int(limits["band"])


def pool_priority_range() -> tuple[int, int]:
    """Azure: the priorities of the core's rules for pooled sites' flows (flows.yaml
    priorities.pools), first and last."""
    pools = load("flows")["priorities"]["pools"]
    return int(pools["first"]), int(pools["last"])


# A site's priority_base when every band was taken before it (Azure): its flows' priorities
# are then each the first free one of their NSG and direction (flows.yaml priorities).
NO_BAND = 0


def rule_group(cloud: str, flow: str) -> tuple[str, str]:
    """Where a flow's priority must be unique: on Azure the NSG (the hub subnet at the flow's
    cloud end) and the direction, as Azure requires (NSG docs, 'Security rules': priority
    unique per NSG and direction); on Google Cloud the whole VPC ("" for both)."""
    entry = load("flows")["flows"].get(flow)
    if cloud != "azure" or entry is None:
        return ("", "")
    inbound = entry["direction"] == "site-to-cloud"
    return (str(entry["to"] if inbound else entry["from"]), "in" if inbound else "out")


def _allocation_problems(ledger: Ledger) -> list[str]:
    """Numbers in a ledger that are out of range or handed out twice, each against the limit
    its catalog gives: planning from them would deploy rules the cloud rejects (two NSG rules
    with one priority), two BGP peers on one address, or a VLAN no switch accepts."""
    problems = _bgp_problems(ledger)
    vlans = load("segments")["vlan_ids"]
    first, last, band = priority_range(ledger.cloud)
    asns = load("vpn")["asn"]
    bands: dict[int, str] = {}
    flow_owner: dict[tuple[str, str, int], str] = {}
    asn_owner: dict[int, str] = {}
    problems += _pool_flow_problems(ledger, flow_owner)
    for site in ledger.sites:
        where = f"sites.{site.id}"
        vlan_owner: dict[int, str] = {}
        for segment in site.segments:
            path = f"{where}.segments.{segment.name}.vlan"
            if not vlans["first"] <= segment.vlan <= vlans["last"]:
                problems.append(
                    f"{path}: VLAN {segment.vlan} is not a VLAN id a switch accepts "
                    f"({vlans['first']}-{vlans['last']})"
                )
            problems += _taken(vlan_owner, segment.vlan, path, f"VLAN {segment.vlan}")
        if site.asn is not None:
            problems += _asn_problems(site, asns["site_ranges"], asn_owner)
        if site.pooled:
            continue
        base = site.priority_base
        bandless = base == NO_BAND and ledger.cloud == "azure"
        if not bandless and not (first <= base <= last - band + 1 and (base - first) % band == 0):
            problems.append(
                f"{where}.priority_base: {base} does not start a band of {band} rule "
                f"priorities in {first}-{last}"
            )
        if not bandless:
            problems += _taken(bands, base, f"{where}.priority_base", f"priority band {base}")
        low, high = (first, last + 1) if bandless else (base, base + band)
        for flow in site.flows:
            path = f"{where}.flows.{flow.flow}"
            if not low <= flow.priority < high:
                owner = "rule priorities" if bandless else "the site's band"
                problems.append(
                    f"{path}: priority {flow.priority} lies outside {owner} {low}-{high - 1}"
                )
            key = (*rule_group(ledger.cloud, flow.flow), flow.priority)
            problems += _taken(flow_owner, key, path, f"priority {flow.priority}")
    return problems


def _asn_problems(
    site: SiteAllocation, site_ranges: list[list[int]], owners: dict[int, str]
) -> list[str]:
    assert site.asn is not None
    where = f"sites.{site.id}.asn"
    ranges = [(int(first), int(last)) for first, last in site_ranges]
    problems = []
    if not any(first <= site.asn <= last for first, last in ranges):
        listed = ", ".join(f"{first}-{last}" for first, last in ranges)
        problems.append(f"{where}: {site.asn} is not a site ASN ({listed})")
    return problems + _taken(owners, site.asn, where, f"ASN {site.asn}")


def _pool_flow_problems(ledger: Ledger, owners: dict[tuple[str, str, int], str]) -> list[str]:
    """The core's rules for pooled sites' flows: each priority in the pools' range, unique in
    its NSG and direction (with the sites' own, which `owners` collects next)."""
    if not ledger.core.pool_flows:
        return []
    first, last = pool_priority_range()
    problems = []
    for flow in ledger.core.pool_flows:
        path = f"core.pool_flows.{flow.flow}"
        if not first <= flow.priority <= last:
            problems.append(
                f"{path}: priority {flow.priority} lies outside the pools' rule priorities "
                f"{first}-{last}"
            )
        key = (*rule_group(ledger.cloud, flow.flow), flow.priority)
        problems += _taken(owners, key, path, f"priority {flow.priority}")
    return problems


def _bgp_problems(ledger: Ledger) -> list[str]:
    """Every BGP session's /30 is the catalog's size, inside the cloud's link-local pools (or
    the ranges ledgers made before may still hold), and no two sessions share addresses."""
    link_local = load("vpn")["bgp_link_local"]
    prefix = int(link_local["prefix"])
    held = link_local["held"].get(ledger.cloud, [])
    pools = [network(cidr) for cidr in [*link_local.get(ledger.cloud, []), *held]]
    problems = []
    sessions = []
    for site in ledger.sites:
        for index, cidr in enumerate(site.bgp):
            path, net = f"sites.{site.id}.bgp[{index}]", network(cidr)
            sessions.append((path, net))
            if net.prefixlen != prefix or not any(net.subnet_of(pool) for pool in pools):
                within = ", ".join(str(pool) for pool in pools) or "(no pool: unknown cloud)"
                problems.append(f"{path}: {net} is not a /{prefix} in {within}")
    return problems + _pairwise(sessions)


def _taken(owners: dict[Any, str], value: Any, path: str, what: str) -> list[str]:
    """`value` recorded for `path`, or the problem that another entry holds it already."""
    if value in owners:
        return [f"{path}: {what} is also held by {owners[value]}"]
    owners[value] = path
    return []


def _inside(where: str, block: IPv4Network, ranges: list[tuple[str, str]]) -> list[str]:
    kind = "subnets" if where == "core" else "segments"
    labelled = [(f"{where}.{kind}.{name}", network(cidr)) for name, cidr in ranges]
    problems = [
        f"{label}: {net} lies outside {where}'s block {block}"
        for label, net in labelled
        if not net.subnet_of(block)
    ]
    return problems + _pairwise(labelled)


def _pairwise(labelled: list[tuple[str, IPv4Network]]) -> list[str]:
    ordered = sorted(labelled, key=lambda item: (int(item[1].network_address), item[0]))
    problems = []
    for (label_a, a), (label_b, b) in pairwise(ordered):
        if a.overlaps(b):
            problems.append(f"{label_a} {a} overlaps {label_b} {b}")
    return problems
