"""Allocation from the address pool, honouring the ledger.

`allocate` takes what the sizing rules need (a hub block and its subnets, a block per site and
its segments, flow ids, tunnel counts) and returns the updated ledger with every allocation in
it, plus a decision for each placement. Existing allocations never move: a range that still
holds what is needed is kept; one that is too small grows in place when the space beside it is
free, else moves to free space in its own block; a site that no longer fits its block, or a
pool that runs out, is a PlanError that says what to change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from ipaddress import IPv4Network

from generator.catalog import load
from generator.errors import AddressPoolError, LedgerError, PlanError
from generator.ipam.addresses import (
    first_fit,
    free_addresses,
    grow_in_place,
    lan_addresses,
    network,
    size_of,
)
from generator.ipam.ledger import (
    NO_BAND,
    CoreAllocation,
    FlowPriority,
    Ledger,
    SegmentAllocation,
    SiteAllocation,
    SubnetAllocation,
    pool_priority_range,
    priority_range,
    rule_group,
)
from generator.plan.model import Decision

KEPT = "NET-IPAM-02"
PLACED = "NET-IPAM-01"
GROWN = "NET-IPAM-03"
RETIRED = "NET-IPAM-04"
PRIORITY_RULE = "FLOW-PRI-01"


@dataclass(frozen=True)
class RangeRequest:
    """A named range wanting at least a /prefix; `vlan` for site segments."""

    name: str
    prefix: int
    vlan: int = 0


@dataclass(frozen=True)
class SiteRequest:
    id: str
    block_prefix: int
    segments: tuple[RangeRequest, ...]
    flows: tuple[str, ...]
    tunnels: int


@dataclass(frozen=True)
class AddressRequest:
    """Everything the address plan must hold for one practice."""

    practice: str
    cloud: str
    pool: str
    excluded: tuple[tuple[str, str], ...]  # (where it comes from, cidr): never allocated
    core_block_prefix: int
    core_subnets: tuple[RangeRequest, ...]
    sites: tuple[SiteRequest, ...]
    # Google Cloud: Cloud Router slots the sites' BGP peers may take, each holding
    # `peers_per_router`; none on Azure, whose VPN gateway peers with every site itself
    router_slots: int = 0
    peers_per_router: int = 0
    # Azure Virtual WAN: the virtual hub's own /prefix from the pool (0: no virtual hub)
    virtual_hub_prefix: int = 0
    # Azure Virtual WAN: sites new to the ledger are pooled, each segment taken from the pool
    # of its kind (else each gets a block of its own); a kind's pool is made at its /prefix
    # here (NET-POOL-01) the first time a pooled site needs it.
    pool_new_sites: bool = False
    segment_pools: tuple[RangeRequest, ...] = ()
    # the flows of every pooled site, whose rules the core holds with the kind's pool as the
    # site end; each gets a priority kept in the ledger
    pool_flows: tuple[str, ...] = ()


@dataclass(frozen=True)
class Allocation:
    ledger: Ledger
    decisions: tuple[Decision, ...]


def allocate(request: AddressRequest, ledger: Ledger | None) -> Allocation:
    """Place everything in `request`, keeping every allocation already in `ledger`.

    A pool too small for it all is an AddressPoolError that names the smallest pool at the
    same address that holds it, found by planning in ever wider pools."""
    try:
        return _allocate(request, ledger)
    except _PoolFull as full:
        pooled = request.pool_new_sites or (ledger is not None and bool(ledger.core.segment_pools))
        raise AddressPoolError(full.advice(_smallest_pool(request, ledger), pooled)) from None


def _smallest_pool(request: AddressRequest, ledger: Ledger | None) -> IPv4Network | None:
    """The narrowest pool at `request.pool`'s address that holds everything, or None."""
    pool = network(request.pool)
    for prefix in range(pool.prefixlen - 1, -1, -1):
        wider = pool.supernet(new_prefix=prefix)
        try:
            _allocate(replace(request, pool=str(wider)), ledger)
        except _PoolFull:
            continue
        return wider
    return None


def _allocate(request: AddressRequest, ledger: Ledger | None) -> Allocation:
    pool = network(request.pool)
    excluded = [(label, network(cidr)) for label, cidr in request.excluded]
    decisions: list[Decision] = []
    if ledger is not None:
        _check_ledger(request, ledger, pool, excluded)
    taken = [net for _label, net in excluded]
    if ledger is not None:
        taken += [network(site.block) for site in ledger.sites if site.block is not None]
        taken += [network(held.cidr) for held in ledger.core.segment_pools]
        if ledger.core.virtual_hub:
            taken.append(network(ledger.core.virtual_hub))
    core = _core(request, ledger, pool, taken, decisions)
    taken.append(network(core.block))
    pools = _SegmentPools.holding(request, ledger, pool, taken, decisions)
    sites = _sites(request, ledger, pool, taken, decisions, pools)
    core = replace(
        core,
        virtual_hub=_virtual_hub(request, ledger, pool, taken, decisions),
        segment_pools=pools.allocations(),
        pool_flows=_pool_flow_priorities(request, ledger, decisions)
        if any(site.pooled and site.status == "active" for site in sites)
        else (ledger.core.pool_flows if ledger is not None else ()),
    )
    result = Ledger(
        practice=request.practice, cloud=request.cloud, pool=str(pool), core=core, sites=sites
    )
    return Allocation(ledger=result, decisions=tuple(decisions))


def _check_ledger(
    request: AddressRequest,
    ledger: Ledger,
    pool: IPv4Network,
    excluded: list[tuple[str, IPv4Network]],
) -> None:
    if ledger.practice != request.practice:
        raise LedgerError(
            f"the ledger belongs to practice '{ledger.practice}', not '{request.practice}': "
            "point --ledger at this practice's ledger"
        )
    if ledger.cloud != request.cloud:
        raise LedgerError(
            f"the ledger was made for {ledger.cloud}, the profile says {request.cloud}: moving "
            "clouds renumbers everything, so start a new ledger with --ledger NEW_PATH "
            "(`clinicgen diff` plans a move to another cloud afresh by itself)"
        )
    held = [("core.block", network(ledger.core.block))]
    held += [
        (f"sites.{site.id}.block", network(site.block))
        for site in ledger.sites
        if site.block is not None
    ]
    held += [(f"core.segment_pools.{p.name}", network(p.cidr)) for p in ledger.core.segment_pools]
    if ledger.core.virtual_hub:
        held.append(("core.virtual_hub", network(ledger.core.virtual_hub)))
    for label, net in held:
        if not net.subnet_of(pool):
            raise PlanError(
                f"ledger {label} {net} lies outside practice.address_pool {pool}: the pool may "
                "grow but must keep every range already allocated"
            )
    requested = {site.id for site in request.sites}
    active = [held[0]] + [
        (f"sites.{site.id}.block", network(site.block))
        for site in ledger.sites
        if site.id in requested and site.block is not None
    ]
    for label, net in active:
        for source, other in excluded:
            if net.overlaps(other):
                raise PlanError(
                    f"ledger {label} {net} overlaps {source} {other}: an allocated range cannot "
                    f"be reserved afterwards; remove {other} from {source} or renumber that range"
                )


def _core(
    request: AddressRequest,
    ledger: Ledger | None,
    pool: IPv4Network,
    taken: list[IPv4Network],
    decisions: list[Decision],
) -> CoreAllocation:
    if ledger is not None:
        block = network(ledger.core.block)
        decisions.append(
            Decision(KEPT, "core.address_space", str(block), f"hub block {block} kept (ledger)")
        )
        existing = {s.name: (network(s.cidr), 0) for s in ledger.core.subnets}
    else:
        block = _pool_fit(pool, taken, request.core_block_prefix, "the hub network")
        decisions.append(
            Decision(
                PLACED,
                "core.address_space",
                str(block),
                f"hub block: first free /{block.prefixlen} in pool {pool} -> {block}",
            )
        )
        existing = {}
    placed = _place(
        lambda _name: block,
        existing,
        request.core_subnets,
        lambda name, prefix: (
            f"the hub block {block} has no free /{prefix} for subnet '{name}': give the hub more "
            "room by deleting inactive entries under core.subnets in the ledger, or replace "
            "core.block in the ledger with a larger free range and regenerate every stack"
        ),
    )
    subnets = []
    for name, (net, _vlan, how, active) in placed.items():
        subnets.append(SubnetAllocation(name=name, cidr=str(net), active=active))
        if active:
            decisions.append(
                Decision(
                    how.rule,
                    f"core.subnets.{name}.cidr",
                    str(net),
                    how.reason(name, f"block {block}"),
                )
            )
    return CoreAllocation(block=str(block), subnets=tuple(subnets))


def _virtual_hub(
    request: AddressRequest,
    ledger: Ledger | None,
    pool: IPv4Network,
    taken: list[IPv4Network],
    decisions: list[Decision],
) -> str | None:
    """The Virtual WAN hub's address prefix: kept once given (held even when the practice no
    longer needs a virtual hub), else the first free one in the pool after every site block,
    so that no site allocated before it moves."""
    held = ledger.core.virtual_hub if ledger is not None else None
    if held is not None:
        if request.virtual_hub_prefix:
            decisions.append(
                Decision(KEPT, "core.virtual_hub", held, f"virtual hub {held} kept (ledger)")
            )
        return held
    if not request.virtual_hub_prefix:
        return None
    hub = _pool_fit(pool, taken, request.virtual_hub_prefix, "the Virtual WAN hub")
    taken.append(hub)
    decisions.append(
        Decision(
            PLACED,
            "core.virtual_hub",
            str(hub),
            f"Virtual WAN hub: first free /{hub.prefixlen} in pool {pool} -> {hub}, outside the "
            "hub VNet, which joins it through a hub virtual network connection",
        )
    )
    return str(hub)


def _sites(
    request: AddressRequest,
    ledger: Ledger | None,
    pool: IPv4Network,
    taken: list[IPv4Network],
    decisions: list[Decision],
    pools: _SegmentPools,
) -> tuple[SiteAllocation, ...]:
    recorded = {site.id: site for site in ledger.sites} if ledger is not None else {}
    wanted = {site.id: site for site in request.sites}
    sites: list[SiteAllocation] = []
    for site in recorded.values():
        if site.id in wanted:
            continue
        sites.append(replace(site, status="retired"))
        held = f"block {site.block}" if site.block else "segments in the segment pools"
        decisions.append(
            Decision(
                RETIRED,
                f"ledger.sites.{site.id}",
                site.block or "pooled",
                f"site '{site.id}' is no longer in the profile: its {held}, VLANs, "
                "priorities and ASN stay reserved in the ledger as retired, never reused",
            )
        )
    pending = list(recorded.values()) + [s for s in request.sites if s.id not in recorded]
    link_local = _LinkLocal.holding(request.cloud, recorded.values())
    for entry in pending:
        if entry.id not in wanted:
            continue
        holders = sites + list(recorded.values())
        place = _SitePlace(request, pool, taken, holders, decisions, link_local, pools)
        sites.append(place.site(wanted[entry.id], recorded.get(entry.id)))
    order = {site.id: index for index, site in enumerate(pending)}
    return tuple(sorted(sites, key=lambda site: order[site.id]))


@dataclass
class _SitePlace:
    """Places one site; `holders` are every site whose ASN, priorities and BGP ranges count."""

    request: AddressRequest
    pool: IPv4Network
    taken: list[IPv4Network]
    holders: list[SiteAllocation]
    decisions: list[Decision]
    link_local: _LinkLocal
    pools: _SegmentPools

    @property
    def cloud(self) -> str:
        return self.request.cloud

    def site(self, want: SiteRequest, previous: SiteAllocation | None) -> SiteAllocation:
        segments_before = previous.segments if previous else ()
        existing = {s.name: (network(s.cidr), s.vlan) for s in segments_before}
        pooled = previous.pooled if previous else self.request.pool_new_sites
        if pooled:
            placed = self.pools.place(want, existing)
            segments = self.segments(want, placed, lambda name: self.pools.label(name))
            asn, bgp = self.bgp(want, previous)
            self.decisions.append(
                Decision(
                    KEPT if previous else PLACED,
                    f"sites.{want.id}.block",
                    "pooled",
                    f"site '{want.id}' is pooled (placed on the Virtual WAN hub): each segment "
                    "from the segment pool of its kind, its flows the core's rules for the "
                    "pools",
                )
            )
            return SiteAllocation(
                id=want.id,
                status="active",
                block=None,
                priority_base=NO_BAND,
                segments=segments,
                asn=asn,
                bgp=bgp,
            )
        block = self.block(want, previous)
        placed = _place(
            lambda _name: block,
            existing,
            want.segments,
            lambda name, prefix: (
                f"site '{want.id}' outgrew its block {block}: segment '{name}' needs a /{prefix} "
                f"and the block has no free /{prefix} left. Lower the site's device counts, or "
                f"renumber the site: delete sites.{want.id} from the allocation ledger (its old "
                "block is then released) and regenerate"
            ),
        )
        segments = self.segments(want, placed, lambda _name: f"block {block}")
        base = previous.priority_base if previous else self.free_band(want.id)
        asn, bgp = self.bgp(want, previous)
        router = self.router(want, previous, len(bgp))
        return SiteAllocation(
            id=want.id,
            status="active",
            block=str(block),
            priority_base=base,
            segments=tuple(segments),
            flows=self.flow_priorities(want, previous, base),
            asn=asn,
            bgp=bgp,
            router=router,
        )

    def segments(
        self,
        want: SiteRequest,
        placed: dict[str, tuple[IPv4Network, int, _How, bool]],
        where: Callable[[str], str],
    ) -> tuple[SegmentAllocation, ...]:
        segments = []
        for name, (net, vlan, how, active) in placed.items():
            segments.append(SegmentAllocation(name=name, vlan=vlan, cidr=str(net), active=active))
            if active:
                gateway, first, last = lan_addresses(net)
                self.decisions.append(
                    Decision(
                        how.rule,
                        f"sites.{want.id}.segments.{name}.cidr",
                        str(net),
                        f"{how.reason(name, where(name))}; VLAN {vlan}; gateway {gateway}, "
                        f"DHCP {first}-{last}",
                    )
                )
        return tuple(segments)

    def block(self, want: SiteRequest, previous: SiteAllocation | None) -> IPv4Network:
        subject = f"sites.{want.id}.block"
        if previous is not None:
            block = network(previous.block)
            again = " (reactivated: the site was retired)" if previous.status == "retired" else ""
            self.decisions.append(
                Decision(KEPT, subject, str(block), f"site block {block} kept (ledger){again}")
            )
            return block
        block = _pool_fit(self.pool, self.taken, want.block_prefix, f"site '{want.id}'")
        self.taken.append(block)
        self.decisions.append(
            Decision(
                PLACED,
                subject,
                str(block),
                f"site block: first free /{block.prefixlen} in pool {self.pool} -> {block}",
            )
        )
        return block

    def free_band(self, site_id: str) -> int:
        """The first band no site holds; on Azure, once every band is held, NO_BAND: the
        site's flows then take priorities one by one, unique in their NSG and direction."""
        first, last, band = priority_range(self.cloud)
        used = {site.priority_base for site in self.holders}
        for base in range(first, last - band + 2, band):
            if base not in used:
                return base
        if self.cloud == "azure":
            return NO_BAND
        raise PlanError(
            f"no free firewall rule priority band for site '{site_id}': every band of {band} "
            f"between {first} and {last} is held by a site in the ledger; delete retired sites "
            "from the ledger to release their bands"
        )

    def flow_priorities(
        self, want: SiteRequest, previous: SiteAllocation | None, base: int
    ) -> tuple[FlowPriority, ...]:
        first, last, band = priority_range(self.cloud)
        low, high = (first, last + 1) if base == NO_BAND else (base, base + band)
        pinned = {f.flow: f.priority for f in previous.flows} if previous else {}
        others: set[tuple[str, str, int]] = set()
        if any(flow not in pinned for flow in want.flows):
            others = {
                (*rule_group(self.cloud, f.flow), f.priority)
                for site in self.holders
                if site.id != want.id
                for f in site.flows
            }
        for flow in want.flows:
            if flow in pinned:
                continue
            group = rule_group(self.cloud, flow)
            own = {(*rule_group(self.cloud, f), p) for f, p in pinned.items()}
            free = next(
                (
                    p
                    for p in range(low, high)
                    if (*group, p) not in others
                    and (*group, p) not in own
                    and (base == NO_BAND or p not in pinned.values())
                ),
                None,
            )
            if free is None:
                raise PlanError(
                    f"site '{want.id}' has no free rule priority for flow '{flow}' in "
                    f"{low}-{high - 1}: delete flows the site no longer uses from "
                    f"sites.{want.id}.flows in the ledger"
                )
            pinned[flow] = free
        origin = "ledger" if previous else "first free band"
        listed = ", ".join(f"{flow} {pinned[flow]}" for flow in want.flows)
        held = (
            f"every band was held: each flow of site '{want.id}' takes the first priority free "
            f"in its NSG and direction, {first}-{last}"
            if base == NO_BAND
            else f"rule priorities {base}-{base + band - 1} belong to site '{want.id}' ({origin})"
        )
        self.decisions.append(
            Decision(
                PRIORITY_RULE,
                f"sites.{want.id}.priority_base",
                str(base),
                f"{held}, each flow's kept for good: {listed or 'no flows'}",
            )
        )
        return tuple(FlowPriority(flow=flow, priority=prio) for flow, prio in pinned.items())

    def bgp(
        self, want: SiteRequest, previous: SiteAllocation | None
    ) -> tuple[int | None, tuple[str, ...]]:
        asn = previous.asn if previous else None
        sessions = list(previous.bgp) if previous else []
        if want.tunnels == 0:
            return asn, tuple(sessions)
        vpn = load("vpn")
        if asn is None:
            asn = self.free_asn(want.id, vpn["asn"]["site_ranges"])
        while self.link_local.pools and len(sessions) < want.tunnels:
            slot = self.link_local.take()
            if slot is None:
                raise PlanError(
                    f"no free link-local /{self.link_local.prefix} for a BGP session of site "
                    f"'{want.id}' in {', '.join(str(p) for p in self.link_local.pools)}: delete "
                    "retired sites from the ledger to release theirs"
                )
            sessions.append(str(slot))
        return asn, tuple(sessions)

    def router(self, want: SiteRequest, previous: SiteAllocation | None, peers: int) -> int | None:
        """The Cloud Router slot for the site's BGP peers: kept once given (a site from before
        there were several keeps the first), else the first with room for all of them."""
        slots, room = self.request.router_slots, self.request.peers_per_router
        if slots == 0 or want.tunnels == 0:
            return previous.router if previous else None
        kept = previous.router if previous and previous.router is not None else None
        if kept is None and previous is not None and previous.bgp:
            kept = 0
        load: Counter[int] = Counter()
        # `holders` lists a site placed in this run before its ledger entry: count it once.
        counted = {want.id}
        for site in self.holders:
            if site.id not in counted and (site.router is not None or site.bgp):
                load[site.router or 0] += len(site.bgp)
            counted.add(site.id)
        if kept is not None:
            if load[kept] + peers > room:
                raise PlanError(
                    f"site '{want.id}' needs {peers} BGP peers on its Cloud Router (slot "
                    f"{kept}), which holds {load[kept]} of {room} already: lower the site's "
                    "connectivity.bandwidth_mbps so it needs fewer tunnels"
                )
            return kept
        slot = next((s for s in range(slots) if load[s] + peers <= room), None)
        if slot is None:
            raise PlanError(
                f"no Cloud Router has room for the {peers} BGP peers of site '{want.id}': every "
                f"one of the {slots} slots holds up to {room}, and retired sites in the ledger "
                "keep theirs; delete retired sites from the ledger to release them"
            )
        return slot

    def free_asn(self, site_id: str, ranges: list[list[int]]) -> int:
        used = {site.asn for site in self.holders}
        for first, last in ranges:
            for asn in range(first, last + 1):
                if asn not in used:
                    return asn
        listed = ", ".join(f"{first}-{last}" for first, last in ranges)
        raise PlanError(
            f"no free private ASN for site '{site_id}' in {listed}: delete retired sites "
            "from the ledger to release theirs"
        )


@dataclass
class _SegmentPools:
    """Azure Virtual WAN: one pool per segment kind, carved from the address pool the first
    time a pooled site needs that kind and never moved, and what each pooled site holds in it
    (inactive segments too, so their addresses are not handed out again)."""

    request: AddressRequest
    pool: IPv4Network
    taken: list[IPv4Network]
    decisions: list[Decision]
    cidrs: dict[str, IPv4Network]
    members: dict[str, dict[str, IPv4Network]]  # kind -> site id -> segment

    @classmethod
    def holding(
        cls,
        request: AddressRequest,
        ledger: Ledger | None,
        pool: IPv4Network,
        taken: list[IPv4Network],
        decisions: list[Decision],
    ) -> _SegmentPools:
        held = ledger.core.segment_pools if ledger is not None else ()
        pools = cls(request, pool, taken, decisions, {p.name: network(p.cidr) for p in held}, {})
        for kind, cidr in pools.cidrs.items():
            decisions.append(
                Decision(
                    KEPT, f"core.segment_pools.{kind}", str(cidr), f"{kind} pool kept (ledger)"
                )
            )
        for site in ledger.sites if ledger is not None else ():
            if site.pooled:
                for segment in site.segments:
                    pools.members.setdefault(segment.name, {})[site.id] = network(segment.cidr)
        return pools

    def cidr(self, kind: str) -> IPv4Network:
        """The pool of `kind`, made now (first fit in the address pool) if it is new."""
        if kind in self.cidrs:
            return self.cidrs[kind]
        prefix = next((r.prefix for r in self.request.segment_pools if r.name == kind), None)
        if prefix is None:
            raise PlanError(
                f"a pooled site has a '{kind}' segment and the ledger holds no '{kind}' segment "
                "pool: the profile is no longer on a Virtual WAN hub, where pools are made"
            )
        made = _pool_fit(self.pool, self.taken, prefix, f"the {kind} segment pool")
        self.taken.append(made)
        self.cidrs[kind] = made
        self.decisions.append(
            Decision(
                PLACED,
                f"core.segment_pools.{kind}",
                str(made),
                f"{kind} segment pool: first free /{prefix} in pool {self.pool} -> {made}, "
                f"fixed for good: every pooled site's {kind} segment is placed inside it",
            )
        )
        return made

    def label(self, kind: str) -> str:
        return f"the {kind} pool {self.cidrs[kind]}"

    def place(
        self, want: SiteRequest, existing: dict[str, tuple[IPv4Network, int]]
    ) -> dict[str, tuple[IPv4Network, int, _How, bool]]:
        def outside(kind: str) -> list[IPv4Network]:
            return [net for site, net in self.members.get(kind, {}).items() if site != want.id]

        placed = _place(
            self.cidr,
            existing,
            want.segments,
            lambda kind, prefix: (
                f"the {kind} segment pool {self.cidrs[kind]} has no free /{prefix} left for "
                f"site '{want.id}': a pool never moves and holds every pooled site's {kind} "
                "segment. Lower the site's device counts, delete retired sites from the "
                "ledger to release their segments, or split the practice into several "
                "profiles (each its own practice id and address_pool)"
            ),
            outside,
        )
        for kind, (net, *_rest) in placed.items():
            self.members.setdefault(kind, {})[want.id] = net
        return placed

    def allocations(self) -> tuple[SubnetAllocation, ...]:
        return tuple(SubnetAllocation(name=k, cidr=str(net)) for k, net in self.cidrs.items())


def _pool_flow_priorities(
    request: AddressRequest, ledger: Ledger | None, decisions: list[Decision]
) -> tuple[FlowPriority, ...]:
    """The priority of the core's rule for each flow of the pooled sites: kept once given,
    else the first free in its NSG and direction in flows.yaml priorities.pools. Flows no
    pooled site has any more keep theirs, so that a returning flow keeps its rule's place."""
    first, last = pool_priority_range()
    pinned = {f.flow: f.priority for f in ledger.core.pool_flows} if ledger is not None else {}
    used = {(*rule_group(request.cloud, flow), p) for flow, p in pinned.items()}
    for flow in request.pool_flows:
        if flow in pinned:
            continue
        group = rule_group(request.cloud, flow)
        free = next((p for p in range(first, last + 1) if (*group, p) not in used), None)
        if free is None:
            raise PlanError(
                f"no free rule priority in {first}-{last} for the core's rule for flow '{flow}' "
                "of the pooled sites: delete flows no pooled site has from core.pool_flows in "
                "the ledger"
            )
        pinned[flow] = free
        used.add((*group, free))
    listed = ", ".join(f"{flow} {pinned[flow]}" for flow in request.pool_flows)
    decisions.append(
        Decision(
            PRIORITY_RULE,
            "core.pool_flows",
            listed or "none",
            "one core rule per flow of the pooled sites, each at the first priority free in its "
            f"NSG and direction in {first}-{last}, kept for good: {listed or 'no flows'}",
        )
    )
    return tuple(FlowPriority(flow=flow, priority=prio) for flow, prio in pinned.items())


@dataclass
class _LinkLocal:
    """The link-local ranges for BGP sessions (vpn.yaml bgp_link_local): the lowest free one
    first, never one a site in the ledger holds. Kept as the set of busy range starts, since a
    500-site practice holds a thousand and every new session would scan them all."""

    pools: list[IPv4Network]
    prefix: int
    busy: set[int]

    @classmethod
    def holding(cls, cloud: str, sites: Iterable[SiteAllocation]) -> _LinkLocal:
        table = load("vpn")["bgp_link_local"]
        link_local = cls([network(cidr) for cidr in table[cloud]], int(table["prefix"]), set())
        for site in sites:
            for cidr in site.bgp:
                link_local.hold(network(cidr))
        return link_local

    def hold(self, net: IPv4Network) -> None:
        size = size_of(self.prefix)
        first = int(net.network_address) // size * size
        self.busy.update(range(first, int(net.broadcast_address) + 1, size))

    def take(self) -> IPv4Network | None:
        size = size_of(self.prefix)
        for pool in self.pools:
            start = int(pool.network_address)
            for candidate in range(start, start + pool.num_addresses, size):
                if candidate not in self.busy:
                    taken = IPv4Network((candidate, self.prefix))
                    self.hold(taken)
                    return taken
        return None


@dataclass(frozen=True)
class _How:
    rule: str
    text: str

    def reason(self, name: str, where: str) -> str:
        return f"{name}: {self.text} in {where}"


def _place(
    container: Callable[[str], IPv4Network],
    existing: dict[str, tuple[IPv4Network, int]],
    requests: tuple[RangeRequest, ...],
    full: Callable[[str, int], str],
    outside: Callable[[str], list[IPv4Network]] = lambda _name: [],
) -> dict[str, tuple[IPv4Network, int, _How, bool]]:
    """Ranges for `requests`, each inside its `container` (a site's block, or a segment
    pool), clear of the others placed here and of what `outside` holds there (other sites'
    segments in a pool): existing ones kept or grown, new ones first fit.

    Largest first, so that power-of-two ranges pack without gaps. Existing names no longer
    requested stay held (inactive), so their addresses are not handed to anything else.
    """
    wanted = sorted(requests, key=lambda r: r.prefix)
    held = {name: net for name, (net, _vlan) in existing.items()}
    vlans = {name: vlan for name, (_net, vlan) in existing.items()}
    result: dict[str, tuple[IPv4Network, int, _How, bool]] = {}
    for req in wanted:
        current = held.get(req.name)
        if current is not None and current.prefixlen <= req.prefix:
            result[req.name] = (current, vlans[req.name], _How(KEPT, "kept (ledger)"), True)
    for req in wanted:
        current = held.get(req.name)
        if current is None or req.name in result:
            continue
        block = container(req.name)
        others = [net for name, net in held.items() if name != req.name]
        others += outside(req.name)
        wider = grow_in_place(current, req.prefix, block, others)
        if wider is not None:
            how = _How(GROWN, f"grew in place {current} -> {wider}")
        else:
            wider = first_fit(block, others, req.prefix)
            if wider is None:
                raise PlanError(full(req.name, req.prefix))
            how = _How(GROWN, f"outgrew {current}, moved to free /{req.prefix}")
        held[req.name] = wider
        result[req.name] = (wider, vlans[req.name], how, True)
    for req in wanted:
        if req.name in held:
            continue
        net = first_fit(container(req.name), [*held.values(), *outside(req.name)], req.prefix)
        if net is None:
            raise PlanError(full(req.name, req.prefix))
        held[req.name] = net
        result[req.name] = (net, req.vlan, _How(PLACED, f"first free /{req.prefix}"), True)
    for name, (net, vlan) in existing.items():
        if name not in result:
            result[name] = (net, vlan, _How(KEPT, "held inactive"), False)
    order = {name: index for index, name in enumerate(existing)}
    for req in requests:
        order.setdefault(req.name, len(order))
    return dict(sorted(result.items(), key=lambda item: order[item[0]]))


class _PoolFull(Exception):
    """The pool has no room left for `what`; `advice` says what to change."""

    def __init__(self, pool: IPv4Network, taken: list[IPv4Network], prefix: int, what: str) -> None:
        super().__init__(what)
        free = free_addresses(pool, taken)
        self.problem = (
            f"address pool {pool} has no free /{prefix} for {what} ({size_of(prefix)} "
            f"addresses needed; {free} of {pool.num_addresses} are free, none in one aligned "
            "range that size)"
        )

    def advice(self, wider: IPv4Network | None, pooled: bool) -> str:
        drop = "drop reserved_ranges and on-prem ranges that lie inside it"
        if wider is None:
            return f"{self.problem}: {drop}"
        example = f" ({wider} holds them)" if wider.is_private else ""
        sites = "every site, with the segment pools," if pooled else "every site"
        return (
            f"{self.problem}: the hub and {sites} need at least a /{wider.prefixlen} here"
            f"{example}; widen practice.address_pool to a /{wider.prefixlen}, or {drop}"
        )


def _pool_fit(pool: IPv4Network, taken: list[IPv4Network], prefix: int, what: str) -> IPv4Network:
    block = first_fit(pool, taken, prefix)
    if block is None:
        raise _PoolFull(pool, taken, prefix, what)
    return block
