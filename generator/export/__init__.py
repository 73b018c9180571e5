"""Export a practice's stacks in the formats other tools read: ARM deployment templates for
Azure, a Terraform plan (JSON) for Google Cloud, so that Checkov, Trivy, PSRule for Azure or
`az deployment group what-if` can judge what clinicgen would deploy.

The resources come from the offline preview (`generator.preview`): each stack's program run
under mocks, every resource with its token and engine-level inputs. How a token maps to the
other format is data (`generator/catalog/export_arm.yaml`, `export_terraform.yaml`), each
entry with its source. A resource the format cannot express is listed, never dropped.
"""
