"""The price catalogs: per cloud, per item, per region, each price with its source and capture
date (`generator/catalog/prices/<cloud>.yaml`, or a file given with `--prices`).

A region an item lists is priced from that entry. A region it does not list is priced only
through a documented regional factor (`regional_factors`: factor, base region, source); without
one the item is unpriced there, never given another region's figure silently.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from generator.cost.model import PriceSource
from generator.errors import PriceCatalogError
from generator.yaml_input import YamlInputError, read_yaml_file

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# A catalog prices a few dozen items in a few regions: far more is damage or the wrong file.
MAX_CATALOG_BYTES = 1_000_000


@dataclass(frozen=True)
class RegionalPrice:
    price: Decimal
    source: str
    captured: str


@dataclass(frozen=True)
class CatalogItem:
    id: str
    item: str
    unit: str
    retail: dict[str, str]  # the Azure Retail Prices API filter that finds this item's meter
    regions: dict[str, RegionalPrice]


@dataclass(frozen=True)
class RegionalFactor:
    factor: Decimal
    base: str
    source: str


@dataclass(frozen=True)
class PriceCatalog:
    """One cloud's price list as read from `path`."""

    path: str
    cloud: str
    currency: str
    regions: tuple[str, ...]  # the regions `prices update` fetches
    regional_factors: dict[str, RegionalFactor]
    items: dict[str, CatalogItem]
    raw: dict[str, Any]  # the file as parsed, which `prices update` rewrites

    def lookup(self, price_id: str, region: str) -> PriceSource | None:
        """The price of `price_id` in `region` with its source, or None when none is cited."""
        item = self.items.get(price_id)
        if item is None:
            return None
        if region in item.regions:
            entry = item.regions[region]
            return PriceSource(
                price_id, item.item, region, entry.price, item.unit, entry.source, entry.captured
            )
        factor = self.regional_factors.get(region)
        if factor is None or factor.base not in item.regions:
            return None
        base = item.regions[factor.base]
        return PriceSource(
            price_id,
            item.item,
            region,
            base.price * factor.factor,
            item.unit,
            f"{base.source}; x {factor.factor} for {region} ({factor.source})",
            base.captured,
        )


def default_catalog_path(cloud: str) -> Path:
    """The price catalog shipped with clinicgen for `cloud`."""
    return Path(str(resources.files("generator.catalog").joinpath("prices", f"{cloud}.yaml")))


def load_price_catalog(cloud: str, path: Path | None = None) -> PriceCatalog:
    """Read and check the price catalog for `cloud`: the shipped one, or `path`."""
    location = path or default_catalog_path(cloud)
    try:
        data = read_yaml_file(location, MAX_CATALOG_BYTES, "a price catalog")
    except YamlInputError as err:
        raise PriceCatalogError(f"{location}: {err}") from err
    return parse_price_catalog(data, str(location), cloud)


def parse_price_catalog(data: Any, where: str, cloud: str) -> PriceCatalog:
    """The catalog in `data` (as parsed from `where`), every entry checked."""
    if not isinstance(data, dict):
        raise PriceCatalogError(f"{where}: a price catalog is a mapping")
    if data.get("cloud") != cloud:
        raise PriceCatalogError(
            f"{where}: cloud: this is the price catalog for {data.get('cloud')!r}, not {cloud!r}"
        )
    items = {
        price_id: _item(price_id, entry, where)
        for price_id, entry in _mapping(data, "prices", where).items()
    }
    factors = {
        region: RegionalFactor(
            _decimal(entry, "factor", f"{where}: regional_factors.{region}"),
            _text(entry, "base", f"{where}: regional_factors.{region}"),
            _text(entry, "source", f"{where}: regional_factors.{region}"),
        )
        for region, entry in _mapping(data, "regional_factors", where).items()
    }
    return PriceCatalog(
        where,
        cloud,
        _text(data, "currency", where),
        tuple(str(region) for region in data.get("regions") or ()),
        factors,
        items,
        data,
    )


def _item(price_id: str, entry: Any, where: str) -> CatalogItem:
    here = f"{where}: prices.{price_id}"
    if not isinstance(entry, dict):
        raise PriceCatalogError(f"{here}: must be a mapping")
    regions = {}
    for region, price in _mapping(entry, "regions", here).items():
        at = f"{here}.regions.{region}"
        if isinstance(price, dict) and isinstance(price.get("captured"), datetime.date):
            price = {**price, "captured": price["captured"].isoformat()}  # an unquoted date
        captured = _text(price, "captured", at)
        if not _DATE.match(captured):
            raise PriceCatalogError(f"{at}.captured: must be a date YYYY-MM-DD (got {captured!r})")
        regions[str(region)] = RegionalPrice(
            _decimal(price, "price", at), _text(price, "source", at), captured
        )
    retail = entry.get("retail") or {}
    return CatalogItem(
        price_id,
        _text(entry, "item", here),
        _text(entry, "unit", here),
        {str(key): str(value) for key, value in retail.items()},
        regions,
    )


def _mapping(data: Any, key: str, where: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PriceCatalogError(f"{where}: {key}: must be a mapping")
    return value


def _text(data: Any, key: str, where: str) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise PriceCatalogError(f"{where}.{key}: required text is missing (got {value!r})")
    return value


def _decimal(data: Any, key: str, where: str) -> Decimal:
    value = data.get(key) if isinstance(data, dict) else None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = Decimal(-1)
    if value is None or isinstance(value, bool) or not amount.is_finite() or amount < 0:
        raise PriceCatalogError(f"{where}.{key}: must be a number >= 0 (got {value!r})")
    return amount
