"""The cost estimate for people and machines: text tables as wide as the terminal, Markdown for
a pull request (`templates/review/cost.md.jinja`), or JSON (amounts as decimal strings, so no
cent is lost to floating point).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from generator.cost.model import CostEstimate, CostLine, Subtotal
from generator.render.layout import PIPE_WIDTH
from generator.render.tables import Table, plain_text
from generator.render.templating import render


def cost_report(estimate: CostEstimate, output_format: str, width: int = PIPE_WIDTH) -> str:
    """`estimate` as `text`, `markdown` or `json`."""
    if output_format == "json":
        return cost_json(estimate)
    if output_format == "markdown":
        return render(
            "review/cost.md.jinja",
            estimate=estimate,
            summary=summary_line(estimate),
            totals=cost_tables(estimate)[:4],
            detail=cost_tables(estimate)[4:],
        )
    return plain_text(cost_tables(estimate), width)


def money(amount: Decimal | None) -> str:
    """`$1,234.56`, or `unpriced`."""
    return "unpriced" if amount is None else f"${amount:,.2f}"


def money_range(low: Decimal | None, high: Decimal | None) -> str:
    if low is None or high is None:
        return "unpriced"
    return money(low) if low == high else f"{money(low)} - {money(high)}"


def total_text(estimate: CostEstimate) -> str:
    """The monthly range, or `unpriced` when no line has a cited price (not $0.00)."""
    if len(estimate.unpriced) == len(estimate.lines):
        return "unpriced"
    return money_range(estimate.low, estimate.high)


def summary_line(estimate: CostEstimate) -> str:
    """One sentence: the monthly range and how much of the estimate carries no price."""
    unpriced = len(estimate.unpriced)
    return (
        f"{total_text(estimate)} a month ({estimate.currency}, list prices); "
        f"{unpriced} of {len(estimate.lines)} lines ({estimate.unpriced_share:.0%}) unpriced, "
        "so not in the total"
    )


def cost_tables(estimate: CostEstimate) -> tuple[Table, ...]:
    """Totals, per stack, per site, per service line; then every line, the assumptions and
    the price sources."""
    return (
        Table(
            f"Monthly cost: {estimate.practice} ({estimate.cloud})",
            ("total", "lines", "unpriced"),
            (
                (
                    total_text(estimate),
                    str(len(estimate.lines)),
                    f"{len(estimate.unpriced)} ({estimate.unpriced_share:.0%})",
                ),
            ),
        ),
        _subtotals("Per stack", "stack", estimate.per_stack()),
        _subtotals("Per site", "site", estimate.per_site()),
        _subtotals("Per service line", "service", estimate.per_service()),
        Table(
            "Lines",
            ("stack", "service", "item", "quantity", "monthly", "rule", "assumption"),
            tuple(_line_row(line) for line in estimate.lines),
        ),
        Table(
            "Assumptions",
            ("assumption", "value", "what it means", "source"),
            tuple((a.id, a.value, a.text, a.source) for a in estimate.assumptions),
        ),
        Table(
            "Prices used",
            ("price", "region", "unit price", "captured", "source"),
            tuple(
                (
                    price.price_id,
                    price.region,
                    f"${price.unit_price} per {price.unit}",
                    price.captured,
                    price.source,
                )
                for price in estimate.prices
            ),
        ),
    )


def _subtotals(title: str, column: str, subtotals: tuple[Subtotal, ...]) -> Table:
    return Table(
        title,
        (column, "monthly", "lines", "unpriced"),
        tuple(
            (
                s.key,
                "unpriced" if s.unpriced == s.lines else money_range(s.low, s.high),
                str(s.lines),
                str(s.unpriced),
            )
            for s in subtotals
        ),
    )


def quantity_text(line: CostLine) -> str:
    """`730 hour`, or `1,642 - 16,425 GB` for a range."""
    low = f"{line.quantity:,.0f}" if line.quantity == int(line.quantity) else f"{line.quantity:,}"
    if line.quantity_high is None:
        return f"{low} {line.unit}"
    return f"{low} - {line.quantity_high:,.0f} {line.unit}"


def _line_row(line: CostLine) -> tuple[str, ...]:
    return (
        line.stack,
        line.service,
        line.item,
        quantity_text(line),
        money_range(line.low, line.high),
        line.rule_id or "-",
        line.assumption,
    )


def cost_json(estimate: CostEstimate) -> str:
    """The whole estimate as JSON with its totals and subtotals; amounts as strings."""
    data: dict[str, Any] = {
        **asdict(estimate),
        "low": estimate.low,
        "high": estimate.high,
        "unpriced_share": round(estimate.unpriced_share, 4),
        "per_stack": [asdict(s) for s in estimate.per_stack()],
        "per_site": [asdict(s) for s in estimate.per_site()],
        "per_service": [asdict(s) for s in estimate.per_service()],
    }
    return json.dumps(data, indent=2, sort_keys=True, default=_decimal, ensure_ascii=False) + "\n"


def _decimal(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
