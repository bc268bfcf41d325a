"""The report catalogue: a YAML file listing every report, validated on load.

Validation happens in two steps, both before any kernel starts:

1. :func:`load_catalogue` checks the file's structure with pydantic; an error
   names the entry (by its ``id`` or position) and the field.
2. :func:`check_parameters` asks papermill to inspect the notebook's
   ``parameters`` cell: a parameter the notebook does not declare, or a
   declared parameter without a default that the entry does not give, is an
   error.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from analysis import paths
from analysis.errors import AnalysisError

# Parameters the build passes to every notebook that declares them.
BUILD_PARAMETERS = ("shareable", "allow_quotes")

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
    def _check_inputs(self) -> "ReportEntry":
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
    def _unique(self) -> "Catalogue":
        for attr in ("id", "output"):
            seen: dict[str, int] = {}
            for i, entry in enumerate(self.reports):
                key = getattr(entry, attr)
                if key in seen:
                    raise ValueError(f"reports[{i}] ({entry.id}): {attr} '{key}' is used twice (also by entry {seen[key]})")
                seen[key] = i
        return self

    def select(self, pattern: str | None) -> list[ReportEntry]:
        """Entries whose id matches the shell-style ``pattern`` (all when None).

        Several patterns may be given separated by commas.
        """
        import fnmatch

        if not pattern:
            return list(self.reports)
        pats = [p.strip() for p in pattern.split(",") if p.strip()]
        return [e for e in self.reports if any(fnmatch.fnmatchcase(e.id, p) for p in pats)]


def _describe_error(path: Path, raw: dict, err: dict) -> str:
    loc = list(err.get("loc", ()))
    where = ".".join(str(x) for x in loc) or "(top level)"
    if len(loc) >= 2 and loc[0] == "reports" and isinstance(loc[1], int):
        idx = loc[1]
        entries = raw.get("reports") or []
        rid = entries[idx].get("id") if idx < len(entries) and isinstance(entries[idx], dict) else None
        field = ".".join(str(x) for x in loc[2:]) or "(entry)"
        label = f"entry {idx + 1}" + (f" (id '{rid}')" if rid else "")
        where = f"{label}, field '{field}'"
    msg = err.get("msg", "invalid")
    if err.get("type") == "extra_forbidden":
        msg = "unknown field (check the spelling; see the comment at the top of the catalogue)"
    elif err.get("type") == "missing":
        msg = "required field is missing"
    return f"{where}: {msg}"


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate the catalogue; raise :class:`AnalysisError` listing every problem."""
    import yaml

    path = Path(path) if path else paths.catalogue_path()
    if not path.is_file():
        raise AnalysisError("the report catalogue does not exist", file=path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise AnalysisError(f"not valid YAML: {exc}", file=path) from None
    if not isinstance(raw, dict):
        raise AnalysisError("the catalogue must be a mapping with a 'reports' list", file=path)
    try:
        return Catalogue.model_validate(raw)
    except ValidationError as exc:
        problems = [_describe_error(path, raw, e) for e in exc.errors()]
        raise AnalysisError(
            "the report catalogue is not valid:\n  - " + "\n  - ".join(problems), file=path
        ) from None


def notebook_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares, from papermill's own inspection.

    Returns ``{name: {"default": str | None, "type": str}}``. A *required*
    parameter (no usable default) is declared with a type annotation and the
    value ``None`` -- ``kommunenummer: str = None`` -- and gets ``default``
    ``None``; an unannotated ``peers = None`` is an ordinary optional default.
    """
    import json

    from papermill import inspect_notebook

    if not notebook.is_file():
        raise AnalysisError("the notebook does not exist", file=notebook)
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (ValueError, UnicodeDecodeError) as exc:
        raise AnalysisError(f"the notebook is not valid JSON: {exc}", file=notebook) from None
    if not any("parameters" in (c.get("metadata", {}).get("tags") or []) for c in cells):
        raise AnalysisError("the notebook has no cell tagged 'parameters'", file=notebook)
    params = inspect_notebook(str(notebook))
    declared = {}
    for name, p in params.items():
        type_name = str(p["inferred_type_name"])
        required = p["default"] == "None" and type_name not in ("None", "") and not type_name.startswith("Optional")
        declared[name] = {"default": None if required else p["default"], "type": type_name}
    return declared


def check_parameters(entry: ReportEntry, declared: dict[str, dict[str, Any]]) -> list[str]:
    """Problems with an entry's parameters against what the notebook declares (empty = fine)."""
    problems = []
    for name in sorted(entry.parameters):
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            problems.append(
                f"report '{entry.id}': parameter '{name}' is not declared in the parameters cell of "
                f"{entry.notebook} (declared: {known})"
            )
    for name, info in sorted(declared.items()):
        if info["default"] is None and name not in entry.parameters and name not in BUILD_PARAMETERS:
            problems.append(
                f"report '{entry.id}': the notebook declares parameter '{name}' without a default, "
                "and the catalogue entry does not give it"
            )
    return problems


def build_parameters(entry: ReportEntry, declared: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Parameters to inject: the entry's own plus ``shareable``/``allow_quotes`` if declared."""
    params = dict(entry.parameters)
    for name in BUILD_PARAMETERS:
        if name in declared and name not in params:
            params[name] = getattr(entry, name)
    return params
