"""One client of a fleet: its profile merged over the standard's defaults, and what in it
loosens the standard's minimums.

Merging: a mapping merges key by key (the client's tags join the standard's); any other value
the client gives replaces the default. Then the minimums a client left out are filled in from
the standard: compliance, the backup RPO and, on Azure, the hub firewall tier floor.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from generator.catalog import load
from generator.errors import Problem
from generator.fleet.standard import CLOUDS, FleetStandard
from generator.plan.model import Plan
from generator.profile import Profile
from generator.profile.loader import read_document
from generator.sizing.vpn import ipsec_suite_name, ipsec_suite_names

# The effective profile's first lines in a generated project: where it came from.
EFFECTIVE_HEADER = (
    "# yaml-language-server: $schema=clinicgen.schema.json\n"
    "#\n"
    "# The effective profile: {client} merged over the defaults of the fleet standard\n"
    "# {standard}. Edit those two files and run `clinicgen fleet generate`, not this copy.\n"
)


def merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` merged onto `base`: mappings key by key, anything else replaced by `over`'s."""
    result = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def effective_document(client: dict[str, Any], standard: FleetStandard) -> dict[str, Any]:
    """The client's profile document as the fleet plans it: the standard's defaults (all
    clouds, then the client's cloud), the client over them, then the minimums it left out."""
    defaults = {key: value for key, value in standard.defaults.items() if key not in CLOUDS}
    practice = client.get("practice")
    cloud = practice.get("cloud") if isinstance(practice, dict) else None
    cloud = cloud or defaults.get("practice", {}).get("cloud")
    if cloud in CLOUDS:
        defaults = merged(defaults, standard.defaults.get(cloud, {}))
    document = merged(defaults, client)
    minimums = standard.minimums
    practice = document.setdefault("practice", {})
    if isinstance(practice, dict):
        if minimums.compliance and "compliance" not in practice:
            practice["compliance"] = list(minimums.compliance)
        if minimums.firewall_tier and cloud == "azure":
            practice.setdefault("min_firewall_tier", minimums.firewall_tier)
    backup = document.setdefault("backup", {})
    if minimums.backup_rpo_hours and isinstance(backup, dict):
        backup.setdefault("rpo_hours", minimums.backup_rpo_hours)
    return document


def effective_text(document: dict[str, Any], client: Path, standard: FleetStandard) -> str:
    """The effective profile as YAML, headed by where it came from."""
    header = EFFECTIVE_HEADER.format(client=client, standard=standard.source)
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def read_client(path: Path, standard: FleetStandard) -> tuple[dict[str, Any], str]:
    """The client's effective document and its YAML text (ProfileError naming the client
    file when the file itself cannot be read)."""
    document = effective_document(read_document(path, str(path)), standard)
    return document, effective_text(document, path, standard)


def _lookup(document: Any, path: str) -> bool:
    """Whether `document` holds a value at the problem path `path` (`a.b[2].c`)."""
    for step in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if step.startswith("[") and isinstance(document, list) and int(step[1:-1]) < len(document):
            document = document[int(step[1:-1])]
        elif isinstance(document, dict) and step in document:
            document = document[step]
        else:
            return False
    return True


def traced_to_defaults(
    problems: list[Problem], path: Path, standard: FleetStandard
) -> list[Problem]:
    """`problems` of the client file at `path`, each one whose value the client does not give
    itself but takes from the standard's defaults saying where the standard has it: the
    client file holds nothing to fix (a placeholder group left in fleet.yaml, say)."""
    client = read_document(path, str(path))
    document = effective_document(client, standard)
    practice = document.get("practice")
    cloud = practice.get("cloud") if isinstance(practice, dict) else None
    traced = []
    for problem in problems:
        if problem.file == str(path) and problem.path and not _lookup(client, problem.path):
            # A cloud's defaults win over the general ones, as in `effective_document`.
            places = [f"{cloud}.{problem.path}"] if cloud in CLOUDS else []
            where = next(
                (place for place in (*places, problem.path) if _lookup(standard.defaults, place)),
                None,
            )
            if where is not None:
                message = f"{problem.message} (the value of {standard.source}: defaults.{where})"
                problem = replace(problem, message=message)
        traced.append(problem)
    return traced


@dataclass(frozen=True)
class Deviation:
    """Where a client differs from its standard while meeting it (a tightening), for the
    fleet report."""

    path: str
    standard: str
    client: str


def _loosened(
    label: str, path: str, rule: str, standard: FleetStandard, minimum: str, value: Any
) -> Problem:
    return Problem(
        label,
        path,
        f"loosens the fleet standard: {rule} ({standard.source}: minimums.{minimum}); a client "
        "may tighten the standard, never loosen it",
        value,
        True,
    )


def loosened(profile: Profile, plan: Plan, standard: FleetStandard) -> list[Problem]:
    """Every field in which the client falls short of the standard's minimums, each naming
    the client file, the field path and the standard's value."""
    label = profile.source
    minimums = standard.minimums
    practice = profile.practice
    problems = []
    missing = [name for name in minimums.compliance if name not in practice.compliance]
    if missing:
        problems.append(
            _loosened(
                label,
                "practice.compliance",
                f"compliance must include {', '.join(minimums.compliance)}; "
                f"{', '.join(missing)} missing",
                standard,
                "compliance",
                list(practice.compliance),
            )
        )
    allowed = minimums.regions.get(practice.cloud)
    if allowed:
        for key in ("region", "dr_region"):
            region = getattr(practice, key)
            if region is not None and region not in allowed:
                problems.append(
                    _loosened(
                        label,
                        f"practice.{key}",
                        f"{practice.cloud} regions are {', '.join(allowed)}",
                        standard,
                        f"regions.{practice.cloud}",
                        region,
                    )
                )
    mapped = {group.persona for group in profile.identity}
    for persona in minimums.personas:
        if persona not in mapped:
            problems.append(
                Problem(
                    label,
                    f"identity.{persona}",
                    f"is required by the fleet standard ({standard.source}: minimums.personas:"
                    f" {', '.join(minimums.personas)}): map it to the client's directory group",
                )
            )
    for tag in minimums.tags:
        if tag not in practice.tags:
            problems.append(
                Problem(
                    label,
                    f"practice.tags.{tag}",
                    f"is required by the fleet standard ({standard.source}: minimums.tags:"
                    f" {', '.join(minimums.tags)})",
                )
            )
    tiers = load("skus")["firewall"]["tiers"]
    floor, stated = minimums.firewall_tier, practice.min_firewall_tier
    if practice.cloud == "azure" and floor and tiers.index(stated or "none") < tiers.index(floor):
        problems.append(
            _loosened(
                label,
                "practice.min_firewall_tier",
                f"the hub firewall tier is at least {floor}",
                standard,
                "firewall_tier",
                stated,
            )
        )
    # A client that names no suite gets the strongest, so it never loosens this minimum.
    suites, floor = ipsec_suite_names(), minimums.vpn_crypto
    suites_named = [("practice.vpn_crypto", practice.vpn_crypto)] + [
        (f"sites[{index}].connectivity.vpn_crypto", site.connectivity.vpn_crypto)
        for index, site in enumerate(profile.sites)
        if site.connectivity.vpn_crypto
    ]
    for path, suite in suites_named:
        if floor and suites.index(ipsec_suite_name(suite)) > suites.index(floor):
            stronger = suites[: suites.index(floor) + 1]
            problems.append(
                _loosened(
                    label,
                    path,
                    f"site tunnels use the IPsec suite {floor} or a stronger one"
                    f" ({', '.join(stronger)}, strongest first)",
                    standard,
                    "vpn_crypto",
                    suite,
                )
            )
    years = minimums.retention_years
    if years and plan.backup.record_retention_years < years:
        problems.append(
            _loosened(
                label,
                "backup.retention_years",
                f"records are kept at least {years} years; the plan keeps them "
                f"{plan.backup.record_retention_years}: set backup.retention_years to {years} "
                "or more",
                standard,
                "retention_years",
                profile.backup.retention_years,
            )
        )
    rpo = minimums.backup_rpo_hours
    if rpo and plan.backup.rpo_hours > rpo:
        problems.append(
            _loosened(
                label,
                "backup.rpo_hours",
                f"the backup RPO is at most {rpo} hours",
                standard,
                "backup_rpo_hours",
                plan.backup.rpo_hours,
            )
        )
    return problems


def tightened(profile: Profile, plan: Plan, standard: FleetStandard) -> tuple[Deviation, ...]:
    """Where the client is stricter than its standard requires (for the fleet report)."""
    minimums = standard.minimums
    practice = profile.practice
    found = []
    extra = [name for name in practice.compliance if name not in minimums.compliance]
    if minimums.compliance and extra:
        found.append(
            Deviation(
                "practice.compliance",
                ", ".join(minimums.compliance),
                ", ".join(practice.compliance),
            )
        )
    if minimums.retention_years and plan.backup.record_retention_years > minimums.retention_years:
        found.append(
            Deviation(
                "backup.retention_years",
                f"{minimums.retention_years} years",
                f"{plan.backup.record_retention_years} years",
            )
        )
    if minimums.backup_rpo_hours and plan.backup.rpo_hours < minimums.backup_rpo_hours:
        found.append(
            Deviation(
                "backup.rpo_hours",
                f"{minimums.backup_rpo_hours} hours",
                f"{plan.backup.rpo_hours} hours",
            )
        )
    floor = minimums.firewall_tier
    if practice.cloud == "azure" and floor and plan.core.firewall_tier != floor:
        found.append(Deviation("core.firewall_tier", floor, plan.core.firewall_tier))
    suites, suite = ipsec_suite_names(), ipsec_suite_name(practice.vpn_crypto)
    if minimums.vpn_crypto and suites.index(suite) < suites.index(minimums.vpn_crypto):
        found.append(Deviation("practice.vpn_crypto", minimums.vpn_crypto, suite))
    return tuple(found)
