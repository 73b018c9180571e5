"""The cloud-neutral plan: its model, its JSON codec, and the sizing that builds it."""
