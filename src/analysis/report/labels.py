"""Norwegian display names for groups, goals and statement kinds.

One place for the words readers see, so every report names a group or a goal
the same way. Ids are the ones in the ``statements`` table (docs/data-model.md).

>>> group_label("ungdomsradet")
'Ungdomsrådet'
>>> group_label("grendemote:drevsjo")
'Grendemøte Drevsjø'
>>> goal_label("kvinner")
'Flere kvinnelige innbyggere'
"""

from __future__ import annotations

import pandas as pd

# The canonical ids and their labels live in one place, the shared vocabulary (the same words
# the template's drop-downs offer); this module adds what reports need on top of them.
from analysis.vocab import GOAL_LABELS, GROUP_LABELS, VILLAGE_PREFIX, VILLAGES

#: Workshop groups, in the order the workshops were held.
WORKSHOP_GROUPS: dict[str, str] = {k: v for k, v in GROUP_LABELS.items() if not k.startswith(VILLAGE_PREFIX)}

#: Display names of statement kinds; a report says "Drivkraft" where the template says "Kraft".
KIND_LABELS: dict[str, str] = {
    "onsket_resultat": "Ønsket resultat",
    "delmal": "Delmål",
    "tiltak": "Tiltak",
    "kraft": "Drivkraft",
    "motkraft": "Motkraft",
}

SOURCE_LABELS: dict[str, str] = {"workshop": "Workshop", "grendemote": "Grendemøte"}

NO_GOAL_LABEL = "Ikke knyttet til ett mål"


def group_label(group: str) -> str:
    """Norwegian display name of a group id; unknown ids get a readable fallback.

    >>> group_label("grendemote:nytt_sted")
    'Grendemøte Nytt sted'
    >>> group_label("naeringsforening")
    'Naeringsforening'
    """
    if group in GROUP_LABELS:
        return GROUP_LABELS[group]
    text = str(group)
    if text.startswith(VILLAGE_PREFIX):
        village = text[len(VILLAGE_PREFIX) :]
        return "Grendemøte " + VILLAGES.get(village, village.replace("_", " ").replace("-", " ").capitalize())
    return text.replace("_", " ").capitalize()


def goal_label(goal: object) -> str:
    """Norwegian label of a goal id; missing goal means "not tied to one goal".

    >>> goal_label(None)
    'Ikke knyttet til ett mål'
    """
    if goal is None:
        return NO_GOAL_LABEL
    try:
        if pd.isna(goal):
            return NO_GOAL_LABEL
    except (TypeError, ValueError):
        pass
    if str(goal) in {"", "<NA>", "nan"}:
        return NO_GOAL_LABEL
    return GOAL_LABELS.get(str(goal), str(goal))


def kind_label(kind: str) -> str:
    """Norwegian label of a statement kind (``kraft`` → ``Drivkraft``)."""
    return KIND_LABELS.get(kind, kind)


def group_sort_key(group: str) -> tuple[int, int, str]:
    """Sort key putting workshop groups first (catalogue order), then village meetings."""
    order = list(GROUP_LABELS)
    if group in GROUP_LABELS:
        return (0, order.index(group), group)
    return (1, 0, str(group))
