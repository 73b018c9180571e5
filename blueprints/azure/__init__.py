"""Azure blueprints on pulumi-azure-native: one ComponentResource per concern.

`stacks.deploy_core` and `stacks.deploy_site` compose them from a stack's part of the plan.
"""
