"""Azure resource names: every kind's limits, each with its reason, in one place.

Names derive from the practice id (a slug of 2-23 characters), site ids and fixed role words,
never from display names or list positions, so regenerating a profile never renames anything.
Names Azure requires to be globally unique (they become DNS names) carry a short suffix hashed
from the practice id: the same profile always yields the same names, two practices differ.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

SUFFIX_LENGTH = 6


@dataclass(frozen=True)
class NameRule:
    """What Azure accepts for one kind of name, and why."""

    kind: str
    min_length: int
    max_length: int
    pattern: str
    hyphens: bool
    reason: str

    def check(self, name: str) -> str:
        """`name` itself when Azure accepts it; ValueError naming the rule otherwise."""
        if not (self.min_length <= len(name) <= self.max_length) or not re.fullmatch(
            self.pattern, name
        ):
            raise ValueError(f"{self.kind} name {name!r} breaks Azure's rule: {self.reason}")
        return name


RESOURCE_GROUP = NameRule(
    "resource group",
    1,
    90,
    r"[a-z0-9][a-z0-9._()-]*[a-z0-9_()-]",
    True,
    "1-90 letters, digits, '.', '_', '-', '(' or ')', not ending in '.'",
)
NETWORK = NameRule(
    "network resource",
    1,
    80,
    r"[a-zA-Z0-9][a-zA-Z0-9._-]*[a-zA-Z0-9_]",
    True,
    "VNets, subnets, NSGs, rules, gateways, IPs: 1-80 characters, starting alphanumeric, "
    "ending alphanumeric or '_'",
)
KEY_VAULT = NameRule(
    "key vault",
    3,
    24,
    r"[a-z](?!.*--)[a-z0-9-]*[a-z0-9]",
    True,
    "3-24 letters, digits and single hyphens, starting with a letter; globally unique "
    "because it is the vault's DNS name (<name>.vault.azure.net)",
)
KEY_VAULT_SECRET = NameRule(
    "key vault secret", 1, 127, r"[a-zA-Z0-9-]+", True, "1-127 letters, digits and hyphens"
)
STORAGE_ACCOUNT = NameRule(
    "storage account",
    3,
    24,
    r"[a-z0-9]+",
    False,
    "3-24 lowercase letters and digits only; globally unique because it is the account's "
    "DNS name (<name>.blob.core.windows.net)",
)
HEALTH_WORKSPACE = NameRule(
    "health data services workspace",
    3,
    24,
    r"[a-z0-9]+",
    False,
    "3-24 lowercase letters and digits; globally unique because service URLs start with it "
    "(<workspace>-<service>.fhir.azurehealthcareapis.com)",
)
HEALTH_SERVICE = NameRule(
    "FHIR or DICOM service",
    3,
    24,
    r"[a-z0-9]+",
    False,
    "3-24 lowercase letters and digits, unique within the workspace",
)
RECOVERY_VAULT = NameRule(
    "recovery services vault",
    2,
    50,
    r"[a-zA-Z][a-zA-Z0-9-]*",
    True,
    "2-50 letters, digits and hyphens, starting with a letter",
)
LOG_WORKSPACE = NameRule(
    "log analytics workspace",
    4,
    63,
    r"[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]",
    True,
    "4-63 letters, digits and hyphens, starting and ending alphanumeric",
)
IOT_HUB = NameRule(
    "IoT hub",
    3,
    50,
    r"[a-zA-Z0-9](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]",
    True,
    "3-50 letters, digits and hyphens, not ending in a hyphen; globally unique because it is "
    "the hub's DNS name (<name>.azure-devices.net)",
)
WEB_APP = NameRule(
    "web app",
    2,
    60,
    r"[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]",
    True,
    "2-60 letters, digits and hyphens; globally unique because it is the app's DNS name "
    "(<name>.azurewebsites.net)",
)
APP_SERVICE_PLAN = NameRule(
    "app service plan", 1, 60, r"[a-zA-Z0-9-]+", True, "1-60 letters, digits and hyphens"
)
COMMUNICATION = NameRule(
    "communication service",
    1,
    63,
    r"[a-zA-Z0-9](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]",
    True,
    "1-63 letters, digits and hyphens; globally unique because it is the resource's DNS name "
    "(<name>.communication.azure.com)",
)
VIRTUAL_MACHINE = NameRule(
    "Linux virtual machine",
    1,
    64,
    r"[a-zA-Z0-9][a-zA-Z0-9.-]*[a-zA-Z0-9]",
    True,
    "1-64 characters for a Linux VM and its host name; no '_' because the name is the host name",
)
MANAGED_IDENTITY = NameRule(
    "managed identity",
    3,
    128,
    r"[a-zA-Z0-9][a-zA-Z0-9_-]*",
    True,
    "3-128 letters, digits, hyphens and underscores, starting alphanumeric",
)
DIAGNOSTIC_SETTING = NameRule(
    "diagnostic setting",
    1,
    260,
    r"[a-zA-Z0-9_-]+",
    True,
    "1-260 letters, digits, hyphens and underscores; unique per resource (or subscription)",
)
POLICY_ASSIGNMENT = NameRule(
    "policy assignment",
    1,
    64,
    r"[^<>*%&:\\?.+/ ]+",
    True,
    "1-64 characters at subscription scope, none of <>*%&:\\?.+/ or space",
)


def suffix(practice_id: str) -> str:
    """Six lowercase hex characters from the practice id: deterministic and DNS-safe."""
    return hashlib.sha256(practice_id.encode()).hexdigest()[:SUFFIX_LENGTH]


def scoped(rule: NameRule, *parts: str) -> str:
    """A name unique within its resource group or parent: the parts joined by hyphens.

    Slugs may end in a hyphen, which most Azure names may not: edge hyphens are dropped.
    """
    return rule.check("-".join(part.strip("-") for part in parts))


def global_unique(rule: NameRule, prefix: str, practice_id: str) -> str:
    """A globally unique name: prefix, as much of the practice id as fits, and the suffix.

    The suffix hashes the whole practice id, so two practices whose ids share a long prefix
    still get different names after truncation.
    """
    body = re.sub(r"-+", "-", practice_id) if rule.hyphens else practice_id.replace("-", "")
    separators = 2 if rule.hyphens else 0
    room = rule.max_length - len(prefix) - SUFFIX_LENGTH - separators
    body = body[:room].strip("-")
    if rule.hyphens:
        return rule.check(f"{prefix}-{body}-{suffix(practice_id)}")
    return rule.check(f"{prefix}{body}{suffix(practice_id)}")


# Every globally unique name the blueprints use: what it names -> (its rule, its prefix).
GLOBAL_NAMES = {
    "key-vault": (KEY_VAULT, "kv"),
    "health-workspace": (HEALTH_WORKSPACE, "hdw"),
    "imaging-archive": (STORAGE_ACCOUNT, "stimg"),
    "flow-log-archive": (STORAGE_ACCOUNT, "stflow"),
    "recordings-archive": (STORAGE_ACCOUNT, "strec"),
    "iot-hub": (IOT_HUB, "iot"),
    "telehealth-app": (WEB_APP, "app-tele"),
    "communication": (COMMUNICATION, "acs"),
}


def global_name(kind: str, practice_id: str) -> str:
    """The practice's globally unique name for `kind` (a key of GLOBAL_NAMES)."""
    rule, prefix = GLOBAL_NAMES[kind]
    return global_unique(rule, prefix, practice_id)


def resource_group(practice_id: str, role: str) -> str:
    return scoped(RESOURCE_GROUP, "rg", practice_id, role)
