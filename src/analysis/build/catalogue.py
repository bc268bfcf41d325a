"""The report catalogue: a YAML file listing every report, validated on load.

The file has two parts:

``notebooks``
    fields shared by every report made from one notebook (``shareable``, ``allow_quotes``,
    ``inputs``, ``sources``), declared once;
``reports``
    one entry per report, or one entry that *expands* over a list with ``for_each``: each item
    is a mapping of variables that fill ``{name}`` placeholders in ``id``, ``title``, ``output``,
    ``parameters`` and ``sources`` (a parameter written exactly as ``"{name}"`` takes the
    variable's value with its type, e.g. a list). One entry for all stakeholder groups, one for
    all pilot municipalities -- the way cal-itp's portfolio expands ``params``.

:func:`load_catalogue` expands the entries, merges the shared fields and checks the result with
pydantic; an error names the entry (by its ``id`` or position), the expansion item and the field.
The expanded catalogue is what ``analysis list-reports`` shows and what the build runs. Whether a
notebook declares an entry's parameters is checked by :mod:`analysis.build.parameters` before any
kernel starts.
"""

from __future__ import annotations

import fnmatch
import glob
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from analysis import paths
from analysis.errors import AnalysisError
from analysis.fileio import load_yaml
from analysis.profile import Profile, load_profile

#: Fields a ``notebooks:`` block may share with every report of that notebook.
SHARED_FIELDS = ("shareable", "allow_quotes", "inputs", "sources", "requires", "optional", "category", "start_here")
#: The data a report may require; the build checks them before starting a kernel.
REQUIREMENTS = ("population", "workshops", "survey")
#: Fields where ``{name}`` placeholders are filled from a ``for_each`` item.
TEMPLATED_FIELDS = ("id", "title", "output", "parameters", "sources", "links")

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_STEM_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ReportEntry(BaseModel):
    """One report in the catalogue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str = Field(min_length=1)
    notebook: str
    output: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    shareable: bool = False
    allow_quotes: bool = False
    inputs: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    links: dict[str, str] = Field(default_factory=dict)  # key (e.g. "population") → id of another report
    requires: list[Literal["population", "workshops", "survey"]] = Field(default_factory=list)
    optional: bool = False  # missing required data is "waiting for data", not an error
    category: str = ""  # the index's section for readers (e.g. "Befolkning"); empty: "Andre rapporter"
    start_here: bool = False  # the index points readers here first (the overview)

    @field_validator("id")
    @classmethod
    def _check_id(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError("must be lower-case letters, digits and dashes, e.g. 'befolkning-engerdal'")
        return v

    @field_validator("output")
    @classmethod
    def _check_output(cls, v: str) -> str:
        if not _STEM_RE.match(v) or v.endswith((".html", ".ipynb")):
            raise ValueError("must be a plain file name stem without folder or extension, e.g. 'befolkning-engerdal'")
        if v == "index":
            raise ValueError("'index' is reserved for reports/index.html")
        return v

    @field_validator("notebook")
    @classmethod
    def _check_notebook(cls, v: str) -> str:
        if not v.endswith(".ipynb"):
            raise ValueError("must name a .ipynb file in notebooks/")
        return v

    def notebook_path(self, root: Path | None = None) -> Path:
        base = (root or paths.project_root()) / "notebooks"
        return (base / self.notebook).resolve()

    def input_files(self) -> list[Path]:
        """The files matched by ``inputs`` (placeholders expanded, globs resolved), sorted."""
        values = {
            "data": str(paths.data_dir()),
            "raw": str(paths.raw_dir()),
            "processed": str(paths.processed_dir()),
            "ssb": str(paths.ssb_dir()),
            "root": str(paths.project_root()),
        }
        found: set[Path] = set()
        for pattern in self.inputs:
            try:
                expanded = pattern.format(**values)
            except (KeyError, IndexError) as exc:  # validated on load; defensive
                raise AnalysisError(f"report '{self.id}': unknown placeholder {exc} in inputs") from None
            if not Path(expanded).is_absolute():
                expanded = str(paths.project_root() / expanded)
            found.update(Path(p) for p in glob.glob(expanded, recursive=True) if Path(p).is_file())
        return sorted(found)

    @model_validator(mode="after")
    def _check_inputs(self) -> ReportEntry:
        for pattern in self.inputs:
            for name in re.findall(r"{([^}]*)}", pattern):
                if name not in {"data", "raw", "processed", "ssb", "root"}:
                    raise ValueError(f"inputs: unknown placeholder {{{name}}} in {pattern!r}")
        return self


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reports: list[ReportEntry] = Field(default_factory=list)

    @field_validator("reports", mode="before")
    @classmethod
    def _none_is_empty(cls, v: Any) -> Any:
        return [] if v is None else v

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        for attr in ("id", "output"):
            seen: dict[str, int] = {}
            for i, entry in enumerate(self.reports):
                key = getattr(entry, attr)
                if key in seen:
                    raise ValueError(
                        f"reports[{i}] ({entry.id}): {attr} '{key}' is used twice (also by entry {seen[key]})"
                    )
                seen[key] = i
        by_id = {e.id: e for e in self.reports}
        for i, entry in enumerate(self.reports):
            for key, target in entry.links.items():
                if target not in by_id:
                    raise ValueError(
                        f"reports[{i}] ({entry.id}): links.{key} names the report '{target}', "
                        "which is not in the catalogue"
                    )
                if entry.shareable and not by_id[target].shareable:
                    raise ValueError(
                        f"reports[{i}] ({entry.id}): links.{key} points at the internal report "
                        f"'{target}'; a shareable report may link only to shareable reports "
                        "(the link would break in the share bundle)"
                    )
        return self

    def get(self, report_id: str) -> ReportEntry | None:
        """The entry with this id, or ``None``."""
        return next((e for e in self.reports if e.id == report_id), None)

    def select(self, pattern: str | None) -> list[ReportEntry]:
        """Entries whose id matches the shell-style ``pattern`` (all when None).

        Several patterns may be given separated by commas.
        """

        if not pattern:
            return list(self.reports)
        pats = [p.strip() for p in pattern.split(",") if p.strip()]
        return [e for e in self.reports if any(fnmatch.fnmatchcase(e.id, p) for p in pats)]


class SharedFields(BaseModel):
    """Fields shared by every report of one notebook (``notebooks:`` in the catalogue)."""

    model_config = ConfigDict(extra="forbid")

    shareable: bool | None = None
    allow_quotes: bool | None = None
    inputs: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    requires: list[Literal["population", "workshops", "survey"]] = Field(default_factory=list)
    optional: bool | None = None
    category: str | None = None
    start_here: bool | None = None


_PLACEHOLDER = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)}")


def _fill(value: Any, variables: dict[str, Any], where: str) -> Any:
    """Fill ``{name}`` placeholders in ``value`` (strings, lists and mappings, recursively)."""
    if isinstance(value, str):
        whole = _PLACEHOLDER.fullmatch(value)
        if whole and whole.group(1) in variables:
            return variables[whole.group(1)]
        for name in _PLACEHOLDER.findall(value):
            if name not in variables:
                known = ", ".join(sorted(variables)) or "none"
                raise ValueError(f"{where}: unknown variable {{{name}}} (the for_each item has {known})")
        return _PLACEHOLDER.sub(lambda m: str(variables[m.group(1)]), value)
    if isinstance(value, list):
        return [_fill(v, variables, where) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, variables, f"{where}.{k}") for k, v in value.items()}
    return value


def slug(text: str) -> str:
    """A file-name and id friendly form: ``"grendemote:engerdal_sentrum"`` → ``"grendemote-engerdal-sentrum"``.

    >>> slug("grendemote:engerdal_sentrum"), slug("Sør-Aurdal"), slug("Nord-Fron")
    ('grendemote-engerdal-sentrum', 'sor-aurdal', 'nord-fron')
    """
    text = text.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a", "á": "a", "č": "c", "š": "s"}))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def profile_variables(profile: Profile) -> dict[str, Any]:
    """Variables every entry may use: ``{kommune}``, ``{kommunenummer}``, ``{kommune_slug}``, ``{alder}``."""
    lo, hi = profile.survey.ages
    return {
        "alder": f"{lo}–{hi}",
        "kommune": profile.kommune.name,
        "kommunenummer": profile.kommune.number,
        "kommune_slug": slug(profile.kommune.name),
    }


def group_items(profile: Profile) -> list[dict[str, Any]]:
    """``for_each: groups``: one item per stakeholder group and village meeting of the profile.

    ``{label}`` is the group's label («Grendemøte Drevsjø»), ``{title}`` its name as a title in natural
    form («Grendemøtet i Drevsjø»), which report titles use.
    """
    return [
        {"group": gid, "slug": slug(gid), "label": label, "title": profile.group_titles[gid]}
        for gid, label in profile.group_labels.items()
    ]


def expand_entries(raw: dict[str, Any], profile: Profile | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """The catalogue's entries with ``for_each`` expanded and shared fields merged.

    ``for_each`` is a list of mappings of variables, or ``groups``: every group and village meeting in
    the profile. The profile's ``{kommune}``, ``{kommunenummer}``, ``{kommune_slug}`` and ``{alder}`` (the
    survey's ages) may be used in
    every entry. Returns ``(entries, labels)``: plain dicts for :class:`ReportEntry` and, for each,
    where it came from (``"entry 3 (id 'befolkning-{slug}'), item 2"``) for error messages. Raises
    :class:`ValueError` naming the entry when an item or placeholder is wrong.
    """
    globals_ = profile_variables(profile) if profile is not None else {}
    shared_raw = raw.get("notebooks") or {}
    if not isinstance(shared_raw, dict):
        raise ValueError("notebooks: must be a mapping of notebook file → shared fields")
    shared: dict[str, dict[str, Any]] = {}
    for name, fields in shared_raw.items():
        try:
            shared[str(name)] = SharedFields.model_validate(fields or {}).model_dump(exclude_defaults=True)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {_message(e)}" for e in exc.errors())
            raise ValueError(f"notebooks.{name}: {problems}") from None
    entries: list[dict[str, Any]] = []
    labels: list[str] = []
    for i, entry in enumerate(raw.get("reports") or []):
        label = f"entry {i + 1}" + (f" (id '{entry.get('id')}')" if isinstance(entry, dict) and entry.get("id") else "")
        if not isinstance(entry, dict):
            raise ValueError(f"{label}: must be a mapping of fields")
        base = {**shared.get(str(entry.get("notebook")), {}), **{k: v for k, v in entry.items() if k != "for_each"}}
        items = entry.get("for_each")
        if items is None:
            items = [{}]
        elif items == "groups":
            if profile is None:
                raise ValueError(f"{label}, field 'for_each': 'groups' needs the municipality profile")
            items = group_items(profile)
            if not items:
                continue  # a profile without groups: no per-group reports
        elif not isinstance(items, list) or not items:
            raise ValueError(
                f"{label}, field 'for_each': must be a non-empty list of mappings of variables, or 'groups'"
            )
        for k, variables in enumerate(items, start=1):
            where = f"{label}, for_each item {k}" if entry.get("for_each") is not None else label
            if not isinstance(variables, dict) or (not variables and entry.get("for_each") is not None):
                raise ValueError(f"{where}: must be a mapping of variables, e.g. {{group: ungdomsradet}}")
            expanded = dict(base)
            for fld in TEMPLATED_FIELDS:
                if fld in expanded:
                    expanded[fld] = _fill(expanded[fld], {**globals_, **variables}, f"{where}, field '{fld}'")
            entries.append(expanded)
            labels.append(where)
    return entries, labels


def _message(err: dict) -> str:
    if err.get("type") == "extra_forbidden":
        return "unknown field (check the spelling; see the comment at the top of the catalogue)"
    if err.get("type") == "missing":
        return "required field is missing"
    return str(err.get("msg", "invalid"))


def _describe_error(labels: list[str], err: dict) -> str:
    loc = list(err.get("loc", ()))
    where = ".".join(str(x) for x in loc) or "(top level)"
    if len(loc) >= 2 and loc[0] == "reports" and isinstance(loc[1], int):
        idx = loc[1]
        field = ".".join(str(x) for x in loc[2:]) or "(entry)"
        where = f"{labels[idx] if idx < len(labels) else f'entry {idx + 1}'}, field '{field}'"
    return f"{where}: {_message(err)}"


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read, expand and validate the catalogue; raise :class:`AnalysisError` listing every problem."""
    path = Path(path) if path else paths.catalogue_path()
    if not path.is_file():
        raise AnalysisError("the report catalogue does not exist", file=path)
    try:
        raw = load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise AnalysisError(f"not valid YAML: {exc}", file=path) from None
    if not isinstance(raw, dict):
        raise AnalysisError("the catalogue must be a mapping with a 'reports' list", file=path)
    unknown = sorted(set(raw) - {"notebooks", "reports"})
    if unknown:
        raise AnalysisError(
            f"the report catalogue is not valid:\n  - {', '.join(unknown)}: unknown top-level field "
            "(the catalogue has 'notebooks' and 'reports')",
            file=path,
        )
    try:
        # The profile is validated here, before any kernel starts (a wrong profile stops the build with an
        # error naming the file and field). A project of generic notebooks may have none.
        profile = load_profile() if paths.profile_path().is_file() else None
        entries, labels = expand_entries(raw, profile)
    except ValueError as exc:
        raise AnalysisError(f"the report catalogue is not valid:\n  - {exc}", file=path) from None
    try:
        return Catalogue.model_validate({"reports": entries})
    except ValidationError as exc:
        problems = [_describe_error(labels, e) for e in exc.errors()]
        raise AnalysisError("the report catalogue is not valid:\n  - " + "\n  - ".join(problems), file=path) from None
