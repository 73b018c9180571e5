"""Offline preview: run the blueprints program under Pulumi mocks, no CLI, no cloud.

Importing this package loads no Pulumi SDK; `generator.preview.harness` does, and only the
commands that need it (preview, diff, check) import that module.
"""
