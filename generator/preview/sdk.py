"""Each cloud's Pulumi provider SDKs and the package extra that installs them.

`pip install clinicgen` installs no cloud SDK (generate, plan, validate need none);
`clinicgen[azure]`, `clinicgen[gcp]` and `clinicgen[all]` do (pyproject.toml). Running a
practice's stacks (preview, check, diff) asks here first, so a missing SDK is a message naming
the extra, not an ImportError from inside the program.
"""

from __future__ import annotations

from importlib.util import find_spec

from generator.errors import MissingSdkError

# The modules blueprints/<cloud> imports beyond the core dependencies, by cloud.
CLOUD_SDKS: dict[str, tuple[str, ...]] = {
    "azure": ("pulumi_azure_native", "pulumi_azuread", "pulumi_tls", "pulumiverse_time"),
    "gcp": ("pulumi_gcp",),
}
CLOUD_NAMES = {"azure": "Azure", "gcp": "Google Cloud"}


def extra(cloud: str) -> str:
    """The requirement that installs clinicgen with `cloud`'s SDKs: `clinicgen[azure]`."""
    return f"clinicgen[{cloud}]"


def require_cloud_sdk(cloud: str) -> None:
    """Raise MissingSdkError unless every SDK module `cloud`'s blueprints import is installed."""
    missing = [module for module in CLOUD_SDKS[cloud] if find_spec(module) is None]
    if missing:
        raise MissingSdkError(
            f"this practice deploys to {CLOUD_NAMES[cloud]}, whose Pulumi SDK is not installed "
            f"({', '.join(missing)}): pip install '{extra(cloud)}'"
        )
