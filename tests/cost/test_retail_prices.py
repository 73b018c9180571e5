"""`clinicgen prices update` against answers in the Azure Retail Prices API's documented shape."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

from generator.cost.prices import load_price_catalog, parse_price_catalog
from generator.cost.retail_prices import query_url, update_azure_prices
from generator.errors import PriceUpdateError
from tests.cost.retail_api_pages import item, page

CATALOG = {
    "cloud": "azure",
    "currency": "USD",
    "regions": ["eastus", "westus2"],
    "prices": {
        "azure-firewall/Premium": {
            "item": "Azure Firewall Premium deployment",
            "unit": "hour",
            "retail": {"serviceName": "Azure Firewall", "skuName": "Premium"},
            "regions": {"eastus": {"price": "1.75", "source": "old", "captured": "2026-01-01"}},
        },
        "by-hand/item": {
            "item": "priced by hand",
            "unit": "hour",
            "regions": {"eastus": {"price": "1", "source": "page", "captured": "2026-01-01"}},
        },
    },
}


def fake_api(pages: dict[str, dict]):
    asked: list[str] = []

    def fetch(url: str) -> dict:
        asked.append(url)
        if url in pages:
            return pages[url]
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        region = "westus2" if "westus2" in query["$filter"][0] else "eastus"
        return pages[region]

    return fetch, asked


def test_update_follows_next_page_link_and_records_the_query(tmp_path: Path) -> None:
    catalog = parse_price_catalog(CATALOG, str(tmp_path / "azure.yaml"), "azure")
    second = "https://prices.azure.com/api/retail/prices?$skip=100"
    fetch, asked = fake_api(
        {
            "eastus": page([], next_link=second),
            second: page([item("Azure Firewall", "Premium", "Premium Deployment", "eastus", 1.9)]),
            "westus2": page(
                [
                    item("Azure Firewall", "Premium", "Premium Deployment", "westus2", 2.1),
                    item(
                        "Azure Firewall",
                        "Premium",
                        "Premium Deployment",
                        "westus2",
                        1.0,
                        type="Reservation",
                    ),
                ]
            ),
        }
    )
    out = tmp_path / "out.yaml"
    result = update_azure_prices(catalog, out, "2026-12-03", fetch)
    assert second in asked
    assert len(asked) == 3  # the priced-by-hand item is never asked for
    updated = load_price_catalog("azure", out)
    east = updated.lookup("azure-firewall/Premium", "eastus")
    west = updated.lookup("azure-firewall/Premium", "westus2")
    assert east is not None and str(east.unit_price) == "1.9"
    assert west is not None and str(west.unit_price) == "2.1"  # the reservation is not list price
    assert east.source == query_url(
        {"serviceName": "Azure Firewall", "skuName": "Premium"}, "eastus"
    )
    assert east.captured == "2026-12-03"
    assert updated.lookup("by-hand/item", "eastus").source == "page"  # type: ignore[union-attr]
    assert result.written and len(result.updated) == 2


def test_an_item_the_api_does_not_list_is_kept_and_reported(tmp_path: Path) -> None:
    catalog = parse_price_catalog(CATALOG, str(tmp_path / "azure.yaml"), "azure")
    fetch, _ = fake_api({"eastus": page([]), "westus2": page([])})
    result = update_azure_prices(catalog, tmp_path / "out.yaml", "2026-12-03", fetch)
    assert result.missing == (
        "azure-firewall/Premium in eastus",
        "azure-firewall/Premium in westus2",
    )
    kept = load_price_catalog("azure", tmp_path / "out.yaml").lookup(
        "azure-firewall/Premium", "eastus"
    )
    assert kept is not None and kept.source == "old"


def test_query_filters_on_the_items_fields_region_and_list_prices() -> None:
    url = query_url({"serviceName": "VPN Gateway", "skuName": "VpnGw1AZ"}, "eastus")
    assert url.startswith("https://prices.azure.com/api/retail/prices?%24filter=")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["$filter"] == [
        "serviceName eq 'VPN Gateway' and skuName eq 'VpnGw1AZ' and armRegionName eq 'eastus' "
        "and priceType eq 'Consumption'"
    ]


def test_an_answer_without_items_is_an_error(tmp_path: Path) -> None:
    catalog = parse_price_catalog(CATALOG, str(tmp_path / "azure.yaml"), "azure")
    with pytest.raises(PriceUpdateError, match="no Items list"):
        update_azure_prices(catalog, tmp_path / "out.yaml", "2026-12-03", lambda url: {})
    assert not (tmp_path / "out.yaml").exists()


def test_no_network_is_a_clear_error_and_nothing_is_written(
    run_cli, tmp_path: Path, monkeypatch
) -> None:
    import urllib.request

    def unreachable(*args, **kwargs):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", unreachable)
    out = tmp_path / "azure.yaml"
    result = run_cli("prices", "update", "--out", out)
    assert result.exit_code == 1
    assert "cannot reach the Azure Retail Prices API" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_google_cloud_prices_need_a_key_and_are_refused(run_cli) -> None:
    result = run_cli("prices", "update", "--cloud", "gcp")
    assert result.exit_code == 2
    assert "API key" in result.stderr
