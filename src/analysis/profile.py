"""The municipality profile: a municipality's own facts in one YAML file (``profile.yaml``).

Everything that makes a report Engerdal's (or Grue's, or Trysil's) lives in the profile, never in
library code: the municipality's number and name, the council's goals (label, aliases for reading
notes, the indicator each is measured by, the target where the council set one), the stakeholder
groups and villages with their aliases, the municipalities it is compared with, and the survey's age
range and bands. ``analysis init`` writes a profile pre-filled from the SSB snapshot.

The file is validated with pydantic when it is read; an error names the file and the field
(``goals[2].target: a target needs a year``) before any kernel starts.

>>> p = Profile.model_validate({"kommune": {"number": "3425", "name": "Engerdal"},
...     "goals": [{"id": "innbyggertall", "label": "Økt innbyggertall",
...                "indicator": {"kind": "population_total"}, "target": {"value": 1300, "year": 2030}}]})
>>> p.goal_ids, p.population_target()
(('innbyggertall',), Target(value=1300, year=2030))
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from analysis import lineage, paths
from analysis.errors import AnalysisError
from analysis.fileio import load_yaml
from analysis.vocab import VILLAGE_PREFIX

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_REGION = re.compile(r"^\d{4}$")
_FOLD_TABLE = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u"})


def fold_alias(text: str) -> str:
    """How aliases are compared for duplicates: lower case, æøå as ae/o/a, words only.

    >>> fold_alias("  Grendemøte  Drevsjø! ")
    'grendemote drevsjo'
    """
    text = unicodedata.normalize("NFC", str(text)).casefold().translate(_FOLD_TABLE)
    return " ".join(re.sub(r"[^0-9a-z+\-]+", " ", text).split())


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Model):
    """A target the council set: the indicator's value by 1 January of ``year``."""

    value: int | float
    year: int = Field(ge=2000, le=2100)

    @model_validator(mode="before")
    @classmethod
    def _needs_year(cls, data: object) -> object:
        if isinstance(data, dict) and "value" in data and "year" not in data:
            raise ValueError("a target needs a year (the target is reached by 1 January of that year)")
        return data


class Indicator(_Model):
    """How a goal is measured.

    * ``population_total`` — inhabitants on 1 January (SSB 07459);
    * ``women_per_100_men`` — women per 100 men in ``ages`` (default 20–39);
    * ``age_bands`` — inhabitants in each of ``bands`` (default 0–19 and 20–39);
    * ``survey_share`` — the weighted share of residents answering one of ``values`` to the survey
      question ``item`` (default: satisfied, 4 or 5, with living in the municipality).
    """

    kind: Literal["population_total", "women_per_100_men", "age_bands", "survey_share"]
    ages: tuple[int, int] = (20, 39)
    bands: tuple[tuple[int, int], ...] = ((0, 19), (20, 39))
    item: str = "sat_overall"
    values: tuple[int, ...] = (4, 5)


class _WithId(_Model):
    id: str

    @field_validator("id")
    @classmethod
    def _check_id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("an id is lower-case letters, digits and _, starting with a letter (e.g. 'innbyggertall')")
        return v


class Goal(_WithId):
    label: str = Field(min_length=1)
    short: str | None = None  # the goal in running text ("flere kvinner"); default: the label in lower case
    aliases: tuple[str, ...] = ()
    indicator: Indicator | None = None
    target: Target | None = None

    @property
    def in_text(self) -> str:
        """The goal as it reads inside a sentence."""
        return self.short or (self.label[:1].lower() + self.label[1:])

    @model_validator(mode="after")
    def _target_has_indicator(self) -> Goal:
        if self.target is not None and self.indicator is None:
            raise ValueError("a goal with a target needs an indicator that measures it")
        return self


class Group(_WithId):
    """A stakeholder group that held a workshop (``label`` as readers see it)."""

    label: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()


class Village(_WithId):
    """A village (grend) that held a village meeting; its group id is ``grendemote:<id>``."""

    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()

    @property
    def group_id(self) -> str:
        return f"{VILLAGE_PREFIX}{self.id}"

    @property
    def label(self) -> str:
        return f"Grendemøte {self.name}"

    @property
    def title(self) -> str:
        """The village meeting's name in its natural form, as a title: «Grendemøtet i Drevsjø»."""
        return f"Grendemøtet i {self.name}"


#: The stakeholder groups most municipalities hold workshops with: the working group and the councils
#: every municipality must have (kommuneloven § 5-12: eldreråd, råd for personer med funksjonsnedsettelse,
#: ungdomsråd), and the municipal council. ``analysis init`` writes them into a new profile.
STANDARD_GROUPS: tuple[Group, ...] = (
    Group(id="arbeidsgruppe", label="Arbeidsgruppen", aliases=("arbeidsgruppa", "prosjektgruppa", "prosjektgruppen")),
    Group(id="kommunestyret", label="Kommunestyret", aliases=("kommunestyre", "kommunestyremedlemmer")),
    Group(id="ungdomsradet", label="Ungdomsrådet", aliases=("ungdomsråd", "ungdommens kommunestyre")),
    Group(id="eldreradet", label="Eldrerådet", aliases=("eldreråd", "eldres råd", "seniorrådet")),
    Group(
        id="funksjonshemmede",
        label="Rådet for personer med funksjonsnedsettelse",
        aliases=("rådet for personer med funksjonsnedsetting", "funksjonshemmedes råd"),
    ),
)


class Kommune(_Model):
    number: str
    name: str = Field(min_length=1)
    county: str | None = None

    @field_validator("number", mode="before")
    @classmethod
    def _check_number(cls, v: object) -> str:
        text = str(v).strip()
        if len(text) == 3 and text.isdigit():
            text = "0" + text
        if not _REGION.match(text):
            raise ValueError("a kommunenummer has 4 digits, e.g. '0301' (write it in quotes)")
        return text


class Survey(_Model):
    """The survey's population: the age range asked and the age bands it is weighted by."""

    ages: tuple[int, int] = (18, 40)
    bands: tuple[tuple[int, int], ...] = ((18, 24), (25, 29), (30, 34), (35, 40))

    @model_validator(mode="after")
    def _bands_cover_the_ages(self) -> Survey:
        lo, hi = self.ages
        if lo > hi:
            raise ValueError("ages: the first age must not be above the last")
        if not self.bands or self.bands[0][0] != lo or self.bands[-1][1] != hi:
            raise ValueError(f"bands must run from {lo} to {hi} (the survey's ages)")
        for (a_lo, a_hi), (b_lo, _) in zip(self.bands, self.bands[1:]):
            if a_lo > a_hi or b_lo != a_hi + 1:
                raise ValueError("bands must follow each other without gaps or overlaps, e.g. [[18, 24], [25, 29]]")
        return self


class Profile(_Model):
    kommune: Kommune
    goals: tuple[Goal, ...] = ()
    groups: tuple[Group, ...] = ()
    villages: tuple[Village, ...] = ()
    peers: tuple[str, ...] = ()
    peers_are: str = "sammenligningskommuner"  # what the peers are, in a sentence ("pilotkommuner, nabokommuner")
    places: tuple[str, ...] = ()  # other local place names (lakes, mountains, neighbours) kept by the name scrubber
    survey: Survey = Survey()

    @field_validator("peers", mode="before")
    @classmethod
    def _peers_as_text(cls, v: object) -> object:
        return [str(x).strip() for x in v] if isinstance(v, list | tuple) else v

    @model_validator(mode="after")
    def _unique(self) -> Profile:
        for what, items in (("goals", self.goals), ("groups", self.groups), ("villages", self.villages)):
            seen: set[str] = set()
            for item in items:
                if item.id in seen:
                    raise ValueError(f"{what}: the id '{item.id}' is used twice")
                seen.add(item.id)
        for what, owners in (("goal", self._goal_aliases()), ("group", self._group_aliases())):
            folded: dict[str, str] = {}
            for alias, owner in owners:
                key = fold_alias(alias)
                if key in folded and folded[key] != owner:
                    raise ValueError(
                        f"the {what} alias '{alias}' is given for both '{folded[key]}' and '{owner}'; "
                        "an alias must name one thing"
                    )
                folded[key] = owner
        return self

    def _goal_aliases(self) -> list[tuple[str, str]]:
        out = []
        for n, g in enumerate(self.goals, start=1):
            out += [(a, g.id) for a in (g.id, g.label, *g.aliases)]
            out += [(f"{word} {n}", g.id) for word in ("mål", "mål nr", "hovedmål")] + [(str(n), g.id)]
        return out

    def _group_aliases(self) -> list[tuple[str, str]]:
        out = []
        for g in self.groups:
            out += [(a, g.id) for a in (g.id, g.label, *g.aliases)]
        for v in self.villages:
            automatic = (f"Grendemøte {v.name}", v.name, f"{v.name} grendemøte", v.group_id)
            out += [(a, v.group_id) for a in (*automatic, *v.aliases)]
        return out

    # -------------------------------------------------------------- what the rest of the package asks

    @property
    def goal_ids(self) -> tuple[str, ...]:
        return tuple(g.id for g in self.goals)

    @property
    def goal_labels(self) -> dict[str, str]:
        return {g.id: g.label for g in self.goals}

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.goals if g.id == goal_id), None)

    @property
    def group_labels(self) -> dict[str, str]:
        """Every group id (workshop groups first, then village meetings) → its label."""
        return {**{g.id: g.label for g in self.groups}, **{v.group_id: v.label for v in self.villages}}

    @property
    def group_titles(self) -> dict[str, str]:
        """Every group id → its name as a title in natural form («Ungdomsrådet», «Grendemøtet i Drevsjø»)."""
        return {**{g.id: g.label for g in self.groups}, **{v.group_id: v.title for v in self.villages}}

    @property
    def group_ids(self) -> tuple[str, ...]:
        return tuple(self.group_labels)

    @property
    def goal_aliases(self) -> list[tuple[str, str]]:
        """``(alias, goal id)`` for reading notes: ids, labels, aliases and "Mål 1" … by position."""
        return self._goal_aliases()

    @property
    def group_aliases(self) -> list[tuple[str, str]]:
        """``(alias, group id)`` for reading notes: ids, labels, aliases; villages also by name."""
        return self._group_aliases()

    @property
    def place_names(self) -> tuple[str, ...]:
        """The municipality's own place names (never taken for a person's name)."""
        names = [self.kommune.name, *(v.name for v in self.villages), *self.places]
        names += [a for v in self.villages for a in v.aliases]
        words = (w for n in names for w in str(n).split() if w[:1].isupper())
        return tuple(dict.fromkeys(w for w in words if fold_alias(w) != "grendemote"))

    def goal_target(self, goal_id: str) -> Target | None:
        goal = self.goal(goal_id)
        return goal.target if goal is not None else None

    def population_target(self) -> Target | None:
        """The council's target for the population, if it set one."""
        for g in self.goals:
            if g.indicator is not None and g.indicator.kind == "population_total" and g.target is not None:
                return g.target
        return None


def _describe(path: Path, err: dict) -> str:
    loc = ".".join(f"[{x}]" if isinstance(x, int) else str(x) for x in err.get("loc", ())).replace(".[", "[")
    if err.get("type") == "extra_forbidden":
        msg = "unknown field (check the spelling)"
    elif err.get("type") == "missing":
        msg = "required field is missing"
    else:
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{loc or '(top level)'}: {msg}"


def parse_profile(data: object, *, source: str | Path = "profile.yaml") -> Profile:
    """Validate an already-read profile (a mapping); :class:`AnalysisError` lists every problem."""
    if not isinstance(data, dict):
        raise AnalysisError("the profile must be a mapping with at least 'kommune'", file=source)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(Path(source), e) for e in exc.errors()]
        raise AnalysisError(
            "the municipality profile is not valid:\n  - " + "\n  - ".join(problems), file=source
        ) from None


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> Profile:
    try:
        data = load_yaml(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise AnalysisError(f"the profile is not valid YAML: {exc}", file=path) from None
    return parse_profile(data, source=path)


def load_profile(path: str | Path | None = None) -> Profile:
    """The municipality profile (``ANALYSIS_PROFILE``, default ``profile.yaml`` in the project), validated.

    Cached per file version; raises :class:`AnalysisError` naming the file when it is missing or wrong.
    """
    path = Path(path) if path is not None else paths.profile_path()
    lineage.record(path)
    if not path.is_file():
        raise AnalysisError(
            "the municipality profile is missing: create it with `analysis init --kommune NNNN` "
            "or point ANALYSIS_PROFILE at one",
            file=path,
        )
    st = path.stat()
    return _load_cached(str(path.resolve()), st.st_mtime_ns, st.st_size)
