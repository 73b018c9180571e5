"""Refresh the Azure price catalog from the Azure Retail Prices API.

The API (https://prices.azure.com/api/retail/prices, Microsoft Learn: "Azure Retail Prices
overview") needs no credentials. It takes an OData `$filter` on fields such as `serviceName`,
`skuName`, `meterName` and `armRegionName`, answers `{"BillingCurrency", "Items": [...],
"NextPageLink", "Count"}`, and pages through `NextPageLink` until it is null. Each catalog item
names the filter that finds its meter (`retail`); the update asks for exactly those items in
the catalog's regions and nothing else, and records each query as the price's source.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from generator.cost.prices import PriceCatalog, parse_price_catalog
from generator.errors import PriceUpdateError
from generator.write import write_text

API = "https://prices.azure.com/api/retail/prices"
TIMEOUT_SECONDS = 30

# A page of the API's answer, parsed from JSON; `fetch(url)` gives one.
Fetch = Callable[[str], dict[str, Any]]


@dataclass(frozen=True)
class PriceUpdate:
    """What an update found: prices changed, prices the API had no meter for."""

    path: Path
    updated: tuple[str, ...]  # "price_id in region: old -> new"
    missing: tuple[str, ...]  # "price_id in region"
    written: bool


def query_url(retail: dict[str, str], region: str) -> str:
    """The API query for one catalog item in one region: pay-as-you-go prices only."""
    clauses = [f"{key} eq '{value}'" for key, value in sorted(retail.items())]
    clauses += [f"armRegionName eq '{region}'", "priceType eq 'Consumption'"]
    return f"{API}?{urllib.parse.urlencode({'$filter': ' and '.join(clauses)})}"


def fetch_json(url: str) -> dict[str, Any]:
    """One page of the API's answer. Any network failure is a `PriceUpdateError`."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            data = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, TimeoutError) as err:
        reason = getattr(err, "reason", err)
        raise PriceUpdateError(
            f"cannot reach the Azure Retail Prices API ({API}): {reason}; "
            "the price catalog is unchanged"
        ) from err
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PriceUpdateError(f"{API}: the answer is not JSON ({err})") from err
    if not isinstance(data, dict):
        raise PriceUpdateError(f"{API}: the answer is not a JSON object")
    return data


def meter_price(url: str, fetch: Fetch) -> Decimal | None:
    """The first-tier retail price the query at `url` finds, following every `NextPageLink`;
    None when it finds no meter."""
    prices: list[Decimal] = []
    next_url: str | None = url
    while next_url:
        page = fetch(next_url)
        items = page.get("Items")
        if not isinstance(items, list):
            raise PriceUpdateError(f"{next_url}: the answer has no Items list")
        for item in items:
            if item.get("type", "Consumption") == "Consumption" and not item.get(
                "tierMinimumUnits"
            ):
                prices.append(Decimal(str(item["retailPrice"])))
        next_url = page.get("NextPageLink") or None
    # One meter should match; should several (a meter listed twice), the highest is kept, so
    # the estimate errs high rather than low.
    return max(prices) if prices else None


def update_azure_prices(
    catalog: PriceCatalog, out: Path, today: str, fetch: Fetch = fetch_json
) -> PriceUpdate:
    """Ask the API for every catalog item with a `retail` filter in every catalog region and
    write the catalog with the prices found to `out`, atomically. Prices the API does not
    list are kept as they were and reported."""
    raw: dict[str, Any] = json.loads(json.dumps(catalog.raw))
    updated: list[str] = []
    missing: list[str] = []
    for price_id, item in sorted(catalog.items.items()):
        if not item.retail:
            continue
        regions = raw["prices"][price_id].setdefault("regions", {})
        for region in catalog.regions:
            url = query_url(item.retail, region)
            price = meter_price(url, fetch)
            if price is None:
                missing.append(f"{price_id} in {region}")
                continue
            old = item.regions.get(region)
            if old is None or old.price != price:
                updated.append(f"{price_id} in {region}: {old.price if old else 'none'} -> {price}")
            regions[region] = {"price": str(price), "source": url, "captured": today}
    text = _header(Path(catalog.path)) + yaml.safe_dump(raw, sort_keys=False, allow_unicode=True)
    parse_price_catalog(yaml.safe_load(text), str(out), catalog.cloud)
    written = write_text(out, text)
    return PriceUpdate(out, tuple(updated), tuple(missing), written)


def _header(path: Path) -> str:
    """The catalog's leading comment block, kept above the rewritten data."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except OSError:
        return ""
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    return "".join(header)
