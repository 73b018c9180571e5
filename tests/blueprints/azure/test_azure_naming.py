"""Azure names: every name fits its kind's rule for every practice id a profile accepts, globally
unique names differ between practices, and a name that breaks a rule is refused with the rule."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from blueprints.azure import naming
from blueprints.azure.context import AzureContext
from blueprints.azure.telehealth import communication_data_location
from generator.profile.schema import SLUG_PATTERN
from generator.sizing.platform import platform_facts

SLUGS = st.from_regex(SLUG_PATTERN.removesuffix(r"\Z"), fullmatch=True)


@given(SLUGS)
def test_global_names_fit_their_rules(practice_id: str) -> None:
    for kind, (rule, prefix) in naming.GLOBAL_NAMES.items():
        name = naming.global_name(kind, practice_id)
        assert rule.min_length <= len(name) <= rule.max_length, kind
        assert re.fullmatch(rule.pattern, name), kind
        assert name.startswith(prefix)
        assert name == naming.global_name(kind, practice_id)


@given(SLUGS, SLUGS)
def test_two_practices_never_share_a_global_name(first: str, second: str) -> None:
    assume(first != second)
    for kind in naming.GLOBAL_NAMES:
        assert naming.global_name(kind, first) != naming.global_name(kind, second)


@given(SLUGS, SLUGS)
def test_scoped_names_fit_for_any_practice_and_site(practice_id: str, site_id: str) -> None:
    naming.resource_group(practice_id, "telehealth")
    naming.scoped(naming.NETWORK, "lgw", practice_id, site_id)
    naming.scoped(naming.NETWORK, "nsg", practice_id, "telehealth")
    naming.scoped(naming.VIRTUAL_MACHINE, "vm", practice_id, "ehr6")
    naming.scoped(naming.LOG_WORKSPACE, "log", practice_id)
    naming.scoped(naming.RECOVERY_VAULT, "rsv", practice_id)
    naming.scoped(naming.POLICY_ASSIGNMENT, practice_id, "a169a624")


@pytest.mark.parametrize(
    ("rule", "name"),
    [
        (naming.KEY_VAULT, "kv-" + "x" * 22),  # 25 characters
        (naming.KEY_VAULT, "kv--riverside"),  # consecutive hyphens
        (naming.KEY_VAULT, "1kv-riverside"),  # starts with a digit
        (naming.STORAGE_ACCOUNT, "st-riverside"),  # hyphen
        (naming.STORAGE_ACCOUNT, "stRiverside"),  # uppercase
        (naming.NETWORK, "nsg-riverside-"),  # ends with a hyphen
        (naming.HEALTH_WORKSPACE, "hd"),  # too short
    ],
)
def test_a_name_that_breaks_its_rule_is_refused_with_the_reason(
    rule: naming.NameRule, name: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(rule.reason)):
        rule.check(name)


@pytest.mark.parametrize(
    ("region", "geography"),
    [("eastus", "United States"), ("westeurope", "Europe"), ("uksouth", "UK")],
)
def test_communication_data_stays_in_the_practices_geography(region: str, geography: str) -> None:
    assert communication_data_location(context_in(region)) == geography


def test_a_region_without_a_known_geography_is_refused() -> None:
    with pytest.raises(ValueError, match="nowhere"):
        communication_data_location(context_in("nowhere"))


def context_in(region: str) -> AzureContext:
    return AzureContext("maple", region, {}, platform_facts("azure").value)
