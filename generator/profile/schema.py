"""The practice profile v1 schema, as a Cerberus schema (its reference: docs/profile.md).

Closed vocabularies come from the catalog. Each field's `meta` carries the description shown
in the JSON Schema (editor hover text) and, for patterned strings, the hint used in error
messages, so the schema is the one place that says what a valid value looks like.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from generator.catalog import load
from generator.profile.tags import tags_description

# Patterns end in \Z: Cerberus anchors with `$`, which would accept a trailing newline.
# No trailing hyphen: names trimmed to a cloud's limit drop edge hyphens, so `main` and `main-`
# would collide; no double hyphen, which names use as a separator.
SLUG_PATTERN = r"(?!.*--)[a-z][a-z0-9-]{0,21}[a-z0-9]\Z"
SLUG_HINT = (
    "a slug: 2-23 lowercase letters, digits or single hyphens, starting with a letter and "
    "not ending with a hyphen"
)
# The form of a check id; which ids exist is the checks catalog's to say.
CHECK_ID_PATTERN = r"CG-[A-Z0-9-]+\Z"
# A scanner's check (Checkov), waived in what `clinicgen export` writes for it.
SCANNER_CHECK_PATTERN = r"CKV2?_[A-Z0-9]+_[0-9]+\Z"
MAX_TEXT = 16_384
MAX_COUNT = 100_000
# The most sites one profile holds; Azure's segment pools are sized for this many sites.
MAX_SITES = 500
# A container image reference with a registry host, a path, and a tag or a digest: the two
# clouds pull exactly that (OCI distribution spec reference grammar, simplified).
IMAGE_PATTERN = (
    r"[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]{1,5})?"
    r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})\Z"
)
# A fully qualified domain name: lowercase labels of letters, digits and inner hyphens, and
# a top-level label of letters (RFC 1035 section 2.3.1, lowercased as certificates carry it).
DOMAIN_PATTERN = r"(?=.{4,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z"


def _slug(description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "regex": SLUG_PATTERN,
        "meta": {"description": description, "hint": SLUG_HINT},
    }


def _text(description: str, **rules: Any) -> dict[str, Any]:
    return {
        "type": "string",
        "empty": False,
        "maxlength": MAX_TEXT,
        "meta": {"description": description},
        **rules,
    }


def _count(description: str, minimum: int = 0) -> dict[str, Any]:
    """A whole number of things (never true or false), 0 when left out."""
    return {
        "type": "integer",
        "check_with": "count",
        "min": minimum,
        "max": MAX_COUNT,
        "default": 0,
        "meta": {"description": description},
    }


def _cidr(description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "check_with": "cidr",
        "meta": {"description": description, "hint": "an IPv4 network like 10.64.0.0/12"},
    }


def vpn_crypto_description() -> str:
    """`practice.vpn_crypto`'s reference text: the catalog's suites, strongest first, each
    spelled out, so the reference never drifts from the catalog."""
    vpn = load("vpn")
    suites = [
        f"`{name}` ({suite['ike_version']}, {suite['ike_encryption']}, {suite['ike_integrity']},"
        f" {suite['dh_group']})"
        for name, suite in vpn["ipsec_suites"].items()
    ]
    return (
        "The IPsec/IKE suite of every site tunnel but those whose site names its own"
        f" (`connectivity.vpn_crypto`), strongest first: {'; '.join(suites)}."
        f" Default `{next(iter(vpn['ipsec_suites']))}`, the strongest; pick a weaker one only"
        " for site devices that cannot do the stronger. An MSP's fleet standard may require a"
        " suite at least as strong."
    )


@cache
def profile_schema() -> dict[str, Any]:
    practice = load("practice")
    regions = load("regions")
    all_regions = sorted(set(regions["azure"]) | set(regions["gcp"]))
    devices = {
        "workstations": _count("Clinical and office workstations (wired)."),
        "medical_devices": _count(
            "Networked biomedical / IoT devices: infusion pumps, monitors, analysers."
        ),
        "imaging_modalities": _count(
            "Units that send DICOM: CT, MR, X-ray, ultrasound, OCT, intraoral scanners."
        ),
        "phones": _count("IP phones."),
        "printers": _count("Printers, scanners and other peripherals."),
        "guest_wifi_peak": _count("Concurrent guest Wi-Fi clients at peak."),
        "lab_analysers": _count(
            "Optional: lab analysers and point-of-care testing devices (HL7 v2 orders and results)."
        ),
        "payment_terminals": _count(
            "Optional: card payment terminals; their own VLAN (PCI DSS scope), never in the VPN."
        ),
        "building_systems": _count(
            "Optional: HVAC controllers, door access control and IP cameras; their own VLAN,"
            " never in the VPN."
        ),
        "vendor_access": _count(
            "Optional: vendors' remote-support appliances (the path a device vendor reaches the"
            " site by); their own VLAN, internet only, never in the VPN or the admin network."
        ),
        "modalities": {
            "type": "dict",
            "default": {},
            "keysrules": {"type": "string", "allowed": list(load("imaging")["modalities"])},
            "valuesrules": {
                key: rule
                for key, rule in _count("Units of this modality.", minimum=1).items()
                if key != "default"
            },
            "meta": {
                "description": "Optional: imaging units by modality (of `imaging_modalities`"
                " or beyond it); PACS storage is sized from each modality's study size."
            },
        },
    }
    site = {
        "id": _slug("Stable site identity; stack and resource names derive from it.")
        | {"required": True},
        "name": _text("Display name; never used in resource names.") | {"required": True},
        "kind": {
            "type": "string",
            "required": True,
            "allowed": list(practice["site_kinds"]),
            "meta": {"description": "What the site is; drives segments and growth."},
        },
        # No default: a missing count of staff is reported as missing, not as a 0.
        "staff": {
            key: rule
            for key, rule in _count("Staff working at the site.", minimum=1).items()
            if key != "default"
        }
        | {"required": True},
        "specialties": {
            "type": "list",
            "default": [],
            "schema": {"type": "string", "allowed": list(practice["specialties"])},
            "meta": {"description": "Clinical specialties practised at the site."},
        },
        "devices": {
            "type": "dict",
            "default": {},
            "schema": devices,
            "meta": {"description": "Networked device counts; segments are sized from them."},
        },
        "connectivity": {
            "type": "dict",
            "required": True,
            "meta": {"description": "How the site reaches the cloud."},
            "schema": {
                "bandwidth_mbps": {
                    "type": "integer",
                    "required": True,
                    "min": 1,
                    "max": MAX_COUNT,
                    "meta": {"description": "Internet bandwidth at the site, in Mbps."},
                },
                "vpn_peer_ip": {
                    "type": "string",
                    "nullable": True,
                    "check_with": "public_ip",
                    "meta": {
                        "description": "Public IPv4 of the site's VPN device; no VPN without it.",
                        "hint": "a public IPv4 address like 203.0.113.10",
                    },
                },
                "routing": {
                    "type": "string",
                    "nullable": True,
                    "allowed": ["static", "bgp"],
                    "meta": {
                        "description": "How the site's routes cross the VPN: `static` (the"
                        " cloud routes the site's planned prefixes) or `bgp` (the site router"
                        " advertises them). Default: static on Azure; Google Cloud HA VPN"
                        " always uses bgp.",
                    },
                },
                "vpn_crypto": {
                    "type": "string",
                    "nullable": True,
                    "allowed": list(load("vpn")["ipsec_suites"]),
                    "meta": {
                        "description": "This site's IPsec/IKE suite, when its VPN device needs"
                        " another than the practice's `practice.vpn_crypto` (same names);"
                        " needs `vpn_peer_ip`.",
                    },
                },
                "onprem_ranges": {
                    "type": "list",
                    "default": [],
                    "schema": _cidr("An existing LAN range at this site."),
                    "meta": {
                        "description": "Existing LAN ranges kept at this site; never "
                        "allocated over and routed through the VPN."
                    },
                },
            },
        },
    }
    persona_schema = {
        persona: {
            "type": "string",
            "empty": False,
            "required": bool(spec["required"]),
            "meta": {
                "description": f"{spec['title']}. Azure: Entra group object id; "
                "GCP: group:name@domain.",
            },
        }
        for persona, spec in practice["personas"].items()
    }
    persona_schema["conditional_access"] = {
        "type": "boolean",
        "default": False,
        "meta": {
            "description": "Azure only: the core stack deploys a Conditional Access policy "
            "that requires multifactor authentication for these groups on Azure management "
            "(needs Microsoft Entra ID P1 and a deployer with the Conditional Access "
            "Administrator role). Off: the tenant's own policy must do it.",
        },
    }
    return {
        "version": {
            "type": "integer",
            "required": True,
            "allowed": [1],
            "meta": {"description": "Profile format version."},
        },
        "practice": {
            "type": "dict",
            "required": True,
            "meta": {"description": "The practice as a whole."},
            "schema": {
                "name": _text("Practice display name.") | {"required": True},
                "id": _slug(
                    "Practice slug; stack and resource names derive from it. It may not "
                    "contain `-site-` or end in `-site`, which would let two practices' stacks "
                    "share a name."
                )
                | {"required": True},
                "cloud": {
                    "type": "string",
                    "required": True,
                    "allowed": practice["clouds"],
                    "meta": {"description": "The cloud the practice deploys to."},
                },
                "region": {
                    "type": "string",
                    "required": True,
                    "meta": {"description": "The cloud's own region name.", "enum": all_regions},
                },
                "dr_region": {
                    "type": "string",
                    "nullable": True,
                    "meta": {"description": "Region for geo-redundant backup and DR copies."},
                },
                "compliance": {
                    "type": "list",
                    "required": True,
                    "minlength": 1,
                    "schema": {"type": "string", "allowed": list(practice["compliance"])},
                    "meta": {
                        "description": "Frameworks the build must meet; drives policy "
                        "assignments, checks and retention."
                    },
                },
                "jurisdiction": {
                    "type": "string",
                    "nullable": True,
                    # ISO 3166: a country (GB) or a subdivision (US-CA, GB-ENG).
                    "regex": r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?\Z",
                    "meta": {
                        "description": "Record-retention rules: an ISO 3166 country or "
                        "subdivision code.",
                        "hint": "an ISO 3166 code: a country like GB, or a subdivision like "
                        "US-CA or GB-ENG",
                    },
                },
                "address_pool": _cidr("Where every cloud and site range is allocated from."),
                "reserved_ranges": {
                    "type": "list",
                    "default": [],
                    "schema": _cidr("A range in use elsewhere; never allocated."),
                    "meta": {"description": "Ranges in use elsewhere; never allocated."},
                },
                "gcp_project": {
                    "type": "string",
                    "nullable": True,
                    "regex": r"[a-z][a-z0-9-]{4,28}[a-z0-9]\Z",
                    "meta": {
                        "description": "Google Cloud project id (required when cloud is gcp).",
                        "hint": "a GCP project id: 6-30 lowercase letters, digits or hyphens",
                    },
                },
                "gcp_org_policies": {
                    "type": "boolean",
                    "nullable": True,
                    "meta": {
                        "description": "Google Cloud only: whether the core stack sets the"
                        " compliance constraints as organization policies on the project (the"
                        " deployer then needs roles/orgpolicy.policyAdmin, which is granted only"
                        " at organization level). Default false: the plan lists the constraints"
                        " for the organization admin to enforce at folder or organization level.",
                    },
                },
                "min_firewall_tier": {
                    "type": "string",
                    "nullable": True,
                    "allowed": list(load("skus")["firewall"]["tiers"]),
                    "meta": {
                        "description": "Azure only: the weakest hub firewall the plan may size"
                        " (`none`: NSGs alone; `standard`; `premium`: IDPS and TLS inspection)."
                        " The plan sizes the tier from the sites, devices and compliance, then"
                        " raises it to this floor; an MSP's fleet standard sets it for every"
                        " client.",
                    },
                },
                "vpn_crypto": {
                    "type": "string",
                    "nullable": True,
                    "allowed": list(load("vpn")["ipsec_suites"]),
                    "meta": {
                        "description": vpn_crypto_description(),
                    },
                },
                "tags": {
                    "type": "dict",
                    "default": {},
                    "check_with": "no_lone_secure_key",
                    "keysrules": {"type": "string"},
                    "valuesrules": {"type": "string", "coerce": "scalar_to_text"},
                    "meta": {"description": tags_description()},
                },
            },
        },
        "sites": {
            "type": "list",
            "required": True,
            "minlength": 1,
            "maxlength": MAX_SITES,
            "schema": {"type": "dict", "schema": site},
            "meta": {"description": "One entry per physical site."},
        },
        "telehealth": {
            "type": "dict",
            "default": {},
            "meta": {"description": "Video visits: sizes the telehealth front end."},
            "schema": {
                "enabled": {
                    "type": "boolean",
                    "default": False,
                    "meta": {"description": "Whether the practice offers video visits."},
                },
                "peak_concurrent_sessions": _count("Concurrent video visits at peak."),
                "recording": {
                    "type": "boolean",
                    "default": False,
                    "meta": {
                        "description": "Whether visits are recorded (recordings are ePHI "
                        "and are retained)."
                    },
                },
                "domain": {
                    "type": "string",
                    "nullable": True,
                    "regex": DOMAIN_PATTERN,
                    "meta": {
                        "description": "The name patients open the telehealth front end at;"
                        " its DNS points at the address the core stack exports. Required on"
                        " Google Cloud when a WAF guards the front end (peak sessions at or"
                        " above the catalog's threshold): its HTTPS load balancer serves a"
                        " Google-managed certificate for this name.",
                        "hint": "a fully qualified domain name like telehealth.riverside.example",
                    },
                },
                "image": {
                    "type": "string",
                    "nullable": True,
                    "regex": IMAGE_PATTERN,
                    "meta": {
                        "description": "The telehealth front end's container image, with its "
                        "registry and a tag or digest; required when telehealth is enabled.",
                        "hint": "an image like ghcr.io/riverside/telehealth:2.3.1 or "
                        "...@sha256:<64 hex digits>",
                    },
                },
            },
        },
        "workloads": {
            "type": "dict",
            "default": {},
            "meta": {"description": "Which clinical workloads run in the cloud."},
            "schema": {
                "ehr": {
                    "type": "string",
                    "allowed": ["saas", "hosted"],
                    "default": "saas",
                    "meta": {"description": "hosted: application servers sized from staff."},
                },
                "pacs": {
                    "type": "string",
                    "allowed": ["auto", "on", "off"],
                    "default": "auto",
                    "meta": {
                        "description": "Cloud PACS/DICOM store; auto: on when any site "
                        "has imaging modalities."
                    },
                },
                "fhir": {
                    "type": "boolean",
                    "default": True,
                    "meta": {"description": "FHIR R4 store for interoperability."},
                },
            },
        },
        "identity": {
            "type": "dict",
            "required": True,
            "schema": persona_schema,
            "meta": {
                "description": "Persona -> directory group; each persona gets "
                "least-privilege roles."
            },
        },
        "backup": {
            "type": "dict",
            "default": {},
            "meta": {
                "description": "Backup objectives; defaults come from compliance and jurisdiction."
            },
            "schema": {
                "rpo_hours": {
                    "type": "integer",
                    "nullable": True,
                    "min": 1,
                    "max": 168,
                    "meta": {"description": "Most data, in hours, the practice can lose."},
                },
                "retention_years": {
                    "type": "integer",
                    "nullable": True,
                    "min": 1,
                    "max": 100,
                    "meta": {
                        "description": (
                            "Override of the record-retention default; required outside the US"
                            " where clinicgen lists no rule for the jurisdiction."
                        )
                    },
                },
            },
        },
        "waivers": {
            "type": "list",
            "default": [],
            "meta": {
                "description": "Compliance checks the practice accepts failing, each "
                "with a reason shown in every report."
            },
            "schema": {
                "type": "dict",
                "schema": {
                    "check": {
                        "type": "string",
                        "required": True,
                        "regex": f"(?:{CHECK_ID_PATTERN}|{SCANNER_CHECK_PATTERN})",
                        "check_with": "check_id",
                        "meta": {
                            "hint": "a check id like CG-AZ-NET-001 or CKV_AZURE_35",
                            "description": "The compliance check id (see clinicgen check), or "
                            "a Checkov check id, waived in what clinicgen export writes for "
                            "the resource named.",
                        },
                    },
                    "resource": {
                        "type": "string",
                        "nullable": True,
                        "empty": False,
                        "meta": {
                            "description": "Limit the waiver to one resource name (required "
                            "for a Checkov check)."
                        },
                    },
                    "reason": _text("Why the practice accepts this finding.", minlength=10)
                    | {"required": True},
                },
            },
        },
    }
