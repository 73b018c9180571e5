"""Monthly cost of a practice's plan: quantities from the sizing, prices from a cited catalog.

`estimate_cost(plan)` gives a `CostEstimate` (lines per stack, site and service line, low-high,
assumptions and price sources); `compare(old, new)` gives the line-by-line change.
"""

from generator.cost.estimate import compare, estimate_cost
from generator.cost.model import (
    Assumption,
    CostChange,
    CostEstimate,
    CostLine,
    PriceSource,
    Subtotal,
)

__all__ = [
    "Assumption",
    "CostChange",
    "CostEstimate",
    "CostLine",
    "PriceSource",
    "Subtotal",
    "compare",
    "estimate_cost",
]
