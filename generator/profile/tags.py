"""The practice's tags held to its cloud's rules: Azure tags on Azure, Google Cloud labels on
Google Cloud (catalog tags.yaml, each rule with its source).

The blueprints apply the tags exactly as written, plus clinicgen's own keys, so whatever the
cloud would refuse, or silently drop, is refused here, with the rule that says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator.catalog import load

# (path under practice.tags, message, the value to show or None)
TagProblem = tuple[str, str, Any]


def _user_limit(rules: dict[str, Any]) -> int:
    """How many tags a profile may set: the cloud's smallest per-resource limit less
    clinicgen's own."""
    return int(rules["max_tags"]) - len(load("tags")["added"])


def tags_description() -> str:
    """What the profile's `practice.tags` may hold, for the schema and docs/profile.md."""
    catalog = load("tags")
    azure, gcp = catalog["azure"], catalog["gcp"]
    added = " and ".join(catalog["added"])
    forbidden = " ".join(azure["name_forbidden_characters"])
    return (
        "Tags (Azure) or labels (Google Cloud) on every resource, held to the practice's"
        f" cloud. Azure: names up to {azure['name_max_length']} characters without {forbidden},"
        f" unique ignoring case; values up to {azure['value_max_length']} characters; at most"
        f" {_user_limit(azure)} tags (private DNS zones take {azure['max_tags']} and clinicgen"
        f" adds {added}); private DNS zones and their links carry only the tags whose names"
        " Azure DNS keeps (letters, digits, '.', '-', '_', not starting with a digit). Google"
        " Cloud: keys and values up to 63 lowercase letters, digits, '_' or '-', keys starting"
        f" with a letter; at most {_user_limit(gcp)} labels."
    )


def tag_problems(tags: dict[str, Any], cloud: str) -> Iterator[TagProblem]:
    """Every way `tags` breaks `cloud`'s rules. Only text keys and values are judged: the
    schema reports the rest."""
    catalog = load("tags")
    rules = catalog[cloud]
    texts = {k: v for k, v in tags.items() if isinstance(k, str) and isinstance(v, str)}
    limit = _user_limit(rules)
    noun = "tag" if cloud == "azure" else "label"
    if len(tags) > limit:
        yield (
            "",
            f"may have at most {limit} {noun}s on {_CLOUD[cloud]}: {rules['max_tags_on']} take"
            f" at most {rules['max_tags']} and clinicgen adds {' and '.join(catalog['added'])}"
            f" (got {len(tags)})",
            None,
        )
    fold = str.lower if rules.get("names_case_insensitive") else str
    added = {fold(key): key for key in catalog["added"]}
    seen: dict[str, str] = {}
    for key, value in texts.items():
        folded = fold(key)
        if folded in added:
            yield (
                key,
                f"is the {noun} clinicgen sets on every resource ({added[folded]}); use"
                " another name",
                key,
            )
        elif folded in seen:
            yield key, f"is the same Azure tag as {seen[folded]!r}: tag names ignore case", key
        seen.setdefault(folded, key)
        yield from (_azure if cloud == "azure" else _gcp)(key, value, rules)


_CLOUD = {"azure": "Azure", "gcp": "Google Cloud"}


def _azure(key: str, value: str, rules: dict[str, Any]) -> Iterator[TagProblem]:
    forbidden = sorted(set(key) & set(rules["name_forbidden_characters"]))
    if not key:
        yield key, "an Azure tag name must not be empty", key
    if forbidden:
        yield key, f"an Azure tag name may not contain {' '.join(forbidden)}", key
    if len(key) > rules["name_max_length"]:
        yield (
            key,
            f"an Azure tag name may have at most {rules['name_max_length']} characters"
            " (storage accounts' limit)",
            key,
        )
    if len(value) > rules["value_max_length"]:
        yield (
            key,
            f"an Azure tag value may have at most {rules['value_max_length']} characters",
            value,
        )


def _gcp(key: str, value: str, rules: dict[str, Any]) -> Iterator[TagProblem]:
    if not re.fullmatch(rules["key_pattern"], key):
        yield (
            key,
            "must be a Google Cloud label key: 1-63 lowercase letters, digits, _ or -,"
            " starting with a letter",
            key,
        )
    if not re.fullmatch(rules["value_pattern"], value):
        yield (
            key,
            "must be a Google Cloud label value: up to 63 lowercase letters, digits, _ or -",
            value,
        )
