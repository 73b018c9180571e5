"""The catalogue of invalid profiles: each gets exit status 2, the exact field path and
message on one line, and no traceback."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.catalog import load

AZURE_GROUP = "6f1c2a9e-0b7d-4c1e-9a55-2f3e4d5c6b7a"
AUDIT_GROUP = "0d9e8f7a-1b2c-4d3e-8f90-a1b2c3d4e5f6"


def base_profile() -> dict[str, Any]:
    return {
        "version": 1,
        "practice": {
            "name": "Riverside Family Health",
            "id": "riverside",
            "cloud": "azure",
            "region": "eastus",
            "dr_region": "westus2",
            "compliance": ["hipaa"],
            "jurisdiction": "US-CA",
            "address_pool": "10.64.0.0/12",
            "reserved_ranges": ["192.168.0.0/16"],
            "tags": {"cost-center": "4410"},
        },
        "sites": [
            {
                "id": "main",
                "name": "Main Street Clinic",
                "kind": "clinic",
                "staff": 45,
                "specialties": ["primary-care", "pediatrics", "radiology"],
                "devices": {"workstations": 40, "medical_devices": 25, "imaging_modalities": 3},
                "connectivity": {
                    "bandwidth_mbps": 500,
                    "vpn_peer_ip": "203.0.113.10",
                    "onprem_ranges": ["192.168.10.0/24"],
                },
            },
            {
                "id": "north",
                "name": "North Clinic",
                "kind": "clinic",
                "staff": 12,
                "connectivity": {"bandwidth_mbps": 100},
            },
            {
                "id": "lab",
                "name": "Lab",
                "kind": "clinic",
                "staff": 6,
                "devices": {"medical_devices": 4},
                "connectivity": {"bandwidth_mbps": 100, "onprem_ranges": ["172.20.0.0/24"]},
            },
        ],
        "telehealth": {
            "enabled": True,
            "peak_concurrent_sessions": 20,
            "recording": False,
            "image": "ghcr.io/riverside/telehealth:2.3.1",
        },
        "workloads": {"ehr": "saas", "pacs": "auto", "fhir": True},
        "identity": {"platform_admins": AZURE_GROUP, "security_auditors": AUDIT_GROUP},
        "backup": {"rpo_hours": 24, "retention_years": 7},
    }


def put(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets (or, with value DELETE, removes) the field at a dotted path."""

    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = _steps(path)
        node: Any = doc
        for step in parents:
            node = node[step]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value

    return mutate


def _steps(path: str) -> list[Any]:
    steps: list[Any] = []
    for part in path.replace("]", "").split("."):
        name, *indices = part.split("[")
        steps.append(name)
        steps.extend(int(index) for index in indices)
    return steps


DELETE = object()


def both(*mutations: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(doc)

    return mutate


GCP = both(
    put("practice.cloud", "gcp"),
    put("practice.region", "us-central1"),
    put("practice.dr_region", "us-east1"),
    put("practice.gcp_project", "riverside-prod-4821"),
    put("identity.platform_admins", "group:admins@riverside.example"),
    put("identity.security_auditors", "group:audit@riverside.example"),
)

# (case id, mutation, expected line after "FILE: ")
CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "unknown-modality",
        put("sites[0].devices.modalities", {"mammo": 1}),
        "sites[0].devices.modalities.mammo: must be one of: radiography, mammography,"
        " tomosynthesis, dental-cbct (did you mean 'mammography'?) (got 'mammo')",
    ),
    (
        "zero-modality-units",
        put("sites[0].devices.modalities", {"dental-cbct": 0}),
        "sites[0].devices.modalities.dental-cbct: must be >= 1 (got 0)",
    ),
    (
        "boolean-staff",
        put("sites[0].staff", True),
        "sites[0].staff: must be a whole number, not true or false (got true)",
    ),
    (
        "boolean-workstations",
        put("sites[0].devices.workstations", True),
        "sites[0].devices.workstations: must be a whole number, not true or false (got true)",
    ),
    (
        "missing-staff",
        put("sites[1].staff", DELETE),
        "sites[1].staff: is required",
    ),
    (
        "placeholder-group-id",
        put("identity.platform_admins", "00000000-0000-0000-0000-000000000000"),
        "identity.platform_admins: is the all-zero placeholder `clinicgen init` and `fleet init` write: put the "
        "real group's object id (Entra ID > Groups > the group > Object Id) "
        "(got '00000000-0000-0000-0000-000000000000')",
    ),
    (
        "duplicate-vpn-peer",
        put("sites[1].connectivity.vpn_peer_ip", "203.0.113.10"),
        "sites[1].connectivity.vpn_peer_ip: sites[0] already uses this VPN peer; each site "
        "needs its own (got '203.0.113.10')",
    ),
    (
        "negative-device-count",
        put("sites[2].devices.medical_devices", -4),
        "sites[2].devices.medical_devices: must be >= 0 (got -4)",
    ),
    (
        "telehealth-without-image",
        put("telehealth", {"enabled": True, "peak_concurrent_sessions": 5}),
        "telehealth.image: is required when telehealth.enabled is true: the container image "
        "patients reach (registry/path:tag or @sha256 digest)",
    ),
    (
        "telehealth-image-without-registry-or-tag",
        put("telehealth", {"enabled": True, "peak_concurrent_sessions": 5, "image": "portal"}),
        "telehealth.image: must be an image like ghcr.io/riverside/telehealth:2.3.1 or "
        "...@sha256:<64 hex digits> (got 'portal')",
    ),
    (
        "static-routing-on-google-cloud",
        both(GCP, put("sites[0].connectivity.routing", "static")),
        "sites[0].connectivity.routing: Google Cloud HA VPN routes only with BGP: use bgp or "
        "leave it out (got 'static')",
    ),
    (
        "conditional-access-on-google-cloud",
        both(GCP, put("identity.conditional_access", True)),
        "identity.conditional_access: is for Azure (an Entra ID Conditional Access policy); on "
        "Google Cloud enforce 2-Step Verification for the groups in the Admin console, as the "
        "runbook says (got true)",
    ),
    (
        "conditional-access-not-boolean",
        put("identity.conditional_access", "yes"),
        "identity.conditional_access: must be true or false (got 'yes')",
    ),
    (
        "unknown-routing",
        put("sites[0].connectivity.routing", "ospf"),
        "sites[0].connectivity.routing: must be one of: static, bgp (got 'ospf')",
    ),
    (
        "unknown-top-level-key",
        put("telehelth", {}),
        "telehelth: unknown key (did you mean 'telehealth'?) (got {})",
    ),
    (
        "unknown-device-key",
        put("sites[0].devices.workstation", 3),
        "sites[0].devices.workstation: unknown key (did you mean 'workstations'?) (got 3)",
    ),
    ("missing-version", put("version", DELETE), "version: is required"),
    ("wrong-version", put("version", 2), "version: must be one of: 1 (got 2)"),
    ("missing-practice-id", put("practice.id", DELETE), "practice.id: is required"),
    *(
        (
            f"practice-id-{practice_id}",
            put("practice.id", practice_id),
            "practice.id: must not contain `-site-` or end in `-site`: another practice's stack "
            f"could then have the same name as one of this practice's (got '{practice_id}')",
        )
        # `ab-site-cd`'s core stack is `ab`'s site `cd-core`; `ab-site`'s site `x` is `ab`'s
        # site `site-x`.
        for practice_id in ("ab-site-cd", "ab-site")
    ),
    (
        "practice-id-uppercase",
        put("practice.id", "Riverside"),
        "practice.id: must be a slug: 2-23 lowercase letters, digits or single hyphens, starting "
        "with a letter and not ending with a hyphen (got 'Riverside')",
    ),
    (
        "practice-id-path-separator",
        put("practice.id", "../etc"),
        "practice.id: must be a slug: 2-23 lowercase letters, digits or single hyphens, starting "
        "with a letter and not ending with a hyphen (got '../etc')",
    ),
    (
        "site-id-with-dot",
        put("sites[1].id", "north.clinic"),
        "sites[1].id: must be a slug: 2-23 lowercase letters, digits or single hyphens, starting "
        "with a letter and not ending with a hyphen (got 'north.clinic')",
    ),
    (
        "site-id-trailing-newline",
        put("sites[1].id", "north\n"),
        "sites[1].id: must be a slug: 2-23 lowercase letters, digits or single hyphens, starting "
        "with a letter and not ending with a hyphen (got 'north\\n')",
    ),
    (
        "site-id-trailing-hyphen",
        put("sites[1].id", "north-"),
        "sites[1].id: must be a slug: 2-23 lowercase letters, digits or single hyphens, starting "
        "with a letter and not ending with a hyphen (got 'north-')",
    ),
    (
        "site-id-double-hyphen",
        put("sites[1].id", "north--a"),
        "sites[1].id: must be a slug: 2-23 lowercase letters, digits or single hyphens, starting "
        "with a letter and not ending with a hyphen (got 'north--a')",
    ),
    (
        "unknown-cloud",
        put("practice.cloud", "aws"),
        "practice.cloud: must be one of: azure, gcp (got 'aws')",
    ),
    (
        "azure-region-typo",
        put("practice.region", "eastuss"),
        "practice.region: is not an Azure region (did you mean 'eastus'?) (got 'eastuss')",
    ),
    (
        "gcp-region-on-azure",
        put("practice.region", "us-central1"),
        "practice.region: is not an Azure region but a Google Cloud one; is practice.cloud right? "
        "(got 'us-central1')",
    ),
    (
        "dr-region-equals-region",
        put("practice.dr_region", "eastus"),
        "practice.dr_region: must differ from practice.region: a DR copy in the same region does "
        "not survive a regional outage (got 'eastus')",
    ),
    (
        "gcp-without-project",
        both(GCP, put("practice.gcp_project", DELETE)),
        "practice.gcp_project: is required when practice.cloud is gcp",
    ),
    (
        "gcp-waf-telehealth-without-domain",
        both(GCP, put("telehealth.peak_concurrent_sessions", 25)),
        "telehealth.domain: is required on Google Cloud when peak_concurrent_sessions >= 25: a"
        " WAF guards the front end behind an HTTPS load balancer, whose managed certificate"
        " needs the name patients open (like telehealth.example.org)",
    ),
    (
        "telehealth-domain-not-a-hostname",
        put("telehealth.domain", "https://telehealth.riverside.example/"),
        "telehealth.domain: must be a fully qualified domain name like"
        " telehealth.riverside.example (got 'https://telehealth.riverside.example/')",
    ),
    (
        "gcp-org-policies-on-azure",
        put("practice.gcp_org_policies", False),
        "practice.gcp_org_policies: applies to Google Cloud only; remove it (practice.cloud is"
        " azure, whose compliance initiatives are Azure Policy assignments) (got false)",
    ),
    (
        "gcp-org-policies-not-boolean",
        both(GCP, put("practice.gcp_org_policies", "yes")),
        "practice.gcp_org_policies: must be true or false (got 'yes')",
    ),
    (
        "min-firewall-tier-on-gcp",
        both(GCP, put("practice.min_firewall_tier", "standard")),
        "practice.min_firewall_tier: applies to Azure only; remove it (practice.cloud is gcp,"
        " whose firewall posture is VPC firewall rules, which have no tier) (got 'standard')",
    ),
    (
        "min-firewall-tier-unknown",
        put("practice.min_firewall_tier", "basic"),
        "practice.min_firewall_tier: must be one of: none, standard, premium (got 'basic')",
    ),
    (
        "vpn-crypto-unknown",
        put("practice.vpn_crypto", "aes-128-cbc"),
        "practice.vpn_crypto: must be one of: cnsa, aes256-sha256-dh14 (got 'aes-128-cbc')",
    ),
    (
        "site-vpn-crypto-without-a-vpn",
        both(
            put("sites[0].connectivity.vpn_peer_ip", None),
            put("sites[0].connectivity.vpn_crypto", "aes256-sha256-dh14"),
        ),
        "sites[0].connectivity.vpn_crypto: applies to a site with a VPN only: set"
        " connectivity.vpn_peer_ip or remove it (got 'aes256-sha256-dh14')",
    ),
    (
        "gcp-bad-project-id",
        both(GCP, put("practice.gcp_project", "Riverside_Prod")),
        "practice.gcp_project: must be a GCP project id: 6-30 lowercase letters, digits or hyphens "
        "(got 'Riverside_Prod')",
    ),
    (
        "gcp-group-as-guid",
        both(GCP, put("identity.platform_admins", AZURE_GROUP)),
        "identity.platform_admins: must be a Google group as group:name@domain when cloud is gcp "
        f"(got '{AZURE_GROUP}')",
    ),
    (
        "azure-group-as-email",
        put("identity.security_auditors", "group:audit@x.example"),
        "identity.security_auditors: must be an Entra ID group object id (a GUID like "
        "6f1c2a9e-0b7d-4c1e-9a55-2f3e4d5c6b7a) when cloud is azure (got 'group:audit@x.example')",
    ),
    (
        "missing-required-persona",
        put("identity.security_auditors", DELETE),
        "identity.security_auditors: is required",
    ),
    (
        "unknown-persona",
        put("identity.platform_admin", AZURE_GROUP),
        f"identity.platform_admin: unknown key (did you mean 'platform_admins'?) (got '{AZURE_GROUP}')",
    ),
    (
        "compliance-unknown",
        put("practice.compliance", ["hipaa", "soc2"]),
        "practice.compliance[1]: must be one of: hipaa, hitrust, gdpr, nen7510 (got 'soc2')",
    ),
    (
        "compliance-empty",
        put("practice.compliance", []),
        "practice.compliance: needs at least 1 item (got [])",
    ),
    (
        "pool-host-bits",
        put("practice.address_pool", "10.64.0.1/12"),
        "practice.address_pool: has host bits set; did you mean 10.64.0.0/12? (got '10.64.0.1/12')",
    ),
    (
        "pool-not-cidr",
        put("practice.address_pool", "10.64.0.0/33"),
        "practice.address_pool: must be an IPv4 network in CIDR form like 10.64.0.0/12 "
        "(got '10.64.0.0/33')",
    ),
    (
        "pool-ipv6",
        put("practice.address_pool", "fd00::/48"),
        "practice.address_pool: must be an IPv4 network; IPv6 is not planned yet (got 'fd00::/48')",
    ),
    (
        "pool-public",
        put("practice.address_pool", "8.8.0.0/16"),
        "practice.address_pool: must be a private range (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, "
        "192.168.0.0/16) (got '8.8.0.0/16')",
    ),
    (
        "pool-too-small",
        put("practice.address_pool", "10.64.0.0/24"),
        "practice.address_pool: is too small: clinicgen needs at least a /22 for the cloud hub and "
        "one site (got '10.64.0.0/24')",
    ),
    (
        "reserved-covers-pool",
        put("practice.reserved_ranges", ["10.64.0.0/13", "10.72.0.0/13"]),
        "practice.reserved_ranges: cover the whole address_pool 10.64.0.0/12; nothing would be left "
        "to allocate (got ['10.64.0.0/13', '10.72.0.0/13'])",
    ),
    (
        "reserved-bad-cidr",
        put("practice.reserved_ranges", ["192.168.0.0"]),
        "practice.reserved_ranges[0]: needs a prefix length, like 192.168.0.0/24 "
        "(got '192.168.0.0')",
    ),
    (
        "vpn-peer-private",
        put("sites[0].connectivity.vpn_peer_ip", "10.1.1.1"),
        "sites[0].connectivity.vpn_peer_ip: must be a public address; a private or reserved "
        "address cannot terminate a site-to-cloud VPN (got '10.1.1.1')",
    ),
    (
        "vpn-peer-not-ip",
        put("sites[0].connectivity.vpn_peer_ip", "vpn.example.com"),
        "sites[0].connectivity.vpn_peer_ip: must be a public IPv4 address like 203.0.113.10 "
        "(got 'vpn.example.com')",
    ),
    (
        "onprem-overlap-between-sites",
        put("sites[2].connectivity.onprem_ranges", ["192.168.10.128/25"]),
        "sites[2].connectivity.onprem_ranges[0]: overlaps 192.168.10.0/24 at sites[0] (main); two "
        "sites cannot both route the same range (got '192.168.10.128/25')",
    ),
    (
        "duplicate-site-id",
        put("sites[2].id", "main"),
        "sites[2].id: duplicate site id; sites[0] already uses it (got 'main')",
    ),
    (
        "unknown-site-kind",
        put("sites[1].kind", "clinik"),
        "sites[1].kind: must be one of: clinic, hospital, imaging-center, urgent-care, admin-office, "
        "home-care-hub (did you mean 'clinic'?) (got 'clinik')",
    ),
    (
        "unknown-specialty",
        put("sites[0].specialties[2]", "radiolgy"),
        "sites[0].specialties[2]: must be one of: primary-care, pediatrics, radiology, cardiology, "
        "orthopedics, oncology, behavioral-health, dental, obstetrics, dermatology, ophthalmology, "
        "urgent-care, physical-therapy, laboratory, surgery (did you mean 'radiology'?) "
        "(got 'radiolgy')",
    ),
    ("staff-zero", put("sites[1].staff", 0), "sites[1].staff: must be >= 1 (got 0)"),
    (
        "staff-text",
        put("sites[1].staff", "twelve"),
        "sites[1].staff: must be a whole number (got 'twelve')",
    ),
    (
        "missing-bandwidth",
        put("sites[1].connectivity.bandwidth_mbps", DELETE),
        "sites[1].connectivity.bandwidth_mbps: is required",
    ),
    ("no-sites", put("sites", []), "sites: needs at least 1 item (got [])"),
    (
        "telehealth-yes-is-not-boolean",
        put("telehealth.enabled", "yes"),
        "telehealth.enabled: must be true or false (got 'yes')",
    ),
    (
        "telehealth-enabled-without-sessions",
        put("telehealth.peak_concurrent_sessions", 0),
        "telehealth.peak_concurrent_sessions: must be >= 1 when telehealth.enabled is true (got 0)",
    ),
    (
        "pacs-unknown",
        put("workloads.pacs", "maybe"),
        "workloads.pacs: must be one of: auto, on, off (got 'maybe')",
    ),
    (
        "ehr-unknown",
        put("workloads.ehr", "onprem"),
        "workloads.ehr: must be one of: saas, hosted (got 'onprem')",
    ),
    (
        "retention-below-hipaa",
        put("backup.retention_years", 3),
        "backup.retention_years: must be >= 6 under hipaa (security documentation is kept 6 years, "
        "45 CFR 164.316(b)(2)) (got 3)",
    ),
    ("rpo-zero", put("backup.rpo_hours", 0), "backup.rpo_hours: must be >= 1 (got 0)"),
    (
        "jurisdiction-lowercase",
        put("practice.jurisdiction", "us-ca"),
        "practice.jurisdiction: must be an ISO 3166 code: a country like GB, or a subdivision like "
        "US-CA or GB-ENG (got 'us-ca')",
    ),
    (
        "gcp-label-uppercase-key",
        both(GCP, put("practice.tags", {"CostCenter": "1"})),
        "practice.tags.CostCenter: must be a Google Cloud label key: 1-63 lowercase letters, "
        "digits, _ or -, starting with a letter (got 'CostCenter')",
    ),
    (
        "gcp-label-uppercase-value",
        both(GCP, put("practice.tags", {"environment": "Production"})),
        "practice.tags.environment: must be a Google Cloud label value: up to 63 lowercase "
        "letters, digits, _ or - (got 'Production')",
    ),
    (
        "gcp-label-clinicgen-sets",
        both(GCP, put("practice.tags", {"practice": "other"})),
        "practice.tags.practice: is the label clinicgen sets on every resource (practice); use "
        "another name (got 'practice')",
    ),
    (
        "gcp-too-many-labels",
        both(GCP, put("practice.tags", {f"label-{n}": "x" for n in range(63)})),
        "practice.tags: may have at most 62 labels on Google Cloud: Google Cloud resources take "
        "at most 64 and clinicgen adds managed-by and practice (got 63)",
    ),
    (
        "azure-tag-name-with-a-slash",
        put("practice.tags", {"Cost/Center": "4410"}),
        "practice.tags.Cost/Center: an Azure tag name may not contain / (got 'Cost/Center')",
    ),
    (
        "azure-tag-names-differ-only-in-case",
        put("practice.tags", {"Environment": "Production", "environment": "Test"}),
        "practice.tags.environment: is the same Azure tag as 'Environment': tag names ignore "
        "case (got 'environment')",
    ),
    (
        "azure-tag-clinicgen-sets-in-other-case",
        put("practice.tags", {"Managed-By": "msp"}),
        "practice.tags.Managed-By: is the tag clinicgen sets on every resource (managed-by); use "
        "another name (got 'Managed-By')",
    ),
    (
        "azure-tag-name-too-long-for-storage-accounts",
        put("practice.tags", {"n" * 129: "x"}),
        "practice.tags." + "n" * 129 + ": an Azure tag name may have at most 128 characters "
        "(storage accounts' limit) (got '" + "n" * 76 + "...)",
    ),
    (
        "azure-tag-value-too-long",
        put("practice.tags", {"Owner": "v" * 257}),
        "practice.tags.Owner: an Azure tag value may have at most 256 characters (got '"
        + "v" * 76
        + "...)",
    ),
    (
        "azure-too-many-tags-for-private-dns-zones",
        put("practice.tags", {f"Tag {n}": "x" for n in range(14)}),
        "practice.tags: may have at most 13 tags on Azure: private DNS zones and their virtual "
        "network links take at most 15 and clinicgen adds managed-by and practice (got 14)",
    ),
    ("sites-not-a-list", put("sites", {"main": {}}), "sites: must be a list (got {'main': {}})"),
    (
        "waiver-without-reason",
        put("waivers", [{"check": "CG-AZ-NET-001"}]),
        "waivers[0].reason: is required",
    ),
    (
        "waiver-of-an-unknown-check",
        put("waivers", [{"check": "CG-AZ-NET-999", "reason": "no such check exists"}]),
        "waivers[0].check: is not a clinicgen check id (see `clinicgen check --list`) "
        "(got 'CG-AZ-NET-999')",
    ),
    (
        "waiver-of-a-deployability-rule",
        put("waivers", [{"check": "CG-AZ-DEP-001", "reason": "we accept the risk"}]),
        "waivers[0].check: is a deployability rule: the cloud would still reject the resource, "
        "so no waiver applies; fix the resource (got 'CG-AZ-DEP-001')",
    ),
    (
        "waiver-of-a-checkov-id",
        put("waivers", [{"check": "CKV_AZURE_110", "reason": "wrong tool's id"}]),
        "waivers[0].check: is a Checkov check: name the resource it is waived for (`resource:`); "
        "a scanner waiver never covers a whole check (got 'CKV_AZURE_110')",
    ),
    (
        "lone-secure-tag",
        put("practice.tags", {"secure": "x"}),
        "practice.tags: a lone tag named `secure` reads as an encrypted secret in Pulumi config; "
        "rename it or add another tag (got {'secure': 'x'})",
    ),
]

# Six levels of ten aliases each: a million values from a few hundred bytes.
ALIAS_BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]\n" for level in range(1, 6)
)

# File-level problems: (case id, file text, expected line after "FILE: ")
RAW_CASES = [
    ("empty-file", "", "the file is empty; start from `clinicgen init`"),
    ("comment-only", "# nothing yet\n", "the file is empty; start from `clinicgen init`"),
    ("list-document", "- a\n- b\n", "a profile must be a mapping of keys to values, not a list"),
    (
        "scalar-document",
        "hello\n",
        "a profile must be a mapping of keys to values, not a single value",
    ),
    (
        "python-tag",
        "version: !!python/object/apply:os.system ['true']\n",
        "line 1, column 10: YAML tag tag:yaml.org,2002:python/object/apply:os.system is not "
        "allowed: the file is plain data",
    ),
    (
        "syntax-error",
        "practice:\n  name: [unclosed\n",
        "line 3, column 1: expected ',' or ']', but got '<stream end>' (while parsing a flow "
        "sequence at line 2)",
    ),
    (
        "duplicate-key",
        "version: 1\nversion: 1\n",
        "line 2, column 1: duplicate key 'version' (key 'version' first defined at line 1)",
    ),
    (
        "tab-indent",
        "practice:\n\tname: x\n",
        "line 2, column 1: found character '\\t' that cannot start any token",
    ),
    ("alias-bomb", ALIAS_BOMB, "the document expands to more than 200000 values (YAML aliases?)"),
    ("not-utf8", b"version: 1\nname: \xff\xfe\n", "is not UTF-8 text (byte 17)"),
    (
        "nested-3000-deep",
        "a: " + "[" * 3000 + "]" * 3000 + "\n",
        "line 1, column 35: nested more than 32 levels deep",
    ),
    (
        "lone-surrogate",
        'version: 1\npractice: {name: "Main \\ud800"}\n',
        "practice.name: contains a lone surrogate, which is not a character (got 'Main \\ud800')",
    ),
]


def _check(run_cli, path: Path, expected: str) -> None:
    result = run_cli("validate", path)
    assert result.exit_code == 2, result.output
    assert f"{path}: {expected}" in result.stderr.splitlines(), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(("mutate", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_profile_is_reported(run_cli, tmp_path, mutate, expected):
    document = copy.deepcopy(base_profile())
    mutate(document)
    path = tmp_path / "riverside.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    _check(run_cli, path, expected)


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in RAW_CASES], ids=[c[0] for c in RAW_CASES]
)
def test_unreadable_profile_is_reported(run_cli, tmp_path, text, expected):
    path = tmp_path / "broken.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    _check(run_cli, path, expected)


def test_missing_file_and_oversized_file(run_cli, tmp_path):
    _check(run_cli, tmp_path / "absent.yaml", "no such file")
    dangling = tmp_path / "linked.yaml"
    dangling.symlink_to(tmp_path / "moved-away.yaml")
    _check(
        run_cli,
        dangling,
        f"is a symbolic link to {tmp_path / 'moved-away.yaml'}, which does not exist",
    )
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 1_048_576)
    _check(run_cli, big, "is larger than 1048576 bytes, the most a profile file may be")


def test_endless_device_is_refused_after_a_bounded_read(run_cli):
    # A device reports size 0 to stat and never ends: only a bounded read stops.
    _check(
        run_cli, Path("/dev/zero"), "is larger than 1048576 bytes, the most a profile file may be"
    )


def test_base_profile_is_valid(run_cli, tmp_path):
    """The catalogue's base must itself be valid, or every case above proves nothing."""
    for name, mutate in (("azure", lambda doc: None), ("gcp", GCP)):
        document = base_profile()
        mutate(document)
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(document))
        result = run_cli("validate", path)
        assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    ("mutate", "tags"),
    [
        (lambda doc: None, {"Cost Center": 4410, "Environment": "Production", "Owner": "IT & Ops"}),
        (GCP, {"cost-center": 4410, "environment": "production", "owner": ""}),
    ],
    ids=["azure-tags", "gcp-labels"],
)
def test_each_cloud_takes_its_own_tags(run_cli, tmp_path, mutate, tags):
    """Ordinary Azure tags (capitals, spaces, any value) are valid on Azure; labels on GCP."""
    document = base_profile()
    mutate(document)
    document["practice"]["tags"] = tags
    path = tmp_path / "tags.yaml"
    path.write_text(yaml.safe_dump(document))
    result = run_cli("validate", path)
    assert result.exit_code == 0, result.stderr


def test_every_problem_is_reported_at_once(run_cli, tmp_path):
    document = base_profile()
    for case_id in ("negative-device-count", "unknown-cloud", "duplicate-site-id", "staff-zero"):
        dict((c[0], c[1]) for c in CASES)[case_id](document)
    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump(document))
    result = run_cli("validate", path)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 4, result.stderr


@pytest.mark.parametrize("jurisdiction", sorted(load("retention")["jurisdictions"]))
def test_every_catalogued_jurisdiction_is_accepted(run_cli, tmp_path, jurisdiction):
    """Every retention rule in the catalog is reachable from a profile (GB-ENG once was not)."""
    document = base_profile()
    document["practice"]["jurisdiction"] = jurisdiction
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(document))
    result = run_cli("validate", path)
    assert result.exit_code == 0, result.stderr
