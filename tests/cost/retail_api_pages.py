"""Answers of the Azure Retail Prices API for the tests, BUILT FROM THE DOCUMENTED RESPONSE
SHAPE (Microsoft Learn, "Azure Retail Prices overview": BillingCurrency, CustomerEntityId,
CustomerEntityType, Items with currencyCode, tierMinimumUnits, retailPrice, unitPrice,
armRegionName, location, effectiveStartDate, meterId, meterName, productId, skuId,
productName, skuName, serviceName, serviceId, serviceFamily, unitOfMeasure, type,
isPrimaryMeterRegion, armSkuName; NextPageLink; Count), not captured from the API: this
machine cannot reach it. The prices are test values, not Azure's."""

from __future__ import annotations

from typing import Any


def item(service: str, sku: str, meter: str, region: str, price: float, **extra: Any) -> dict:
    return {
        "currencyCode": "USD",
        "tierMinimumUnits": 0.0,
        "retailPrice": price,
        "unitPrice": price,
        "armRegionName": region,
        "location": region,
        "effectiveStartDate": "2026-01-01T00:00:00Z",
        "meterId": "00000000-0000-0000-0000-000000000000",
        "meterName": meter,
        "productId": "DZH318Z0BNVX",
        "skuId": "DZH318Z0BNVX/0001",
        "productName": service,
        "skuName": sku,
        "serviceName": service,
        "serviceId": "DZH3180XXXXX",
        "serviceFamily": "Networking",
        "unitOfMeasure": "1 Hour",
        "type": "Consumption",
        "isPrimaryMeterRegion": True,
        "armSkuName": "",
        **extra,
    }


def page(items: list[dict], next_link: str | None = None) -> dict:
    return {
        "BillingCurrency": "USD",
        "CustomerEntityId": "Default",
        "CustomerEntityType": "Retail",
        "Items": items,
        "NextPageLink": next_link,
        "Count": len(items),
    }
