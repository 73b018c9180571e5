"""Fleets: one managed service provider's standard (fleet.yaml) and one profile per client,
validated, planned, generated and checked together (`clinicgen fleet`)."""
