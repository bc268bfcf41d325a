"""Norwegian display names for groups, goals and statement kinds.

One place for the words readers see, so every report names a group or a goal
the same way. Ids are the ones in the ``statements`` table (docs/data-model.md);
the names of a municipality's goals, groups and villages come from its profile
(:mod:`analysis.profile`, ``profile.yaml``).

>>> group_label("ungdomsradet")
'Ungdomsrådet'
>>> group_label("grendemote:drevsjo")
'Grendemøte Drevsjø'
>>> goal_label("kvinner")
'Flere kvinnelige innbyggere'
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.profile import Profile, load_profile
from analysis.vocab import VILLAGE_PREFIX

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


def group_label(group: str, profile: Profile | None = None) -> str:
    """Norwegian display name of a group id (from the profile); unknown ids get a readable fallback.

    >>> group_label("grendemote:nytt_sted")
    'Grendemøte Nytt sted'
    >>> group_label("naeringsforening")
    'Naeringsforening'
    """
    labels = (profile or load_profile()).group_labels
    if group in labels:
        return labels[group]
    text = str(group)
    if text.startswith(VILLAGE_PREFIX):
        village = text[len(VILLAGE_PREFIX) :]
        return "Grendemøte " + village.replace("_", " ").replace("-", " ").capitalize()
    return text.replace("_", " ").capitalize()


def group_title(group: str, profile: Profile | None = None) -> str:
    """A group's name as a title in its natural form: «Ungdomsrådet», «Grendemøtet i Drevsjø».

    >>> group_title("grendemote:drevsjo"), group_title("ungdomsradet")
    ('Grendemøtet i Drevsjø', 'Ungdomsrådet')
    """
    profile = profile or load_profile()
    text = str(group)
    titles = profile.group_titles
    if text in titles:
        return titles[text]
    if text.startswith(VILLAGE_PREFIX):
        return "Grendemøtet i " + text[len(VILLAGE_PREFIX) :].replace("_", " ").replace("-", " ").capitalize()
    return group_label(group, profile)


def group_in_text(group: str, profile: Profile | None = None) -> str:
    """A group's name inside a sentence: «ungdomsrådet», «grendemøtet i Drevsjø», «arbeidsgruppen».

    >>> group_in_text("grendemote:drevsjo"), group_in_text("kommunestyret")
    ('grendemøtet i Drevsjø', 'kommunestyret')
    """
    title = group_title(group, profile)
    return title[:1].lower() + title[1:]


def and_list(items: Iterable[str]) -> str:
    """Items joined the Norwegian way, for running text: «a», «a og b», «a, b og c».

    >>> and_list(["bolig", "skole", "arbeid"]), and_list(["bolig"]), and_list([])
    ('bolig, skole og arbeid', 'bolig', '')
    """
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def goal_label(goal: object, profile: Profile | None = None) -> str:
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
    return (profile or load_profile()).goal_labels.get(str(goal), str(goal))


def kind_label(kind: str) -> str:
    """Norwegian label of a statement kind (``kraft`` → ``Drivkraft``)."""
    return KIND_LABELS.get(kind, kind)


def group_sort_key(group: str, profile: Profile | None = None) -> tuple[int, int, str]:
    """Sort key putting the profile's groups first (workshop groups, then village meetings), in its order."""
    order = (profile or load_profile()).group_ids
    if group in order:
        return (0, order.index(group), group)
    return (1, 0, str(group))
