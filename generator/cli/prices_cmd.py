"""`clinicgen prices update`: refresh the price catalog `clinicgen cost` reads."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("prices", short_help="Refresh the list prices `clinicgen cost` uses.")
def command() -> None:
    """The price catalogs behind `clinicgen cost`: per item and region, each price with its
    source and capture date."""


@command.command("update")
@click.option(
    "--cloud",
    type=click.Choice(["azure", "gcp"]),
    default="azure",
    show_default=True,
    help="Whose prices to refresh. Only Azure has a public price API without credentials.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the refreshed catalog [default: the catalog clinicgen ships].",
)
def update(cloud: str, out: Path | None) -> None:
    """Refresh the Azure prices from the public Azure Retail Prices API.

    Asks https://prices.azure.com/api/retail/prices (no credentials) for exactly the items in
    the catalog, in the catalog's regions, following every NextPageLink, and writes the catalog
    atomically, each price with its query as source and today's date. Needs the network;
    without it, says so and changes nothing.

    Google Cloud's price API (the Cloud Billing Catalog API) needs an API key, which clinicgen
    does not ask for: its catalog is kept by hand from Google's pricing pages.

    \b
    Examples:
      clinicgen prices update
      clinicgen prices update --out prices-azure.yaml
      clinicgen cost riverside.yaml --prices prices-azure.yaml
    """
    import datetime

    from generator.cost.prices import default_catalog_path, load_price_catalog
    from generator.cost.retail_prices import update_azure_prices

    if cloud == "gcp":
        raise click.BadParameter(
            "Google Cloud prices cannot be refreshed without credentials: the Cloud Billing "
            "Catalog API needs an API key. Edit generator/catalog/prices/gcp.yaml from Google's "
            "pricing pages, each price with its source and date.",
            param_hint="--cloud",
        )
    catalog = load_price_catalog(cloud)
    target = out or default_catalog_path(cloud)
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    result = update_azure_prices(catalog, target, today)
    for line in result.updated:
        click.echo(f"updated {line}")
    for line in result.missing:
        click.echo(f"not listed by the API, kept as it was: {line}")
    click.echo(f"{target}: {'written' if result.written else 'unchanged'}")
