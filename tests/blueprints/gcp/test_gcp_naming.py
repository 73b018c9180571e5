"""Google Cloud names: always within the limit of their kind, stable, and distinct."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blueprints.gcp import naming
from tests.blueprints.gcp import gcp_runs as g
from tests.blueprints.practice_runs import PracticeRun

SLUG = st.from_regex(r"[a-z][a-z0-9-]{1,22}", fullmatch=True).filter(lambda s: not s.endswith("-"))
LIMITS = [
    naming.COMPUTE,
    naming.SERVICE_ACCOUNT,
    naming.BUCKET,
    naming.KMS,
    naming.CLOUD_RUN,
    naming.BACKUP,
    naming.LOG_BUCKET,
]
# Which input names each kind of resource, and the limit it must meet.
NAMED = {
    g.NETWORK: ("name", naming.COMPUTE),
    g.SUBNETWORK: ("name", naming.COMPUTE),
    g.FIREWALL: ("name", naming.COMPUTE),
    g.INSTANCE: ("name", naming.COMPUTE),
    g.DISK: ("name", naming.COMPUTE),
    g.TUNNEL: ("name", naming.COMPUTE),
    g.ROUTER_INTERFACE: ("name", naming.COMPUTE),
    g.ROUTER_PEER: ("name", naming.COMPUTE),
    g.EXTERNAL_GATEWAY: ("name", naming.COMPUTE),
    g.ACCOUNT: ("accountId", naming.SERVICE_ACCOUNT),
    g.BUCKET: ("name", naming.BUCKET),
    g.KEY_RING: ("name", naming.KMS),
    g.CRYPTO_KEY: ("name", naming.KMS),
    g.CLOUD_RUN: ("name", naming.CLOUD_RUN),
    g.VAULT: ("backupVaultId", naming.BACKUP),
    g.BACKUP_PLAN: ("backupPlanId", naming.BACKUP),
    g.LOG_BUCKET: ("bucketId", naming.LOG_BUCKET),
    g.SECRET: ("secretId", naming.SECRET),
}


@pytest.mark.parametrize("limit", LIMITS, ids=lambda limit: limit.reason[:30])
@given(practice=SLUG, site=SLUG, role=SLUG)
def test_fitted_names_are_always_valid(
    limit: naming.NameLimit, practice: str, site: str, role: str
) -> None:
    name = naming.fit(limit, practice, site, role)
    assert limit.min_length <= len(name) <= limit.max_length
    assert limit.pattern.fullmatch(name)
    assert name == naming.fit(limit, practice, site, role)


@given(practice=SLUG, first=SLUG, second=SLUG)
def test_trimmed_names_stay_distinct(practice: str, first: str, second: str) -> None:
    long = "x" * 40
    names = {naming.fit(naming.COMPUTE, practice, long, site) for site in (first, second)}
    assert len(names) == len({first, second})


def test_short_names_are_kept_as_written() -> None:
    assert naming.fit(naming.COMPUTE, "harbor", "clinic", "tunnel-0") == "harbor-clinic-tunnel-0"
    assert len(naming.fit(naming.SERVICE_ACCOUNT, "a" * 23, "telehealth")) == 30


@given(practice=SLUG, project=SLUG, other=SLUG)
def test_bucket_suffix_is_stable_and_tells_projects_apart(
    practice: str, project: str, other: str
) -> None:
    suffix = naming.unique_suffix(practice, project)
    assert suffix == naming.unique_suffix(practice, project)
    assert len(suffix) == naming.SUFFIX_LENGTH
    if other != project:
        assert suffix != naming.unique_suffix(practice, other)


def test_every_deployed_name_is_within_its_limit(practice: PracticeRun) -> None:
    checked = 0
    for resource in practice.all_resources():
        if resource.type in NAMED:
            key, limit = NAMED[resource.type]
            name = resource.inputs[key]
            assert limit.min_length <= len(name) <= limit.max_length, name
            assert limit.pattern.fullmatch(name), name
            checked += 1
    assert checked > 20
