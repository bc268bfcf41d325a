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
from rapidfuzz import fuzz, process

from analysis import lineage, vocab
from analysis.errors import AnalysisError
from analysis.fileio import load_yaml
from analysis.profile import Profile, load_profile
from analysis.textrepair import repair_text

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
    if text in {"+", "-", "–", "—", "−", "÷"}:
        return "+" if text == "+" else "-"
    text = _BRACKETS.sub(" ", text).translate(_FOLD_TABLE)
    text = _NON_WORD.sub(" ", text)
    text = re.sub(r"(?<![0-9a-z])[+\-]+|[+\-]+(?![0-9a-z])", " ", text)
    return _SPACES.sub(" ", text).strip()


_LEADING_NUMBER = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)(?:\s*(?:[-–—:.)/]|$)|\s+\D)")
#: tally marks for a score or votes: "xxx", "●●●", "|||| ||", "IIII", "***"
#: a range typed for a score ("4-5", "2–3"): two scores, not one, so it is not read as its first number
_RANGE = re.compile(r"^\s*[1-5]\s*[-–—]\s*[1-5]\s*$")
_TALLY = re.compile(r"^(?:[xX●•|Il*✓✔+]\s*)+$")
_SUM = re.compile(r"^\s*\d{1,3}(?:\s*\+\s*\d{1,3})+\s*$")
#: several goals named in one cell: "1 og 4", "Økt bolyst;Flere kvinnelige innbyggere;"
_CAPITAL_WORD = re.compile(r"(?<![\w])[A-ZÆØÅ]{2,4}(?![\w])")
_GOAL_SPLIT = re.compile(r"\s*(?:[;,/&]|\bog\b|\band\b|\+)\s*")
#: the smallest rapidfuzz ratio at which a misspelt name is taken for a known one (reported as uncertain)
FUZZY_NAME_MIN = 88
#: the smallest rapidfuzz ratio at which an unknown column header is taken for a known one (with a warning)
FUZZY_HEADER_MIN = 85


def tally(text: str) -> int | None:
    """The number of marks in a tally ("xxx" = 3, "|||| ||" = 6), or None when it is no tally.

    >>> tally("xxxx"), tally("●●●"), tally("|||| ||"), tally("IIII"), tally("4")
    (4, 3, 6, 4, None)
    """
    if not text or not _TALLY.match(text):
        return None
    return sum(1 for c in text if not c.isspace())


def small_sum(text: str) -> int | None:
    """``"3+2"`` typed as text = 5; None for anything else."""
    if not _SUM.match(text):
        return None
    return sum(int(p) for p in text.split("+"))


@dataclass
class Mappings:
    """Folded alias → canonical id tables. Build with :func:`load_mappings`."""

    groups: dict[str, str] = field(default_factory=dict)
    goals: dict[str, str] = field(default_factory=dict)  # "" = not tied to one goal
    kinds: dict[str, str] = field(default_factory=dict)
    scale_words: dict[str, int] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    kind_phrases: dict[str, str] = field(default_factory=dict)  # folded phrase → kind
    note_labels: frozenset[str] = frozenset()
    word_forms: dict[str, str] = field(default_factory=dict)  # folded nynorsk/dialect word → bokmål
    sources: tuple[str, ...] = ()
    profile: Profile | None = None  # the municipality the goals and groups belong to

    # -- matching keys ---------------------------------------------------
    def key(self, value: object) -> str:
        """The matching key: repaired text (:func:`analysis.textrepair.repair_text`), :func:`fold`, then
        nynorsk and dialect words in their bokmål form (cached per distinct value)."""
        cache = self._cache("key")
        if isinstance(value, str):
            hit = cache.get(value)
            if hit is not None:
                return hit
        key = self._key(value)
        if isinstance(value, str) and len(cache) < 200_000:
            cache[value] = key
        return key

    def _cache(self, name: str) -> dict:
        caches = self.__dict__.setdefault("_caches", {})
        return caches.setdefault(name, {})

    def _key(self, value: object) -> str:
        key = fold(repair_text(value) if isinstance(value, str) else value)
        if not self.word_forms or not key:
            return key
        words = key.split()
        if not any(w in self.word_forms for w in words):
            return key
        return " ".join(self.word_forms.get(w, w) for w in words)

    # -- single values ---------------------------------------------------
    def group(self, value: object) -> str | None:
        """Canonical group id, or None when unknown."""
        return self.group_match(value)[0]

    def group_match(self, value: object) -> tuple[str | None, str]:
        """``(group id or None, how)``; how is ``exact``, ``name`` (named inside a longer text, e.g.
        "Drevsjø grendemøte") or ``similar`` (a misspelling, rapidfuzz ratio ≥ :data:`FUZZY_NAME_MIN`)."""
        key = self.key(value)
        if key in self.groups:
            return self.groups[key], "exact"
        if not key:
            return None, ""
        found = self._from_name(str(value), self.groups, allow_digits=False)
        if found:
            return found, "name"
        return self._similar(key, self.groups), "similar"

    def goal(self, value: object) -> str | None:
        """Canonical goal id, ``""`` for "no particular goal", None when unknown."""
        return self.goal_match(value)[0]

    def goal_match(self, value: object) -> tuple[str | None, str]:
        """``(goal id, "" for none, or None; how)``: ``exact``, ``name``, ``several`` (two or more goals named:
        read as not tied to one goal) or ``similar`` (misspelt)."""
        key = self.key(value)
        if key in self.goals:
            return self.goals[key], "exact"
        if not key:
            return None, ""
        parts = [p for p in _GOAL_SPLIT.split(str(value)) if p.strip()]
        if len(parts) > 1:
            ids = {self.goals.get(self.key(p)) for p in parts}
            if None not in ids:
                ids.discard("")
                return (ids.pop(), "exact") if len(ids) == 1 else ("", "several")
        found = self._from_name(str(value), self.goals, allow_digits=False)
        if found:
            return found, "name"
        return self._similar(key, self.goals), "similar"

    def kind(self, value: object) -> str | None:
        """Canonical statement kind, or None when unknown ("Delmål 1.1" and "Kraft:" are kinds too)."""
        key = self.key(value)
        if key in self.kinds:
            return self.kinds[key]
        text = str(value).strip().rstrip(":").strip()
        if text in ("+", "-", "–", "—", "−", "÷"):
            return self.kinds.get(fold(text))
        return self._from_name(text, self.kinds, allow_digits=False) if key else None

    def kind_phrase(self, value: object) -> str | None:
        """The kind words and phrases point to ("Det som er bra 👍" → ``kraft``), None when unclear.

        Used where no kind word is written (board sections, question texts, descriptive headers);
        the caller reports it as uncertain.
        """
        text = str(value or "")
        cache = self._cache("kind_phrase")
        if text in cache:
            return cache[text]
        cache[text] = result = self._kind_phrase(text)
        return result

    def _kind_phrase(self, text: str) -> str | None:
        key = self.key(text)
        hits: dict[str, int] = {}
        padded = f" {key} "
        for phrase, kind in self.kind_phrases.items():
            found = (f" {phrase} " in padded) if phrase.isascii() and phrase[:1].isalnum() else (phrase in text)
            if found:
                hits[kind] = hits.get(kind, 0) + 1 + phrase.count(" ")
        if not hits:
            return None
        best = max(hits.values())
        kinds = [k for k, n in hits.items() if n == best]
        return kinds[0] if len(kinds) == 1 else None

    def column(self, header: object) -> str | None:
        """Which field a column header means exactly (``text``, ``strength``, ``kraft`` ...)."""
        return self.columns.get(self.key(header))

    def column_guess(self, header: object) -> tuple[str | None, int, str]:
        """:meth:`_column_guess`, cached per distinct header."""
        cache = self._cache("column_guess")
        text = str(header)
        if text not in cache:
            cache[text] = self._column_guess(header)
        return cache[text]

    def _column_guess(self, header: object) -> tuple[str | None, int, str]:
        """The field a header probably means: ``(field, score 0–100, how)``.

        ``how`` is ``exact`` (a listed spelling), ``contains`` (a listed spelling inside a longer
        header: "Hvor mye kan kommunen selv påvirke?"), ``phrase`` (kind words: "Det som holder oss
        tilbake" → motkraft), ``similar`` (rapidfuzz ratio ≥ :data:`FUZZY_HEADER_MIN`: "Utsang"), or
        ``""`` with field None. Only ``exact`` is certain; the caller weighs the rest against the
        column's contents.
        """
        key = self.key(header)
        if not key and str(header or "").strip() not in ("+", "-", "−", "÷", "–"):
            return None, 0, ""
        if key in self.columns:
            return self.columns[key], 100, "exact"
        raw = str(header).strip()
        if raw in ("+", "-", "−", "÷", "–"):
            return ("kraft" if raw == "+" else "motkraft"), 100, "exact"
        words = key.split()
        found: dict[str, int] = {}
        for size in range(min(len(words), 5), 0, -1):
            for start in range(len(words) - size + 1):
                gram = " ".join(words[start : start + size])
                fld = self.columns.get(gram)
                if fld is not None and fld not in found:
                    found[fld] = size
        if found:
            best = max(found.values())
            flds = [f for f, n in found.items() if n == best]
            if len(flds) == 1:
                return flds[0], 80, "contains"
        phrase = self.kind_phrase(raw)
        if phrase is not None:
            return phrase, 75, "phrase"
        hit = process.extractOne(key, self._column_keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_HEADER_MIN)
        if hit is not None and len(key) >= 4:
            return self.columns[hit[0]], int(hit[1]), "similar"
        return None, 0, ""

    def is_note_label(self, label: object) -> bool:
        """True for the label of a line about the meeting ("Referent", "Til stede", "Neste møte")."""
        return self.key(label) in self.note_labels

    def _column_keys(self) -> list[str]:
        keys = self.__dict__.get("_ckeys")
        if keys is None:
            keys = [k for k in self.columns if len(k) >= 4]
            self.__dict__["_ckeys"] = keys
        return keys

    def _similar(self, key: str, table: dict[str, str]) -> str | None:
        """The id of the alias ``key`` is a misspelling of (ratio ≥ FUZZY_NAME_MIN, at least 5 letters)."""
        if len(key) < 5:
            return None
        choices = [k for k, v in table.items() if v and len(k) >= 5]
        hit = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_NAME_MIN)
        if hit is None:
            return None
        ids = {table[k] for k in choices if fuzz.ratio(key, k) >= hit[1]}
        return ids.pop() if len(ids) == 1 else None

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
        if _RANGE.match(text):
            return None, f"'{text}' is a range, not one score (write one number 1–5)"
        m = _LEADING_NUMBER.match(text)
        if m:
            number = float(m.group(1).replace(",", "."))
        elif (marks := tally(text)) is not None or (marks := small_sum(text)) is not None:
            number = float(marks)
        else:
            word = self.scale_words.get(self.key(text))
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
        key = self.key(name)
        if key in table:
            return table[key]
        # file names join words with - and _: "miro-export-kst-workshop"
        tokens = self.key(re.sub(r"[-_]+", " ", str(name))).split()
        # a two-letter alias ("UR", "ER", "KS") counts only where it is written in capitals: "er" is a word
        capitals = {fold(w) for w in _CAPITAL_WORD.findall(str(name))}
        for size in range(len(tokens), 0, -1):
            found = set()
            for start in range(len(tokens) - size + 1):
                gram = " ".join(tokens[start : start + size])
                if not allow_digits and re.fullmatch(r"[\d\s]+", gram):
                    continue
                if size == 1 and len(gram) <= 2 and gram not in capitals and len(tokens) > 1:
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
    for kid, phrases in (data.get("kind_phrases") or {}).items():
        if kid not in vocab.KINDS:
            raise AnalysisError(f"kind_phrases: '{kid}' is not a statement kind", file=source)
        for phrase in phrases or []:
            text = str(phrase)
            m.kind_phrases[fold(text) if fold(text) else text] = kid
    m.note_labels = m.note_labels | {fold(x) for x in data.get("note_labels") or [] if fold(x)}
    for word, form in (data.get("word_forms") or {}).items():
        m.word_forms[fold(word)] = fold(form)


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
            data = load_yaml(Path(p).read_text(encoding="utf-8")) or {}
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
    if project_file is not None:
        lineage.record(project_file)
    if project_file is not None and Path(project_file).is_file():
        paths.append(str(Path(project_file).resolve()))
    stamps = tuple(Path(p).stat().st_mtime for p in paths)
    return _load_cached(tuple(paths), stamps, profile or load_profile())
