"""The address plan: allocation from the practice's pool, stable through the allocation ledger.

`allocate` places the hub, every site block, segment, VLAN, rule-priority band and BGP session;
the ledger (`Ledger`, read with `load_ledger`, written as `ledger_text`) records them so that
regeneration never moves an existing allocation.
"""

from generator.ipam.allocate import (
    AddressRequest,
    Allocation,
    RangeRequest,
    SiteRequest,
    allocate,
)
from generator.ipam.ledger import (
    CoreAllocation,
    FlowPriority,
    Ledger,
    SegmentAllocation,
    SiteAllocation,
    SubnetAllocation,
    default_ledger_path,
    ledger_text,
    load_ledger,
    load_ledger_if_present,
    parse_ledger,
)

__all__ = [
    "AddressRequest",
    "Allocation",
    "CoreAllocation",
    "FlowPriority",
    "Ledger",
    "RangeRequest",
    "SegmentAllocation",
    "SiteAllocation",
    "SiteRequest",
    "SubnetAllocation",
    "allocate",
    "default_ledger_path",
    "ledger_text",
    "load_ledger",
    "load_ledger_if_present",
    "parse_ledger",
]
