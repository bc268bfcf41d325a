"""Canonical values from the analyst-extendable mapping file.

The municipality's goals, groups and villages and their spellings come from its profile
(``profile.yaml``, :mod:`analysis.profile`). ``src/analysis/data/workshop_mappings.yaml`` lists the
words every municipality shares: statement kinds, strength words, column-header synonyms and the
spellings of "not tied to one goal". A project may add spellings in
``data/raw/workshops/mappings.yaml`` (same structure; lists are added).

Matching is done on a *folded* form: lower case, æ/ø/å as ae/o/a, punctuation
and repeated spaces removed, text in brackets dropped.

>>> m = load_mappings()
>>> m.group("Ungdomsrådet"), m.group(" UR "), m.group("ungdomsråd")
('ungdomsradet', 'ungdomsradet', 'ungdomsradet')
>>> m.group("Grendemøte Drevsjø")
'grendemote:drevsjo'
>>> m.goal("Økt bolyst"), m.goal("Mål 1"), m.goal("1")
('bolyst', 'bolyst', 'bolyst')
>>> m.scale("høy"), m.scale("3 - middels"), m.scale(7)
((4, None), (3, None), (None, '7 is outside 1–5'))
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis import vocab
from analysis.errors import AnalysisError
from analysis.profile import Profile, load_profile

PACKAGE_MAPPINGS = Path(__file__).resolve().parent.parent / "data" / "workshop_mappings.yaml"
#: name of the optional project-level file, looked for in ``data/raw/workshops/``
PROJECT_MAPPINGS_NAME = "mappings.yaml"

_FOLD_TABLE = str.maketrans(
    {"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u", "_": " ", ":": " "}
)
_BRACKETS = re.compile(r"[\(\[].*?[\)\]]")
_NON_WORD = re.compile(r"[^0-9a-z+\-]+")
_SPACES = re.compile(r"\s+")


def fold(value: object) -> str:
    """The matching key of a label: lower case, ASCII-ish, no punctuation.

    >>> fold("  Grendemøte   Drevsjø! "), fold("Styrke (1-5)"), fold("+")
    ('grendemote drevsjo', 'styrke', '+')
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).casefold().strip()
    if text in {"+", "-", "–", "—"}:
        return "+" if text == "+" else "-"
    text = _BRACKETS.sub(" ", text).translate(_FOLD_TABLE)
    text = _NON_WORD.sub(" ", text)
    text = re.sub(r"(?<![0-9a-z])[+\-]+|[+\-]+(?![0-9a-z])", " ", text)
    return _SPACES.sub(" ", text).strip()


_LEADING_NUMBER = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)(?:\s*(?:[-–—:.)]|$)|\s+\D)")


@dataclass
class Mappings:
    """Folded alias → canonical id tables. Build with :func:`load_mappings`."""

    groups: dict[str, str] = field(default_factory=dict)
    goals: dict[str, str] = field(default_factory=dict)  # "" = not tied to one goal
    kinds: dict[str, str] = field(default_factory=dict)
    scale_words: dict[str, int] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    profile: Profile | None = None  # the municipality the goals and groups belong to

    # -- single values ---------------------------------------------------
    def group(self, value: object) -> str | None:
        """Canonical group id, or None when unknown."""
        return self.groups.get(fold(value))

    def goal(self, value: object) -> str | None:
        """Canonical goal id, ``""`` for "no particular goal", None when unknown."""
        return self.goals.get(fold(value))

    def kind(self, value: object) -> str | None:
        """Canonical statement kind, or None when unknown."""
        return self.kinds.get(fold(value))

    def column(self, header: object) -> str | None:
        """Which field a column header means (``text``, ``strength``, ``kraft`` ...)."""
        return self.columns.get(fold(header))

    def scale(self, value: object) -> tuple[int | None, str | None]:
        """Parse a 1–5 score: ``(number, None)`` or ``(None, problem)``.

        Numbers, numbers with words ("3 - middels") and words ("høy") are
        accepted; a blank gives ``(None, None)``.
        """
        if value is None:
            return None, None
        text = str(value).strip()
        if not text:
            return None, None
        number: float | None = None
        m = _LEADING_NUMBER.match(text)
        if m:
            number = float(m.group(1).replace(",", "."))
        else:
            word = self.scale_words.get(fold(text))
            if word is not None:
                return word, None
            return None, f"'{text}' is not a number 1–5"
        if number != int(number):
            return None, f"{text} is not a whole number 1–5"
        n = int(number)
        if not 1 <= n <= 5:
            return None, f"{n} is outside 1–5"
        return n, None

    # -- names of files and sheets --------------------------------------
    def _from_name(self, name: str, table: dict[str, str], allow_digits: bool) -> str | None:
        key = fold(name)
        if key in table:
            return table[key]
        tokens = key.split()
        for size in range(len(tokens), 0, -1):
            found = set()
            for start in range(len(tokens) - size + 1):
                gram = " ".join(tokens[start : start + size])
                if not allow_digits and re.fullmatch(r"[\d\s]+", gram):
                    continue
                if gram in table and table[gram]:
                    found.add(table[gram])
            if len(found) == 1:
                return found.pop()
            if len(found) > 1:
                return None
        return None

    def group_from_name(self, name: str) -> str | None:
        """A group id named somewhere in a file or sheet name.

        >>> load_mappings().group_from_name("2021-03-04_grendemote_drevsjo")
        'grendemote:drevsjo'
        """
        return self._from_name(name, self.groups, allow_digits=False)

    def goal_from_name(self, name: str) -> str | None:
        """A goal id named in a sheet or file name (plain numbers are not enough)."""
        return self._from_name(name, self.goals, allow_digits=False)

    def kind_from_name(self, name: str) -> str | None:
        return self._from_name(name, self.kinds, allow_digits=False)


def _add(table: dict, canonical, aliases, what: str, source: str) -> None:
    for alias in aliases or []:
        key = fold(alias)
        if not key:
            continue
        if key in table and table[key] != canonical:
            raise AnalysisError(
                f"the {what} alias '{alias}' is listed under both '{table[key]}' and '{canonical}'",
                file=source,
            )
        table[key] = canonical


def _merge_into(m: Mappings, data: dict, source: str, profile: Profile) -> None:
    if not isinstance(data, dict):
        raise AnalysisError("the mapping file must be a YAML mapping", file=source)
    known_groups, known_goals = set(profile.group_ids), set(profile.goal_ids)
    for gid, aliases in (data.get("groups") or {}).items():
        if str(gid) not in known_groups:
            raise AnalysisError(
                f"the group '{gid}' is not in the municipality profile; add it to profile.yaml "
                "(groups or villages) before giving it more spellings here",
                file=source,
            )
        _add(m.groups, str(gid), [gid, *(aliases or [])], "group", source)
    for gid, aliases in (data.get("goals") or {}).items():
        if gid != "_none" and str(gid) not in known_goals:
            raise AnalysisError(f"the goal '{gid}' is not in the municipality profile (profile.yaml)", file=source)
        canonical = "" if gid == "_none" else str(gid)
        _add(m.goals, canonical, ([] if gid == "_none" else [gid]) + list(aliases or []), "goal", source)
    for kid, aliases in (data.get("kinds") or {}).items():
        _add(m.kinds, str(kid), [kid, *(aliases or [])], "kind", source)
    for score, aliases in (data.get("scale_words") or {}).items():
        _add(m.scale_words, int(score), aliases, "scale word", source)
    for col, aliases in (data.get("columns") or {}).items():
        _add(m.columns, str(col), aliases, "column", source)


def _base(profile: Profile) -> Mappings:
    """The municipality's goals and groups with their aliases (from the profile), and the statement kinds."""
    m = Mappings(profile=profile)
    for alias, gid in profile.group_aliases:
        _add(m.groups, gid, [alias], "group", "the municipality profile")
    for alias, gid in profile.goal_aliases:
        _add(m.goals, gid, [alias], "goal", "the municipality profile")
    for kid, label in vocab.KIND_LABELS.items():
        _add(m.kinds, kid, [kid, label], "kind", "built-in")
    return m


@functools.lru_cache(maxsize=8)
def _load_cached(paths: tuple[str, ...], stamps: tuple[float, ...], profile: Profile) -> Mappings:
    m = _base(profile)
    for p in paths:
        try:
            data = yaml.safe_load(Path(p).read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise AnalysisError(f"the mapping file is not valid YAML: {exc}", file=p) from exc
        _merge_into(m, data, p, profile)
    m.sources = paths
    return m


def load_mappings(project_file: str | Path | None = None, profile: Profile | None = None) -> Mappings:
    """The municipality's words (profile), the package mappings, and ``project_file`` if it exists.

    ``project_file`` is e.g. ``data/raw/workshops/mappings.yaml`` (more spellings for the analyst to
    add without editing the package). Returns a :class:`Mappings`; does not mutate anything. Cached
    per file version and profile.
    """
    paths = [str(PACKAGE_MAPPINGS)]
    if project_file is not None and Path(project_file).is_file():
        paths.append(str(Path(project_file).resolve()))
    stamps = tuple(Path(p).stat().st_mtime for p in paths)
    return _load_cached(tuple(paths), stamps, profile or load_profile())
