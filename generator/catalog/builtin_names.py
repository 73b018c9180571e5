"""The names people know the clouds' built-ins by.

Azure assigns built-in roles and policy initiatives by GUID, the same in every tenant; a
reader knows them by name. Text and Markdown show the name (`Network Contributor`,
`HITRUST/HIPAA`); JSON, stack files and the resources keep the id.
"""

from __future__ import annotations

from functools import cache

from generator.catalog import load


@cache
def _names() -> dict[str, str]:
    roles = load("azure_platform")["role_definitions"]["ids"]
    names = {str(guid).lower(): str(name) for name, guid in roles.items()}
    initiatives = load("skus")["monitoring"]["azure"]["initiative_names"]
    names.update({str(guid).lower(): str(name) for guid, name in initiatives.items()})
    return names


def builtin_name(value: str) -> str:
    """The name of the built-in `value` identifies (its GUID, or an ARM id ending in it), or
    `value` unchanged when it names none."""
    return _names().get(value.rsplit("/", 1)[-1].lower(), value)
