"""The practice profile: load (safe YAML), validate (Cerberus + cross-field rules), normalise.

`load_profile` is the only way the rest of clinicgen gets a profile: it returns the frozen
`Profile` model with every default filled, or raises `ProfileError` listing every problem as
`FILE: path.to.field: message (got VALUE)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.errors import ProfileError
from generator.profile.loader import read_document
from generator.profile.model import Profile
from generator.profile.normalise import build_profile
from generator.profile.validate import validate_document


def load_profile(path: Path | str) -> Profile:
    """Read, validate and normalise the profile at `path`."""
    label = str(path)
    return profile_from_document(read_document(Path(path), label), label)


def profile_from_document(document: dict[str, Any], label: str) -> Profile:
    """Validate an already-parsed profile document (`label` names it in messages)."""
    normalised, problems = validate_document(document, label)
    if problems:
        raise ProfileError(problems)
    return build_profile(normalised, label)


__all__ = ["Profile", "load_profile", "profile_from_document"]
