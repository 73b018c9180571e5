"""Google Cloud profile choices from issue 12: the telehealth domain is needed only where a WAF
load balancer needs a certificate, and org policies are off unless the profile says so."""

from __future__ import annotations

from generator.profile.normalise import build_profile
from generator.profile.validate import validate_document
from tests.profile.test_invalid_profiles import GCP, base_profile, put


def _gcp(*mutations: object) -> dict[str, object]:
    doc = base_profile()
    GCP(doc)
    for mutate in mutations:
        mutate(doc)  # type: ignore[operator]
    return doc


def test_below_the_waf_threshold_no_domain_is_needed() -> None:
    _, problems = validate_document(_gcp(put("telehealth.peak_concurrent_sessions", 24)), "p")
    assert problems == []


def test_a_domain_satisfies_the_waf_load_balancer() -> None:
    doc = _gcp(
        put("telehealth.peak_concurrent_sessions", 25),
        put("telehealth.domain", "telehealth.riverside.example"),
    )
    normalised, problems = validate_document(doc, "p")
    assert problems == []
    assert build_profile(normalised, "p").telehealth.domain == "telehealth.riverside.example"


def test_org_policies_default_to_off() -> None:
    normalised, problems = validate_document(_gcp(), "p")
    assert problems == []
    assert build_profile(normalised, "p").practice.gcp_org_policies is False


def test_conditional_access_defaults_to_off_and_azure_may_opt_in() -> None:
    normalised, problems = validate_document(base_profile(), "p")
    assert problems == []
    assert build_profile(normalised, "p").conditional_access is False
    doc = base_profile()
    put("identity.conditional_access", True)(doc)
    normalised, problems = validate_document(doc, "p")
    assert problems == []
    profile = build_profile(normalised, "p")
    assert profile.conditional_access is True
    assert [group.persona for group in profile.identity] == ["platform_admins", "security_auditors"]
