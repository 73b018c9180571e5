"""The fleet standard: `fleet.yaml`, one managed service provider's rules for every client.

A fleet folder holds `fleet.yaml` and one practice profile per client in `clients/`. The
standard gives **defaults** a client may omit (any profile field a practice shares with
others: compliance, jurisdiction, regions, tags, persona groups, backup objectives; per cloud
under `defaults.azure` / `defaults.gcp`) and **minimums** a client may tighten but never
loosen (compliance frameworks, record retention, backup RPO, allowed regions, required
personas and tags, the hub firewall tier, the site tunnels' IPsec suite). A minimum a client
leaves out is filled in from the standard where it has a value to fill (compliance, RPO,
firewall tier); a client that names no IPsec suite gets the strongest.

fleet.yaml is read with the same strict, bounded YAML loader as a profile, and validated with
Cerberus like one: the defaults against the profile's own schema, so a default is valid
exactly where the same value in a profile is.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from generator.catalog import load
from generator.errors import Problem, ProfileError
from generator.profile.schema import SLUG_HINT, SLUG_PATTERN, profile_schema
from generator.profile.validate import ProfileValidator, schema_problems
from generator.yaml_input import YamlInputError, read_yaml_file

FLEET_FILE = "fleet.yaml"
CLIENTS_DIR = "clients"
PROJECTS_DIR = "projects"
MAX_FLEET_BYTES = 1_048_576

# Profile sections a standard may give defaults for, and the practice fields that are each
# client's own (a default id, name or project would give every client the same one).
DEFAULT_SECTIONS = ("practice", "telehealth", "workloads", "identity", "backup")
CLIENT_OWN_FIELDS = ("name", "id", "gcp_project")
CLOUDS = ("azure", "gcp")


class FleetError(ProfileError):
    """Raised when a fleet cannot be read or is invalid: fleet.yaml itself, a client profile,
    a client that loosens the standard, or clients that clash with each other (a practice
    id, a Google Cloud project or a VPN peer address used twice). Carries every problem."""


@dataclass(frozen=True)
class Minimums:
    """What every client must meet; each None or empty when the standard sets no minimum."""

    compliance: tuple[str, ...] = ()
    retention_years: int | None = None
    backup_rpo_hours: int | None = None
    regions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    personas: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    firewall_tier: str | None = None
    # The weakest IPsec/IKE suite a client's tunnels may use (catalog vpn.yaml ipsec_suites)
    vpn_crypto: str | None = None


@dataclass(frozen=True)
class Rollout:
    """How the generated pipelines deploy: `canary` clients (practice ids) first, then the
    rest; at most `max_parallel` stacks at once."""

    canary: tuple[str, ...] = ()
    max_parallel: int = 4


@dataclass(frozen=True)
class FleetStandard:
    """A validated fleet.yaml. `source` names it in messages; `defaults` is the partial profile
    document every client is merged over (`defaults.azure`/`gcp` apply to that cloud's)."""

    source: str
    name: str
    defaults: dict[str, Any]
    minimums: Minimums
    rollout: Rollout

    def canonical_json(self) -> str:
        """The standard as JSON with sorted keys: what it says, without fleet.yaml's comments
        and layout (a part of the keys that decide a client's generation and check)."""
        return json.dumps(asdict(self), sort_keys=True)


def _optional(rules: dict[str, Any]) -> dict[str, Any]:
    """A profile schema rule with nothing required and nothing filled in: a default is a part
    of a profile, and what it leaves out stays out for the client to give."""
    rules = {key: value for key, value in rules.items() if key not in ("required", "default")}
    if rules.get("type") == "dict" and isinstance(rules.get("schema"), dict):
        rules["schema"] = {key: _optional(value) for key, value in rules["schema"].items()}
    return rules


def _defaults_schema(*, per_cloud: bool) -> dict[str, Any]:
    profile = profile_schema()
    sections = {name: _optional(copy.deepcopy(profile[name])) for name in DEFAULT_SECTIONS}
    practice = sections["practice"]["schema"]
    for own in (*CLIENT_OWN_FIELDS, *(("cloud",) if per_cloud else ())):
        del practice[own]
    return sections


def _list_of(allowed: list[str], description: str) -> dict[str, Any]:
    return {
        "type": "list",
        "schema": {"type": "string", "allowed": allowed},
        "meta": {"description": description},
    }


@cache
def fleet_schema() -> dict[str, Any]:
    practice = load("practice")
    regions = load("regions")
    defaults = _defaults_schema(per_cloud=False)
    for cloud in CLOUDS:
        defaults[cloud] = {
            "type": "dict",
            "schema": _defaults_schema(per_cloud=True),
            "meta": {"description": f"Defaults for the fleet's {cloud} clients only."},
        }
    return {
        "version": {"type": "integer", "required": True, "allowed": [1]},
        "fleet": {
            "type": "dict",
            "required": True,
            "schema": {"name": {"type": "string", "required": True, "empty": False}},
        },
        "defaults": {"type": "dict", "default": {}, "schema": defaults},
        "minimums": {
            "type": "dict",
            "default": {},
            "schema": {
                "compliance": _list_of(
                    list(practice["compliance"]), "Frameworks every client includes."
                ),
                "retention_years": {"type": "integer", "min": 1, "max": 100},
                "backup_rpo_hours": {"type": "integer", "min": 1, "max": 168},
                "regions": {
                    "type": "dict",
                    "schema": {
                        cloud: _list_of(sorted(regions[cloud]), f"Allowed {cloud} regions.")
                        for cloud in CLOUDS
                    },
                },
                "personas": _list_of(list(practice["personas"]), "Personas every client maps."),
                "tags": {"type": "list", "schema": {"type": "string", "empty": False}},
                "firewall_tier": {
                    "type": "string",
                    "allowed": list(load("skus")["firewall"]["tiers"]),
                },
                "vpn_crypto": {
                    "type": "string",
                    "allowed": list(load("vpn")["ipsec_suites"]),
                },
            },
        },
        "rollout": {
            "type": "dict",
            "default": {},
            "schema": {
                "canary": {
                    "type": "list",
                    "schema": {
                        "type": "string",
                        "regex": SLUG_PATTERN,
                        "meta": {"hint": f"a practice id ({SLUG_HINT})"},
                    },
                },
                "max_parallel": {"type": "integer", "min": 1, "max": 256},
            },
        },
    }


def load_standard(fleet_dir: Path) -> FleetStandard:
    """Read and validate `fleet_dir/fleet.yaml`, or FleetError naming the file and every
    problem in it."""
    path = fleet_dir / FLEET_FILE
    label = str(path)
    try:
        document = read_yaml_file(path, MAX_FLEET_BYTES, "a fleet standard")
    except YamlInputError as err:
        hint = "; start from `clinicgen fleet init DIR`" if not path.exists() else ""
        raise FleetError([Problem(label, "", f"{err}{hint}")]) from err
    if document is None:
        message = "the file is empty; start from `clinicgen fleet init DIR`"
        raise FleetError([Problem(label, "", message)])
    if not isinstance(document, dict):
        kind = "list" if isinstance(document, list) else "single value"
        message = f"a fleet standard must be a mapping of keys to values, not a {kind}"
        raise FleetError([Problem(label, "", message)])
    schema = fleet_schema()
    validator = ProfileValidator(schema)
    if not validator.validate(document):
        raise FleetError(list(schema_problems(validator._errors, label, schema)))
    valid = validator.document
    minimums = valid["minimums"]
    rollout = valid["rollout"]
    return FleetStandard(
        source=label,
        name=valid["fleet"]["name"],
        defaults=valid["defaults"],
        minimums=Minimums(
            compliance=tuple(minimums.get("compliance", ())),
            retention_years=minimums.get("retention_years"),
            backup_rpo_hours=minimums.get("backup_rpo_hours"),
            regions={cloud: tuple(names) for cloud, names in minimums.get("regions", {}).items()},
            personas=tuple(minimums.get("personas", ())),
            tags=tuple(minimums.get("tags", ())),
            firewall_tier=minimums.get("firewall_tier"),
            vpn_crypto=minimums.get("vpn_crypto"),
        ),
        rollout=Rollout(
            canary=tuple(rollout.get("canary", ())),
            max_parallel=rollout.get("max_parallel", Rollout.max_parallel),
        ),
    )


def client_files(fleet_dir: Path) -> list[Path]:
    """The fleet's client profiles, `clients/*.yaml`, in name order."""
    return sorted((fleet_dir / CLIENTS_DIR).glob("*.yaml"))
