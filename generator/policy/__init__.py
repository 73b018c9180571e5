"""The Pulumi policy pack every generated project carries (`policy/`): clinicgen's compliance
checks and deployability rules enforced inside `pulumi preview` and `pulumi up`, with the same
logic as `clinicgen check` (`generator.checks`).

`resources` turns the stack the policy engine hands over into the resources checks read,
`settings` is what `generate` writes beside the pack, `validators` the policies as plain
functions, and `pack` the only module that imports `pulumi_policy`.
"""
