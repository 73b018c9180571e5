"""A site stack's reads of its core stack's outputs: what Pulumi's `require_output` gives."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc as pulumi_rpc

from blueprints.stack_reference import core_stack_reference
from generator.preview.harness import run_stack

CORE = "organization/clinicgen/p-core"
# How the engine marks a secret value (pulumi.runtime.rpc._special_sig_key / _special_secret_sig).
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
# A secret output of the core, as the engine sends it.
SECRET_K = pulumi_rpc.wrap_rpc_secret("k")


class _CoreMocks(pulumi.runtime.Mocks):
    """The core stack's outputs as the engine answers a StackReference: `secret_names`
    None for a CLI that does not say which are secret."""

    def __init__(self, outputs: dict[str, Any], secret_names: list[str] | None) -> None:
        self._state: dict[str, Any] = {"name": CORE, "outputs": outputs}
        if secret_names is not None:
            self._state["secretOutputNames"] = secret_names

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ == "pulumi:pulumi:StackReference":
            return CORE, self._state
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


@pytest.mark.parametrize(
    ("outputs", "secret_names", "secret"),
    [
        ({"network": "net-1", "routers": {"0": "r-0"}}, None, {"network": False, "routers": False}),
        ({"network": "net-1", "key": SECRET_K}, ["key"], {"network": False, "key": True}),
        # Without the names, the secretness of the outputs as a whole: every read is secret.
        ({"network": "net-1", "key": SECRET_K}, None, {"network": True, "key": True}),
    ],
    ids=["plain", "secret-named", "secret-unnamed"],
)
def test_require_reads_what_require_output_reads(
    outputs: dict[str, Any], secret_names: list[str] | None, secret: dict[str, bool]
) -> None:
    # Each read goes into a resource's inputs, where the engine sees its value, whether it is
    # secret (a secret arrives wrapped) and the resource it came from (the dependency).
    def program() -> None:
        core = core_stack_reference("p-core")
        for name in outputs:
            for reader, read in (("ours", core.require), ("pulumis", core.require_output)):
                pulumi.CustomResource(
                    "test:index:Reader", f"{name}-{reader}", {"value": read(name)}
                )

    run = run_stack("p-site-a", {}, program, _CoreMocks(outputs, secret_names))

    for name in outputs:
        ours, pulumis = run.named(f"{name}-ours"), run.named(f"{name}-pulumis")
        assert (ours.inputs, ours.dependencies) == (pulumis.inputs, pulumis.dependencies)
        assert len(ours.dependencies) == 1 and "StackReference" in ours.dependencies[0]
    read_secret = {
        name: SECRET_SIG in json.dumps(run.named(f"{name}-ours").inputs) for name in outputs
    }
    assert read_secret == secret
