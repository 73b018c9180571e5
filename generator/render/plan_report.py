"""The plan as `clinicgen plan` prints it: tables for people (text laid out for the terminal or
a pipe, or Markdown) and the whole plan as JSON for machines.

The Markdown review leads with what an approver reads (one row per site, per kind of flow, per
rule) and folds the full detail (each site's segments, every flow, every decision) into
collapsible sections; nothing is left out.

Every row of a sized table ends with the rule ids of the decisions behind its numbers, so an
architect can trace any value to its reason in the closing Decisions table. A table keeps the
decision subjects of each row too (`subjects`), and names the columns copied from the profile
rather than sized (`profile_columns`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from generator.catalog.builtin_names import builtin_name
from generator.plan.codec import dumps
from generator.plan.model import Decision, Flow, IpsecPolicy, Plan, RoleGrant, SiteVpn
from generator.render.layout import PIPE_WIDTH
from generator.render.tables import Table, plain_text
from generator.render.templating import render
from generator.sizing.flows import SITE_TO_CLOUD
from generator.wording import counted

RULES_COLUMN = "rules"
# Segments whose device count a rule derives (NET-DEV-01..03) rather than the profile giving it.
DEVICE_SUBJECTS = {
    "clinical": "workstations",
    "admin": "workstations",
    "management": "management",
    "imaging": "imaging",
}


@dataclass(frozen=True)
class Section:
    """A part of the Markdown review: the tables shown, then the detail folded away."""

    tables: tuple[Table, ...]
    folded: tuple[Table, ...] = ()


@dataclass(frozen=True)
class _Row:
    cells: tuple[str, ...]
    subjects: tuple[str, ...]


class _Rules:
    """Rule ids by decision subject, so a row can name the rules behind it."""

    def __init__(self, decisions: tuple[Decision, ...]) -> None:
        self.by_subject: dict[str, list[str]] = defaultdict(list)
        for decision in decisions:
            if decision.rule not in self.by_subject[decision.subject]:
                self.by_subject[decision.subject].append(decision.rule)

    def ids(self, subjects: tuple[str, ...]) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for subject in subjects:
            found.update(dict.fromkeys(self.by_subject.get(subject, ())))
        return tuple(found)

    def table(
        self,
        title: str,
        columns: tuple[str, ...],
        rows: list[_Row],
        title_subjects: tuple[str, ...] = (),
        profile_columns: tuple[str, ...] = (),
    ) -> Table:
        return Table(
            title=title,
            columns=(*columns, RULES_COLUMN),
            rows=tuple((*row.cells, " ".join(self.ids(row.subjects))) for row in rows),
            subjects=tuple(row.subjects for row in rows),
            title_subjects=title_subjects,
            rules=self.ids(title_subjects),
            profile_columns=profile_columns,
        )


def plan_report(plan: Plan, output_format: str, width: int = PIPE_WIDTH) -> str:
    """The plan as `output_format`: `text` tables laid out in `width` columns, `json` the whole
    plan (docs/plan-json.md), `markdown` a review document."""
    if output_format == "json":
        return dumps(plan)
    if output_format == "markdown":
        return render("plan/plan.md.jinja", plan=plan, sections=review_sections(plan))
    return plain_text(plan_tables(plan), width)


def plan_tables(plan: Plan) -> tuple[Table, ...]:
    """Every table of the plan view, in reading order: the text report."""
    rules = _Rules(plan.decisions)
    return (
        _practice(plan),
        *(_site(plan, index, rules) for index in range(len(plan.sites))),
        _vpn(plan, rules),
        _hub(plan, rules),
        _subnets(plan, rules),
        _flows(plan, rules),
        _workloads(plan, rules),
        _identity(plan, rules),
        _backup(plan, rules),
        *_decisions(plan),
    )


def review_sections(plan: Plan) -> tuple[Section, ...]:
    """The Markdown review: the same tables, led by a summary wherever the detail grows with
    the practice (sites, flows, decisions), the detail folded."""
    rules = _Rules(plan.decisions)
    return (
        Section((_practice(plan),)),
        Section(
            (_site_overview(plan, rules),),
            tuple(_site(plan, index, rules) for index in range(len(plan.sites))),
        ),
        Section((_vpn(plan, rules),)),
        Section((_hub(plan, rules), _subnets(plan, rules))),
        Section((_flow_overview(plan, rules),), (_flows(plan, rules),)),
        Section((_workloads(plan, rules),)),
        Section((_identity(plan, rules),)),
        Section((_backup(plan, rules),)),
        Section((_decision_overview(plan),), _decisions(plan)),
    )


def approval_sections(plan: Plan) -> tuple[Section, Section, Section]:
    """What the approval report (`clinicgen report`) takes from the plan: its key decisions
    (the hub, VPN gateway, workloads, identity, backup and one row per rule, every row with
    its rule ids), every decision's reason folded; the sites, each site's segments folded;
    and the flows by kind, every site's flows folded."""
    rules = _Rules(plan.decisions)
    sites = Section(
        (_site_overview(plan, rules),),
        tuple(_site(plan, index, rules) for index in range(len(plan.sites))),
    )
    decisions = Section(
        (
            _hub(plan, rules),
            _workloads(plan, rules),
            _identity(plan, rules),
            _backup(plan, rules),
            _decision_overview(plan),
        ),
        _decisions(plan),
    )
    return decisions, sites, Section((_flow_overview(plan, rules),), (_flows(plan, rules),))


def _practice(plan: Plan) -> Table:
    info = plan.practice
    rows = (
        ("name", info.name),
        ("id", info.id),
        ("cloud", info.cloud),
        ("region", info.region),
        ("dr region", info.dr_region or "none"),
        ("compliance", ", ".join(info.compliance)),
        ("jurisdiction", info.jurisdiction or "none"),
    )
    return Table("Practice (from the profile)", ("field", "value"), rows, from_profile=True)


def _site(plan: Plan, index: int, rules: _Rules) -> Table:
    site = plan.sites[index]
    where = f"sites.{site.id}"
    rows = [
        _Row(
            (
                s.name,
                str(s.vlan),
                s.cidr,
                s.gateway,
                f"{s.dhcp_start} to {s.dhcp_end}",
                str(s.devices),
                str(s.required),
                str(s.capacity),
                "yes" if s.crosses_vpn else "no",
            ),
            (
                f"{where}.segments.{s.name}",
                f"{where}.segments.{s.name}.cidr",
                *((f"{where}.{DEVICE_SUBJECTS[s.name]}",) if s.name in DEVICE_SUBJECTS else ()),
            ),
        )
        for s in site.segments
    ]
    columns = ("segment", "vlan", "cidr", "gateway", "dhcp", "devices", "x growth", "capacity")
    return rules.table(
        f"Site {site.id}: {site.name} ({site.kind}), block {site.block_label}",
        (*columns, "vpn"),
        rows,
        title_subjects=(f"{where}.block",),
    )


def _site_overview(plan: Plan, rules: _Rules) -> Table:
    rows = [
        _Row(
            (
                site.id,
                site.name,
                site.kind,
                site.block_label,
                str(len(site.segments)),
                str(sum(segment.devices for segment in site.segments)),
                site.vpn.peer_ip if site.vpn is not None else "none",
            ),
            (
                f"sites.{site.id}.block",
                *(f"sites.{site.id}.segments.{s.name}" for s in site.segments),
            ),
        )
        for site in plan.sites
    ]
    columns = ("site", "name", "kind", "block", "segments", "devices", "vpn peer")
    return rules.table(
        f"Sites ({len(plan.sites)})",
        columns,
        rows,
        profile_columns=("name", "kind", "vpn peer"),
    )


def _routing(vpn: SiteVpn) -> tuple[str, str]:
    """How a site routes (`static`, or `bgp AS65002`) and its BGP peering: GCP's sessions as
    cloud/site addresses, or on Azure the site router's address."""
    if vpn.site_asn is None:
        return vpn.routing, ""
    sessions = ", ".join(f"{b.cloud_address}/{b.site_address}" for b in vpn.bgp_sessions)
    if vpn.bgp_peer_address:
        sessions = f"site {vpn.bgp_peer_address}"
    return f"{vpn.routing} AS{vpn.site_asn}", sessions


def _vpn(plan: Plan, rules: _Rules) -> Table:
    parts = ("local_prefixes", "tunnels", "routing", "bgp", "bgp_peer")
    rows = [
        _Row(
            (
                site.id,
                site.vpn.peer_ip,
                f"{site.vpn.bandwidth_mbps} Mbps",
                *_routing(site.vpn),
                ", ".join(site.vpn.local_prefixes),
            ),
            tuple(f"sites.{site.id}.vpn.{part}" for part in parts),
        )
        for site in plan.sites
        if site.vpn is not None
    ]
    columns = ("site", "peer", "bandwidth", "routing", "bgp peering", "prefixes")
    return rules.table("Site VPNs", columns, rows, profile_columns=("peer", "bandwidth"))


def _hub(plan: Plan, rules: _Rules) -> Table:
    core = plan.core
    rows = [
        _Row(("address space", core.address_space), ("core.address_space",)),
        _Row(("firewall tier", core.firewall_tier), ("core.firewall_tier",)),
        _Row(("bastion", "yes" if core.bastion else "no"), ("core.bastion",)),
    ]
    if plan.vpn is not None:
        gw = plan.vpn
        value = (
            f"{gw.sku}: {counted(gw.sites, 'site')}, {gw.tunnels}/{gw.max_tunnels} tunnels, "
            f"{gw.aggregate_mbps}/{gw.max_mbps} Mbps, AS{gw.cloud_asn}"
        )
        rows.append(_Row(("vpn gateway", value), ("vpn.sku", "vpn.virtual_wan")))
        if gw.virtual_wan is not None:
            hub = gw.virtual_wan
            value = (
                f"{hub.wan_type} hub {hub.address_prefix}, "
                f"{counted(hub.scale_units, 'VPN gateway scale unit')}"
            )
            rows.append(_Row(("virtual wan", value), ("vpn.virtual_wan",)))
    for pool in core.segment_pools:
        rules_here = sum(1 for f in core.pool_flows if _site_end(f) == pool.name)
        value = (
            f"{pool.cidr}: the pooled sites' {pool.name} segments, "
            f"{counted(rules_here, 'core rule')}"
        )
        rows.append(
            _Row(
                (f"segment pool {pool.name}", value),
                (f"core.segment_pools.{pool.name}", "core.pool_flows"),
            )
        )
    rows.append(_Row(("ipsec", _ipsec_text(plan.ipsec)), ("ipsec",)))
    for site in plan.sites:
        if site.vpn is not None and site.vpn.ipsec is not None:
            subject = f"sites.{site.id}.vpn.ipsec"
            rows.append(_Row((f"ipsec at {site.id}", _ipsec_text(site.vpn.ipsec)), (subject,)))
    return rules.table(f"Hub network ({plan.cloud})", ("item", "value"), rows)


def _ipsec_text(ipsec: IpsecPolicy) -> str:
    return (
        f"{ipsec.ike_version} {ipsec.ike_encryption}/{ipsec.ike_integrity} {ipsec.dh_group}, "
        f"ESP {ipsec.ipsec_encryption}, PFS {ipsec.pfs_group}, "
        f"SA {ipsec.sa_lifetime_seconds} s / {ipsec.sa_data_size_kb} KB"
    )


def _site_end(flow: Flow) -> str:
    return flow.source if flow.direction == SITE_TO_CLOUD else flow.destination


def _subnets(plan: Plan, rules: _Rules) -> Table:
    rows = [
        _Row(
            (s.name, s.cidr, str(s.required), str(s.capacity), s.purpose),
            (f"core.subnets.{s.name}", f"core.subnets.{s.name}.cidr"),
        )
        for s in plan.core.subnets
    ]
    columns = ("subnet", "cidr", "hosts x growth", "capacity", "purpose")
    return rules.table("Hub subnets", columns, rows)


def _flows(plan: Plan, rules: _Rules) -> Table:
    def ends(flow: Flow) -> tuple[str, str]:
        segment = f"sites.{flow.site}.segments.{{}}.cidr"
        subnet = "core.subnets.{}.cidr"
        outbound = flow.direction == SITE_TO_CLOUD
        source, destination = (segment, subnet) if outbound else (subnet, segment)
        return source.format(flow.source), destination.format(flow.destination)

    rows = [
        _Row(
            (
                flow.site,
                flow.id,
                f"{flow.source} {', '.join(flow.source_cidrs)}",
                f"{flow.destination} {', '.join(flow.destination_cidrs)}",
                f"{flow.protocol} {', '.join(str(p) for p in flow.ports)}",
                f"{flow.priority} (the core's rule for the pools)"
                if flow.pooled
                else str(flow.priority),
            ),
            (
                f"flows.{flow.site}",
                "core.pool_flows" if flow.pooled else f"sites.{flow.site}.priority_base",
                *ends(flow),
            ),
        )
        for flow in plan.flows
    ]
    columns = ("site", "flow", "from", "to", "ports", "priority")
    return rules.table("Allowed flows (everything else denied)", columns, rows)


def _flow_overview(plan: Plan, rules: _Rules) -> Table:
    by_id: dict[str, list[Flow]] = defaultdict(list)
    for flow in plan.flows:
        by_id[flow.id].append(flow)
    rows = [
        _Row(
            (
                flow_id,
                flows[0].source,
                flows[0].destination,
                f"{flows[0].protocol} {', '.join(str(p) for p in flows[0].ports)}",
                f"{len(flows)} of {len(plan.sites)}",
            ),
            tuple(f"flows.{flow.site}" for flow in flows),
        )
        for flow_id, flows in by_id.items()
    ]
    columns = ("flow", "from", "to", "ports", "sites")
    return rules.table("Allowed flows (everything else denied)", columns, rows)


def _workloads(plan: Plan, rules: _Rules) -> Table:
    w = plan.workloads
    ehr = "none"
    if w.ehr is not None:
        ehr = (
            f"{w.ehr.vm_count} x {w.ehr.machine_type} ({w.ehr.vcpus} vCPU, {w.ehr.memory_gb} GB, "
            f"{w.ehr.data_disk_gb} GB data disk) for {w.ehr.concurrent_users} concurrent users"
        )
    imaging = "none"
    if w.imaging is not None:
        i = w.imaging
        imaging = (
            f"{i.modalities} modalities, {i.studies_per_year} studies/year, "
            f"{i.storage_gb_per_year} GB/year x {i.retention_years} years = "
            f"{i.total_storage_gb} GB; cool after {i.hot_days} days, archive after {i.cool_days}"
        )
    telehealth = "none"
    if w.telehealth is not None:
        t = w.telehealth
        telehealth = (
            f"{t.min_instances}-{t.max_instances} x {t.sku} ({t.cpu} vCPU, {t.memory_gb} GB) "
            f"for {t.peak_sessions} sessions, {t.egress_mbps} Mbps egress"
            + (", visits recorded" if t.recording else "")
        )
    ingest = "none"
    if w.ingest is not None:
        d = w.ingest
        ingest = (
            f"{d.units} x {d.tier} for {d.devices} devices, {d.messages_per_day} messages/day, "
            f"{d.retention_days} days retention"
        )
    rows = [
        _Row(("hosted EHR", ehr), ("workloads.ehr",)),
        _Row(("PACS / DICOM", imaging), ("workloads.imaging", "workloads.imaging.storage")),
        _Row(("FHIR store", "yes" if w.fhir else "no"), ("workloads.fhir",)),
        _Row(("telehealth", telehealth), ("workloads.telehealth",)),
        _Row(("device ingest", ingest), ("workloads.ingest",)),
    ]
    return rules.table("Workloads", ("workload", "size"), rows)


def _identity(plan: Plan, rules: _Rules) -> Table:
    def roles(grants: tuple[RoleGrant, ...]) -> str:
        return ";\n".join(f"{g.role} @ {g.scope}" for g in grants)

    rows = [
        _Row(
            (f"persona {p.persona}", p.group, roles(p.grants)),
            (f"identity.personas.{p.persona}", "identity.data_plane"),
        )
        for p in plan.identity.personas
    ]
    rows += [
        _Row(
            (f"workload {w.workload}", "own identity", roles(w.grants)),
            (f"identity.workloads.{w.workload}",),
        )
        for w in plan.identity.workloads
    ]
    columns = ("who", "group", "roles")
    return rules.table("Identity", columns, rows, profile_columns=("group",))


def _backup(plan: Plan, rules: _Rules) -> Table:
    b = plan.backup
    m = plan.monitoring
    vault = f"{b.redundancy}-redundant"
    if b.cross_region_restore:
        vault += f" to {b.dr_region}, cross-region restore"
    vault += f"; immutable: {'yes' if b.immutable else 'no'}; soft delete {b.soft_delete_days} days"
    rows = [
        _Row(
            ("record retention", f"{b.record_retention_years} years"),
            ("backup.record_retention_years",),
        ),
        _Row(
            ("backup", f"RPO {b.rpo_hours} h, every {b.frequency_hours} h"),
            ("backup.frequency_hours",),
        ),
        _Row(
            (
                "backup retention",
                f"{b.daily_days} daily, {b.weekly_weeks} weekly, {b.monthly_months} monthly, "
                f"{b.yearly_years} yearly",
            ),
            ("backup.retention",),
        ),
        _Row(("vault", vault), ("backup.retention",)),
        _Row(
            (
                "logs",
                f"{m.log_retention_days} days interactive, {m.log_archive_days} days total; "
                f"flow logs {'on' if m.flow_logs else 'off'}",
            ),
            ("monitoring.log_retention",),
        ),
        _Row(
            ("compliance", _named(", ".join(m.policy_initiatives)) or "none"),
            ("monitoring.policy_initiatives",),
        ),
        _Row(
            ("threat protection", ", ".join(m.defender_plans) or "none"),
            ("monitoring.defender_plans",),
        ),
    ]
    return rules.table("Backup, retention and monitoring", ("item", "value"), rows)


def _named(listed: str) -> str:
    """A comma-separated list with each built-in id shown by its name (JSON keeps the ids)."""
    return ", ".join(builtin_name(item) for item in listed.split(", "))


def _by_rule(plan: Plan) -> dict[str, list[Decision]]:
    grouped: dict[str, list[Decision]] = defaultdict(list)
    for decision in plan.decisions:
        grouped[decision.rule].append(decision)
    return grouped


def _decisions(plan: Plan) -> tuple[Table, ...]:
    """One table per rule, in the order the rules first decide: each decision's subject,
    value and reason."""
    return tuple(
        Table(
            f"Decisions {rule}: {counted(len(decisions), 'decision')}",
            ("subject", "value", "reason"),
            tuple((d.subject, _named(d.value), d.reason) for d in decisions),
        )
        for rule, decisions in _by_rule(plan).items()
    )


# A site, segment or subnet name in a decision subject, for the overview's subject patterns.
_SUBJECT_PARTS = (
    (re.compile(r"^(sites|flows)\.[^.]+"), r"\1.<site>"),
    (re.compile(r"\.segments\.[^.]+"), ".segments.<segment>"),
    (re.compile(r"\.subnets\.[^.]+"), ".subnets.<subnet>"),
)


def _subject_pattern(subject: str) -> str:
    for part, placeholder in _SUBJECT_PARTS:
        subject = part.sub(placeholder, subject)
    return subject


def _decision_overview(plan: Plan) -> Table:
    """One row per rule: how many decisions it made, about what, and its first reason."""
    rows = tuple(
        (
            rule,
            str(len(decisions)),
            ", ".join(dict.fromkeys(_subject_pattern(d.subject) for d in decisions)),
            decisions[0].reason,
        )
        for rule, decisions in _by_rule(plan).items()
    )
    return Table("Decisions by rule", ("rule", "decisions", "about", "first reason"), rows)
