"""The render stage: a plan (or a profile) in, text out. Writing it is `generator.write`'s job.

- `stack_files`: each stack's `Pulumi.<stack>.yaml`, its part of the plan as `stack_config`
- `handoff`: the on-site installer's sheet for each site
- `runbook`: the practice's deployment runbook: roles, providers or APIs, features, order
- `project`: the files of a self-contained Pulumi project (`generate --project-dir`)
- `plan_report`: the plan as tables, JSON or a Markdown review document (`clinicgen plan`)
- `starter_profile`, `profile_reference`: the profile `clinicgen init` writes, docs/profile.md
- `templating`: the one Jinja environment every text goes through

`stack_config` also names what the Pulumi program reads back, and the program imports it; this
package's own import is therefore empty, so the program never loads Jinja.
"""
