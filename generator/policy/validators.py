"""The policies of the Pulumi policy pack in a generated project (`policy/`): clinicgen's own
compliance checks and deployability rules, run by Pulumi's policy engine over the stack being
previewed or deployed. One source of truth: each policy calls the check's or rule's logic from
`generator.checks`; nothing here restates a rule.

Plain functions with no `pulumi_policy` import, so they are tested without starting the policy
engine's server; `generator.policy.pack` wires them into a `PolicyPack`.

- Enforcement: a compliance check of severity critical or high is mandatory (the preview or
  update fails), medium or low advisory (a warning). A deployability rule is mandatory: the
  cloud would reject the resource, or it would not work, and no waiver applies.
- Waivers: the practice's waivers (in `clinicgen-policy.yaml`, written by `generate`) turn a
  failure into an advisory note that carries the waiver's reason.
- Unknown values (a first preview): references resolve through property dependencies
  (`generator.checks.unknown`). A verdict that read any other unknown value of a resource is
  undecided: reported as an advisory note naming the values, never as a pass and never as a
  failure. A check whose logic cannot run on the unknowns at all is one advisory note.
- Rules that need what the program read from the cloud (`reads_cloud` in deployability.yaml)
  are left out: the policy engine shows a pack the stack's resources only.
- The engine analyses one stack at a time: checks that relate resources of different stacks
  (a site's rules in a core network security group) see the analysed stack only; `clinicgen
  check` sees every stack at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from generator.checks.catalog import checks_for, violations
from generator.checks.deployability import rule_violations, rules_for
from generator.checks.engine import waiver_for
from generator.checks.graph import Graph
from generator.checks.model import CheckContext, Resource, RuleInfo, Violation
from generator.checks.unknown import Unknown, watching
from generator.policy.resources import EngineResource, stack_resources
from generator.policy.settings import PackSettings

MANDATORY = "mandatory"
ADVISORY = "advisory"
# Severities whose failures stop a preview or update; lower ones warn.
MANDATORY_SEVERITIES = ("critical", "high")
# The advisory policy that carries the waived and undecided findings of mandatory policies.
NOTES_POLICY = "clinicgen-advisory-notes"

Logic = Callable[[Graph, CheckContext], list[Violation]]
Report = Callable[[str, str | None], None]


@dataclass(frozen=True)
class PackPolicy:
    """One policy of the pack: a compliance check or a deployability rule, its enforcement and
    what to change."""

    id: str
    title: str
    enforcement: str
    severity: str | None
    fix: str
    source: str
    logic: Logic
    waivable: bool


def pack_policies(cloud: str) -> tuple[PackPolicy, ...]:
    """Every check and rule of `cloud` the pack runs, checks first, each in id order."""
    checks = tuple(
        PackPolicy(
            id=info.id,
            title=info.title,
            enforcement=MANDATORY if info.severity in MANDATORY_SEVERITIES else ADVISORY,
            severity=info.severity,
            fix=info.fix,
            source=info.source,
            logic=partial(violations, info),
            waivable=True,
        )
        for info in checks_for(cloud)
    )
    rules = tuple(
        PackPolicy(
            id=info.id,
            title=info.title,
            enforcement=MANDATORY,
            severity=None,
            fix=info.fix,
            source=info.source,
            logic=partial(rule_violations, info),
            waivable=False,
        )
        for info in rules_for(cloud)
        if not info.reads_cloud
    )
    return checks + rules


def excluded_rules(cloud: str) -> tuple[RuleInfo, ...]:
    """The deployability rules the pack leaves to `clinicgen check`, each with its reason."""
    return tuple(info for info in rules_for(cloud) if info.reads_cloud)


@dataclass(frozen=True)
class Note:
    """One violation to report: the message, and the URN of the resource (None: the stack)."""

    message: str
    urn: str | None


@dataclass(frozen=True)
class Verdict:
    """A policy's verdict on one stack: failures at the policy's enforcement, and advisory
    notes (waived findings with their reasons, undecided verdicts)."""

    failures: tuple[Note, ...] = ()
    notes: tuple[Note, ...] = ()


def judge(policy: PackPolicy, resources: Sequence[Resource], settings: PackSettings) -> Verdict:
    """`policy` over the analysed stack's `resources`."""
    graph = Graph(resources)
    with watching() as uses:
        try:
            found = policy.logic(graph, settings.context)
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as error:
            if not _holds_unknowns(graph.resources):
                raise
            return Verdict(
                notes=(
                    Note(
                        f"undecided during preview: the check cannot run on values unknown "
                        f"until deployment ({error}); `clinicgen check` decides it offline",
                        None,
                    ),
                )
            )
    undecided = _by_owner(uses)
    failures: list[Note] = []
    notes: list[Note] = []
    flagged: set[str] = set()
    for violation in found:
        resource = violation.resource
        flagged.add(resource.urn)
        finding = f"{resource.name}: {violation.property or resource.type}: {violation.message}"
        if resource.urn in undecided:
            notes.append(
                Note(
                    f"undecided during preview, may fail: {finding} (read "
                    f"{_paths(undecided[resource.urn])}, unknown until deployment)",
                    resource.urn,
                )
            )
            continue
        waiver = (
            waiver_for(settings.waivers, policy.id, resource.name, resource.urn)
            if policy.waivable
            else None
        )
        if waiver is not None:
            notes.append(Note(f"waived ({waiver.reason}): {finding}", resource.urn))
        else:
            failures.append(Note(f"{finding}. Fix: {policy.fix}", resource.urn))
    by_urn = {resource.urn: resource for resource in graph.resources}
    for owner, values in sorted(undecided.items()):
        if owner not in flagged:
            name = by_urn[owner].name if owner in by_urn else owner
            notes.append(
                Note(
                    f"undecided during preview: {name}: {_paths(values)} unknown until "
                    "deployment; preview again after the first deployment, or run "
                    "`clinicgen check`, which decides it offline",
                    owner,
                )
            )
    return Verdict(failures=tuple(failures), notes=tuple(notes))


def _by_owner(uses: Iterable[Unknown]) -> dict[str, set[str]]:
    owners: dict[str, set[str]] = {}
    for value in uses:
        owners.setdefault(value.owner, set()).add(value.path)
    return owners


def _paths(paths: Iterable[str]) -> str:
    return ", ".join(sorted(paths))


def _holds_unknowns(resources: Iterable[Resource]) -> bool:
    return any(_has_unknown(resource.inputs) for resource in resources)


def _has_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, Mapping):
        return any(_has_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_unknown(item) for item in value)
    return False


class StackArgs(Protocol):
    """What a stack validation reads of `pulumi_policy.StackValidationArgs`."""

    @property
    def resources(self) -> Sequence[EngineResource]: ...


def stack_validation(policy: PackPolicy, settings: PackSettings) -> Callable[[Any, Report], None]:
    """The validate function of `policy`'s stack policy: reports its failures, and its notes
    too when the policy itself is advisory (a mandatory policy's notes go to the notes policy).
    """

    def validate(args: StackArgs, report: Report) -> None:
        verdict = judge(policy, stack_resources(args.resources), settings)
        for note in verdict.failures:
            report(note.message, note.urn)
        if policy.enforcement == ADVISORY:
            for note in verdict.notes:
                report(note.message, note.urn)

    return validate


def notes_validation(
    policies: Sequence[PackPolicy], settings: PackSettings
) -> Callable[[Any, Report], None]:
    """The validate function of the advisory notes policy: the waived and undecided findings
    of every mandatory policy, each prefixed with its check or rule id."""
    mandatory = [policy for policy in policies if policy.enforcement == MANDATORY]

    def validate(args: StackArgs, report: Report) -> None:
        resources = stack_resources(args.resources)
        for policy in mandatory:
            for note in judge(policy, resources, settings).notes:
                report(f"{policy.id}: {note.message}", note.urn)

    return validate
