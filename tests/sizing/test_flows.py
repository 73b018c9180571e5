"""Flow rules: a matrix flow exists where both ends do; ranges and priorities fill in."""

from __future__ import annotations

from generator.catalog import load
from generator.sizing import flows

ALL_SUBNETS = {"apps", "imaging", "ingest", "telehealth", "bastion"}


def test_flows_need_both_ends() -> None:
    ids = flows.site_flow_ids("s", {"clinical", "management", "guest"}, {"apps", "bastion"}).value
    assert ids == ("clinical-to-apps", "bastion-to-management")


def test_guest_has_no_flow_in_the_matrix() -> None:
    matrix = load("flows")["flows"]
    assert all("guest" not in (entry["from"], entry["to"]) for entry in matrix.values())
    assert flows.site_flow_ids("s", {"guest"}, ALL_SUBNETS).value == ()


def test_imaging_reaches_pacs_on_dicom_ports_only() -> None:
    matrix = load("flows")["flows"]
    into_imaging = [
        e for e in matrix.values() if e["from"] == "imaging" and e["direction"] == "site-to-cloud"
    ]
    assert [(e["to"], e["ports"]) for e in into_imaging] == [("imaging", [104, 11112, 2762])]


def test_site_flows_carry_ranges_and_priorities() -> None:
    (flow,) = flows.site_flows(
        "s",
        ("devices-to-ingest",),
        {"medical-devices": "10.0.0.0/26"},
        {"ingest": "10.1.0.0/27"},
        {"devices-to-ingest": 1003},
    )
    assert (flow.source_cidrs, flow.destination_cidrs) == (("10.0.0.0/26",), ("10.1.0.0/27",))
    assert (flow.ports, flow.priority, flow.direction) == ((8883, 443), 1003, "site-to-cloud")


def test_hl7_to_lab_analysers_only_where_the_ehr_is_hosted() -> None:
    hl7 = {"lab-to-ehr", "ehr-to-lab"}
    assert hl7 <= set(flows.site_flow_ids("s", {"lab"}, {"apps"}, hosted_ehr=True).value)
    assert not hl7 & set(flows.site_flow_ids("s", {"lab"}, {"apps"}).value)
    matrix = load("flows")["flows"]
    assert all(matrix[f]["ports"] == [2575] for f in hl7)


def test_pacs_returns_priors_to_modalities_and_labels_print_raw() -> None:
    ids = flows.site_flow_ids("s", {"imaging", "printers"}, ALL_SUBNETS).value
    assert {"pacs-to-modalities", "apps-to-label-printers"} <= set(ids)
    matrix = load("flows")["flows"]
    back = matrix["pacs-to-modalities"]
    assert (back["direction"], back["ports"]) == ("cloud-to-site", [104, 11112, 2762])
    assert matrix["apps-to-label-printers"]["ports"] == [9100]


def test_payment_and_building_systems_have_no_flow() -> None:
    assert flows.site_flow_ids("s", {"payment", "building"}, ALL_SUBNETS).value == ()
