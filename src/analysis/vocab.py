"""The words every municipality shares: statement kinds, sources, the village-meeting prefix.

A municipality's own words — its goals, groups and villages — are in its profile
(:mod:`analysis.profile`). Kept import-free so the command line can use it without pandas.
"""

from __future__ import annotations

KINDS: tuple[str, ...] = ("onsket_resultat", "delmal", "tiltak", "kraft", "motkraft")
KIND_LABELS: dict[str, str] = {
    "onsket_resultat": "Ønsket resultat",
    "delmal": "Delmål",
    "tiltak": "Tiltak",
    "kraft": "Kraft",
    "motkraft": "Motkraft",
}

#: Group ids of village meetings are ``grendemote:<village id>``.
VILLAGE_PREFIX = "grendemote:"

SOURCES: tuple[str, ...] = ("workshop", "grendemote")


def source_of(group: str) -> str:
    """``grendemote`` for a village meeting group id, else ``workshop``.

    >>> source_of("grendemote:elga"), source_of("eldreradet")
    ('grendemote', 'workshop')
    """
    return "grendemote" if group.startswith(VILLAGE_PREFIX) else "workshop"
