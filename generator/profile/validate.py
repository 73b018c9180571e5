"""Validating a profile document: the Cerberus schema, then the rules that span fields.

Every problem is collected before anything is raised, so a user fixes a profile in one pass.
Messages say what would be valid; unknown keys and misspelt vocabulary get a suggestion.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

import cerberus
from cerberus import errors as cerberus_errors

from generator.catalog import load
from generator.errors import Problem
from generator.profile.schema import CHECK_ID_PATTERN, SCANNER_CHECK_PATTERN, profile_schema
from generator.profile.tags import tag_problems

# The group id `clinicgen init` writes for Azure: a GUID in form, no group in fact.
PLACEHOLDER_GUID = "00000000-0000-0000-0000-000000000000"
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
GCP_GROUP = re.compile(r"group:[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\Z")

# Addresses that are never a site's public VPN endpoint. Documentation ranges (192.0.2.0/24,
# 198.51.100.0/24, 203.0.113.0/24) are allowed so that examples can use them.
NOT_PUBLIC = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)


class ProfileValidator(cerberus.Validator):  # type: ignore[misc]
    """Cerberus validator with the profile's own value checks."""

    def _check_with_count(self, field: str, value: Any) -> None:
        # Cerberus's integer type takes YAML's true and false (Python bools are ints); a count
        # of `true` is a typo for a number, never 1.
        if isinstance(value, bool):
            self._error(field, "must be a whole number, not true or false")

    def _check_with_cidr(self, field: str, value: Any) -> None:
        if not isinstance(value, str):
            return
        problem = cidr_problem(value)
        if problem:
            self._error(field, problem)

    def _check_with_public_ip(self, field: str, value: Any) -> None:
        if not isinstance(value, str):
            return
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            self._error(field, "must be a public IPv4 address like 203.0.113.10")
            return
        if address.version != 4:
            self._error(field, "must be an IPv4 address: site VPN peers are IPv4 here")
        elif any(address in net for net in NOT_PUBLIC):
            self._error(
                field,
                "must be a public address; a private or reserved address "
                "cannot terminate a site-to-cloud VPN",
            )

    def _check_with_check_id(self, field: str, value: Any) -> None:
        # Ids of the wrong form are the regex rule's to report. A well-formed id that names no
        # check would waive nothing, silently, so it is as invalid as a misspelt key.
        if isinstance(value, str) and re.match(SCANNER_CHECK_PATTERN, value):
            # A scanner's check is waived for named resources, never for everything.
            if not self.document.get("resource"):
                self._error(
                    field,
                    "is a Checkov check: name the resource it is waived for (`resource:`); "
                    "a scanner waiver never covers a whole check",
                )
            return
        if not isinstance(value, str) or not re.match(CHECK_ID_PATTERN, value):
            return
        if value in load("deployability")["rules"]:
            self._error(
                field,
                "is a deployability rule: the cloud would still reject the resource, so no "
                "waiver applies; fix the resource",
            )
        elif value not in load("checks")["checks"]:
            self._error(field, "is not a clinicgen check id (see `clinicgen check --list`)")

    def _check_with_no_lone_secure_key(self, field: str, value: Any) -> None:
        # The tags reach every stack file's config, where Pulumi reads a mapping whose one key
        # is `secure` as an encrypted secret.
        if isinstance(value, dict) and list(value) == ["secure"]:
            self._error(
                field,
                "a lone tag named `secure` reads as an encrypted secret in Pulumi config;"
                " rename it or add another tag",
            )

    def _normalize_coerce_scalar_to_text(self, value: Any) -> Any:
        return (
            str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        )


def cidr_problem(value: str) -> str | None:
    """Why `value` is not an IPv4 network in CIDR form, or None when it is one."""
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return "must be an IPv4 network in CIDR form like 10.64.0.0/12"
    if network.version != 4:
        return "must be an IPv4 network; IPv6 is not planned yet"
    if "/" not in value:
        return f"needs a prefix length, like {network.network_address}/24"
    if str(network) != value:
        return f"has host bits set; did you mean {network}?"
    return None


@cache
def _profile_validator() -> ProfileValidator:
    """One validator per process: Cerberus checks and hashes a schema each time a validator
    is made, which cost more than validating a profile (measured with
    benchmarks/fleet_bench.py); `validate` starts afresh on every document."""
    return ProfileValidator(profile_schema())


def validate_document(document: dict[str, Any], label: str) -> tuple[dict[str, Any], list[Problem]]:
    """The normalised document (defaults filled) and every problem found in it."""
    key_problems = list(_unwritable_text(document, label))
    if key_problems:
        return document, key_problems
    validator = _profile_validator()
    valid = validator.validate(document)
    problems = list(schema_problems(validator._errors, label, profile_schema()))
    normalised: dict[str, Any] = validator.document if valid else document
    problems.extend(_cross_field_problems(normalised, label, schema_valid=valid))
    return normalised, sorted(problems, key=_problem_order)


def _unwritable_text(node: Any, label: str, path: tuple[Any, ...] = ()) -> Iterator[Problem]:
    """Keys that are not text (`1:`, `null:`, `? [a]`) would break every later rule; text with
    a lone surrogate (YAML's "\\ud800" escape) cannot be written as UTF-8 into any stack file
    or printed."""
    where = format_path(path) or "(top level)"
    if isinstance(node, str) and _LONE_SURROGATE.search(node):
        yield Problem(
            label, where, "contains a lone surrogate, which is not a character", node, True
        )
    elif isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                yield Problem(label, where, "keys must be text", key, True)
            elif _LONE_SURROGATE.search(key):
                yield Problem(
                    label,
                    where,
                    "a key contains a lone surrogate, which is not a character",
                    key,
                    True,
                )
            else:
                yield from _unwritable_text(value, label, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _unwritable_text(item, label, (*path, index))


def _problem_order(problem: Problem) -> tuple[Any, ...]:
    # Document order: sites[10] after sites[9], not after sites[1].
    steps = [
        (0, int(part)) if re.fullmatch(r"[0-9]+", part) else (1, part)
        for part in re.split(r"[.\[\]]+", problem.path)
        if part
    ]
    return (*steps, (1, problem.message))


def format_path(path: Iterable[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def schema_problems(errors: Iterable[Any], label: str, schema: dict[str, Any]) -> Iterator[Problem]:
    """Cerberus's errors for a document validated against `schema`, as Problems naming
    `label`: the profile's, and the fleet standard's (`generator.fleet.standard`)."""
    for error in errors:
        if error.is_group_error or error.is_logic_error:
            yield from schema_problems(error.child_errors, label, schema)
            continue
        path = format_path(error.document_path)
        message = _message(error, schema)
        if error.code == cerberus_errors.REQUIRED_FIELD.code:
            yield Problem(label, path, message)
        else:
            yield Problem(label, path, message, error.value, True)


def _message(error: Any, schema: dict[str, Any]) -> str:
    rule, constraint, value = error.rule, error.constraint, error.value
    meta = (error.schema_path and _meta_at(error, schema)) or {}
    if error.code == cerberus_errors.CUSTOM.code:
        return str(error.info[0])
    if error.code == cerberus_errors.UNKNOWN_FIELD.code:
        field = error.document_path[-1]
        siblings = _sibling_keys(error, schema)
        suggestion = _suggest(str(field), siblings)
        known = f"; known keys: {', '.join(siblings)}" if siblings and not suggestion else ""
        return f"unknown key{suggestion}{known}"
    if rule == "required":
        return "is required"
    if rule == "type":
        return f"must be {_TYPE_NAMES.get(constraint, constraint)}"
    if rule == "allowed":
        allowed = [str(item) for item in constraint]
        return f"must be one of: {', '.join(allowed)}{_suggest(str(value), allowed)}"
    if rule == "min":
        return f"must be >= {constraint}"
    if rule == "max":
        return f"must be <= {constraint}"
    if rule == "minlength":
        return (
            f"needs at least {constraint} {'item' if constraint == 1 else 'items'}"
            if isinstance(value, list)
            else f"must be at least {constraint} characters"
        )
    if rule == "maxlength":
        unit = "items" if isinstance(value, list | dict) else "characters"
        return f"may have at most {constraint} {unit}"
    if rule == "empty":
        return "must not be empty"
    if rule == "nullable":
        return "must have a value (remove the key to use the default)"
    if rule == "regex":
        return f"must be {meta.get('hint', 'in the documented form')}"
    return f"is not valid ({rule})"


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "boolean": "true or false",
    "list": "a list",
    "dict": "a mapping of keys to values",
}


def _meta_at(error: Any, schema: dict[str, Any]) -> dict[str, Any]:
    rules: Any = schema
    for step in error.schema_path[:-1]:
        rules = rules[step]
    return dict(rules.get("meta", {})) if isinstance(rules, dict) else {}


def _sibling_keys(error: Any, schema: dict[str, Any]) -> list[str]:
    rules: Any = {"schema": schema}
    for part in error.document_path[:-1]:
        rules = rules["schema"]
        if isinstance(part, int):
            continue
        rules = rules.get(part, {})
    return list(rules.get("schema", {})) if isinstance(rules, dict) else []


def _suggest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _cross_field_problems(doc: dict[str, Any], label: str, schema_valid: bool) -> list[Problem]:
    """Rules that relate fields to each other. They only look at values of the right type, so
    they run even when the schema found problems, and report alongside them."""
    problems: list[Problem] = []

    def add(path: str, message: str, *value: Any) -> None:
        problems.append(Problem(label, path, message, value[0] if value else None, bool(value)))

    raw_practice = doc.get("practice")
    practice: dict[str, Any] = raw_practice if isinstance(raw_practice, dict) else {}
    cloud = practice.get("cloud") if isinstance(practice.get("cloud"), str) else None
    regions = load("regions")
    if cloud in _CLOUD_NAMES:
        for key in ("region", "dr_region"):
            region = practice.get(key)
            if isinstance(region, str) and region not in regions[cloud]:
                other = next((c for c in _CLOUD_NAMES if c != cloud and region in regions[c]), None)
                hint = (
                    f" but {_CLOUD_NAMES[other]} one; is practice.cloud right?"
                    if other
                    else _suggest(region, regions[cloud])
                )
                add(f"practice.{key}", f"is not {_CLOUD_NAMES[cloud]} region{hint}", region)
        if practice.get("dr_region") is not None and practice.get("dr_region") == practice.get(
            "region"
        ):
            add(
                "practice.dr_region",
                "must differ from practice.region: a DR copy in the same "
                "region does not survive a regional outage",
                practice["dr_region"],
            )
    practice_id = practice.get("id")
    if isinstance(practice_id, str) and ("-site-" in practice_id or practice_id.endswith("-site")):
        # Stacks are `<practice>-core` and `<practice>-site-<site>` (plan.model): with `-site-`
        # only ever the joint, practice `ab-site-cd`'s core stack cannot be practice `ab`'s
        # site `cd-core`, nor any site stack another practice's.
        add(
            "practice.id",
            "must not contain `-site-` or end in `-site`: another practice's stack could then "
            "have the same name as one of this practice's",
            practice_id,
        )
    if cloud == "gcp" and not practice.get("gcp_project"):
        add("practice.gcp_project", "is required when practice.cloud is gcp")
    if cloud == "azure" and practice.get("gcp_org_policies") is not None:
        add(
            "practice.gcp_org_policies",
            "applies to Google Cloud only; remove it (practice.cloud is azure, whose compliance"
            " initiatives are Azure Policy assignments)",
            practice["gcp_org_policies"],
        )
    if cloud == "gcp" and practice.get("min_firewall_tier") is not None:
        add(
            "practice.min_firewall_tier",
            "applies to Azure only; remove it (practice.cloud is gcp, whose firewall posture is"
            " VPC firewall rules, which have no tier)",
            practice["min_firewall_tier"],
        )
    _check_pool(practice, add)
    if cloud in _CLOUD_NAMES and isinstance(practice.get("tags"), dict):
        for key, message, value in tag_problems(practice["tags"], cloud):
            path = f"practice.tags.{key}" if key else "practice.tags"
            add(path, message, *(() if value is None else (value,)))
    _check_identity(doc.get("identity"), cloud, add)
    _check_sites(doc.get("sites"), cloud, add)
    _check_telehealth_and_backup(doc, add)
    return problems


_CLOUD_NAMES = {"azure": "an Azure", "gcp": "a Google Cloud"}


def _networks(values: Any) -> list[tuple[int, ipaddress.IPv4Network]]:
    if not isinstance(values, list):
        return []
    return [
        (index, ipaddress.IPv4Network(value))
        for index, value in enumerate(values)
        if isinstance(value, str) and cidr_problem(value) is None
    ]


def _check_pool(practice: dict[str, Any], add: Any) -> None:
    pool_text = practice.get("address_pool")
    if not isinstance(pool_text, str) or cidr_problem(pool_text):
        return
    pool = ipaddress.IPv4Network(pool_text)
    if not pool.is_private:
        add(
            "practice.address_pool",
            "must be a private range (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
            pool_text,
        )
    if pool.prefixlen > 22:
        add(
            "practice.address_pool",
            "is too small: clinicgen needs at least a /22 for the cloud hub and one site",
            pool_text,
        )
    remaining = [pool]
    for _, reserved in _networks(practice.get("reserved_ranges")):
        remaining = [
            piece
            for block in remaining
            for piece in ([block] if not block.overlaps(reserved) else _exclude(block, reserved))
        ]
    if not remaining:
        add(
            "practice.reserved_ranges",
            f"cover the whole address_pool {pool_text}; nothing would be left to allocate",
            practice.get("reserved_ranges"),
        )


def _exclude(
    block: ipaddress.IPv4Network, reserved: ipaddress.IPv4Network
) -> list[ipaddress.IPv4Network]:
    if block.subnet_of(reserved):
        return []
    return list(block.address_exclude(reserved))


def _check_identity(identity: Any, cloud: Any, add: Any) -> None:
    if not isinstance(identity, dict) or cloud not in _CLOUD_NAMES:
        return
    if cloud == "gcp" and identity.get("conditional_access") is True:
        add(
            "identity.conditional_access",
            "is for Azure (an Entra ID Conditional Access policy); on Google Cloud enforce "
            "2-Step Verification for the groups in the Admin console, as the runbook says",
            True,
        )
    for persona, group in identity.items():
        if not isinstance(group, str):
            continue
        if cloud == "azure" and group == PLACEHOLDER_GUID:
            add(
                f"identity.{persona}",
                "is the all-zero placeholder `clinicgen init` and `fleet init` write: put the "
                "real group's object id (Entra ID > Groups > the group > Object Id)",
                group,
            )
        elif cloud == "azure" and not GUID.match(group):
            add(
                f"identity.{persona}",
                "must be an Entra ID group object id (a GUID like "
                "6f1c2a9e-0b7d-4c1e-9a55-2f3e4d5c6b7a) when cloud is azure",
                group,
            )
        if cloud == "gcp" and not GCP_GROUP.match(group):
            add(
                f"identity.{persona}",
                "must be a Google group as group:name@domain when cloud is gcp",
                group,
            )


def _check_sites(sites: Any, cloud: str | None, add: Any) -> None:
    if not isinstance(sites, list):
        return
    first_use: dict[str, int] = {}
    peers: dict[str, int] = {}
    routed: list[tuple[int, str, ipaddress.IPv4Network]] = []
    for index, site in enumerate(sites):
        if not isinstance(site, dict):
            continue
        site_id = site.get("id")
        _once(first_use, site_id, index, f"sites[{index}].id", add, "duplicate site id; {} it")
        connectivity = site.get("connectivity")
        if not isinstance(connectivity, dict):
            continue
        if cloud == "gcp" and connectivity.get("routing") == "static":
            add(
                f"sites[{index}].connectivity.routing",
                "Google Cloud HA VPN routes only with BGP: use bgp or leave it out",
                "static",
            )
        if connectivity.get("vpn_crypto") is not None and not connectivity.get("vpn_peer_ip"):
            add(
                f"sites[{index}].connectivity.vpn_crypto",
                "applies to a site with a VPN only: set connectivity.vpn_peer_ip or remove it",
                connectivity["vpn_crypto"],
            )
        # One device terminates one site's tunnel: a second site on the same address would
        # replace the first site's connection in the cloud gateway.
        peer_path = f"sites[{index}].connectivity.vpn_peer_ip"
        message = "{} this VPN peer; each site needs its own"
        _once(peers, connectivity.get("vpn_peer_ip"), index, peer_path, add, message)
        for range_index, network in _networks(connectivity.get("onprem_ranges")):
            for other_index, other_id, other in routed:
                if other_index != index and network.overlaps(other):
                    add(
                        f"sites[{index}].connectivity.onprem_ranges[{range_index}]",
                        f"overlaps {other} at sites[{other_index}] ({other_id}); two sites "
                        "cannot both route the same range",
                        str(network),
                    )
            routed.append((index, str(site_id), network))


def _once(seen: dict[str, int], value: Any, index: int, path: str, add: Any, message: str) -> None:
    """Report `value` at `path` when an earlier site used it; `message`'s `{}` becomes
    "sites[N] already uses", naming that site."""
    if not isinstance(value, str):
        return
    if value in seen:
        add(path, message.format(f"sites[{seen[value]}] already uses"), value)
    else:
        seen[value] = index


def _check_telehealth_domain(
    doc: dict[str, Any], telehealth: dict[str, Any], sessions: Any, add: Any
) -> None:
    """On Google Cloud a WAF (WL-TEL-01) means an HTTPS load balancer whose Google-managed
    certificate needs the name patients open."""
    practice = doc.get("practice")
    cloud = practice.get("cloud") if isinstance(practice, dict) else None
    threshold = int(load("skus")["telehealth"]["waf_min_peak_sessions"])
    guarded = isinstance(sessions, int) and not isinstance(sessions, bool) and sessions >= threshold
    if cloud == "gcp" and guarded and not telehealth.get("domain"):
        add(
            "telehealth.domain",
            f"is required on Google Cloud when peak_concurrent_sessions >= {threshold}: a WAF"
            " guards the front end behind an HTTPS load balancer, whose managed certificate"
            " needs the name patients open (like telehealth.example.org)",
        )


def _check_telehealth_and_backup(doc: dict[str, Any], add: Any) -> None:
    telehealth = doc.get("telehealth")
    if isinstance(telehealth, dict) and telehealth.get("enabled") is True:
        sessions = telehealth.get("peak_concurrent_sessions")
        if isinstance(sessions, int) and not isinstance(sessions, bool) and sessions < 1:
            add(
                "telehealth.peak_concurrent_sessions",
                "must be >= 1 when telehealth.enabled is true",
                sessions,
            )
        _check_telehealth_domain(doc, telehealth, sessions, add)
        if not telehealth.get("image"):
            add(
                "telehealth.image",
                "is required when telehealth.enabled is true: the container image patients"
                " reach (registry/path:tag or @sha256 digest)",
            )
    backup = doc.get("backup")
    practice = doc.get("practice")
    compliance = practice.get("compliance") if isinstance(practice, dict) else None
    if isinstance(backup, dict) and isinstance(compliance, list) and "hipaa" in compliance:
        years = backup.get("retention_years")
        minimum = load("practice")["compliance"]["hipaa"]["minimum_retention_years"]
        if isinstance(years, int) and not isinstance(years, bool) and years < minimum:
            add(
                "backup.retention_years",
                f"must be >= {minimum} under hipaa (security "
                "documentation is kept 6 years, 45 CFR 164.316(b)(2))",
                years,
            )
