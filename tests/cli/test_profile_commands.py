"""`clinicgen init`, `validate`, `schema` and the help texts, as a user meets them."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from generator.profile import load_profile
from generator.profile.json_schema import SCHEMA_FILE, profile_json_schema
from generator.profile.loader import parse_document
from generator.profile.validate import PLACEHOLDER_GUID
from tests.paths import DATA, EXAMPLES, ROOT


def test_validate_examples_exits_zero(run_cli):
    result = run_cli("validate", *EXAMPLES)
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == len(EXAMPLES)
    assert "maple-grove.yaml: ok (maple-grove, azure, 1 site)" in result.stdout


def test_validate_reports_problems_of_every_file(run_cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\n")
    result = run_cli("validate", EXAMPLES[0], bad)
    assert result.exit_code == 2
    assert f"{bad}: practice: is required" in result.stderr.splitlines()
    assert f"{EXAMPLES[0]}: ok" in result.stdout


def test_validate_plans_the_address_pool_from_scratch(run_cli):
    # A pool too small for the sites is a profile problem, found before `plan` or `generate`.
    result = run_cli("validate", DATA / "tiny-pool.yaml")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{DATA / 'tiny-pool.yaml'}: practice.address_pool: address pool ")
    assert "need at least a /21 here (10.10.0.0/21 holds them)" in line
    assert line.endswith("(got '10.10.0.0/22')")
    assert result.stdout == ""


def _offices(tmp_path, count: int, *, vpn: bool = True):
    document = yaml.safe_load((ROOT / "tests" / "data" / "fifty-sites.yaml").read_text())
    template = document["sites"][0]
    document["sites"] = [
        {
            **template,
            "id": f"office-{index:03d}",
            "connectivity": {
                "bandwidth_mbps": 50,
                **(
                    {"vpn_peer_ip": f"198.51.{100 + index // 250}.{index % 250 + 1}"} if vpn else {}
                ),
            },
        }
        for index in range(count)
    ]
    profile = tmp_path / "big.yaml"
    profile.write_text(yaml.safe_dump(document))
    return profile


def test_validate_finds_a_cloud_ceiling_a_first_run_would_hit(run_cli, tmp_path):
    # Each office puts three rules in the hub's 'apps' NSG: 327 offices pass Azure's 1,000
    # rules per NSG. Before the capacity rules, validate said ok and generate failed while
    # allocating. Offices without a VPN never move the practice to a Virtual WAN hub, where
    # the sites are pooled and their flows are the core's rules.
    profile = _offices(tmp_path, 327, vpn=False)
    result = run_cli("validate", profile)
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{profile}: sites: CAP-NSG-01: the sites' flows put 981 rules in ")
    assert "at most 326 sites like these" in line and line.endswith("(got 981)")


@pytest.mark.parametrize("count", [101, 500])
def test_vpn_offices_past_100_validate_on_azure_a_virtual_wan_hub(run_cli, tmp_path, count):
    # 101: one more than a VNet gateway's 100 tunnels, refused (CAP-VPN-01) before Virtual WAN.
    # 500: pooled, their flows are one core rule each, refused (CAP-NSG-01) before the pools.
    result = run_cli("validate", _offices(tmp_path, count))
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("cloud", ["azure", "gcp"])
def test_init_writes_a_valid_commented_starter(run_cli, tmp_path, cloud):
    profile = tmp_path / "riverside.yaml"
    result = run_cli(
        "init",
        profile,
        "--cloud",
        cloud,
        "--id",
        "riverside",
        "--name",
        'Riverside "Family" Health: {{ x }}',
    )
    assert result.exit_code == 0, result.output
    text = profile.read_text()
    assert text.startswith("# yaml-language-server: $schema=clinicgen.schema.json\n")
    assert text.count("\n#") + text.count("  #") > 20, "the starter explains its fields"
    if cloud == "azure":
        # Valid but for the placeholder group ids, which validate refuses until replaced.
        refused = run_cli("validate", profile)
        assert refused.exit_code == 2
        assert (
            "is the all-zero placeholder `clinicgen init` and `fleet init` write: put the real group's "
            in (refused.stderr)
        )
        profile.write_text(text.replace(PLACEHOLDER_GUID, "6f1c2a9e-0b7d-4c1e-9a55-2f3e4d5c6b7a"))
    loaded = load_profile(profile)
    assert loaded.practice.cloud == cloud
    assert loaded.practice.name == 'Riverside "Family" Health: {{ x }}'
    # The MFA choice (check CG-AZ-IAM-007) is in front of an Azure user from the start.
    assert ("  conditional_access: false\n" in text) is (cloud == "azure")
    schema = json.loads((tmp_path / "clinicgen.schema.json").read_text())
    assert schema["properties"]["practice"]["required"] == [
        "cloud",
        "compliance",
        "id",
        "name",
        "region",
    ]


def test_init_refuses_to_overwrite(run_cli, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("keep me")
    result = run_cli("init", profile)
    assert result.exit_code == 2
    assert "exists; pass --force" in result.stderr
    assert profile.read_text() == "keep me"
    assert run_cli("init", profile, "--force").exit_code == 0


def test_init_rejects_a_bad_slug(run_cli, tmp_path):
    result = run_cli("init", tmp_path / "p.yaml", "--id", "Bad Id")
    assert result.exit_code == 2
    assert "Invalid value for '--id'" in result.stderr
    assert not (tmp_path / "p.yaml").exists()


@pytest.mark.parametrize(
    ("output_format", "committed"), [("json", "profile.schema.json"), ("markdown", "profile.md")]
)
def test_schema_matches_the_committed_copy(run_cli, output_format, committed):
    result = run_cli("schema", "--format", output_format)
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "docs" / committed).read_text(), (
        f"regenerate with: clinicgen schema --format {output_format} > docs/{committed}"
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_examples_name_the_schema_that_sits_beside_them(run_cli, example):
    # A relative path to a file beside the profile holds wherever the two are copied; a path
    # into the repository (../docs/) breaks once the profile leaves it.
    first = example.read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema={SCHEMA_FILE}"
    beside = example.parent / SCHEMA_FILE
    assert beside.read_text() == run_cli("schema").stdout, (
        f"regenerate with: clinicgen schema > examples/{SCHEMA_FILE}"
    )


def test_reference_page_describes_every_field():
    rows = [
        line
        for line in (ROOT / "docs" / "profile.md").read_text().splitlines()
        if line.startswith("| `")
    ]
    assert len(rows) > 40
    undescribed = [row.split("|")[1] for row in rows if row.rstrip().endswith("|  |")]
    assert not undescribed


_JSON_TYPES = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "number": (int, float),
    "null": (type(None),),
}


def _walk(schema, document, path="$"):
    """A structural check of a document against the generated schema: every key is a declared
    property, and every type, enum and pattern holds."""
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        assert isinstance(document, tuple(t for name in names for t in _JSON_TYPES[name])), path
    if "enum" in schema:
        assert document in schema["enum"], path
    if "pattern" in schema and isinstance(document, str):
        assert re.match(schema["pattern"], document), path
    if isinstance(document, dict) and "properties" in schema:
        for key, value in document.items():
            assert key in schema["properties"], f"{path}.{key} not in schema"
            _walk(schema["properties"][key], value, f"{path}.{key}")
    if isinstance(document, list) and "items" in schema:
        for index, item in enumerate(document):
            _walk(schema["items"], item, f"{path}[{index}]")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_conform_to_the_json_schema(example):
    _walk(profile_json_schema(), parse_document(example.read_text(), str(example)))


def test_the_schema_rejects_what_validate_rejects():
    """The structural check above can fail: an unknown key and a wrong enum are caught."""
    schema = profile_json_schema()
    document = parse_document(EXAMPLES[0].read_text(), "x")
    document["practice"]["colour"] = "blue"
    with pytest.raises(AssertionError, match="colour not in schema"):
        _walk(schema, document)


def test_help_texts_explain_the_tool(run_cli):
    top = run_cli("--help")
    assert top.exit_code == 0
    for word in ("init", "validate", "schema", "Typical session", "Exit status"):
        assert word in top.stdout
    for command in ("init", "validate", "schema"):
        result = run_cli(command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout or "clinicgen schema >" in result.stdout
