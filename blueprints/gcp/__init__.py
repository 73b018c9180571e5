"""Google Cloud blueprints: one Pulumi component per concern, composed by `stacks`.

`stacks.deploy_core` builds the `<practice>-core` stack and `stacks.deploy_site` one
`<practice>-site-<site>` stack, both from the cloud-neutral plan. Every component takes the
stack's `GcpContext` first and reads Google Cloud facts from the plan through it, never from
the catalog.
"""
