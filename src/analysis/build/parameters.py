"""Check a report's parameters against its notebook, with papermill's own inspection.

Kept apart from :mod:`analysis.build.catalogue` because it imports papermill (half a second):
a rebuild with nothing to do never needs it.

* :func:`notebook_parameters` asks papermill which parameters a notebook declares;
* :func:`check_parameters` lists what is wrong with an entry's parameters (empty = fine): names the
  notebook does not declare, required ones missing, and values of the wrong type — checked against the
  notebook's declared type (``year: int = 2026``) or, without one, the type of its default
  (``min_cell = 5`` wants a whole number), so a wrong type fails before any kernel starts;
* :func:`build_parameters` is what the build injects: the entry's own parameters plus the
  build parameters (``shareable``, ``allow_quotes``, ``links``) a notebook declares.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

from papermill import inspect_notebook

from analysis.build import links
from analysis.build.catalogue import Catalogue, ReportEntry
from analysis.errors import AnalysisError

#: Parameters the build passes to every notebook that declares them (never set in the catalogue).
BUILD_PARAMETERS = ("shareable", "allow_quotes", "links")


def notebook_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares, from papermill's own inspection.

    Returns ``{name: {"default": str | None, "type": str}}``. A *required*
    parameter (no usable default) is declared with a type annotation and the
    value ``None`` -- ``kommunenummer: str = None`` -- and gets ``default``
    ``None``; an unannotated ``peers = None`` is an ordinary optional default.
    """

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
    if entry.links and "links" not in declared:
        problems.append(
            f"report '{entry.id}': the catalogue gives it links to other reports, but {entry.notebook} "
            "declares no 'links' parameter"
        )
    for name in sorted(set(entry.parameters) & set(BUILD_PARAMETERS)):
        problems.append(f"report '{entry.id}': '{name}' is set by the build; remove it from the entry's parameters")
    for name, info in sorted(declared.items()):
        if info["default"] is None and name not in entry.parameters and name not in BUILD_PARAMETERS:
            problems.append(
                f"report '{entry.id}': the notebook declares parameter '{name}' without a default, "
                "and the catalogue entry does not give it"
            )
    for name in sorted(set(entry.parameters) & set(declared)):
        problem = type_problem(entry.parameters[name], declared[name])
        if problem:
            problems.append(f"report '{entry.id}': parameter '{name}' {problem} ({entry.notebook})")
    return problems


#: what a declared type accepts, and how a user reads it
_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "str": ((str,), "text"),
    "int": ((int,), "a whole number"),
    "float": ((int, float), "a number"),
    "bool": ((bool,), "true or false"),
    "list": ((list, tuple), "a list"),
    "tuple": ((list, tuple), "a list"),
    "dict": ((dict,), "a mapping"),
}


def _describe(value: Any) -> str:
    names = {
        bool: "true/false",
        int: "a whole number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
    }
    return f"{value!r} ({names.get(type(value), type(value).__name__)})"


def type_problem(value: Any, info: dict[str, Any]) -> str | None:
    """Why ``value`` does not fit a declared parameter, or None.

    The type is the notebook's annotation (``str``, ``int``, ``Optional[int]``, ``list[str]``, ``int | None``)
    or, without one, the type of the default value (``min_cell = 5``). A parameter whose default is
    ``None`` and has no annotation takes anything.

    >>> type_problem("5", {"type": "None", "default": "5"})
    "should be a whole number like the notebook's default 5, but the catalogue gives '5' (text)"
    >>> type_problem(5, {"type": "None", "default": "5"}) is None, type_problem(None, {"type": "Optional[int]", "default": "None"})
    (True, None)
    """
    declared = str(info.get("type") or "None")
    optional = False
    base = None
    if declared not in ("None", ""):
        inner = re.sub(r"^Optional\[(.*)\]$", r"\1", declared.strip())
        optional = inner != declared.strip() or bool(re.search(r"\bNone\b", inner))
        parts = [p.strip() for p in inner.split("|") if p.strip() and p.strip() != "None"]
        base = parts[0].split("[")[0].strip().lower() if len(parts) == 1 else None
        how = f"should be {_TYPES[base][1]} (declared '{declared}')" if base in _TYPES else ""
    else:
        default = info.get("default")
        try:
            literal = ast.literal_eval(default) if isinstance(default, str) else None
        except (ValueError, SyntaxError):
            literal = None
        if literal is None:
            return None
        base = type(literal).__name__
        optional = False
        how = f"should be {_TYPES[base][1]} like the notebook's default {default}" if base in _TYPES else ""
    if base not in _TYPES:
        return None
    if value is None:
        return None if optional or info.get("default") in (None, "None") else f"{how}, but the catalogue gives nothing"
    accepted, _ = _TYPES[base]
    if isinstance(value, bool) and base != "bool":
        return f"{how}, but the catalogue gives {_describe(value)}"
    if isinstance(value, accepted):
        return None
    return f"{how}, but the catalogue gives {_describe(value)}"


def build_parameters(
    entry: ReportEntry, declared: dict[str, dict[str, Any]], catalogue: Catalogue | None = None
) -> dict[str, Any]:
    """Parameters to inject: the entry's own, plus ``shareable``/``allow_quotes``/``links`` if declared.

    ``links`` maps each key of the entry's ``links`` field to the linked report's title and file
    (``{"population": {"title": ..., "href": "befolkningsutvikling-engerdal.html"}}``).
    """
    params = dict(entry.parameters)
    for name in BUILD_PARAMETERS:
        if name in declared and name not in params:
            params[name] = resolve_links(entry, catalogue) if name == "links" else getattr(entry, name)
    return params


def resolve_links(entry: ReportEntry, catalogue: Catalogue | None) -> dict[str, dict[str, str]]:
    """The reports ``entry`` links to, as ``{key: {"title", "href"}}`` (see :mod:`analysis.build.links`)."""
    return links.resolve(entry, catalogue) if catalogue is not None else {}
