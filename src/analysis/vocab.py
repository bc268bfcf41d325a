"""Canonical ids for the ``statements`` table (docs/data-model.md) and their Norwegian labels.

Kept small and import-free so the command line can use it without pandas.
"""

from __future__ import annotations

GOALS: tuple[str, ...] = ("bolyst", "innbyggertall", "kvinner", "unge")
GOAL_LABELS: dict[str, str] = {
    "bolyst": "Økt bolyst",
    "innbyggertall": "Økt innbyggertall",
    "kvinner": "Flere kvinnelige innbyggere",
    "unge": "Flere yngre innbyggere",
}

KINDS: tuple[str, ...] = ("onsket_resultat", "delmal", "tiltak", "kraft", "motkraft")
KIND_LABELS: dict[str, str] = {
    "onsket_resultat": "Ønsket resultat",
    "delmal": "Delmål",
    "tiltak": "Tiltak",
    "kraft": "Kraft",
    "motkraft": "Motkraft",
}

VILLAGE_PREFIX = "grendemote:"
VILLAGES: dict[str, str] = {
    "engerdal_sentrum": "Engerdal sentrum",
    "drevsjo": "Drevsjø",
    "elga": "Elgå",
    "somadalen": "Sømådalen",
    "heggeriset": "Heggeriset",
    "elvdalen": "Elvdalen",
}
GROUP_LABELS: dict[str, str] = {
    "arbeidsgruppe": "Arbeidsgruppen",
    "kommunestyret": "Kommunestyret",
    "ungdomsradet": "Ungdomsrådet",
    "eldreradet": "Eldrerådet",
    "funksjonshemmede": "Rådet for personer med funksjonsnedsettelse",
    **{f"{VILLAGE_PREFIX}{k}": f"Grendemøte {v}" for k, v in VILLAGES.items()},
}
GROUPS: tuple[str, ...] = tuple(GROUP_LABELS)

SOURCES: tuple[str, ...] = ("workshop", "grendemote")


def source_of(group: str) -> str:
    """``grendemote`` for a village meeting group id, else ``workshop``.

    >>> source_of("grendemote:elga"), source_of("eldreradet")
    ('grendemote', 'workshop')
    """
    return "grendemote" if group.startswith(VILLAGE_PREFIX) else "workshop"
