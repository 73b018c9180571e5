"""Diff classification on synthetic recorded stacks: create, update, replace, delete, blocked."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import DestructiveChangeError
from generator.preview.comment import diff_comment
from generator.preview.diff import (
    CREATE,
    DELETE,
    REPLACE,
    UPDATE,
    diff_data,
    diff_graphs,
    render_diff,
    replaces_on_change,
    require_safe,
)
from generator.preview.harness import RegisteredResource

STACK = "riverside-core"


def resource(
    type_token: str,
    name: str,
    inputs: dict[str, Any],
    *,
    protect: bool = False,
    stack: str = STACK,
) -> RegisteredResource:
    return RegisteredResource(
        urn=f"urn:pulumi:{stack}::clinicgen::{type_token}::{name}",
        type=type_token,
        name=name,
        parent=f"urn:pulumi:{stack}::clinicgen::pulumi:pulumi:Stack::clinicgen-{stack}",
        custom=True,
        protect=protect,
        inputs=inputs,
    )


RULE = "azure-native:network:SecurityRule"
VAULT = "azure-native:keyvault:Vault"
BUCKET = "gcp:storage/bucket:Bucket"


def rule(priority: float, **extra: Any) -> RegisteredResource:
    inputs = {"resourceGroupName": "rg", "networkSecurityGroupName": "nsg-apps"}
    return resource(RULE, "main-to-apps", {**inputs, "priority": priority, **extra})


def diff(old: list[RegisteredResource], new: list[RegisteredResource], **stacks: Any):
    return diff_graphs("riverside", "old", "new", {STACK: old, **stacks}, {STACK: new, **stacks})


def test_identical_stacks_have_no_changes() -> None:
    result = diff([rule(1000)], [rule(1000.0)])
    assert result.changes() == [] and result.stacks[0].status == "unchanged"


def test_changed_input_is_an_update_naming_the_input() -> None:
    (change,) = diff([rule(1000)], [rule(1010)]).changes()
    assert change.action == UPDATE
    assert [(i.path, i.old, i.new, i.replaces) for i in change.inputs] == [
        ("priority", 1000, 1010, False)
    ]


@pytest.mark.parametrize(
    ("type_token", "path"),
    [
        (RULE, "networkSecurityGroupName"),  # an ARM path parameter
        (VAULT, "location"),
        ("azure-native:authorization:RoleAssignment", "roleDefinitionId"),
        (BUCKET, "location"),
        ("gcp:compute/instance:Instance", "bootDisk.initializeParams.image"),
        ("gcp:compute/subnetwork:Subnetwork", "network"),
        # Another IPsec suite (practice.vpn_crypto) on Google Cloud: a new tunnel.
        ("gcp:compute/vPNTunnel:VPNTunnel", "cipherSuite.phase1.dhs[0]"),
    ],
)
def test_inputs_the_provider_cannot_change_in_place_replace(type_token: str, path: str) -> None:
    assert replaces_on_change(type_token, path)


@pytest.mark.parametrize(
    ("type_token", "path"),
    [
        (RULE, "priority"),
        ("azure-native:authorization:PolicyAssignment", "displayName"),
        ("azure-native:monitor:DiagnosticSetting", "eventHubName"),
        (BUCKET, "versioning.enabled"),
        ("gcp:compute/instance:Instance", "machineType"),
    ],
)
def test_other_inputs_update_in_place(type_token: str, path: str) -> None:
    assert not replaces_on_change(type_token, path)


def test_a_replacing_input_makes_the_change_a_replacement() -> None:
    old = resource(BUCKET, "archive", {"location": "US-EAST1", "versioning": {"enabled": True}})
    new = resource(BUCKET, "archive", {"location": "US", "versioning": {"enabled": True}})
    (change,) = diff([old], [new]).changes()
    assert change.action == REPLACE and not change.blocked


def test_named_list_items_are_matched_by_name_not_position() -> None:
    a = {"name": "apps", "addressPrefix": "10.0.1.0/24"}
    b = {"name": "data", "addressPrefix": "10.0.2.0/24"}
    old = resource("azure-native:network:VirtualNetwork", "hub", {"subnets": [a, b]})
    new = resource("azure-native:network:VirtualNetwork", "hub", {"subnets": [b, a]})
    assert diff([old], [new]).changes() == []
    moved = resource(
        "azure-native:network:VirtualNetwork", "hub", {"subnets": [{**a, "addressPrefix": "x"}, b]}
    )
    (change,) = diff([old], [moved]).changes()
    assert [i.path for i in change.inputs] == ["subnets[apps].addressPrefix"]


def test_deleting_a_protected_resource_is_blocked_and_always_fails_the_gate() -> None:
    vault = resource(VAULT, "kv", {"properties": {}}, protect=True)
    result = diff([vault, rule(1000)], [rule(1000)])
    (change,) = result.changes()
    assert change.action == DELETE and change.blocked
    for allow in (False, True):
        with pytest.raises(DestructiveChangeError) as raised:
            require_safe(result, allow_destructive=allow)
        assert raised.value.exit_code == 3


def test_unprotected_deletions_pass_only_with_allow_destructive() -> None:
    result = diff([rule(1000)], [])
    assert [c.action for c in result.changes()] == [DELETE]
    with pytest.raises(DestructiveChangeError):
        require_safe(result, allow_destructive=False)
    require_safe(result, allow_destructive=True)


def test_creations_pass_the_gate() -> None:
    result = diff_graphs(
        "riverside",
        "old",
        "new",
        {STACK: [rule(1)]},
        {STACK: [rule(1)], "riverside-site-b": [rule(2)]},
    )
    assert [(s.name, s.status) for s in result.stacks] == [
        (STACK, "unchanged"),
        ("riverside-site-b", "new"),
    ]
    assert [c.action for c in result.changes()] == [CREATE]
    require_safe(result, allow_destructive=False)


def test_a_removed_stack_deletes_everything_in_it() -> None:
    result = diff_graphs(
        "riverside", "old", "new", {STACK: [rule(1)], "gone": [rule(2)]}, {STACK: [rule(1)]}
    )
    assert [(s.name, s.status, len(s.changes)) for s in result.stacks] == [
        (STACK, "unchanged", 0),
        ("gone", "removed", 1),
    ]


PRIORITIES = st.lists(st.integers(100, 4096), min_size=0, max_size=6, unique=True)


@given(PRIORITIES, PRIORITIES)
def test_diff_is_symmetric(old: list[int], new: list[int]) -> None:
    def rules(priorities: list[int]) -> list[RegisteredResource]:
        return [resource(RULE, f"r{p}", {"priority": p}) for p in priorities]

    forward = diff_graphs("p", "a", "b", {STACK: rules(old)}, {STACK: rules(new)})
    backward = diff_graphs("p", "b", "a", {STACK: rules(new)}, {STACK: rules(old)})
    assert {c.name for c in forward.changes(CREATE)} == {c.name for c in backward.changes(DELETE)}
    assert {c.name for c in forward.changes(CREATE)} == {f"r{p}" for p in set(new) - set(old)}
    assert not forward.changes(UPDATE, REPLACE)


NET = "azure-native:network"


def _in(stack: str, type_token: str, name: str) -> RegisteredResource:
    return resource(type_token, name, {"resourceGroupName": "rg"}, stack=stack)


def _past_100_sites(added: dict[str, list[RegisteredResource]] | None = None):
    """A deployed practice on a VNet gateway, and the same practice past 100 VPN sites (with
    the stacks of the sites `added` with the change)."""
    core, site = "riverside-core", "riverside-site-main"
    old = {
        core: [
            _in(core, f"{NET}:VirtualNetworkGateway", "riverside-network-vpn-gateway"),
            _in(core, f"{NET}:PublicIPAddress", "riverside-network-vpn-ip"),
        ],
        site: [
            _in(site, f"{NET}:LocalNetworkGateway", "riverside-site-main-local-gateway"),
            _in(site, f"{NET}:VirtualNetworkGatewayConnection", "riverside-site-main-connection"),
        ],
    }
    new = {
        core: [
            _in(core, f"{NET}:VirtualWan", "riverside-network-virtual-wan"),
            _in(core, f"{NET}:VirtualHub", "riverside-network-virtual-hub"),
            _in(core, f"{NET}:VpnGateway", "riverside-network-hub-vpn-gateway"),
        ],
        site: [
            _in(site, f"{NET}:VpnSite", "riverside-site-main-vpn-site"),
            _in(site, f"{NET}:VpnConnection", "riverside-site-main-connection"),
        ],
        **(added or {}),
    }
    return diff_graphs("riverside", "stacks", "riverside.yaml", old, new)


def test_crossing_to_virtual_wan_is_blocked_and_says_how_to_migrate() -> None:
    result = _past_100_sites()
    steps = result.migration
    assert "a site placed before keeps its block, VLANs and NSG rules" in steps[4]
    assert "new with this change" not in steps[4]
    assert "agree a maintenance window" in steps[0]
    assert "1 site stack (riverside-site-main)" in steps[2]
    gateway = "urn:pulumi:riverside-core::clinicgen::azure-native:network:VirtualNetworkGateway"
    assert (
        f"pulumi destroy --stack riverside-core --target-dependents --target '{gateway}"
        in (steps[3])
    )
    assert "PublicIPAddress::riverside-network-vpn-ip'" in steps[3]
    assert "pulumi up --stack riverside-core" in steps[4]
    with pytest.raises(DestructiveChangeError, match="migration steps above"):
        require_safe(result, allow_destructive=False)
    require_safe(result, allow_destructive=True)
    text = render_diff(result, 100)
    assert "Migration (VNet gateway -> Virtual WAN hub):" in text and "\n  3. Remove" in text
    assert diff_data(result)["migration"] == list(steps)
    assert "### Migration (VNet gateway -> Virtual WAN hub)" in diff_comment(result)


def test_the_migration_says_the_sites_added_with_it_are_pooled() -> None:
    added = "riverside-site-new"
    result = _past_100_sites(
        {
            added: [
                _in(added, f"{NET}:VpnSite", "riverside-site-new-vpn-site"),
                _in(added, f"{NET}:VpnConnection", "riverside-site-new-connection"),
            ]
        }
    )
    assert (
        "New with this change, 1 site stack (riverside-site-new): each holds only that, its "
        "site pooled and its flows the core's rules."
    ) in result.migration[4]


def test_other_destructive_changes_have_no_migration_steps() -> None:
    result = diff([rule(1000)], [])
    assert result.migration == () and diff_data(result)["migration"] == []
    assert "Migration" not in render_diff(result, 100)
