"""The site handoff sheets: one Markdown page per site telling the on-site installer the VLANs,
the VPN settings, where to read the pre-shared key, and the flows the rules allow."""

from __future__ import annotations

from pathlib import PurePosixPath

from generator.catalog import load
from generator.plan.model import Plan, SitePlan, core_stack_name, site_stack_name
from generator.render.stack_config import (
    KEY_VAULT_NAME_OUTPUT,
    VPN_GATEWAY_ADDRESSES_OUTPUT,
    VPN_GATEWAY_BGP_ADDRESS_OUTPUT,
    vpn_psk_secret_name,
)
from generator.render.templating import render
from generator.write import GeneratedFile

HANDOFF_DIR = "handoff"
CLOUD_TITLES = {"azure": "Microsoft Azure", "gcp": "Google Cloud"}
SECRET_STORES = {"azure": "Azure Key Vault", "gcp": "Google Cloud Secret Manager"}


def render_handoff_sheets(plan: Plan, stacks: PurePosixPath) -> list[GeneratedFile]:
    """Every site's sheet, at `<stacks>/handoff/<practice>-<site>.md`."""
    return [
        GeneratedFile(
            stacks / HANDOFF_DIR / f"{plan.practice.id}-{site.id}.md", render_handoff(plan, site)
        )
        for site in plan.sites
    ]


def render_handoff(plan: Plan, site: SitePlan) -> str:
    """The installer's Markdown sheet for `site`: VLANs, VPN parameters, allowed flows."""
    practice = plan.practice
    core_stack = core_stack_name(practice.id)
    secret = vpn_psk_secret_name(site.id)
    if practice.cloud == "azure":
        psk_command = (
            f'az keyvault secret show --vault-name "$(pulumi stack output'
            f' {KEY_VAULT_NAME_OUTPUT} -s {core_stack})" --name {secret}'
            " --query value --output tsv"
        )
    else:
        psk_command = (
            f"gcloud secrets versions access latest --secret {secret}"
            f" --project {practice.gcp_project}"
        )
    return render(
        "handoff/site.md.jinja",
        practice=practice,
        site=site,
        kind_title=load("practice")["site_kinds"][site.kind]["title"],
        ike_groups=load("vpn")["ike_groups"],
        segment_titles={name: spec["title"] for name, spec in load("segments")["segments"].items()},
        cloud_title=CLOUD_TITLES[practice.cloud],
        core_stack=core_stack,
        site_stack=site_stack_name(practice.id, site.id),
        core_address_space=plan.core.address_space,
        gateway=plan.vpn,
        gateway_output=VPN_GATEWAY_ADDRESSES_OUTPUT,
        gateway_bgp_output=VPN_GATEWAY_BGP_ADDRESS_OUTPUT,
        ipsec=plan.ipsec,
        flows=[flow for flow in plan.flows if flow.site == site.id],
        secret_store=SECRET_STORES[practice.cloud],
        psk_secret=secret,
        psk_command=psk_command,
    )
