"""The Pulumi program clinicgen's stacks run, and its components per cloud.

`blueprints/__main__.py` is the program (`Pulumi.yaml` `main: blueprints`); it reads the
stack's part of the plan from config and hands it to `blueprints.azure` or `blueprints.gcp`.
Components import the plan model from `generator.plan`; `generator` never imports these.
"""
