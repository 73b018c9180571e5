"""The policy pack itself: clinicgen's policies as `pulumi_policy` objects, and the entry that
serves them to the Pulumi CLI. The only module that imports `pulumi_policy` (the `policy`
extra): constructing `PolicyPack` starts the policy engine's gRPC server and never returns, so
`serve` is all a pack's `__main__.py` calls, and tests build the policies without it.
"""

from __future__ import annotations

from pathlib import Path

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    Severity,
    StackValidationPolicy,
)

from generator.policy.settings import PackSettings, pack_name, read_settings
from generator.policy.validators import (
    ADVISORY,
    NOTES_POLICY,
    notes_validation,
    pack_policies,
    stack_validation,
)

_ENFORCEMENT = {"mandatory": EnforcementLevel.MANDATORY, ADVISORY: EnforcementLevel.ADVISORY}


def policies(settings: PackSettings) -> list[StackValidationPolicy]:
    """One stack policy per check and rule of the practice's cloud, then the advisory notes
    policy (waived and undecided findings of the mandatory ones)."""
    pack = pack_policies(settings.context.cloud)
    built = [
        StackValidationPolicy(
            name=policy.id,
            description=policy.title,
            validate=stack_validation(policy, settings),
            enforcement_level=_ENFORCEMENT[policy.enforcement],
            severity=Severity(policy.severity) if policy.severity else None,
            remediation_steps=policy.fix,
            url=policy.source if policy.source.startswith("https://") else None,
        )
        for policy in pack
    ]
    built.append(
        StackValidationPolicy(
            name=NOTES_POLICY,
            description=(
                "Findings of mandatory clinicgen checks that the profile waives (with the "
                "reason) or that a preview cannot decide while values are unknown"
            ),
            validate=notes_validation(pack, settings),
            enforcement_level=EnforcementLevel.ADVISORY,
        )
    )
    return built


def serve(settings_path: Path) -> None:
    """Serve the practice's pack to the Pulumi CLI (never returns)."""
    settings = read_settings(settings_path)
    PolicyPack(name=pack_name(settings.practice_id), policies=list(policies(settings)))
