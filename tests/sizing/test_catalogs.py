"""The sizing catalogues: every entry names its source, and the tables are consistent."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.catalog import load

CATALOG_DIR = Path(str(resources.files("generator.catalog")))

# (catalogue, path to a mapping whose every entry must carry `source`)
SOURCED = [
    ("segments", ("segments",)),
    ("segments", ("site_kinds",)),
    ("flows", ("flows",)),
    ("cloud_subnets", ("azure",)),
    ("cloud_subnets", ("gcp",)),
    ("imaging", ("profiles",)),
    ("retention", ("jurisdictions",)),
    ("roles", ("personas",)),
    ("roles", ("workloads",)),
]
# (catalogue, path to one entry that must carry `source`)
SOURCED_ONE = [
    ("segments", ("management_devices",)),
    ("segments", ("min_prefix",)),
    ("flows", ("priorities",)),
    ("skus", ("vpn_gateways", "azure")),
    ("skus", ("vpn_gateways", "gcp")),
    ("skus", ("ehr_servers",)),
    ("skus", ("telehealth",)),
    ("skus", ("device_ingest",)),
    ("skus", ("firewall",)),
    ("vpn", ("ipsec_suites", "cnsa")),
    ("vpn", ("ipsec_suites", "aes256-sha256-dh14")),
    ("vpn", ("asn",)),
    ("retention", ("documentation",)),
    ("retention", ("backup",)),
    ("retention", ("logs",)),
    ("imaging", ("lifecycle",)),
]


def _at(name: str, path: tuple[str, ...]) -> Any:
    node: Any = load(name)
    for key in path:
        node = node[key]
    return node


@pytest.mark.parametrize(("name", "path"), SOURCED)
def test_every_catalogue_entry_has_a_source(name: str, path: tuple[str, ...]) -> None:
    for key, entry in _at(name, path).items():
        assert str(entry.get("source", "")).strip(), f"{name}.yaml {'.'.join(path)}.{key}"


@pytest.mark.parametrize(("name", "path"), SOURCED_ONE)
def test_every_rule_table_has_a_source(name: str, path: tuple[str, ...]) -> None:
    assert str(_at(name, path).get("source", "")).strip()


def test_vlan_ids_are_unique_and_valid() -> None:
    vlans = [entry["vlan"] for entry in load("segments")["segments"].values()]
    assert len(set(vlans)) == len(vlans)
    assert all(1 < vlan < 4095 for vlan in vlans)


def test_every_site_kind_and_specialty_of_the_profile_is_covered() -> None:
    practice = load("practice")
    assert set(load("segments")["site_kinds"]) == set(practice["site_kinds"])
    heavy = {name for name, s in practice["specialties"].items() if s["imaging_heavy"]}
    assert heavy <= set(load("imaging")["profiles"])


def test_every_persona_a_profile_accepts_has_roles_on_both_clouds() -> None:
    roles = load("roles")["personas"]
    assert set(roles) == set(load("practice")["personas"])
    for persona, entry in roles.items():
        assert entry["azure"] and entry["gcp"], persona


def test_flows_name_catalogued_segments_and_subnets() -> None:
    segments = set(load("segments")["segments"])
    subnets = set(load("cloud_subnets")["azure"]) | set(load("cloud_subnets")["gcp"])
    for flow in load("flows")["flows"].values():
        site_end, cloud_end = (
            (flow["from"], flow["to"])
            if flow["direction"] == "site-to-cloud"
            else (flow["to"], flow["from"])
        )
        assert site_end in segments and cloud_end in subnets


def test_sku_tables_grow_monotonically() -> None:
    skus = load("skus")["vpn_gateways"]["azure"]["skus"]
    assert [s["max_tunnels"] for s in skus] == sorted(s["max_tunnels"] for s in skus)
    assert [s["max_mbps"] for s in skus] == sorted(s["max_mbps"] for s in skus)
    sizes = load("skus")["ehr_servers"]["sizes"]
    assert [s["users_per_server"] for s in sizes] == sorted(s["users_per_server"] for s in sizes)


# HHS 405(d) HICP, Technical Volumes 1 and 2 (2023 edition): the ten cybersecurity practices.
HICP_PRACTICES = {
    1: "E-mail Protection",
    2: "Endpoint Protection",
    3: "Access Management",
    4: "Data Protection",
    5: "IT Asset Management",
    6: "Network Management",
    7: "Vulnerability Management",
    8: "Security Operations",
    9: "Medical Device Security",
    10: "Cybersecurity Oversight",
}
HICP_CITATION = re.compile(r"HICP practice (\d+)(.{0,40})")


def test_every_hicp_citation_names_the_practice_its_number_is() -> None:
    cited = []
    for path in sorted(CATALOG_DIR.glob("*.yaml")):
        for number, after in HICP_CITATION.findall(path.read_text(encoding="utf-8")):
            title = HICP_PRACTICES[int(number)]
            cited.append(number)
            assert re.match(rf"[ ,(]+{title}", after), f"{path.name}: practice {number}{after}"
    assert {"6", "9"} <= set(cited)


# What counts as naming a source: a URL, or a named document or section of one. A figure no
# published source gives is stated as an assumption instead, which the plan repeats.
URL = re.compile(r"https?://\S+")
NAMED_SOURCE = re.compile(
    r"""(
      \d+\s+CFR\s+\d                          # US federal regulations
    | \bRFC\s+\d+                             # IETF RFCs
    | \bNIST\s+SP\s+\d                        # NIST special publications
    | \bDICOM\s+PS3\.\d+                      # DICOM standard parts
    | \bHICP\s+practice\s+\d+                 # HHS 405(d) HICP practices
    | \bCIS\b[^;]*\d+\.\d+                    # CIS benchmark or controls sections
    | \bHIPAA\s+(45\s+CFR\s+)?164\.\d+        # HIPAA Security Rule sections
    | \bHITRUST\s+CSF\s+\d                    # HITRUST CSF controls
    | \bbenchmark\s+[A-Z]{2}-\d               # Microsoft cloud security benchmark controls
    | \bCode\b|\bRegs?\.|\bNCAC\b|\bNYCRR\b|\bBGB\b|\bart\.\s*\d   # statutes and regulations
    | '[^']{4,}' | "[^"]{4,}"                 # a document or section named in quotes
    | \b[\w.-]+/[\w.-]+\s+\S+\.(json|markdown|md|py)\b              # a file in a repository
    | \b(Azure|Google\s+Cloud|GCP|Microsoft|Ubuntu|Pulumi|Cloud\s+\w+)\b[^;:]*?
      \b(docs?|FAQ|reference|schema|quotas|roles|benchmark|Marketplace|SKUs|overview|
         architecture|topology|guide|pricing)\b                     # a vendor's named page
    )""",
    re.X,
)
INTERNAL_ONLY = re.compile(r"planning (estimate|default)|design note", re.I)
# Sections that hold no facts about the world: the profile's own vocabulary, which catalogue
# sections a stack file carries, and how the offline preview displays and mocks resources.
STRUCTURAL = {
    ("practice", "*"),
    ("azure_platform", "stack_sections"),
    ("gcp_controls", "stack_sections"),
    ("resource_types", "*"),
    # clinicgen's own tag keys, not a fact about a cloud.
    ("tags", "added"),
}


def _sources(node: Any, path: tuple[str, ...]) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """Every (path, source text, entry) under `node`; an NSG or firewall rule's `source` is an
    address, not a citation, and is skipped, as are Terraform's attribute names under an
    export mapping's `blocks` (`cloud_storage_source` is a block, not a citation)."""
    if isinstance(node, dict):
        rule = "access" in node or "destination" in node
        for key, value in node.items():
            if key == "blocks":
                continue
            if (key == "source" or key.endswith("_source")) and not rule:
                yield ".".join((*path, key)), value, node
            else:
                yield from _sources(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _sources(item, (*path, str(index)))


CATALOGS = sorted(path.stem for path in CATALOG_DIR.glob("*.yaml"))


@pytest.mark.parametrize("name", CATALOGS)
def test_every_source_names_a_document_or_states_an_assumption(name: str) -> None:
    for path, text, entry in _sources(load(name), (name,)):
        assumption = "assumption" in str(text).lower()
        named = URL.search(str(text)) or NAMED_SOURCE.search(str(text))
        assert assumption or (named and not INTERNAL_ONLY.search(str(text))), f"{path}: {text}"
        if entry.get("assumption") and path.endswith(".source"):
            assert assumption, f"{path}: the entry assumes, its source must say so"


@pytest.mark.parametrize("name", CATALOGS)
def test_every_catalogue_section_carries_a_source(name: str) -> None:
    catalog = load(name)
    for section, node in catalog.items():
        # A file-level `source` covers every section of the file.
        if section in {"version", "source"} or "source" in catalog:
            continue
        if {(name, "*"), (name, section)} & STRUCTURAL:
            continue
        assert next(_sources(node, (name, section)), None), f"{name}.yaml {section}"


@pytest.mark.parametrize("name", CATALOGS)
def test_every_catalogue_reads_the_same_with_libyaml_as_with_pythons_loader(name: str) -> None:
    text = (CATALOG_DIR / f"{name}.yaml").read_text(encoding="utf-8")

    assert load(name) == yaml.safe_load(text)
