"""The commented starter profile `clinicgen init` writes, rendered from its template and checked
by the profile validation before anyone sees it."""

from __future__ import annotations

from pathlib import Path

from generator.catalog import load
from generator.profile import profile_from_document
from generator.profile.loader import parse_document
from generator.profile.validate import PLACEHOLDER_GUID
from generator.render.templating import render

# Stands in for the real group ids when the starter checks itself.
_ANY_GROUP = "6f1c2a9e-0b7d-4c1e-9a55-2f3e4d5c6b7a"
STARTER_REGIONS = {"azure": ("eastus", "westus2"), "gcp": ("us-central1", "us-east1")}
GROUP_FORMS = {"azure": "Entra ID group object ids", "gcp": "Google groups as group:name@domain"}


def _placeholder_group(cloud: str, persona: str) -> str:
    if cloud == "azure":
        return PLACEHOLDER_GUID
    return f"group:{persona.replace('_', '-')}@example.com"


def starter_profile(
    profile_path: Path, cloud: str, practice_id: str, practice_name: str, schema_path: str
) -> str:
    """The starter profile text; it validates once its placeholder Azure group ids are
    replaced, which validation refuses until they are (a test holds it to both)."""
    region, dr_region = STARTER_REGIONS[cloud]
    personas = [
        (persona, _placeholder_group(cloud, persona))
        for persona, spec in load("practice")["personas"].items()
        if spec["required"]
    ]
    text = render(
        "init/profile.yaml.jinja",
        schema_path=schema_path,
        profile_name=profile_path.name,
        practice_name=practice_name,
        practice_id=practice_id,
        cloud=cloud,
        region=region,
        dr_region=dr_region,
        personas=personas,
        group_form=GROUP_FORMS[cloud],
        gcp_project=f"{practice_id}-prod" if cloud == "gcp" else None,
    )
    filled = text.replace(PLACEHOLDER_GUID, _ANY_GROUP)
    profile_from_document(parse_document(filled, str(profile_path)), str(profile_path))
    return text
