"""The site handoff sheets: one Markdown page per site telling the on-site installer the VLANs,
the VPN settings, where to read the pre-shared key, and the flows the rules allow."""

from __future__ import annotations

from pathlib import PurePosixPath

from generator.catalog import load
from generator.plan.model import (
    Plan,
    SitePlan,
    core_stack_name,
    site_ipsec,
    site_stack_name,
)
from generator.render.stack_config import (
    VPN_GATEWAY_ADDRESSES_OUTPUT,
    VPN_GATEWAY_BGP_ADDRESS_OUTPUT,
    VPN_PRE_SHARED_KEY_OUTPUT,
    vpn_psk_secret_name,
)
from generator.render.templating import render
from generator.write import GeneratedFile

HANDOFF_DIR = "handoff"
CLOUD_TITLES = {"azure": "Microsoft Azure", "gcp": "Google Cloud"}
SECRET_STORES = {"azure": "Azure Key Vault", "gcp": "Google Cloud Secret Manager"}


def render_handoff_sheets(plan: Plan, stacks: PurePosixPath) -> list[GeneratedFile]:
    """Every site's sheet, at `handoff_path`."""
    return [
        GeneratedFile(handoff_path(plan, site, stacks), render_handoff(plan, site))
        for site in plan.sites
    ]


def handoff_path(plan: Plan, site: SitePlan, stacks: PurePosixPath) -> PurePosixPath:
    """`<stacks>/handoff/<site stack name>.md`: named after the site's stack, whose name no
    other practice's site can share (`generator.plan.model.site_stack_name`)."""
    return stacks / HANDOFF_DIR / f"{site_stack_name(plan.practice.id, site.id)}.md"


def render_handoff(plan: Plan, site: SitePlan) -> str:
    """The installer's Markdown sheet for `site`: VLANs, VPN parameters, allowed flows."""
    practice = plan.practice
    core_stack = core_stack_name(practice.id)
    site_stack = site_stack_name(practice.id, site.id)
    # From the site stack's own state: Azure's key vault admits no public network access, so
    # its copy is out of reach until the tunnel the key sets up exists (issue 12, finding 16).
    psk_command = f"pulumi stack output {VPN_PRE_SHARED_KEY_OUTPUT} --show-secrets -s {site_stack}"
    return render(
        "handoff/site.md.jinja",
        practice=practice,
        site=site,
        kind_title=load("practice")["site_kinds"][site.kind]["title"],
        ike_groups=load("vpn")["ike_groups"],
        segment_titles={name: spec["title"] for name, spec in load("segments")["segments"].items()},
        site_internet={
            name: spec["site_internet"]
            for name, spec in load("segments")["segments"].items()
            if "site_internet" in spec
        },
        cloud_title=CLOUD_TITLES[practice.cloud],
        core_stack=core_stack,
        site_stack=site_stack,
        core_address_space=plan.core.address_space,
        gateway=plan.vpn,
        gateway_output=VPN_GATEWAY_ADDRESSES_OUTPUT,
        # A Google Cloud site's tunnels end in its Cloud Router's region (VPN-RTR-02): its own
        # stack exports that region's gateway addresses. Azure has one gateway, in the core.
        gateway_stack=site_stack if practice.cloud == "gcp" else core_stack,
        gateway_bgp_output=VPN_GATEWAY_BGP_ADDRESS_OUTPUT,
        ipsec=site_ipsec(site, plan.ipsec),
        flows=[flow for flow in plan.flows if flow.site == site.id],
        secret_store=SECRET_STORES[practice.cloud],
        psk_secret=vpn_psk_secret_name(site.id),
        psk_output=VPN_PRE_SHARED_KEY_OUTPUT,
        psk_command=psk_command,
    )
