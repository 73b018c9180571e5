"""A stack as Pulumi's policy engine hands it over becomes the resources checks read: the
SDK's proxy unwrapped, each unknown an `Unknown` carrying its property's dependencies, the
dependencies as URNs, providers and the stack left out."""

from __future__ import annotations

from pulumi_policy import PolicyResource
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from generator.checks.unknown import Unknown
from generator.policy.resources import stack_resources
from tests.policy.engine import options


def _engine(
    name: str, kind: str, props: dict[str, object], **dependencies: list[PolicyResource]
) -> PolicyResource:
    return PolicyResource(
        resource_type=kind,
        props=unknown_checking_proxy(props),
        urn=f"urn:pulumi:core::p::{kind}::{name}",
        name=name,
        opts=options(protect=True),
        provider=None,
        parent=None,
        dependencies=[d for ds in dependencies.values() for d in ds],
        property_dependencies=dict(dependencies),
    )


def test_unknowns_carry_their_propertys_dependencies_and_known_values_stay() -> None:
    nsg = _engine("nsg", "azure-native:network:NetworkSecurityGroup", {"id": "/sub/nsg"})
    subnet = _engine(
        "apps",
        "azure-native:network:Subnet",
        {
            "subnetName": "apps",
            "networkSecurityGroup": {"id": UNKNOWN_STRING_VALUE},
            "addressPrefixes": ["10.0.0.0/24", UNKNOWN_STRING_VALUE],
        },
        networkSecurityGroup=[nsg],
    )
    provider = _engine("default", "pulumi:providers:azure-native", {})
    read_nsg, read_subnet = stack_resources([nsg, subnet, provider])
    assert read_nsg.id == "/sub/nsg"
    assert read_subnet.protect
    assert read_subnet.dependencies == (nsg.urn,)
    reference = read_subnet.inputs["networkSecurityGroup"]["id"]
    assert isinstance(reference, Unknown)
    assert (reference.owner, reference.path, reference.sources) == (
        subnet.urn,
        "networkSecurityGroup.id",
        (nsg.urn,),
    )
    prefixes = read_subnet.inputs["addressPrefixes"]
    assert prefixes[0] == "10.0.0.0/24"
    assert isinstance(prefixes[1], Unknown) and prefixes[1].sources == ()
    assert read_subnet.outputs is read_subnet.inputs
    assert read_subnet.id == ""
