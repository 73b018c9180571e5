"""clinicgen: practice profile -> sized, cloud-neutral plan -> Pulumi stacks.

The generator package never imports a Pulumi SDK at import time: generating stacks for a
profile must stay fast and must not need the provider SDKs loaded.
"""

__version__ = "0.1.0"
