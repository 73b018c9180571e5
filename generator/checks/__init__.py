"""HIPAA-aligned compliance checks over the resource graph an offline preview records.

`evaluate(resources, context, waivers)` runs every check of the practice's cloud and returns a
`ComplianceReport`. Check metadata is catalog data (`generator/catalog/checks.yaml`); the logic
lives in `rules`, one module per category, and `catalog` joins the two. Nothing here imports
Pulumi.
"""

from generator.checks.catalog import all_checks, check, checks_for
from generator.checks.engine import ComplianceReport, evaluate
from generator.checks.model import CheckContext, CheckInfo, Finding

__all__ = [
    "CheckContext",
    "CheckInfo",
    "ComplianceReport",
    "Finding",
    "all_checks",
    "check",
    "checks_for",
    "evaluate",
]
