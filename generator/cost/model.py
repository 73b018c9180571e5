"""The cost estimate: monthly lines per stack, site and service line, each a low-high range in
US dollars with the quantity it prices, the price list entry and the sizing rule it comes from.

Plain frozen dataclasses, like the plan: `generator.render.cost_report` prints them and the
approval report reads them. A line whose price clinicgen cannot cite has `low` and `high` of
None and keeps its quantity: it is *unpriced*, never given an invented figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)
# The per-site key of the core stack's lines: not a slug, so never a site's id.
CORE_KEY = "(core)"


@dataclass(frozen=True)
class Assumption:
    """One assumption the estimate rests on, in words, with its value: `hours-per-month` 730."""

    id: str
    value: str
    text: str
    source: str


@dataclass(frozen=True)
class PriceSource:
    """Where one price used in the estimate comes from and when it was captured."""

    price_id: str
    item: str
    region: str
    unit_price: Decimal
    unit: str
    source: str
    captured: str  # ISO date


@dataclass(frozen=True)
class CostLine:
    """One priced (or unpriced) thing a stack deploys, per month."""

    stack: str  # the Pulumi stack the resource belongs to
    site: str | None  # the site id for a site stack's line, None for the core stack's
    service: str  # service line: network, vpn, compute, storage, imaging, ...
    item: str  # what is priced: "VpnGw2AZ gateway", "Azure Firewall Premium"
    quantity: float  # per month; the low end when the quantity itself is a range
    unit: str  # hour, GB, GB-month, unit-month
    low: Decimal | None  # monthly USD; None when unpriced
    high: Decimal | None
    price_id: str | None  # key into the price catalog (None when the catalog has no entry)
    rule_id: str | None  # the sizing rule the quantity comes from
    assumption: str  # the assumption behind the quantity, in words
    line_id: str = ""  # stable within its stack across plans: what `compare` matches lines on
    quantity_high: float | None = None  # the high end when the quantity is a range

    @property
    def priced(self) -> bool:
        return self.low is not None and self.high is not None


@dataclass(frozen=True)
class Subtotal:
    """Low-high totals of a group of lines (a stack, a site, a service line)."""

    key: str
    low: Decimal
    high: Decimal
    lines: int
    unpriced: int


@dataclass(frozen=True)
class CostEstimate:
    """Every line of a practice's monthly cost, the assumptions and the prices behind it."""

    practice: str
    cloud: str
    currency: str
    lines: tuple[CostLine, ...]
    assumptions: tuple[Assumption, ...]
    prices: tuple[PriceSource, ...]

    @property
    def low(self) -> Decimal:
        return _sum(line.low for line in self.lines)

    @property
    def high(self) -> Decimal:
        return _sum(line.high for line in self.lines)

    @property
    def unpriced(self) -> tuple[CostLine, ...]:
        return tuple(line for line in self.lines if not line.priced)

    @property
    def unpriced_share(self) -> float:
        """The share of the estimate's lines that carry no price (0.0 to 1.0): a share of
        lines, since an unpriced line has no amount to weigh it by."""
        return len(self.unpriced) / len(self.lines) if self.lines else 0.0

    def per_stack(self) -> tuple[Subtotal, ...]:
        return _subtotals(self.lines, lambda line: line.stack)

    def per_site(self) -> tuple[Subtotal, ...]:
        """Subtotals per site; the core stack's lines are under `CORE_KEY`, which no site id
        can be (site ids are slugs)."""
        return _subtotals(self.lines, lambda line: line.site or CORE_KEY)

    def per_service(self) -> tuple[Subtotal, ...]:
        return _subtotals(self.lines, lambda line: line.service)


@dataclass(frozen=True)
class CostChange:
    """How one line changes between two estimates: added, removed or changed."""

    kind: str  # added | removed | changed
    stack: str
    site: str | None
    service: str
    line_id: str
    item: str
    rule_id: str | None
    old: CostLine | None
    new: CostLine | None

    @property
    def delta_low(self) -> Decimal | None:
        return _delta(self.old.low if self.old else ZERO, self.new.low if self.new else ZERO)

    @property
    def delta_high(self) -> Decimal | None:
        return _delta(self.old.high if self.old else ZERO, self.new.high if self.new else ZERO)


def _delta(old: Decimal | None, new: Decimal | None) -> Decimal | None:
    return None if old is None or new is None else new - old


def _sum(amounts: Iterable[Decimal | None]) -> Decimal:
    return sum((amount for amount in amounts if amount is not None), ZERO)


def _subtotals(lines: tuple[CostLine, ...], key: Callable[[CostLine], str]) -> tuple[Subtotal, ...]:
    groups: dict[str, list[CostLine]] = {}
    for line in lines:
        groups.setdefault(key(line), []).append(line)
    return tuple(
        Subtotal(
            name,
            _sum(line.low for line in group),
            _sum(line.high for line in group),
            len(group),
            sum(not line.priced for line in group),
        )
        for name, group in groups.items()
    )
