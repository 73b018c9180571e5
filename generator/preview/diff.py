"""Compare two versions of a practice resource by resource, per stack, offline.

The pipeline (`generator.pipeline.diff_sources`) reads each side: a profile (sized and run
under mocks), a directory of generated stack files (run under mocks: exactly what deployed),
or a saved `clinicgen preview --format json`; this module compares the recorded graphs.
Resources match by URN. A resource only in NEW is created, only in OLD deleted; a resource in
both with different inputs is updated in place, or replaced when a changed input is one the
provider cannot change in place (catalog `resource_types.yaml`). Deleting or replacing a
protected resource is blocked: Pulumi refuses until someone unprotects it on purpose.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator import catalog
from generator.checks.model import Resource
from generator.errors import DestructiveChangeError
from generator.preview.report import plain, short_type, show
from generator.render.layout import PIPE_WIDTH, labelled, wrap
from generator.wording import counted

if TYPE_CHECKING:
    from generator.preview.harness import StackRun

CREATE, UPDATE, REPLACE, DELETE = "create", "update", "replace", "delete"


@dataclass(frozen=True)
class InputChange:
    path: str
    old: Any
    new: Any
    replaces: bool


@dataclass(frozen=True)
class ResourceChange:
    action: str
    urn: str
    type: str
    name: str
    protected: bool
    inputs: tuple[InputChange, ...] = ()

    @property
    def blocked(self) -> bool:
        return self.protected and self.action in (REPLACE, DELETE)


@dataclass(frozen=True)
class ConfigChange:
    """A value of the stack file's config that differs: `key` is the config key
    (`clinicgen:plan`), `path` the value's place under it."""

    key: str
    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class StackDiff:
    """One stack's changes. `config_changes` is None when a side records no stack file (a
    saved preview): the stack files were not compared."""

    name: str
    # new | removed | changed (resources change) | config-changed (only the stack file's
    # values do, as the core's when a site is added) | unchanged
    status: str
    resources: int  # in NEW (in OLD for a removed stack)
    changes: tuple[ResourceChange, ...]
    config_changes: tuple[ConfigChange, ...] | None = ()


@dataclass(frozen=True)
class PracticeDiff:
    practice: str
    old: str
    new: str
    stacks: tuple[StackDiff, ...]

    def changes(self, *actions: str) -> list[ResourceChange]:
        return [c for s in self.stacks for c in s.changes if not actions or c.action in actions]

    @property
    def destructive(self) -> list[ResourceChange]:
        return self.changes(REPLACE, DELETE)

    @property
    def blocked(self) -> list[ResourceChange]:
        return [change for change in self.destructive if change.blocked]

    @property
    def migration(self) -> tuple[str, ...]:
        """How to carry out a change Pulumi cannot make stack by stack; empty for most."""
        return hub_migration(self)


Graph = Mapping[str, Sequence[Resource]]
# Stack name -> the stack file's config, structured, by full key.
Configs = Mapping[str, Mapping[str, Any]]


def diff_runs(
    practice: str,
    old_label: str,
    new_label: str,
    old: Sequence[StackRun],
    new: Sequence[StackRun],
) -> PracticeDiff:
    """The per-stack diff of two sides' recorded runs: their resources, and their stack
    files' config where both sides record it."""
    return diff_graphs(
        practice, old_label, new_label, _graph(old), _graph(new), _configs(old), _configs(new)
    )


def _graph(runs: Sequence[StackRun]) -> Graph:
    return {run.stack: run.resources for run in runs}


def _configs(runs: Sequence[StackRun]) -> Configs:
    return {run.stack: run.config for run in runs if run.config}


def diff_graphs(
    practice: str,
    old_label: str,
    new_label: str,
    old: Graph,
    new: Graph,
    old_configs: Configs | None = None,
    new_configs: Configs | None = None,
) -> PracticeDiff:
    """The per-stack diff of two recorded graphs (stack name -> resources), and of the stack
    files' config of the stacks both `old_configs` and `new_configs` hold."""
    names = [*new, *(name for name in old if name not in new)]
    before, after = old_configs or {}, new_configs or {}
    return PracticeDiff(
        practice=practice,
        old=old_label,
        new=new_label,
        stacks=tuple(
            _stack_diff(
                name,
                old.get(name),
                new.get(name),
                _config_changes(before[name], after[name])
                if name in before and name in after
                else None,
            )
            for name in names
        ),
    )


def _config_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[ConfigChange, ...]:
    changes = []
    for key in sorted(set(old) | set(new)):
        before, after = _leaves(plain(old.get(key))), _leaves(plain(new.get(key)))
        changes += [
            ConfigChange(key, path, before.get(path), after.get(path))
            for path in sorted(set(before) | set(after))
            if before.get(path) != after.get(path)
        ]
    return tuple(changes)


def _stack_diff(
    name: str,
    old: Sequence[Resource] | None,
    new: Sequence[Resource] | None,
    config_changes: tuple[ConfigChange, ...] | None,
) -> StackDiff:
    before = {r.urn: r for r in old or () if _custom(r)}
    after = {r.urn: r for r in new or () if _custom(r)}
    changes = [_created(r) for urn, r in after.items() if urn not in before]
    changes += [c for urn, r in after.items() if urn in before and (c := _changed(before[urn], r))]
    changes += [_deleted(r) for urn, r in before.items() if urn not in after]
    status = (
        "new"
        if old is None
        else "removed"
        if new is None
        else "changed"
        if changes
        else ("config-changed" if config_changes else "unchanged")
    )
    return StackDiff(name, status, len(after or before), tuple(changes), config_changes)


def _custom(resource: Resource) -> bool:
    # Components are bookkeeping; only provider resources are created or deleted in the cloud.
    return bool(getattr(resource, "custom", True))


def _created(resource: Resource) -> ResourceChange:
    return ResourceChange(CREATE, resource.urn, resource.type, resource.name, resource.protect)


def _deleted(resource: Resource) -> ResourceChange:
    return ResourceChange(DELETE, resource.urn, resource.type, resource.name, resource.protect)


def _changed(old: Resource, new: Resource) -> ResourceChange | None:
    before, after = _leaves(plain(old.inputs)), _leaves(plain(new.inputs))
    paths = sorted(set(before) | set(after))
    inputs = tuple(
        InputChange(path, before.get(path), after.get(path), replaces_on_change(new.type, path))
        for path in paths
        if before.get(path) != after.get(path)
    )
    if not inputs:
        return None
    action = REPLACE if any(change.replaces for change in inputs) else UPDATE
    return ResourceChange(action, new.urn, new.type, new.name, old.protect or new.protect, inputs)


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested inputs as path -> scalar; list items keyed by their `name` when they have one,
    so reordering named rules or subnets is not read as every item changing."""
    if isinstance(value, dict) and value:
        return {
            path: leaf
            for key, item in value.items()
            for path, leaf in _leaves(item, f"{prefix}.{key}" if prefix else key).items()
        }
    if isinstance(value, list) and value:
        names = [item.get("name") for item in value if isinstance(item, dict)]
        keyed = len(names) == len(value) and len(set(names)) == len(names) and None not in names
        return {
            path: leaf
            for index, item in enumerate(value)
            for path, leaf in _leaves(item, f"{prefix}[{names[index] if keyed else index}]").items()
        }
    return {prefix: value}


def replaces_on_change(type_token: str, path: str) -> bool:
    """Whether changing input `path` makes the provider replace a `type_token` resource."""
    rules = catalog.load("resource_types")["replace_on_change"]
    top = path.split(".", 1)[0].split("[", 1)[0]
    provider = type_token.split(":", 1)[0]
    defaults = rules.get(provider) or {}
    if top in defaults.get("inputs", ()):
        return True
    suffix = defaults.get("name_suffix")
    if suffix and top.endswith(suffix) and top not in defaults.get("not_path", ()):
        return True
    return any(
        path == trigger or path.startswith((f"{trigger}.", f"{trigger}["))
        for trigger in rules["types"].get(type_token, ())
    )


VNET_GATEWAY = "azure-native:network:VirtualNetworkGateway"
VIRTUAL_HUB = "azure-native:network:VirtualHub"
PUBLIC_IP = "azure-native:network:PublicIPAddress"
SITE_TUNNEL = (
    "azure-native:network:VirtualNetworkGatewayConnection",
    "azure-native:network:LocalNetworkGateway",
)


def hub_migration(diff: PracticeDiff) -> tuple[str, ...]:
    """The steps that move a deployed Azure practice from its VNet gateway to a Virtual WAN hub
    (past 100 VPN sites, VPN-VWAN-01), or () when the diff does not. Pulumi cannot do it one
    stack at a time: Azure joins no VNet that holds a VNet gateway to a virtual hub (so the
    core's update fails while the gateway is there), and refuses to delete a gateway that
    still has connections (which live in the site stacks). Source: Microsoft Learn, 'Connect
    a virtual network to a Virtual WAN hub' (the remote virtual network can't have a gateway)."""
    gateways = [
        (stack, change)
        for stack in diff.stacks
        for change in stack.changes
        if change.action == DELETE and change.type == VNET_GATEWAY
    ]
    if not gateways or not any(c.type == VIRTUAL_HUB for c in diff.changes(CREATE)):
        return ()
    core = gateways[0][0]
    # The gateway (with --target-dependents, its diagnostic setting) and its public address.
    core_targets = [
        change.urn
        for change in core.changes
        if change.action == DELETE and change.type in (VNET_GATEWAY, PUBLIC_IP)
    ]
    sites = [
        stack.name
        for stack in diff.stacks
        if any(c.action == DELETE and c.type in SITE_TUNNEL for c in stack.changes)
    ]
    listed = ", ".join(sites)
    added = [stack.name for stack in diff.stacks if stack.status == "new"]
    pooled = (
        f" New with this change, {counted(len(added), 'site stack')} ({', '.join(added)}): "
        "each holds only that, its site pooled and its flows the core's rules."
        if added
        else ""
    )
    return (
        "The hub moves from a VNet gateway to a Virtual WAN hub, which replaces every site's "
        "tunnel. Azure joins no VNet holding a VNet gateway to a virtual hub and deletes no "
        "gateway that still has connections, so no single `pulumi up` can do it: agree a "
        "maintenance window; each site's tunnel is down from step 3 until its step 5.",
        "Deploy nothing from the new stack files yet; keep the deployed ones at hand.",
        f"Remove each site's tunnel alone, in {counted(len(sites), 'site stack')} ({listed}): "
        "`pulumi destroy --stack STACK --target URN --target URN` with the URNs of that "
        "stack's VirtualNetworkGatewayConnection and LocalNetworkGateway (`clinicgen diff "
        f"{diff.old} {diff.new} --format json`, its changes with action delete). Its NSG rules "
        "and its pre-shared key (state and Key Vault) stay.",
        f"Remove the VNet gateway: `pulumi destroy --stack {core.name} --target-dependents "
        + " ".join(f"--target '{urn}'" for urn in core_targets)
        + "`.",
        f"Generate the new stack files and deploy the core: `pulumi up --stack {core.name}` "
        "(the Virtual WAN, its hub, the hub's VPN gateway, the hub VNet connection, and for "
        "the sites placed from now on, whose segments come from the segment pools, one NSG "
        "rule per flow), then each site stack: `pulumi up --stack STACK` (its VPN site and "
        "connection; a site placed before keeps its block, VLANs and NSG rules, so nothing "
        f"changes on its LAN).{pooled}",
        "Point each site's VPN device at both of the hub gateway's public addresses (core "
        "output vpnGatewayAddresses, on the regenerated handoff sheets) with the same "
        "pre-shared key; a BGP site peers with the hub gateway's BGP addresses "
        "(vpnGatewayBgpAddress).",
    )


def require_safe(diff: PracticeDiff, allow_destructive: bool) -> None:
    """Raise DestructiveChangeError when the diff must not pass the gate."""
    if diff.migration and not allow_destructive:
        raise DestructiveChangeError(
            f"{counted(len(diff.destructive), 'existing resource')} would be replaced or "
            "deleted: the hub moves from a VNet gateway to a Virtual WAN hub, which takes the "
            "migration steps above, not one deployment per stack; rerun with "
            "--allow-destructive once they are planned (exit status 3)"
        )
    if diff.blocked:
        raise DestructiveChangeError(
            f"{counted(len(diff.blocked), 'protected resource')} would be deleted or replaced; "
            "Pulumi refuses until they are unprotected on purpose (exit status 3)"
        )
    if diff.destructive and not allow_destructive:
        raise DestructiveChangeError(
            f"{counted(len(diff.destructive), 'existing resource')} would be replaced or deleted; "
            "review them and rerun with --allow-destructive to accept (exit status 3)"
        )


# -- reports ----------------------------------------------------------------------------------

SYMBOLS = {CREATE: "+", UPDATE: "~", REPLACE: "+-", DELETE: "-"}


def diff_data(diff: PracticeDiff) -> dict[str, Any]:
    """The diff as JSON-ready data."""
    return {
        "practice": diff.practice,
        "old": diff.old,
        "new": diff.new,
        "summary": _summary(diff),
        "migration": list(diff.migration),
        "stacks": [
            {
                "name": stack.name,
                "status": stack.status,
                "resources": stack.resources,
                "config_compared": stack.config_changes is not None,
                "config_changes": [
                    {"key": c.key, "path": c.path, "old": c.old, "new": c.new}
                    for c in stack.config_changes or ()
                ],
                "changes": [
                    {
                        "action": change.action,
                        "urn": change.urn,
                        "type": change.type,
                        "name": change.name,
                        "protected": change.protected,
                        "blocked": change.blocked,
                        "inputs": [
                            {"path": i.path, "old": i.old, "new": i.new, "replaces": i.replaces}
                            for i in change.inputs
                        ],
                    }
                    for change in stack.changes
                ],
            }
            for stack in diff.stacks
        ],
    }


def _summary(diff: PracticeDiff) -> dict[str, int]:
    counts = {action: len(diff.changes(action)) for action in (CREATE, UPDATE, REPLACE, DELETE)}
    return {**counts, "blocked": len(diff.blocked)}


def render_diff(diff: PracticeDiff, width: int = PIPE_WIDTH) -> str:
    """The diff for a person, in `width` columns: per stack, each change with the inputs that
    differ."""
    lines = wrap(f"Diff of {diff.practice}: {diff.old} -> {diff.new}", width, "", "    ")
    for stack in diff.stacks:
        lines.append("")
        lines += wrap(f"== {stack.name}: {_stack_summary(stack)} ==", width)
        for change in stack.changes:
            blocked = "BLOCKED " if change.blocked else ""
            protected = " (protected)" if change.protected else ""
            lines += wrap(
                f"{blocked}{change.action} {short_type(change.type)} {change.name}{protected}",
                width,
                f"  {SYMBOLS[change.action]:<2} ",
                " " * 7,
            )
            lines += _input_lines(change, width)
        lines += [
            line
            for c in stack.config_changes or ()
            if stack.status == "config-changed"
            for line in labelled(f"       {c.key}: {c.path}: ", old_to_new(c.old, c.new), width)
        ]
    if diff.migration:
        lines += ["", *wrap("Migration (VNet gateway -> Virtual WAN hub):", width)]
        for number, step in enumerate(diff.migration, 1):
            lines += wrap(step, width, f"  {number}. ", "     ")
    lines += ["", *wrap(summary_line(diff), width)]
    return "\n".join(lines) + "\n"


def summary_line(diff: PracticeDiff) -> str:
    """`Summary: 3 to create, 1 to update, 0 to replace, 0 to delete.`"""
    summary = _summary(diff)
    return (
        "Summary: "
        + ", ".join(f"{summary[a]} to {a}" for a in (CREATE, UPDATE, REPLACE, DELETE))
        + (f", {summary['blocked']} blocked" if summary["blocked"] else "")
        + "."
    )


def _stack_summary(stack: StackDiff) -> str:
    if stack.status == "unchanged" and stack.config_changes is not None:
        return f"no changes ({stack.resources} resources)"
    if stack.status == "unchanged":
        return f"no resource changes ({stack.resources} resources; no stack file to compare)"
    if stack.status == "config-changed":
        by_key = Counter(change.key for change in stack.config_changes or ())
        values = ", ".join(
            f"{key}: {n} value{'s' if n != 1 else ''}" for key, n in sorted(by_key.items())
        )
        return (
            f"its stack file changes ({values}), no resource changes ({stack.resources} resources)"
        )
    counts = [
        f"{n} to {action}"
        for action in (CREATE, UPDATE, REPLACE, DELETE)
        if (n := sum(c.action == action for c in stack.changes))
    ]
    prefix = {"new": "new stack, ", "removed": "stack removed, "}.get(stack.status, "")
    return prefix + ", ".join(counts)


def input_change_text(item: InputChange) -> str:
    """`old -> new`, and whether the change forces a replacement."""
    forces = "  (forces replacement)" if item.replaces else ""
    return old_to_new(item.old, item.new) + forces


def old_to_new(old: Any, new: Any) -> str:
    """`old -> new`, `-` standing for a value that is absent."""
    return f"{'-' if old is None else show(old)} -> {'-' if new is None else show(new)}"


def _input_lines(change: ResourceChange, width: int) -> list[str]:
    return [
        line
        for item in change.inputs
        for line in labelled(f"       {item.path}: ", input_change_text(item), width)
    ]
